"""Languages: message catalogues (gettext .po files under app/locale) and the choice per request.

English is the source language; Simplified Chinese comes first among translations because the
tree-hole apps Treehole answers were Chinese first.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations


def N_(message: str) -> str:
    """Mark a message for the catalogue extractor; it is translated where it is shown."""
    return message


LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DEFAULT = "en"
LANGUAGES = {"en": "English", "zh": "简体中文"}
HTML_LANG = {"en": "en", "zh": "zh-Hans"}


def load_translations(code: str) -> NullTranslations:
    """Compile the .po catalogue in memory: no build step, no .mo files to keep in sync."""
    po_path = LOCALE_DIR / code / "LC_MESSAGES" / "messages.po"
    if code == DEFAULT or not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=code)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def parse_accept_language(header: str | None) -> list[tuple[str, float]]:
    ranges: list[tuple[str, float]] = []
    for part in (header or "").split(","):
        tag, _, params = part.strip().partition(";")
        if not tag:
            continue
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        ranges.append((tag.strip().lower(), quality))
    return sorted(ranges, key=lambda item: -item[1])


def choose_language(cookie: str | None, accept_language: str | None) -> str:
    """The switch (cookie) wins; then the browser's preference; then English."""
    if cookie in LANGUAGES:
        return cookie
    for tag, quality in parse_accept_language(accept_language):
        if quality <= 0:
            continue
        primary = tag.split("-", 1)[0]
        if primary in LANGUAGES:
            return primary
    return DEFAULT


@dataclass(frozen=True, slots=True)
class Catalogues:
    by_language: dict[str, NullTranslations]

    @classmethod
    def load(cls) -> Catalogues:
        return cls({code: load_translations(code) for code in LANGUAGES})


def duration_describer(translations: NullTranslations) -> Callable[[int], str]:
    def describe(seconds: int) -> str:
        if seconds % 86400 == 0:
            days = seconds // 86400
            return translations.ngettext("%(num)d day", "%(num)d days", days) % {"num": days}
        if seconds % 3600 == 0:
            hours = seconds // 3600
            return translations.ngettext("%(num)d hour", "%(num)d hours", hours) % {"num": hours}
        minutes = max(1, seconds // 60)
        return translations.ngettext("%(num)d minute", "%(num)d minutes", minutes) % {
            "num": minutes
        }

    return describe
