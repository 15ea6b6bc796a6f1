"""Finding listed terms in normalised text, with an allowlist that can excuse a hit.

Owns the Aho-Corasick automata and the matching rules, not what a hit means: Latin-script
terms match whole words in the `words` forms (so "class" never hits "ass", while "s.e.x" and
"a s s" still do, being joined by normalisation); terms with CJK characters match anywhere in
the `joined` forms, since Chinese has no spaces. An allowlisted word or phrase ("乳酸",
"cum laude") that covers a hit suppresses that hit only, at that position.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from ahocorasick_rs import AhoCorasick

from app.moderation.normalize import (
    Converter,
    Normalized,
    canon_forms,
    fold_plain,
    fold_term,
    has_cjk,
)

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class _Automaton:
    """One automaton and, per pattern index, the labels (categories) it stands for."""

    search: AhoCorasick
    labels: tuple[tuple[str, ...], ...]

    @classmethod
    def build(cls, keyed: Mapping[str, set[str]]) -> _Automaton | None:
        if not keyed:
            return None
        patterns = sorted(keyed)
        return cls(AhoCorasick(patterns), tuple(tuple(sorted(keyed[p])) for p in patterns))

    def hits(self, haystack: str) -> Iterator[tuple[tuple[str, ...], int, int]]:
        for index, start, end in self.search.find_matches_as_indexes(haystack, overlapping=True):
            yield self.labels[index], start, end


@dataclass(frozen=True, slots=True)
class TermMatcher:
    """Compiled once from labelled terms and an allowlist; `labels_in` is pure and thread-safe."""

    words: _Automaton | None
    joined: _Automaton | None
    allow_words: _Automaton | None
    allow_joined: _Automaton | None
    # The allowlist as folded plain text, masked out of the forms the rule detectors read.
    allow_plain: _Automaton | None = None

    @classmethod
    def build(
        cls,
        terms: Mapping[str, Iterable[str]],
        allowlist: Iterable[str] = (),
        converter: Converter | None = None,
    ) -> TermMatcher:
        words: dict[str, set[str]] = {}
        joined: dict[str, set[str]] = {}
        for label, label_terms in terms.items():
            for term in label_terms:
                _add_term(fold_term(term, converter), label, words, joined)
        allow_words: dict[str, set[str]] = {}
        allow_joined: dict[str, set[str]] = {}
        allow_plain: dict[str, set[str]] = {}
        for phrase in allowlist:
            key = fold_term(phrase, converter)
            if key:
                (allow_joined if has_cjk(key) else allow_words).setdefault(key, set()).add("")
            plain = fold_plain(phrase, converter).strip()
            if plain:
                allow_plain.setdefault(plain, set()).add("")
        return cls(
            words=_Automaton.build(words),
            joined=_Automaton.build(joined),
            allow_words=_Automaton.build(allow_words),
            allow_joined=_Automaton.build(allow_joined),
            allow_plain=_Automaton.build(allow_plain),
        )

    def masked(self, normalized: Normalized) -> Normalized:
        """`normalized` with allowlisted phrases blanked out of the rule detectors' forms
        (`en`, `zh`), so "Dick Van Dyke" or "杀鸡儆猴" reaches no detector; itself when none
        occurs."""
        if self.allow_plain is None:
            return normalized
        spans = [(start, end) for _, start, end in self.allow_plain.hits(normalized.plain)]
        if not spans:
            return normalized
        chars = list(normalized.plain)
        for start, end in spans:
            chars[start:end] = " " * (end - start)
        en, zh = canon_forms("".join(chars))
        return replace(normalized, en=en, zh=zh)

    def labels_in(self, normalized: Normalized) -> set[str]:
        """Every label with at least one hit not covered by an allowlisted phrase."""
        found: set[str] = set()
        for form in normalized.words:
            found |= _labels(self.words, self.allow_words, f" {form} ", padded=True)
        for form in normalized.joined:
            found |= _labels(self.joined, self.allow_joined, form, padded=False)
        return found


def _add_term(
    key: str, label: str, words: dict[str, set[str]], joined: dict[str, set[str]]
) -> None:
    if not key:
        return
    if has_cjk(key):
        joined.setdefault(key, set()).add(label)
        return
    words.setdefault(f" {key} ", set()).add(label)
    if " " in key:
        # "k i l l m y s e l f" normalises to one word, so phrases also match unspaced.
        words.setdefault(f" {key.replace(' ', '')} ", set()).add(label)


def _labels(
    terms: _Automaton | None, allow: _Automaton | None, haystack: str, *, padded: bool
) -> set[str]:
    if terms is None:
        return set()
    hits = list(terms.hits(haystack))
    if not hits:
        return set()
    allowed: list[Span] = [(s, e) for _, s, e in allow.hits(haystack)] if allow else []
    found: set[str] = set()
    for labels, start, end in hits:
        core = (start + 1, end - 1) if padded else (start, end)
        # An allowlisted word that overlaps a hit excuses it: "体操比赛" holds 操比.
        if not any(a < core[1] and core[0] < b for a, b in allowed):
            found.update(labels)
    return found
