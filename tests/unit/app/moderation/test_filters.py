from __future__ import annotations

import pytest

from app.moderation.decision import ALLOW, HOLD, REJECT, WARN, Verdict
from app.moderation.filters import CategoryRule, FilterSet, default_rules
from app.moderation.normalize import normalize
from app.moderation.wordlists import default_allowlist, default_terms

RULES = {
    "sexual": CategoryRule(True, WARN),
    "fraud": CategoryRule(True, HOLD),
    "hate": CategoryRule(True, REJECT),
    "profanity": CategoryRule(True, WARN),
    "violence": CategoryRule(False, REJECT),
}
TERMS = {
    "sexual": ["sex", "色情", "乳", "blow job"],
    "fraud": ["赌博", "代开发票", "crypto giveaway"],
    "hate": ["slurword"],
    "profanity": ["shit", "ass", "cum"],
    "violence": ["kill"],
}
ALLOW_WORDS = ["乳酸", "牛乳", "cum laude"]


@pytest.fixture(scope="module")
def filters() -> FilterSet:
    return FilterSet.build(RULES, TERMS, {}, ALLOW_WORDS)


@pytest.fixture(scope="module")
def defaults() -> FilterSet:
    """The shipped lists with every category switched on, profanity included."""
    every_category_on = {
        name: CategoryRule(True, rule.action) for name, rule in default_rules().items()
    }
    return FilterSet.build(every_category_on, default_terms(), {}, default_allowlist())


@pytest.fixture(scope="module")
def new_instance() -> FilterSet:
    return FilterSet.build(default_rules(), default_terms(), {}, default_allowlist())


def verdict(filters: FilterSet, text: str) -> Verdict:
    return filters.check(normalize(text))


@pytest.mark.parametrize(
    "text",
    ["sex", "SEX", "ｓｅｘ", "s.e.x", "s e x", "s*e*x", "ssseeexxx", "色情", "色 情", "色*情",
     "色\u200b情", "blow job", "blowjob", "b l o w j o b", "我想看sex片"],
)  # fmt: skip
def test_filter_set_catches_sexual_evasions(filters: FilterSet, text: str) -> None:
    assert verdict(filters, text) == Verdict(WARN, "filters", "sexual", "sexual content")


@pytest.mark.parametrize("text", ["我爸沉迷賭博", "网上赌 博", "代開發票", "Crypto  GIVEAWAY!!"])
def test_filter_set_matches_traditional_and_spaced_fraud(filters: FilterSet, text: str) -> None:
    assert verdict(filters, text) == Verdict(HOLD, "filters", "fraud")


@pytest.mark.parametrize("text", ["$h1t", "sh!t", "shiiiiit", "@ss", "a$$", "s h i t"])
def test_filter_set_reads_leetspeak_and_stretching(filters: FilterSet, text: str) -> None:
    assert verdict(filters, text).reason == "profanity"


@pytest.mark.parametrize(
    "text",
    ["Scunthorpe United won", "a class act", "the assassin escaped", "Sussex", "essex girls",
     "magna cum laude", "乳酸菌饮料", "我每天喝牛乳", "pass the glass", "circumstance", "cucumber",
     "documents", "Shitake? no, shiitake mushrooms"],
)  # fmt: skip
def test_filter_set_spares_innocent_words(filters: FilterSet, text: str) -> None:
    assert verdict(filters, text).action == ALLOW


def test_filter_set_allowlist_suppresses_only_the_covered_hit(filters: FilterSet) -> None:
    assert verdict(filters, "乳酸").action == ALLOW
    assert verdict(filters, "乳酸 和 乳").reason == "sexual"
    assert verdict(filters, "magna cum laude, then cum").reason == "profanity"


def test_filter_set_without_allowlist_flags_single_character(filters: FilterSet) -> None:
    bare = FilterSet.build(RULES, TERMS, {}, [])
    assert verdict(bare, "乳酸菌").reason == "sexual"


def test_filter_set_returns_most_severe_category(filters: FilterSet) -> None:
    assert verdict(filters, "sex and slurword").action == REJECT
    assert verdict(filters, "sex 赌博").reason == "fraud"


