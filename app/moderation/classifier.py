"""The English offensive-language classifier (alt-profanity-check) and its thresholds.

alt-profanity-check is an English-only linear model shipped inside its wheel: it scores Chinese
around 0.04 whatever it says, and it is no spam detector. Chinese is covered by the word lists.
Importing it costs about a second (scikit-learn and two joblib files), so `Classifier` imports
it with `importlib.import_module` on first use rather than at module import: importing this
module, and building the app, stays cheap.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from app.moderation.decision import ALLOW, HOLD, REJECT, WARN, Verdict

CHECK = "classifier"
REASON = "offensive"
WARNING = "offensive language"
_MODULE = "profanity_check"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Scores at or above which a text is warned, held, rejected. A value above 1 turns that
    step off."""

    warn: float
    hold: float
    reject: float

    def __post_init__(self) -> None:
        if not 0 <= self.warn <= self.hold <= self.reject:
            raise ValueError("thresholds must satisfy 0 <= warn <= hold <= reject")


class Classifier:
    """Scores texts 0..1 for offensiveness; the model loads on the first `score`."""

    __slots__ = ("_predict",)

    def __init__(self) -> None:
        self._predict: Callable[[list[str]], Any] | None = None

    def score(self, texts: Sequence[str]) -> list[float]:
        if not texts:
            return []
        return [float(value) for value in self._loaded()(list(texts))]

    def _loaded(self) -> Callable[[list[str]], Any]:
        # Two threads may both load on first use; the import lock makes that harmless.
        if self._predict is None:
            self._predict = importlib.import_module(_MODULE).predict_prob
        return self._predict


def verdict_for(score: float, thresholds: Thresholds) -> Verdict:
    """The verdict for one score; each threshold counts as reached at equality."""
    if score >= thresholds.reject:
        return Verdict(REJECT, CHECK, REASON)
    if score >= thresholds.hold:
        return Verdict(HOLD, CHECK, REASON)
    if score >= thresholds.warn:
        return Verdict(WARN, CHECK, REASON, WARNING)
    return Verdict(ALLOW, CHECK)
