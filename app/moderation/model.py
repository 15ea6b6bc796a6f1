"""A small linear model over character and word n-grams: one signal beside the rules.

Owns the features (character 2- and 3-grams of the `zh` form, words and word pairs of the `en`
form — so evasions are already undone) and scoring with shipped weights (`data/model.json`,
trained by `eval/train_model.py` on the development and training parts of the evaluation corpus,
never the held-out ones). Two heads: `stop` (abuse, solicitation, spam, doxxing) and `care`
(self-harm). Scoring is a sum of looked-up weights and a sigmoid: no NumPy, no network, a 1.4 MB
file of weights (about 15 MB once loaded).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from app.moderation.decision import ALLOW, HOLD, Verdict
from app.moderation.normalize import Normalized

CHECK = "model"
REASON = "likely_abuse"
STOP = "stop"
CARE = "care"
_MAX_CHARS = 400
_HAN = re.compile("[\u4e00-\u9fff]")
# Links and run-together nonsense are the link policy's business, not evidence of abuse: the
# corpus's made-up domains (example.*) had taught the model that a link is spam.
_LINKISH = re.compile(r"^(?:https?|www)|^[a-z0-9]{21,}$|example")
MIN_WORDS = 6
OFF = 1.0


# Both heads read the same post, once for the hold and once for the help page.
@lru_cache(maxsize=8)
def features(normalized: Normalized) -> frozenset[str]:
    """The n-grams a text is scored on (presence, not counts)."""
    found: set[str] = set()
    joined = normalized.zh[0][:_MAX_CHARS] if normalized.zh else ""
    # Latin text is read as words below; as characters it only added noise (the letters of a
    # long word or a link each tipped the sum a little): only n-grams holding a Han character.
    han = [_HAN.match(char) is not None for char in joined] if _HAN.search(joined) else []
    for size in (2, 3):
        for index in range(len(han) - size + 1):
            if any(han[index : index + size]):
                found.add(f"c{joined[index : index + size]}")
    all_words = normalized.en[0].split()[:_MAX_CHARS] if normalized.en else []
    words = [word for word in all_words if not _LINKISH.search(word)]
    for index, word in enumerate(words):
        found.add(f"w{word}")
        padded = f" {word} "
        for start in range(len(padded) - 3):
            found.add(f"e{padded[start : start + 4]}")
        if index:
            found.add(f"b{words[index - 1]} {word}")
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class Head:
    bias: float
    weights: Mapping[str, float]
    threshold: float

    def probability(self, found: frozenset[str]) -> float:
        total = self.bias + sum(self.weights.get(feature, 0.0) for feature in found)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))


@dataclass(frozen=True, slots=True)
class Model:
    heads: Mapping[str, Head]

    def flags(
        self, normalized: Normalized, thresholds: Mapping[str, float | None] | None = None
    ) -> set[str]:
        """The heads whose probability reaches their threshold: the one in `thresholds` (set by
        the admin) or else the shipped one. A threshold of 1 is never reached: the head is off."""
        chosen = thresholds or {}
        found = features(normalized)
        flagged: set[str] = set()
        for name, head in self.heads.items():
            threshold = chosen.get(name)
            threshold = head.threshold if threshold is None else threshold
            if threshold < OFF and head.probability(found) >= threshold:
                flagged.add(name)
        return flagged


@cache
def default_model() -> Model | None:
    """The shipped weights, loaded on first use; None when none are shipped."""
    source = resources.files("app.moderation") / "data" / "model.json"
    if not source.is_file():
        return None
    data = json.loads(source.read_text(encoding="utf-8"))
    return Model(
        {
            name: Head(float(head["bias"]), head["weights"], float(head["threshold"]))
            for name, head in data["heads"].items()
        }
    )


def shipped_threshold(head: str) -> float | None:
    """The threshold shipped with the weights for `head` (None when no weights are shipped)."""
    model = default_model()
    return None if model is None or head not in model.heads else model.heads[head].threshold


def long_enough(normalized: Normalized) -> bool:
    """Whether a text gives the `stop` head enough to go on: at least MIN_WORDS words, or twice
    as many Chinese characters. In a shorter text a few n-grams decide alone, and honest lines
    ("You are not alone.", "already live") scored as abuse; the rules judge short texts."""
    words = len(normalized.en[0].split()) if normalized.en else 0
    han = (
        sum(1 for char in normalized.zh[0] if "\u4e00" <= char <= "\u9fff") if normalized.zh else 0
    )
    return words >= MIN_WORDS or han >= 2 * MIN_WORDS


def check_model(
    normalized: Normalized, model: Model | None = None, threshold: float | None = None
) -> Verdict:
    """HOLD when the `stop` head is confident (from `threshold`, or the shipped one when None)
    about a text long enough to judge; the rules name the category, this only catches what they
    missed, so a person reads it before the public does."""
    model = model or default_model()
    if (
        model is not None
        and long_enough(normalized)
        and STOP in model.flags(normalized, {STOP: threshold})
    ):
        return Verdict(HOLD, CHECK, REASON)
    return Verdict(ALLOW, CHECK)


def model_says_care(
    normalized: Normalized, model: Model | None = None, threshold: float | None = None
) -> bool:
    model = model or default_model()
    return model is not None and CARE in model.flags(normalized, {CARE: threshold})
