"""`make eval`: the moderation pipeline over the labelled corpus, with the English classifier on
and off.

    python -m eval.run [--part dev|train2|train3|train4|heldout|heldout2|heldout3|heldout4|all]
        [--classifier on|off|both] [--json] [--misses]

Prints recall (must-stop posts held or rejected, self-harm posts shown the help page), false
holds (honest posts held, rejected or shown the help page) and content warnings on honest posts,
per part × language × category, per evasion tag and overall, and the CPU per post (p50/p99).
`--misses` lists the posts it got wrong, for the development and training parts only: the
held-out parts are run to report, never read to tune (eval/README.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from eval.corpus import PARTS, PUBLISH, READABLE, load_part
from eval.scoring import (
    LANGS,
    TARGET_FALSE_HOLDS,
    TARGET_RECALL,
    TARGET_WARNINGS,
    summary,
)
from eval.screening import CLASSIFIER_DISTRIBUTIONS, Run, Screened, installed_kb, screen_all

SETTINGS = {"on": True, "off": False}


def evaluate(
    parts: Sequence[str], classifier: bool, model: bool = True
) -> tuple[dict[str, Any], Run]:
    """Screen the parts' posts in one run; the summary of each part, and the run."""
    posts = [post for part in parts for post in load_part(part)]
    run = screen_all(posts, classifier, model)
    by_part = {part: summary([s for s in run.screened if s.post.part == part]) for part in parts}
    return by_part, run


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.run", description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=(*PARTS, "all"), default="all")
    parser.add_argument("--classifier", choices=("on", "off", "both"), default="both")
    parser.add_argument(
        "--model",
        choices=("on", "off"),
        default="on",
        help="off: the rules alone (the admin's model_hold and model_help set to off)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--misses", action="store_true", help="list misses (the READABLE parts)")
    args = parser.parse_args(argv)
    if args.misses and args.part not in READABLE:
        parser.error(
            f"--misses lists posts of the parts one may read (add --part {' or '.join(READABLE)}):"
            " the held-out parts are only run to report"
        )
    parts = list(PARTS) if args.part == "all" else [args.part]
    chosen = ["on", "off"] if args.classifier == "both" else [args.classifier]
    # Off first: the process has not loaded the classifier yet, so its RSS delta shows.
    results: dict[str, Any] = {}
    runs: dict[str, Run] = {}
    for name in sorted(chosen, key=lambda n: n != "off"):
        results[name], runs[name] = evaluate(parts, SETTINGS[name], args.model == "on")
    document = {
        "settings": "default (a fresh instance, the main board, no admin changes)"
        + ("" if args.model == "on" else "; the n-gram model off"),
        "targets": {
            "recall": TARGET_RECALL,
            "false_holds": TARGET_FALSE_HOLDS,
            "warnings": TARGET_WARNINGS,
        },
        "classifier": {name: results[name] for name in chosen},
        "classifier_cost": cost(runs),
    }
    if args.json:
        json.dump(document, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print_report(document, parts, chosen)
    if args.misses:
        print_misses(runs[chosen[0]].screened, chosen[0])
    return 0


def cost(runs: dict[str, Run]) -> dict[str, Any]:
    found: dict[str, Any] = {"install_kb": installed_kb(CLASSIFIER_DISTRIBUTIONS)}
    if "on" in runs and "off" in runs:
        # The off run went first: its end is the process before the classifier ever loaded.
        found["rss_added_kb"] = max(0, runs["on"].rss_after_kb - runs["off"].rss_after_kb)
    return found


def _rate(rate: dict[str, Any]) -> str:
    if not rate["total"]:
        return "-"
    return f"{rate['rate']:.2f} {rate['hits']:>3}/{rate['total']:<3}"


def print_report(document: dict[str, Any], parts: Sequence[str], chosen: Sequence[str]) -> None:
    for name in chosen:
        for part in parts:
            print_part(document["classifier"][name][part], part, name)
    if len(chosen) == 2:
        print_comparison(document, parts)
    print(
        f"targets: recall ≥ {TARGET_RECALL} in every language × category, false holds ≤ "
        f"{TARGET_FALSE_HOLDS}, warnings ≤ {TARGET_WARNINGS} (on honest posts)"
    )


def print_part(result: dict[str, Any], part: str, classifier: str) -> None:
    overall, cpu = result["overall"], result["cpu_ms"]
    print(f"\n== {part}: {result['posts']} posts, English classifier {classifier} ==")
    print(
        f"overall  recall {_rate(overall['recall'])}  false holds "
        f"{_rate(overall['false_holds'])}  warnings {_rate(overall['warnings'])}"
    )
    print(
        f"CPU per post  p50 {cpu['p50']:.2f} ms  p99 {cpu['p99']:.2f} ms  "
        f"max {cpu['max']:.2f} ms  mean {cpu['mean']:.2f} ms"
    )
    header = f"{'category':<11} {'measure':<12}" + "".join(f"{lang:>14}" for lang in LANGS)
    print(header + f"{'all':>14}")
    by_category: dict[str, dict[str, dict[str, Any]]] = {}
    for cell in result["cells"]:
        by_category.setdefault(cell["category"], {})[cell["lang"]] = cell
    for category, by_lang in by_category.items():
        measures = ("false_holds", "warnings") if _expect(by_lang) == PUBLISH else ("recall",)
        for measure in measures:
            row = f"{category:<11} {measure:<12}"
            for lang in (*LANGS, "all"):
                cell = by_lang.get(lang)
                row += f"{_rate(cell[measure]) if cell else '-':>14}"
            print(row)
    print(f"{'evasion':<16} {'recall':>14} {'false holds':>14}")
    for tag, rates in result["evasions"].items():
        print(f"{tag:<16} {_rate(rates['recall']):>14} {_rate(rates['false_holds']):>14}")


def _expect(by_lang: dict[str, dict[str, Any]]) -> str:
    return str(next(iter(by_lang.values()))["expect"])


def print_comparison(document: dict[str, Any], parts: Sequence[str]) -> None:
    on, off = document["classifier"]["on"], document["classifier"]["off"]
    print("\n== the English classifier (alt-profanity-check): on vs off ==")
    for part in parts:
        a, b = on[part], off[part]
        print(
            f"{part:<8} recall {a['overall']['recall']['rate']:.3f} vs "
            f"{b['overall']['recall']['rate']:.3f}  false holds "
            f"{a['overall']['false_holds']['rate']:.3f} vs "
            f"{b['overall']['false_holds']['rate']:.3f}  warnings "
            f"{a['overall']['warnings']['rate']:.3f} vs {b['overall']['warnings']['rate']:.3f}  "
            f"CPU p99 {a['cpu_ms']['p99']:.2f} vs {b['cpu_ms']['p99']:.2f} ms"
        )
    spent = document["classifier_cost"]
    print(
        f"cost: {spent['install_kb'] / 1024:.0f} MB installed (alt-profanity-check, "
        f"scikit-learn, scipy, joblib, threadpoolctl), "
        f"{spent.get('rss_added_kb', 0) / 1024:.0f} MB RSS added when loaded"
    )


def print_misses(screened: Sequence[Screened], classifier: str) -> None:
    print(f"\n== misses on dev (classifier {classifier}) ==")
    for item in screened:
        post = item.post
        if post.expect == PUBLISH:
            if not (item.false_hold or item.warned):
                continue
            got = "help page" if item.help_shown and not item.stopped else item.outcome
        elif item.caught:
            continue
        else:
            got = item.outcome
        because = f" by {item.check}: {item.reason}" if item.reason else ""
        text = post.text.replace("\n", " ⏎ ")
        print(f"{post.id} {post.lang:<5} {post.category:<10} {got}{because}  {text}")


if __name__ == "__main__":
    raise SystemExit(main())
