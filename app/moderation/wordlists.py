"""Default filter terms per Treehole category, from shipped data only (never downloaded).

glin-profanity ships uncategorised lists per language; `data/terms.json` maps its english and
chinese entries into our categories (hate, harassment, violence and profanity are named
explicitly; everything else in glin's lists is sexual vocabulary, so that is the default), drops
entries that are anatomy, medicine, everyday words or common Chinese morphemes (性, 奶, 干/幹,
逼 … match innocent text everywhere), and adds our own fraud, spam, self-harm, harassment and
Chinese sexual-solicitation terms, plus an allowlist of innocent words containing listed terms.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

SEXUAL = "sexual"
HARASSMENT = "harassment"
VIOLENCE = "violence"
FRAUD = "fraud"
SELF_HARM = "self_harm"
HATE = "hate"
SPAM = "spam"
# General swearing ("fuck", "他妈的"): not aimed at anyone by itself, so kept apart from
# harassment and left for admins to warn on or switch off.
PROFANITY = "profanity"
CATEGORIES = (HATE, VIOLENCE, HARASSMENT, SEXUAL, FRAUD, SPAM, SELF_HARM, PROFANITY)

_GLIN_PACKAGE = "glin_profanity.data"


def default_terms() -> dict[str, tuple[str, ...]]:
    """Every category's default terms: glin's lists (mapped) plus our curated ones."""
    data = _load_terms_file()
    terms: dict[str, list[str]] = {category: [] for category in CATEGORIES}
    for category, words in _glin_categories(data["glin"]).items():
        terms[category].extend(words)
    for category, words in data["curated"].items():
        terms[category].extend(words)
    return {category: tuple(dict.fromkeys(words)) for category, words in terms.items()}


def default_allowlist() -> tuple[str, ...]:
    """Innocent words and phrases that contain a listed term ("乳酸", "cum laude")."""
    return tuple(_load_terms_file()["allowlist"])


def glin_words(language: str) -> tuple[str, ...]:
    """glin-profanity's raw list for one language ("english", "chinese", "japanese", …)."""
    source = resources.files(_GLIN_PACKAGE) / "dictionaries" / f"{language}.json"
    words = json.loads(source.read_text(encoding="utf-8"))["words"]
    return tuple(word for word in words if isinstance(word, str) and word.strip())


def _glin_categories(glin: Mapping[str, Any]) -> dict[str, list[str]]:
    excluded = set(glin["exclude"])
    named = {word: category for category, words in glin["categories"].items() for word in words}
    out: dict[str, list[str]] = {}
    for word in _all_words(glin["languages"]):
        if word not in excluded:
            out.setdefault(named.get(word, glin["default_category"]), []).append(word)
    return out


def _all_words(languages: Iterable[str]) -> Iterable[str]:
    for language in languages:
        yield from glin_words(language)


def _load_terms_file() -> dict[str, Any]:
    source = resources.files("app.moderation") / "data" / "terms.json"
    data: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    return data
