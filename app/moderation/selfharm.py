"""Whether a text mentions self-harm, so the poster can be shown crisis resources first.

Owns only the yes/no question, answered from the self_harm term list (English and Chinese)
with its own allowlist ("想死你了" is "I miss you terribly", "跳楼价" a clearance price). It
blocks nothing: the post still goes through moderation.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from app.moderation.matching import TermMatcher
from app.moderation.normalize import Normalized
from app.moderation.wordlists import SELF_HARM, default_allowlist, default_terms


def build_self_harm_matcher(terms: Iterable[str], allowlist: Iterable[str] = ()) -> TermMatcher:
    return TermMatcher.build({SELF_HARM: tuple(terms)}, allowlist)


@cache
def default_self_harm_matcher() -> TermMatcher:
    """The shipped list, compiled on first use; immutable afterwards, so safe to share."""
    return build_self_harm_matcher(default_terms()[SELF_HARM], default_allowlist())


def mentions_self_harm(normalized: Normalized, matcher: TermMatcher | None = None) -> bool:
    return SELF_HARM in (matcher or default_self_harm_matcher()).labels_in(normalized)
