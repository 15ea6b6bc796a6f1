from __future__ import annotations

import pytest

from app.moderation.normalize import normalize
from app.moderation.solicitation import mentions_solicitation


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
