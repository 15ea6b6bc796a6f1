from __future__ import annotations

import pytest

from app.moderation.filters import FilterSet, default_rules
from app.moderation.normalize import normalize
from app.moderation.solicitation import mentions_solicitation
from app.moderation.wordlists import SEXUAL, default_allowlist, default_terms


@pytest.mark.parametrize(
    "text",
    ["今晚约吗，同城", "約砲嗎", "yue pao 吗", "找炮友，不谈感情", "会所新来的技师，全套服务",
     "出售原味，私我", "少妇寂寞，求陪", "同城 fwb 私我", "dtf? 24F, snap me",
     "selling nudes, dm for menu", "escort service incall/outcall", "🍆🍑 no strings tonight",
     "l o o k i n g  4  s e x tonight", "s*xting for $$, paypal only", "ｅｓｃｏｒｔ available"],
)  # fmt: skip
def test_offers_and_requests_for_sex_are_found(text: str) -> None:
    assert mentions_solicitation(normalize(text))


@pytest.mark.parametrize(
    "text",
    ["周末约饭吗？", "约了牙医下午三点", "酒店开房要带身份证吗",
     "we watched Sex Education last night",
     "sex ed class covered consent today", "the hosting bill for our website went up",
     "my daddy long legs spider is back", "技师学院的招生简章出来了",
     "he's so big now, my baby boy",
     "any girls want to join our chess club tonight?"],
)  # fmt: skip
def test_ordinary_words_around_sex_and_dates_are_not(text: str) -> None:
    assert not mentions_solicitation(normalize(text))


@pytest.mark.parametrize(
    "text",
    ["周末一个人在家，酒店钱我来付，来的私我", "求个长期 pao you，住得近的优先",
     "出蓝光资源，国产日韩都有，要的留邮箱", "想认个干爹，每个月给生活费就行",
     "他把我按在沙发上，一件一件脱掉", "anyone wanna sext tonight? 22f",
     "tip $10 and i'll send the rest 😘", "selling my worn gym leggings, dm me",
     "he pinned me against the wall and i came twice", "全城空降，妹子可约，价格私聊",
     "伴游服务，加我详谈", "学生妹包夜，价格美丽"],
)  # fmt: skip
def test_hotels_paid_acts_described_and_paid_pictures_are_found(text: str) -> None:
    assert mentions_solicitation(normalize(text))


@pytest.mark.parametrize(
    "text",
    ["上门维修的师傅半小时就修好了", "被邻居找上门说漏水", "下雨鞋子全湿了",
     "新闻说警方破获一个卖淫团伙，扫黄支持", "周末去拍照，这个公园超级出片",
     'got a message "i have your nudes, pay up" - pretty sure it\'s a scam, blocked',
     "how do i talk to my teen about porn without it being awkward",
     "the train called at every stop tonight", "tonight's menu: dumplings and soup",
     "新来的领导是空降的，大家都不服", "养生馆的足浴挺舒服的", "这家店服务好，下次还来"],
)  # fmt: skip
def test_repairs_news_scam_warnings_and_education_are_not(text: str) -> None:
    assert not mentions_solicitation(normalize(text))


@pytest.mark.parametrize(
    ("text", "sexual"),
    [("new escort service downtown, dm me for rates", True),
     ("the news says the escort agency owner was arrested", False),
     ("sex education should start earlier, says the doctor", False),
     ("how do i talk to my teenage son about porn", False),
     ("物业说下午有师傅上门修水管", False), ("上门服务，全城可约，私我", True)],
)  # fmt: skip
def test_the_filters_sexual_rule_spares_news_and_education(text: str, sexual: bool) -> None:
    filters = FilterSet.build(default_rules(), default_terms(), {}, default_allowlist())
    assert (filters.check(normalize(text)).reason == SEXUAL) is sexual
