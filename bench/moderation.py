"""Moderation's cost per post and per process (issue #10: ≤ 10 ms CPU per post at p99, ≤ 80 MB
RSS and ≤ 150 MB installed for its models and lists).

Each measurement runs in a fresh subprocess (`python -m bench.moderation on|off`), so the RSS it
reports is what moderation adds to a process that has imported the app and opened its database,
and nothing an earlier measurement loaded stays resident. CPU per post is `time.process_time`
around the self-harm question and `moderate` (app/notes/submit.py) for every post of the eval
corpus (eval/data, both parts), on a fresh SQLite database, as `make eval` screens them.
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
        "with_classifier": measure(True),
        "without_classifier": measure(False),
        "install_mb": installed_kb(MODERATION_DISTRIBUTIONS) / 1024,
        "classifier_install_mb": installed_kb(CLASSIFIER_DISTRIBUTIONS) / 1024,
    }


def summary_rows(found: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for key, label in (("with_classifier", "as shipped"), ("without_classifier", "no classifier")):
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
        "name": f"moderation installed (classifier stack {found['classifier_install_mb']:.0f} MB)",
        "value": installed, "unit": "MB", "ratio": installed / INSTALL_TARGET_MB,
        "target": "≤ 150 MB", "target_ratio": 1.0, "met": installed <= INSTALL_TARGET_MB,
    })  # fmt: skip
    return rows


if __name__ == "__main__":
    json.dump(measure_here(sys.argv[1:] == ["on"]), sys.stdout)
