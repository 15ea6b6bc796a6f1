"""One allowlist for every category: the shipped innocent words reach the word filters, the rule
detectors and the self-harm question alike (issue #10: 乳-words were held as sexual)."""

from __future__ import annotations

import pytest

from app.moderation.decision import ALLOW, WARN
from app.moderation.filters import FilterSet, default_rules
from app.moderation.normalize import normalize
from app.moderation.selfharm import mentions_self_harm
from app.moderation.wordlists import default_allowlist, default_terms


@pytest.fixture(scope="module")
def defaults() -> FilterSet:
    return FilterSet.build(default_rules(), default_terms(), {}, list(default_allowlist()))


@pytest.mark.parametrize(
    "text",
    [
        # sexual vocabulary inside medicine, food, places and titles
        "乳腺彩超结果出来了，没事", "乳糖不耐受喝什么牛奶", "周末去乳山看海", "豆腐乳配粥",
        "Scunthorpe United won again", "a weekend in Middlesex", "the Penistone line is slow",
        "Cockburn is a nice suburb", "we watched Sex Education", "cum laude, finally!",
        # violence and harassment vocabulary inside idioms, places and games
        "杀鸡儆猴，老板今天开除了一个人", "去鸡西出差三天", "剧本杀太好玩了", "双十一秒杀抢到了",
        "电脑又死机了", "操场上好多人在跑步", "体操比赛真精彩", "Dick Van Dyke is a legend",
        # self-harm vocabulary in figures of speech
        "笑死我了", "热死了", "累死了今天", "想死你了，快回来", "跳楼价大甩卖",
        "I killed it at the recital", "dying of laughter at this video",
    ],
)  # fmt: skip
def test_allowlisted_words_reach_no_filter_and_no_detector(defaults: FilterSet, text: str) -> None:
    verdict = defaults.check(normalize(text))
    assert verdict.action in (ALLOW, WARN) and verdict.reason in ("", "profanity"), verdict
    assert not mentions_self_harm(normalize(text))


def test_an_admin_allowlist_masks_the_rule_detectors_too() -> None:
    text = normalize("you are such a clown")
    plain = FilterSet.build(default_rules(), default_terms(), {}, [])
    allowed = FilterSet.build(default_rules(), default_terms(), {}, ["such a clown"])
    assert plain.check(text).reason == "harassment"
    assert allowed.check(text).action == ALLOW
