"""Train the n-gram model's weights (app/moderation/data/model.json) on the parts one may read.

    python -m eval.train_model [--parts dev,train2,train3] [--folds 5] [--max-false 0.01]
        [--max-false-care 0.01]

Only the development and training parts (`eval/data/dev.jsonl`, `train2.jsonl`, `train3.jsonl`,
labelled) and `eval/data/train_extra*.txt` (unlabelled lines written for training) are read:
the held-out parts are never trained or tuned on. Two logistic
regressions over the features of `app.moderation.model.features` (pure Python SGD with L2, so
training needs nothing beyond the app): `stop` (must-stop posts against everything else) and
`care` (self-harm posts against everything else). Each head's threshold is chosen by k-fold
cross-validation on those parts: the lowest threshold whose out-of-fold rate on
honest posts stays at or below `--max-false` (`--max-false-care` for the help page), so the
model adds only confident catches beside the rules. Weights below 0.02 are dropped to keep the
file small.
"""

from __future__ import annotations

import argparse
import json
import math
import random
from collections.abc import Sequence
from pathlib import Path

from app.moderation.model import CARE, STOP, features
from app.moderation.normalize import normalize
from eval.corpus import PUBLISH, READABLE, load_part

OUT = Path(__file__).resolve().parent.parent / "app" / "moderation" / "data" / "model.json"
# Posts written for training only (never scored): honest ones with a kind or neutral second
# person, and must-stop and self-harm ones phrased unlike the development part.
DATA = Path(__file__).resolve().parent / "data"
EXTRA = {
    "publish": DATA / "train_extra.txt",
    STOP: DATA / "train_extra_stop.txt",
    CARE: DATA / "train_extra_care.txt",
}
EPOCHS = 12
RATE = 0.02
L2 = 1e-4
MIN_WEIGHT = 0.02
SEED = 20261203
# How much a positive example weighs against the class ratio (1 = fully balanced classes).
BALANCE = 1.0

Example = tuple[frozenset[str], int]


def train(examples: Sequence[Example]) -> tuple[float, dict[str, float]]:
    """Logistic regression by SGD: (bias, weights)."""
    rng = random.Random(SEED)
    order = list(range(len(examples)))
    weights: dict[str, float] = {}
    bias = 0.0
    positives = sum(label for _, label in examples) or 1
    # Balance the classes: a positive counts as much as all negatives over all positives.
    balance = BALANCE * (len(examples) - positives) / positives
    for epoch in range(EPOCHS):
        rng.shuffle(order)
        rate = RATE / (1 + epoch * 0.2)
        for index in order:
            found, label = examples[index]
            total = bias + sum(weights.get(f, 0.0) for f in found)
            predicted = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))
            step = rate * (label - predicted) * (balance if label else 1.0)
            bias += step
            for feature in found:
                old = weights.get(feature, 0.0)
                weights[feature] = old + step - rate * L2 * old
    return bias, weights


def score(bias: float, weights: dict[str, float], found: frozenset[str]) -> float:
    total = bias + sum(weights.get(f, 0.0) for f in found)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))


def threshold(
    examples: Sequence[Example],
    honest: Sequence[bool],
    folds: int,
    max_false: float,
    extra: Sequence[Example] = (),
) -> tuple[float, float]:
    """The lowest threshold keeping out-of-fold positives on honest posts ≤ max_false, and the
    out-of-fold recall it gives. `extra` examples are always trained on, never scored."""
    scores = [0.0] * len(examples)
    for fold in range(folds):
        held = [i for i in range(len(examples)) if i % folds == fold]
        kept = [examples[i] for i in range(len(examples)) if i % folds != fold]
        bias, weights = train([*kept, *extra])
        for i in held:
            scores[i] = score(bias, weights, examples[i][0])
    honest_scores = sorted((s for s, h in zip(scores, honest, strict=True) if h), reverse=True)
    allowed = int(max_false * len(honest_scores))
    cut = honest_scores[allowed] + 1e-6 if allowed < len(honest_scores) else 0.5
    cut = max(cut, 0.5)
    positives = [s for s, (_, label) in zip(scores, examples, strict=True) if label]
    recall = sum(s >= cut for s in positives) / max(1, len(positives))
    return cut, recall


def extra_texts(kind: str) -> list[str]:
    lines = EXTRA[kind].read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.train_model")
    parser.add_argument(
        "--parts", default=",".join(READABLE), help="labelled parts to train on (comma-separated)"
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--max-false", type=float, default=0.01, help="for the stop head")
    parser.add_argument("--max-false-care", type=float, default=0.01, help="for the care head")
    args = parser.parse_args(argv)
    parts = args.parts.split(",")
    if not set(parts) <= set(READABLE):
        parser.error(f"only the parts one may read can be trained on: {', '.join(READABLE)}")
    posts = [post for part in parts for post in load_part(part)]
    found = [features(normalize(post.text)) for post in posts]
    honest = [post.expect == PUBLISH for post in posts]
    written = {kind: [features(normalize(text)) for text in extra_texts(kind)] for kind in EXTRA}
    heads: dict[str, object] = {}
    for name in (STOP, CARE):
        examples = [(f, int(post.expect == name)) for f, post in zip(found, posts, strict=True)]
        extra = [(f, int(kind == name)) for kind, found_in in written.items() for f in found_in]
        max_false = args.max_false if name == STOP else args.max_false_care
        cut, recall = threshold(examples, honest, args.folds, max_false, extra)
        bias, weights = train([*examples, *extra])
        kept = {k: round(w, 3) for k, w in sorted(weights.items()) if abs(w) >= MIN_WEIGHT}
        heads[name] = {"bias": round(bias, 4), "threshold": round(cut, 4), "weights": kept}
        print(f"{name}: threshold {cut:.3f}, out-of-fold recall {recall:.2f}, {len(kept)} weights")
    document = {
        "_comment": f"Trained by eval/train_model.py on {', '.join(parts)} and train_extra*.",
        "heads": heads,
    }
    OUT.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
