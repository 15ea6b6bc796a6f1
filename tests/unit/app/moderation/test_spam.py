from __future__ import annotations

import pytest

from app.moderation.normalize import normalize
from app.moderation.spam import mentions_spam


@pytest.mark.parametrize(
    "text",
    ["兼职日结，一天赚300，私聊", "网贷秒到账，无视黑户，加我详情", "涨粉1万只要¥50，进群",
     "四六级答案保真，扣1私我", "cheap followers, 10k for $15, dm me",
     "guaranteed 500% returns, join our vip group now", "free gift cards, click the link below",
     "ｅａｒｎ $300 a day from home, message me"],
)  # fmt: skip
def test_an_offer_with_a_call_to_act_is_spam(text: str) -> None:
    assert mentions_spam(normalize(text))


@pytest.mark.parametrize(
    "text",
    ["小心刷单诈骗，我同学被骗了两千", "这件外套打折后199元，还挺值", "我在找兼职，有推荐的吗",
     "my loan finally got approved, so relieved", "the casino scene in that film was great",
     "I paid $15 for lunch, campus food is pricey"],
)  # fmt: skip
def test_an_offer_or_a_price_alone_is_not(text: str) -> None:
    assert not mentions_spam(normalize(text))
