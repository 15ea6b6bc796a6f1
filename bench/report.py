"""Results: a printed table, a JSON file and a small hand-written SVG bar chart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def print_table(rows: list[dict[str, Any]]) -> None:
    headers = ["measurement", "value", "floor", "% of floor", "target", "met"]
    cells = [
        [
            row["name"],
            _fmt(row["value"], row["unit"]),
            _fmt(row.get("floor"), row["unit"]) if row.get("floor") else "",
            f"{row['ratio'] * 100:.0f}%" if row.get("ratio") is not None else "",
            row.get("target", ""),
            {True: "yes", False: "NO", None: ""}[row.get("met")],
        ]
        for row in rows
    ]
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *cells, strict=False)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("-" * len(line))
    for row in cells:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))


def _fmt(value: Any, unit: str) -> str:
    if value is None:
        return ""
    return f"{value:,.1f} {unit}" if isinstance(value, float) else f"{value} {unit}"


def write_results(stamp: str, results: dict[str, Any], rows: list[dict[str, Any]]) -> list[Path]:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2, sort_keys=True, default=str)
    paths = [RESULTS_DIR / f"{stamp}.json", RESULTS_DIR / "latest.json"]
    for path in paths:
        path.write_text(text + "\n")
    chart = RESULTS_DIR / f"{stamp}.svg"
    chart.write_text(svg_chart(rows, f"Treehole bench {stamp}"))
    return [*paths, chart]


def svg_chart(rows: list[dict[str, Any]], title: str) -> str:
    """Horizontal bars: each measurement as a percentage of its floor (or of its target)."""
    charted = [r for r in rows if r.get("ratio") is not None]
    bar_h, gap, left, width = 18, 8, 330, 420
    height = 50 + len(charted) * (bar_h + gap) + 30
    scale = max([1.2, *(min(r["ratio"], 3.0) for r in charted)])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 80}" height="{height}" '
        'font-family="sans-serif" font-size="12">',
        f'<text x="10" y="20" font-size="14" font-weight="bold">{escape(title)}</text>',
        '<text x="10" y="38" fill="#555">bar = % of floor or of target budget; '
        "line = target</text>",
    ]
    for i, row in enumerate(charted):
        y = 50 + i * (bar_h + gap)
        ratio = min(row["ratio"], 3.0)
        colour = {True: "#3a7d44", False: "#c0392b", None: "#7f8c8d"}[row.get("met")]
        parts.append(f'<text x="10" y="{y + 13}">{escape(row["name"][:48])}</text>')
        parts.append(
            f'<rect x="{left}" y="{y}" width="{ratio / scale * width:.1f}" height="{bar_h}" '
            f'fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{left + ratio / scale * width + 4:.1f}" y="{y + 13}">'
            f"{row['ratio'] * 100:.0f}%</text>"
        )
        if row.get("target_ratio") is not None:
            tx = left + row["target_ratio"] / scale * width
            parts.append(
                f'<line x1="{tx:.1f}" y1="{y - 2}" x2="{tx:.1f}" y2="{y + bar_h + 2}" '
                'stroke="#000" stroke-width="2"/>'
            )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
