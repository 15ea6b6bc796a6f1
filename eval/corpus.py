"""The labelled posts of eval/data/ (schema in eval/README.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
PARTS = {
    "dev": DATA / "dev.jsonl",
    "heldout": DATA / "heldout.jsonl",
    # Written by a second, independent author who never read the detectors or the other parts.
    "heldout2": DATA / "heldout2.jsonl",
    # Written by a third, independent author, reserved for reporting like heldout2.
    "heldout3": DATA / "heldout3.jsonl",
    # Written by a fourth, independent outsider author; reserved for reporting like heldout3.
    "heldout4": DATA / "heldout4.jsonl",
    # Training part written by an independent helper author (train2): read and train on it freely.
    "train2": DATA / "train2.jsonl",
    # Training data by a third independent author (train3): read it, train on it.
    "train3": DATA / "train3.jsonl",
    # Training part by a fourth independent helper author (train4): breadth on the weak cells.
    "train4": DATA / "train4.jsonl",
}
# The parts one may read to tune and train on; every other part is held out (eval/README.md).
READABLE = ("dev", "train2", "train3", "train4")
STOP = "stop"
CARE = "care"
PUBLISH = "publish"
# The categories in the order reports list them: must-stop, care, honest.
CATEGORIES = (
    "harassment", "threat", "hate", "sexual", "spam", "doxxing", "selfharm",
    "benign", "venting", "tricky",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Post:
    id: str
    part: str
    lang: str
    category: str
    expect: str
    evasions: tuple[str, ...]
    text: str


def load_part(part: str) -> list[Post]:
    """The posts of one part (a key of `PARTS`), in file order."""
    posts = []
    with PARTS[part].open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                row = json.loads(line)
                posts.append(
                    Post(
                        id=row["id"],
                        part=part,
                        lang=row["lang"],
                        category=row["category"],
                        expect=row["expect"],
                        evasions=tuple(row.get("evasions") or ()),
                        text=row["text"],
                    )
                )
    return posts
