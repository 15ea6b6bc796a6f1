"""`#tags` in a note's plain text: which words are tags, as Mastodon reads them.

Mastodon's Tag::HASHTAG_RE: a `#` not preceded by a word character, `/`, `=` or `)` (so URLs
with fragments and `a#b` are not tags), then word characters (any script: CJK tags work) with at
least one that is not a digit. Pure; the federated note turns each into a `Hashtag` and a link.
"""

from __future__ import annotations

import re
from typing import Final

HASHTAG_PATTERN: Final = r"(?<![\w/=)&#])#(?P<tag>\w*[^\W\d]\w*)"
HASHTAG: Final = re.compile(HASHTAG_PATTERN)
MAX_TAG_CHARS: Final = 100


def extract_hashtags(text: str) -> list[str]:
    """The distinct tags of `text` (without `#`), first spelling kept, in order of appearance."""
    seen: dict[str, str] = {}
    for match in HASHTAG.finditer(text):
        name = match.group("tag")
        if len(name) <= MAX_TAG_CHARS:
            seen.setdefault(name.casefold(), name)
    return list(seen.values())


def normalise_tag(name: str) -> str:
    """The form a tag is compared and linked by (Mastodon folds case)."""
    return name.casefold()
