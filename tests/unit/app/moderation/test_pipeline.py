from __future__ import annotations

import pytest

from app.moderation.classifier import Thresholds
from app.moderation.decision import (
    ALLOW,
    HOLD,
    PUBLISH,
    PUBLISH_WITH_WARNING,
    REJECT,
    Verdict,
)
from app.moderation.duplicates import fingerprint
from app.moderation.filters import CategoryRule, FilterSet
from app.moderation.normalize import normalize
from app.moderation.pipeline import Content, build_content_checks, latin_text, run_checks

THRESHOLDS = Thresholds(warn=0.5, hold=0.8, reject=0.95)
FILTERS = FilterSet.build(
    {"sexual": CategoryRule(True, "warn"), "hate": CategoryRule(True, "reject")},
    {"sexual": ["色情", "sex"], "hate": ["slurword"]},
    {},
    [],
)


def content(text: str, summary: str | None = None) -> Content:
    return Content(text=text, summary=summary, origin="local", is_thread_start=True)


def checks(score: float | None = 0.0, recent: tuple[str, ...] = ()) -> list:
    scorer = None if score is None else (lambda _text: score)
    return build_content_checks(FILTERS, ["treehole.example"], scorer, THRESHOLDS, recent, 6)


def test_run_checks_publishes_clean_content() -> None:
    decision = run_checks(content("今天天气很好 and the sun is out"), checks())
    assert decision.outcome == PUBLISH
    assert [v.check for v in decision.verdicts] == [
        "links",
        "filters",
        "model",
        "classifier",
        "duplicates",
    ]


def test_run_checks_warns_for_sensitive_words_in_the_summary() -> None:
    decision = run_checks(content("nothing here", summary="色 情"), checks())
    assert (decision.outcome, decision.reason, decision.warning) == (
        PUBLISH_WITH_WARNING,
        "sexual",
        "sexual content",
    )


def test_run_checks_stops_at_first_reject() -> None:
    calls: list[str] = []

    def spy(content: Content) -> Verdict:
        calls.append(content.text)
        return Verdict(ALLOW, "spy")

    decision = run_checks(content("a slurword here"), [*checks(), spy])
    assert decision.outcome == REJECT and decision.check == "filters"
    assert [v.check for v in decision.verdicts] == ["links", "filters"]
    assert calls == []


def test_run_checks_holds_links_and_keeps_checking() -> None:
    decision = run_checks(content("sex at bit.ly/x"), checks())
    assert (decision.outcome, decision.reason, decision.warning) == (
        HOLD,
        "link_shortener",
        "sexual content",
    )


def test_run_checks_classifier_rejects_above_threshold() -> None:
    decision = run_checks(content("you are some english insult"), checks(score=0.99))
    assert (decision.outcome, decision.check, decision.reason) == (
        REJECT,
        "classifier",
        "offensive",
    )
    assert decision.verdicts[-1].check == "classifier"


def test_classifier_counts_only_for_text_that_addresses_someone() -> None:
    # Swearing at a situation scores like an insult; it is published.
    assert run_checks(content("this week was shit"), checks(score=0.99)).outcome == PUBLISH
    assert run_checks(content("@sam this is shit"), checks(score=0.99)).outcome == REJECT


def test_run_checks_skips_classifier_for_chinese_only_and_when_absent() -> None:
    assert run_checks(content("你好世界，今天很开心"), checks(score=0.99)).outcome == PUBLISH
    assert run_checks(content("some english insult"), checks(score=None)).outcome == PUBLISH


def test_classifier_reads_only_the_latin_part() -> None:
    seen: list[str] = []

    def scorer(text: str) -> float:
        seen.append(text)
        return 0.0

    built = build_content_checks(FILTERS, [], scorer, THRESHOLDS, [], 6)
    run_checks(content("你好 idiot you 世界"), built)
    assert seen == [latin_text("你好 idiot you 世界")]
    assert "你" not in seen[0] and "idiot" in seen[0]


def test_run_checks_holds_near_duplicates() -> None:
    text = "Our book club meets on Thursday at the library, everyone welcome, bring a snack!"
    recent = (
        fingerprint(
            normalize(
                "OUR BOOK CLUB meets on Thursday at the library. everyone welcome, bring snacks"
            )
        ),
    )
    decision = run_checks(content(text), checks(recent=recent))
    assert (decision.outcome, decision.reason) == (HOLD, "duplicate")


def test_content_refuses_unknown_origin() -> None:
    with pytest.raises(ValueError):
        Content(text="x", summary=None, origin="elsewhere", is_thread_start=False)
