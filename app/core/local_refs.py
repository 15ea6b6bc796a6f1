"""Which of our own things a URL names (the inverse of `app/core/urls.py`), as a pure function."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from app.core.urls import Urls

RefKind = Literal["instance", "board", "actor", "note", "thread", "answer"]
PATTERNS: tuple[tuple[RefKind, re.Pattern[str]], ...] = (
    ("instance", re.compile(r"^/actor$")),
    ("board", re.compile(r"^/b/([a-z0-9_]{1,32})$")),
    ("actor", re.compile(r"^/a/([a-z2-7]{26})$")),
    ("note", re.compile(r"^/n/([a-z2-7]{26})$")),
    ("thread", re.compile(r"^/t/([a-z2-7]{26})$")),
    ("answer", re.compile(r"^/answers/([a-z2-7]{26})$")),
)


@dataclass(frozen=True, slots=True)
class LocalRef:
    kind: RefKind
    key: str


def parse_local_url(urls: Urls, url: str | None) -> LocalRef | None:
    """`LocalRef` for a URL on our origin (fragment ignored), else None."""
    if not url or not url.startswith(urls.base + "/"):
        return None
    path = url[len(urls.base) :].split("#", 1)[0].split("?", 1)[0]
    for kind, pattern in PATTERNS:
        match = pattern.match(path)
        if match:
            return LocalRef(kind, match.group(1) if match.groups() else "")
    return None
