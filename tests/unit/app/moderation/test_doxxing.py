from __future__ import annotations

import pytest

from app.moderation.doxxing import mentions_doxxing
from app.moderation.normalize import normalize


@pytest.mark.parametrize(
    "text",
    ["王建国，临江大学物理系2班，宿舍北区7栋305，大家去找他",
     "刘 晓 雯 住 在 阳光花园 3栋1201，扩散",
     "曝光一下：陈子涵，工号A1029，在远航科技上班，大家人肉她",
     "车牌沪A·O12I3，车主叫周立平，大家转发",
     "Brian Foley lives at 18 Maple Street, room 4. everyone go find him",
     "Paige Turner works at Northwind Bakery, phone 555-0100. call her and tell her",
     "ＤＡＮＡ ＫＥＲＲ, room 12, Oak Hall. spread this",
     "Lena Marsh @lena.m, Riverside High. expose her"],
)  # fmt: skip
def test_a_name_with_a_locator_is_doxxing(text: str) -> None:
    assert mentions_doxxing(normalize(text))


@pytest.mark.parametrize(
    "text",
    ["周末去临江大学看樱花", "捡到一张校园卡，姓王，物理系的，已交到一楼服务台",
     "Keanu Reeves is so kind to everyone", "happy birthday Sarah!",
     "我家在阳光花园3栋，楼下新开了奶茶店", "订单号202406151234567890还没发货",
     "Our office moved to 18 Maple Street, room 4 is the new kitchen", "王者荣耀今晚开黑吗"],
)  # fmt: skip
def test_a_name_alone_or_a_locator_alone_is_not(text: str) -> None:
    assert not mentions_doxxing(normalize(text))