def test_filter_set_ignores_disabled_categories(filters: FilterSet) -> None:
    assert verdict(filters, "kill").action == ALLOW


def test_filter_set_orders_equal_severities_by_category(filters: FilterSet) -> None:
    # sexual and profanity both warn; sexual comes first in the category order.
    assert verdict(filters, "shit sex").reason == "sexual"


def test_filter_set_matches_admin_patterns_on_plain_and_folded_text() -> None:
    filters = FilterSet.build(
        {"spam": CategoryRule(True, HOLD)},
        {},
        {"spam": [r"buy\s+followers", r"\d{3}元一晚"]},
        [],
    )
    assert verdict(filters, "BUY   followers now").reason == "spam"
    assert verdict(filters, "５００元一晚").reason == "spam"
    assert verdict(filters, "followers buy").action == ALLOW


def test_filter_set_rejects_bad_pattern_naming_category() -> None:
    with pytest.raises(ValueError, match="spam"):
        FilterSet.build({"spam": CategoryRule(True, HOLD)}, {}, {"spam": ["(unclosed"]}, [])


def test_category_rule_refuses_unknown_action() -> None:
    with pytest.raises(ValueError):
        CategoryRule(True, "allow")


def test_filter_set_warns_with_category_named_warning_for_custom_category() -> None:
    filters = FilterSet.build(
        {"spoilers": CategoryRule(True, WARN)}, {"spoilers": ["ending"]}, {}, []
    )
    assert verdict(filters, "the ending").warning == "spoilers"


@pytest.mark.parametrize(
    "text",
    ["this week was shit", "fuck my landlord's plumbing, third leak since May",
     "妈的又加班到十点", "他妈的地铁又晚点", "what a fucking day, I need a nap"],
)  # fmt: skip
def test_a_new_instance_publishes_swearing_at_nobody_without_a_warning(
    new_instance: FilterSet, defaults: FilterSet, text: str
) -> None:
    assert verdict(new_instance, text).action == ALLOW
    # Only because profanity is off: with it on, the same text gets the warning.
    assert verdict(defaults, text).reason == "profanity"


@pytest.mark.parametrize(
    "text", ["fuck you, Dana", "@kel you are a piece of shit", "你他妈的闭嘴吧，说的就是你"]
)
def test_a_new_instance_holds_the_same_words_aimed_at_a_person(
    new_instance: FilterSet, text: str
) -> None:
    assert verdict(new_instance, text).action == HOLD


@pytest.mark.parametrize(
    ("text", "reason"),
    [("你他妈的", "profanity"), ("他媽的", "profanity"), ("约 炮吗", "sexual"), ("招 妓", "sexual"),
     ("fuuuuck this", "profanity"), ("fuuuuck you", "harassment"), ("N1GGER", "hate"),
     ("代开发票联系我", "fraud"),
     ("I want to kill myself", "self_harm")],
)  # fmt: skip
def test_default_lists_catch_real_terms(defaults: FilterSet, text: str, reason: str) -> None:
    assert verdict(defaults, text).reason == reason


@pytest.mark.parametrize(
    "text",
    ["今天天气很好，我们去公园散步吧。", "我喜欢喝牛奶和酸奶", "妈妈的生日快到了", "他妈妈是老师",
     "这个材料的刚度很高", "性格开朗的女生", "我想死你了！", "跳楼价大甩卖", "乳酸菌饮料",
     "干净的房间",
     "I took a class on assassins in Scunthorpe", "this exam is killing me", "杀死比赛",
     "Do you need the documents by Friday?", "我爸喜欢下象棋"],
)  # fmt: skip
def test_default_lists_spare_everyday_text(defaults: FilterSet, text: str) -> None:
    assert verdict(defaults, text).action == ALLOW


def test_filter_set_builds_thousands_of_terms() -> None:
    many = {"spam": [f"spamword{i}" for i in range(5000)] + [f"垃圾{i}号" for i in range(5000)]}
    filters = FilterSet.build({"spam": CategoryRule(True, HOLD)}, many, {}, [])
    assert verdict(filters, "hello spamword4321 there").reason == "spam"
    assert verdict(filters, "垃圾 9 号").reason == "spam"
    assert verdict(filters, "垃圾袋").action == ALLOW
