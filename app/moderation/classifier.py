"""The English offensive-language classifier (alt-profanity-check) and its thresholds.

alt-profanity-check is an English-only linear model shipped inside its wheel: it scores Chinese
around 0.04 whatever it says, and it is no spam detector. Chinese is covered by the word lists.
Importing it costs about a second (scikit-learn and two joblib files), so `Classifier` imports
it with `importlib.import_module` on first use rather than at module import: importing this
module, and building the app, stays cheap. It is an optional extra (`treehole[classifier]`):
without it installed, `available` is False and the pipeline skips this check.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from app.moderation.decision import ALLOW, HOLD, REJECT, WARN, Verdict

CHECK = "classifier"
REASON = "offensive"
WARNING = "offensive language"
_MODULE = "profanity_check"
# Texts the direct computation is checked against the shipped `predict_prob` with on load: plain,
# offensive, mixed and empty, so a model that is not the expected shape is caught before use.
_PROBES = (
    "what a quiet evening it is",
    "you are a stupid worthless idiot and i hate you",
    "fuck this shit",
    "the tea went cold again, damn",
    "",
)
_PROBE_TOLERANCE = 1e-9


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

    def available(self) -> bool:
        """Whether the model's package is installed (the `classifier` extra)."""
        return importlib.util.find_spec(_MODULE) is not None

    def score(self, texts: Sequence[str]) -> list[float]:
        if not texts:
            return []
        return [float(value) for value in self._loaded()(list(texts))]

    def _loaded(self) -> Callable[[list[str]], Any]:
        # Two threads may both load on first use; the import lock makes that harmless.
        if self._predict is None:
            module = importlib.import_module(_MODULE)
            self._predict = _direct_predictor(module) or module.predict_prob
        return self._predict


def _direct_predictor(module: Any) -> Callable[[list[str]], Any] | None:
    """The shipped model's probabilities computed directly: TF-IDF, then the mean over its
    calibrated linear SVMs of sigmoid(-(a·(w·x + c) + b)), which is what scikit-learn's
    `CalibratedClassifierCV.predict_proba` computes for a binary sigmoid-calibrated model
    (sklearn/calibration.py) without ~3 ms of input validation per call. Used only if it
    agrees with `predict_prob` on the probes; None (use `predict_prob`) otherwise."""
    numpy = importlib.import_module("numpy")
    try:
        # The package re-exports `predict_prob`; the fitted objects live in its inner module.
        internals = importlib.import_module(f"{_MODULE}.profanity_check")
        parts = internals.model.calibrated_classifiers_
        if any(part.method != "sigmoid" or len(part.calibrators) != 1 for part in parts):
            return None
        if any(list(part.classes) != [0, 1] for part in parts):
            return None
        weights = numpy.vstack([part.estimator.coef_ for part in parts]).T
        offsets = numpy.concatenate([part.estimator.intercept_ for part in parts])
        slopes = numpy.array([part.calibrators[0].a_ for part in parts])
        shifts = numpy.array([part.calibrators[0].b_ for part in parts])
    except (ImportError, AttributeError, TypeError, ValueError):
        return None
    vectorizer = internals.vectorizer

    def predict(texts: list[str]) -> Any:
        decisions = vectorizer.transform(texts) @ weights + offsets
        return (1.0 / (1.0 + numpy.exp(slopes * decisions + shifts))).mean(axis=1)

    probes = list(_PROBES)
    if not numpy.allclose(
        predict(probes), module.predict_prob(probes), rtol=0, atol=_PROBE_TOLERANCE
    ):
        return None
    return predict


def verdict_for(score: float, thresholds: Thresholds) -> Verdict:
    """The verdict for one score; each threshold counts as reached at equality."""
    if score >= thresholds.reject:
        return Verdict(REJECT, CHECK, REASON)
    if score >= thresholds.hold:
        return Verdict(HOLD, CHECK, REASON)
    if score >= thresholds.warn:
        return Verdict(WARN, CHECK, REASON, WARNING)
    return Verdict(ALLOW, CHECK)
