from __future__ import annotations

import pytest

from app.moderation.filters import FilterSet, default_rules
from app.moderation.normalize import normalize
from app.moderation.spam import mentions_spam
from app.moderation.wordlists import FRAUD, SPAM, default_allowlist, default_terms


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


@pytest.mark.parametrize(
    "text",
    ["王者代练，三天上王者，价格便宜", "出售 Steam cdkey 批发，只要 15 块",
     "四六级代考，包过，先交定金",
     "看广告就能赚，邀请码 5566 填了送红包", "菠菜内部群，跟单稳赢，群号见主页",
     "rare skins for sale, paypal only", "custom essay writing, 24h turnaround, cheap rates",
     "join as a brand ambassador, buy the starter kit and recruit friends"],
)  # fmt: skip
def test_boosting_exam_fraud_gambling_and_pyramid_offers_are_spam(text: str) -> None:
    assert mentions_spam(normalize(text))


@pytest.mark.parametrize(
    "text",
    ["提醒一下：说日结五百只要打字的兼职都是骗子，别交押金",
     "新闻说破获一个网络赌博团伙，下注的也被抓了",
     "someone is impersonating the landlord asking for a deposit, don't pay, it's a scam",
     "my psychiatrist raised my dose, is that normal", "does this pill work with antibiotics?",
     "the admin said the group is full"],
)  # fmt: skip
def test_scam_warnings_and_words_inside_other_words_are_not(text: str) -> None:
    assert not mentions_spam(normalize(text))


@pytest.mark.parametrize(
    ("text", "held"),
    [("网络赌博平台，首充送彩金，加群", True),
     ("同事被刷单返利骗了两万，大家记住这都是骗局", False)],
)  # fmt: skip
def test_the_filters_scam_words_spare_warnings(text: str, held: bool) -> None:
    filters = FilterSet.build(default_rules(), default_terms(), {}, default_allowlist())
    assert (filters.check(normalize(text)).reason in {SPAM, FRAUD}) is held
