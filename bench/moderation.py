"""Moderation's cost per post and per process (issue #10: ≤ 10 ms CPU per post at p99, ≤ 80 MB
RSS and ≤ 150 MB installed for its models and lists).

Each measurement runs in a fresh subprocess (`python -m bench.moderation on|off`), so the RSS it
reports is what moderation adds to a process that has imported the app and opened its database,
and nothing an earlier measurement loaded stays resident. CPU per post is `time.process_time`
around the self-harm question and `moderate` (app/notes/submit.py) for every post of the eval
corpus (eval/data, every part), on a fresh SQLite database, as `make eval` screens them.

Variants: as shipped (default settings: the n-gram model on, the English classifier off, so
never imported), and with the admin's `english_classifier` setting on. The install size counts
moderation's runtime dependencies without the optional classifier extra (what `pip install
treehole` brings), and the extra's stack beside it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import app.main  # noqa: F401  (what a `treehole serve` process imports before its first post)
from eval.corpus import PARTS, load_part
from eval.scoring import percentile
from eval.screening import (
    CLASSIFIER_DISTRIBUTIONS,
    MODERATION_DISTRIBUTIONS,
    installed_kb,
    screen_all,
)

# What `pip install treehole` brings for moderation: the lists, matchers and converters.
RUNTIME_DISTRIBUTIONS = tuple(
    name for name in MODERATION_DISTRIBUTIONS if name not in CLASSIFIER_DISTRIBUTIONS
)
CPU_P99_TARGET_MS = 10.0
RSS_TARGET_MB = 80.0
INSTALL_TARGET_MB = 150.0


def measure_here(classifier: bool) -> dict[str, Any]:
    """In this process: screen the whole corpus; CPU per post and the RSS moderation added."""
    posts = [post for part in PARTS for post in load_part(part)]
    run = screen_all(posts, classifier)
    cpu = [item.cpu_ms for item in run.screened]
    return {
        "classifier": classifier,
        "posts": len(cpu),
        "cpu_p50_ms": percentile(cpu, 0.50),
        "cpu_p99_ms": percentile(cpu, 0.99),
        "cpu_max_ms": max(cpu),
        "cpu_mean_ms": sum(cpu) / len(cpu),
        "rss_before_kb": run.rss_before_kb,
        "rss_loaded_kb": run.rss_warm_kb,
        "rss_after_kb": run.rss_after_kb,
        "rss_added_mb": (run.rss_after_kb - run.rss_before_kb) / 1024,
        # As shipped the classifier must not even be imported (its stack is what costs memory).
        "classifier_imported": "profanity_check" in sys.modules or "sklearn" in sys.modules,
    }


def measure(classifier: bool) -> dict[str, Any]:
    """`measure_here` in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.moderation", "on" if classifier else "off"],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def run_moderation() -> dict[str, Any]:
    print("moderation: CPU per post over the eval corpus, RSS, install size …", flush=True)
    return {
        "as_shipped": measure(False),
        "with_classifier": measure(True),
        "install_mb": installed_kb(RUNTIME_DISTRIBUTIONS) / 1024,
        "classifier_install_mb": installed_kb(CLASSIFIER_DISTRIBUTIONS) / 1024,
    }


def summary_rows(found: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    variants = (("as_shipped", "as shipped"), ("with_classifier", "English classifier on"))
    for key, label in variants:
        run = found[key]
        p99 = run["cpu_p99_ms"]
        rows.append({
            "name": f"moderation {label}: CPU per post p99 (p50 {run['cpu_p50_ms']:.1f} ms, "
            f"{run['posts']} posts)", "value": p99, "unit": "ms",
            "ratio": p99 / CPU_P99_TARGET_MS, "target": "p99 ≤ 10 ms", "target_ratio": 1.0,
            "met": p99 <= CPU_P99_TARGET_MS,
        })  # fmt: skip
        added = run["rss_added_mb"]
        rows.append({
            "name": f"moderation {label}: RSS added per process", "value": added, "unit": "MB",
            "ratio": added / RSS_TARGET_MB, "target": "≤ 80 MB", "target_ratio": 1.0,
            "met": added <= RSS_TARGET_MB,
        })  # fmt: skip
    installed = found["install_mb"]
    rows.append({
        "name": "moderation installed, without the optional classifier (its stack "
        f"{found['classifier_install_mb']:.0f} MB more)",
        "value": installed, "unit": "MB", "ratio": installed / INSTALL_TARGET_MB,
        "target": "≤ 150 MB", "target_ratio": 1.0, "met": installed <= INSTALL_TARGET_MB,
    })  # fmt: skip
    return rows


if __name__ == "__main__":
    json.dump(measure_here(sys.argv[1:] == ["on"]), sys.stdout)
