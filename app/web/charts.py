"""Small bar charts as inline SVG, rendered on the server: no script, no third-party asset, and
nothing the Content-Security-Policy has to allow (colours come from treehole.css classes, so the
dark scheme applies). The SVG holds only bars; captions and scale are HTML around it, so text
keeps its size however wide the chart is stretched."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

VIEW_WIDTH = 300
VIEW_HEIGHT = 60
GAP_SHARE = 0.25  # of each bar's slot
MIN_VISIBLE = 1.5  # a non-zero day never draws as nothing
MIN_SLOTS = 12  # a short series keeps slim bars, flush right (the newest at the right edge)


@dataclass(frozen=True, slots=True)
class Point:
    key: str  # e.g. "2025-03-01"; what a bar's tooltip and data-key say
    label: str  # the key in the reader's words
    count: int


def bar_chart(points: Sequence[Point], title: str, kind: str = "") -> Markup:
    """An SVG of one bar per point, scaled to the largest count; each bar has a tooltip."""
    top = max((p.count for p in points), default=0)
    slots = max(MIN_SLOTS, len(points))
    slot = VIEW_WIDTH / slots
    width = slot * (1 - GAP_SHARE)
    offset = (slots - len(points)) * slot
    bars = []
    for index, point in enumerate(points):
        height = 0.0 if top == 0 else max(MIN_VISIBLE, VIEW_HEIGHT * point.count / top)
        if point.count == 0:
            height = 0.0
        x = offset + index * slot + (slot - width) / 2
        bars.append(
            Markup(
                '<rect class="bar" x="{:.2f}" y="{:.2f}" width="{:.2f}" height="{:.2f}" '
                'data-key="{}" data-count="{}"><title>{}: {}</title></rect>'
            ).format(
                x,
                VIEW_HEIGHT - height,
                width,
                height,
                point.key,
                point.count,
                point.label,
                point.count,
            )  # fmt: skip
        )
    return Markup(
        '<svg class="chart{}" viewBox="0 0 {} {}" preserveAspectRatio="none" role="img" '
        'aria-label="{}"><line class="axis" x1="0" y1="{}" x2="{}" y2="{}"/>{}</svg>'
    ).format(
        f" {kind}" if kind else "", VIEW_WIDTH, VIEW_HEIGHT, title, VIEW_HEIGHT - 0.25,
        VIEW_WIDTH, VIEW_HEIGHT - 0.25, Markup("").join(bars),
    )  # fmt: skip
