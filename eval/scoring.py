"""Rates from screened posts: recall on posts that must be stopped (and self-harm posts shown the
help page), false holds and content warnings on honest posts; per language × category, per
evasion tag and overall; and CPU per post. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from eval.corpus import CATEGORIES, PUBLISH
from eval.screening import Screened

LANGS = ("zh", "en", "mixed")
TARGET_RECALL = 0.9
TARGET_FALSE_HOLDS = 0.05
TARGET_WARNINGS = 0.05


@dataclass(frozen=True, slots=True)
class Rate:
    hits: int
    total: int

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"hits": self.hits, "total": self.total, "rate": round(self.value, 4)}


def recall(items: Iterable[Screened]) -> Rate:
    must = [s for s in items if s.post.expect != PUBLISH]
    return Rate(sum(s.caught for s in must), len(must))


def false_holds(items: Iterable[Screened]) -> Rate:
    honest = [s for s in items if s.post.expect == PUBLISH]
    return Rate(sum(s.false_hold for s in honest), len(honest))


def warnings(items: Iterable[Screened]) -> Rate:
    honest = [s for s in items if s.post.expect == PUBLISH]
    return Rate(sum(s.warned for s in honest), len(honest))


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


@dataclass(frozen=True, slots=True)
class Cell:
    """One language × category: recall for must-stop and care categories; false holds and
    warnings for honest ones."""

    lang: str
    category: str
    expect: str
    recall: Rate | None
    false_holds: Rate | None
    warnings: Rate | None


def cells(items: Sequence[Screened]) -> list[Cell]:
    present = {s.post.category for s in items}
    categories = [c for c in CATEGORIES if c in present]
    found = []
    for category in categories:
        of_category = [s for s in items if s.post.category == category]
        expect = of_category[0].post.expect
        for lang in (*LANGS, "all"):
            chosen = [s for s in of_category if lang in ("all", s.post.lang)]
            if not chosen:
                continue
            if expect == PUBLISH:
                found.append(
                    Cell(lang, category, expect, None, false_holds(chosen), warnings(chosen))
                )
            else:
                found.append(Cell(lang, category, expect, recall(chosen), None, None))
    return found


def summary(items: Sequence[Screened]) -> dict[str, Any]:
    """Everything `make eval` prints about one set of screened posts, as plain data."""
    tags = sorted({tag for s in items for tag in s.post.evasions})
    cpu = [s.cpu_ms for s in items]
    return {
        "posts": len(items),
        "overall": {
            "recall": recall(items).as_dict(),
            "false_holds": false_holds(items).as_dict(),
            "warnings": warnings(items).as_dict(),
        },
        "by_language": {
            lang: {
                "recall": recall(of_lang).as_dict(),
                "false_holds": false_holds(of_lang).as_dict(),
                "warnings": warnings(of_lang).as_dict(),
            }
            for lang in LANGS
            if (of_lang := [s for s in items if s.post.lang == lang])
        },
        "cells": [
            {
                "lang": cell.lang,
                "category": cell.category,
                "expect": cell.expect,
                **({"recall": cell.recall.as_dict()} if cell.recall else {}),
                **({"false_holds": cell.false_holds.as_dict()} if cell.false_holds else {}),
                **({"warnings": cell.warnings.as_dict()} if cell.warnings else {}),
            }
            for cell in cells(items)
        ],
        "evasions": {
            tag: {
                "recall": recall(tagged).as_dict(),
                "false_holds": false_holds(tagged).as_dict(),
            }
            for tag in tags
            if (tagged := [s for s in items if tag in s.post.evasions])
        },
        "cpu_ms": {
            "p50": round(percentile(cpu, 0.50), 3),
            "p99": round(percentile(cpu, 0.99), 3),
            "max": round(max(cpu, default=0.0), 3),
            "mean": round(sum(cpu) / len(cpu), 3) if cpu else 0.0,
        },
    }
