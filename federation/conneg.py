"""Content negotiation between AS2 JSON and HTML for URLs that serve both (actors, notes, boards).

Owns the parsing of `Accept` headers (media ranges, parameters, q-values) and the single decision
"does this client want ActivityStreams JSON?". It must not build responses; the web layer does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from federation.vocab import AS_CONTEXT


def _entry_pattern(separator: str) -> re.Pattern[str]:
    """One entry up to the next `separator` outside a quoted string (RFC 9110 §5.6.4, with
    quoted pairs). Every alternative starts on a different character and a quoted string runs
    to its closing quote or the end, so a match never backtracks: splitting is linear in the
    header's length. (A lookahead "even number of quotes up to the end" after each separator
    rescanned the rest of the header per separator: quadratic.)"""
    return re.compile(rf'(?:[^{separator}"]|"(?:[^"\\]|\\(?:.|\Z))*(?:"|\Z))*', re.DOTALL)


_COMMA_ENTRY = _entry_pattern(",")
_SEMICOLON_ENTRY = _entry_pattern(";")
_HTML_TYPES = (("text", "html"), ("application", "xhtml+xml"))


@dataclass(frozen=True, slots=True)
class MediaRange:
    """One parsed entry of an Accept header."""

    type: str
    subtype: str
    params: dict[str, str]
    q: float


def parse_accept(accept_header: str) -> list[MediaRange]:
    """Parse an Accept header into media ranges; malformed entries are skipped."""
    ranges: list[MediaRange] = []
    for entry in _split(_COMMA_ENTRY, accept_header):
        parsed = _parse_range(entry)
        if parsed is not None:
            ranges.append(parsed)
    return ranges


def _split(entry: re.Pattern[str], text: str) -> list[str]:
    """`text` cut at each separator outside quotes; each character is read once."""
    pieces: list[str] = []
    position = 0
    while True:
        match = entry.match(text, position)
        assert match is not None  # the pattern matches the empty string
        pieces.append(match.group(0))
        position = match.end() + 1  # past the separator
        if position > len(text):
            return pieces


def _parse_range(entry: str) -> MediaRange | None:
    pieces = [piece.strip() for piece in _split(_SEMICOLON_ENTRY, entry)]
    full_type, _, subtype = pieces[0].lower().partition("/")
    if not full_type or not subtype:
        return None
    params: dict[str, str] = {}
    q = 1.0
    for piece in pieces[1:]:
        name, sep, value = piece.partition("=")
        if not sep:
            continue
        name = name.strip().lower()
        value = value.strip().strip('"')
        if name == "q":
            q = _parse_q(value)
        else:
            params[name] = value
    return MediaRange(full_type, subtype, params, q)


def _parse_q(value: str) -> float:
    try:
        q = float(value)
    except ValueError:
        return 0.0
    if q != q:  # NaN
        return 0.0
    return min(max(q, 0.0), 1.0)


def _is_as2(media: MediaRange) -> bool:
    if media.type != "application":
        return False
    if media.subtype == "activity+json":
        return True
    if media.subtype != "ld+json":
        return False
    # ld+json without a profile is taken as AS2 (what some fetchers send); with a profile, it must
    # name the ActivityStreams context (Mastodon's valid_activitypub_content_type? rule, §3.1).
    profile = media.params.get("profile")
    return profile is None or AS_CONTEXT in profile.split()


def _html_quality(ranges: list[MediaRange]) -> float:
    """q for HTML, taken from the most specific range that matches it (RFC 9110 §12.5.1)."""
    best_specificity = -1
    quality = 0.0
    for media in ranges:
        if (media.type, media.subtype) in _HTML_TYPES:
            specificity = 2
        elif media.type == "text" and media.subtype == "*":
            specificity = 1
        elif media.type == "*" and media.subtype == "*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity or (
            specificity == best_specificity and media.q > quality
        ):
            best_specificity, quality = specificity, media.q
    return quality


def wants_activity_json(accept_header: str | None) -> bool:
    """Tell whether a client explicitly asked for AS2 JSON in preference to HTML.

    Wildcards never select AS2: a browser's `*/*` gets HTML. On equal q the explicit AS2 range wins,
    because browsers never name an AS2 type.
    """
    if not accept_header:
        return False
    ranges = parse_accept(accept_header)
    as2_quality = max((media.q for media in ranges if _is_as2(media)), default=0.0)
    if as2_quality <= 0.0:
        return False
    return as2_quality >= _html_quality(ranges)
