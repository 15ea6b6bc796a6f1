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


@pytest.mark.parametrize(
    "text",
    ["造谣的那个 Kelly 潘，在 Sunrise Tower 9F 上班，everyone 去她公司",
     "Ryan 欧阳子轩 lives in 3 栋 402，大家去他宿舍敲门",
     "实名举报物业经理黄建国，办公室在服务中心楼203，大家明天一起去堵他",
     "出轨男祝文杰，住锦绣苑6栋1203，去他家楼下拉横幅",
     "Corey Vance, room 12, Birch Hall. he stole my bike. pay him a visit",
     "Mona Fitch, cashier at the Kwik Mart on 5th Ave, nights. go give her a piece of your mind"],
)  # fmt: skip
def test_mixed_names_role_words_and_calls_to_go_there_are_doxxing(text: str) -> None:
    assert mentions_doxxing(normalize(text))


@pytest.mark.parametrize(
    "text",
    ["下个月从 Shanghai 搬去 London，电话卡要先办吗，住学校宿舍还是外面",
     "每天早上闹钟响的时候都在想能不能不去公司，刷手机到半夜",
     "师范专业的，想考小学老师，教育学的书怎么看",
     "Happy birthday Amy 张! see you at the office party on 5 floor",
     "the barista at Bean Bar on 3rd is so nice, go say thanks if you pass by"],
)  # fmt: skip
def test_ordinary_posts_with_places_and_names_are_not(text: str) -> None:
    assert not mentions_doxxing(normalize(text))


@pytest.mark.parametrize(
    ("text", "doxxing"),
    [("渣男 zhou wen bo，江城大学化学系，住西区5栋302，大家去他宿舍问问", True),
     ("曝光 liu jia qi，在华盛公司上班，手机尾号在她朋友圈，扩散", True),
     ("he can go to 江城大学 tomorrow，住西区5栋，大家一起去吃饭", False),
     ("long run 下来体力好多了，住西区5栋的同学一起跑步吗，大家去操场", False)],
)  # fmt: skip
def test_a_pinyin_full_name_in_chinese_text_is_a_name(text: str, doxxing: bool) -> None:
    assert mentions_doxxing(normalize(text)) is doxxing
