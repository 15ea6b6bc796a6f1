"""The colour variables of treehole.css, light and dark, against WCAG 2 contrast minimums:
4.5:1 for text (1.4.3), 3:1 for focus rings and control borders (1.4.11)."""

from __future__ import annotations

import re

import pytest

from app.web.templates import TEMPLATE_DIR

STYLESHEET = TEMPLATE_DIR.parent / "static" / "treehole.css"
ROOT_BLOCK = re.compile(r":root\s*\{([^}]*)\}")
VARIABLE = re.compile(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\s*;")

TEXT_PAIRS = [
    (text, ground) for text in ("ink", "muted", "accent", "danger") for ground in ("bg", "card")
] + [("accent-ink", "accent")]
CONTROL_PAIRS = [(edge, ground) for edge in ("focus", "field") for ground in ("bg", "card")]


def schemes() -> dict[str, dict[str, str]]:
    """Light (the first :root) and dark (the light values overridden by the second :root)."""
    blocks = ROOT_BLOCK.findall(STYLESHEET.read_text())
    assert len(blocks) == 2, "expected a light :root and a dark :root"
    light = dict(VARIABLE.findall(blocks[0]))
    return {"light": light, "dark": {**light, **dict(VARIABLE.findall(blocks[1]))}}


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(one: str, other: str) -> float:
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_stylesheet_contrast_formula_matches_wcag_examples() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_stylesheet_text_contrast_at_least_4_5(scheme: str) -> None:
    colours = schemes()[scheme]
    low = {
        f"{text} on {ground}": round(contrast(colours[text], colours[ground]), 2)
        for text, ground in TEXT_PAIRS
        if contrast(colours[text], colours[ground]) < 4.5
    }
    assert low == {}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_stylesheet_focus_and_control_borders_at_least_3(scheme: str) -> None:
    colours = schemes()[scheme]
    low = {
        f"{edge} on {ground}": round(contrast(colours[edge], colours[ground]), 2)
        for edge, ground in CONTROL_PAIRS
        if contrast(colours[edge], colours[ground]) < 3
    }
    assert low == {}


def test_stylesheet_keeps_visible_focus_and_wraps_long_words() -> None:
    css = STYLESHEET.read_text()
    assert re.search(r"textarea:focus-visible[^{]*\{[^}]*outline: 3px solid var\(--focus\)", css)
    assert "outline: none" not in css and "outline:none" not in css
    # Interface text breaks only where a word ends (a long word may still wrap rather than
    # overflow); people's text in note bodies may break anywhere.
    assert re.search(r"main[^{]*\{[^}]*overflow-wrap: break-word", css)
    assert re.search(r"\.note \.body \{[^}]*overflow-wrap: anywhere", css)
