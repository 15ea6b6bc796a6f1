from __future__ import annotations

import pytest

from app.moderation.classifier import Classifier, Thresholds, verdict_for
from app.moderation.decision import ALLOW, HOLD, REJECT, WARN, Verdict

THRESHOLDS = Thresholds(warn=0.5, hold=0.8, reject=0.95)


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier()


def test_classifier_scores_offensive_text_above_hold(classifier: Classifier) -> None:
    [score] = classifier.score(["you worthless piece of shit, nobody likes you, go die"])
    assert score >= THRESHOLDS.hold


def test_classifier_scores_kind_text_below_warn(classifier: Classifier) -> None:
    scores = classifier.score(["I hope you have a lovely weekend with your family", "thank you!"])
    assert all(score < THRESHOLDS.warn for score in scores)


def test_classifier_scores_nothing_for_no_texts(classifier: Classifier) -> None:
    assert classifier.score([]) == []


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0.0, Verdict(ALLOW, "classifier")),
        (0.4999, Verdict(ALLOW, "classifier")),
        (0.5, Verdict(WARN, "classifier", "offensive", "offensive language")),
        (0.7999, Verdict(WARN, "classifier", "offensive", "offensive language")),
        (0.8, Verdict(HOLD, "classifier", "offensive")),
        (0.95, Verdict(REJECT, "classifier", "offensive")),
        (1.0, Verdict(REJECT, "classifier", "offensive")),
    ],
)
def test_verdict_for_counts_thresholds_as_reached_at_equality(
    score: float, expected: Verdict
) -> None:
    assert verdict_for(score, THRESHOLDS) == expected


def test_verdict_for_with_reject_above_one_never_rejects() -> None:
    assert verdict_for(1.0, Thresholds(0.5, 0.8, 1.01)).action == HOLD


def test_thresholds_refuse_wrong_order() -> None:
    with pytest.raises(ValueError):
        Thresholds(warn=0.9, hold=0.8, reject=0.95)
