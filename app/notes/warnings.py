"""Content warnings moderation adds on its own, kept as codes (`notes.warning_labels`) and put
into words in the language of whoever reads them: the page reader's, or the board's for what
federates."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from app.core.i18n import N_

SEPARATOR = ","
WARNING_LABELS = {
    "sexual": N_("sexual content"),
    "harassment": N_("harassment"),
    "violence": N_("violence"),
    "fraud": N_("possible scam"),
    "self_harm": N_("self-harm"),
    "hate": N_("hateful language"),
    "spam": N_("possible spam"),
    "profanity": N_("strong language"),
    "offensive": N_("offensive language"),
}


def encode_labels(codes: Iterable[str]) -> str | None:
    joined = SEPARATOR.join(dict.fromkeys(code for code in codes if code))
    return joined or None


def decode_labels(stored: str | None) -> tuple[str, ...]:
    return tuple(code for code in (stored or "").split(SEPARATOR) if code)


def warning_text(codes: Iterable[str], gettext: Callable[[str], str]) -> str:
    """The warnings in words, joined: `strong language; offensive language`."""
    return "; ".join(
        gettext(WARNING_LABELS[code]) if code in WARNING_LABELS else code.replace("_", " ")
        for code in codes
    )
