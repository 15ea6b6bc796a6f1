"""What a direct message to a board asks for (issue #13), as pure functions of its HTML: post a
note (its text with every mention taken out, and the lifetime a `ttl: 1d` line asks for), delete
the post an answer is about (`delete`), or help (`help`, or nothing left to post)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from federation.sanitize import plain_text

Command = Literal["post", "help", "delete"]
POST: Command = "post"
HELP: Command = "help"
DELETE: Command = "delete"

# `@user` and `@user@host[:port]`, not inside a word or an address (`a@b.example` stays).
_MENTION = re.compile(r"(?<![\w@/.])@[\w.-]+(?:@[\w-]+(?:\.[\w-]+)*(?::\d+)?)?")
_TTL_LINE = re.compile(r"^[ \t]*ttl[ \t]*:[ \t]*(?P<value>[^\n]*?)[ \t]*$", re.IGNORECASE | re.M)
_DURATION = re.compile(r"^(?P<count>\d{1,6})[ \t]*(?P<unit>m|min|h|d|w)$", re.IGNORECASE)
UNIT_SECONDS = {"m": 60, "min": 60, "h": 3600, "d": 86_400, "w": 7 * 86_400}
# The commands, in the languages the answers are written in (app/locale).
_WORDS = {"help": HELP, "?": HELP, "delete": DELETE, "帮助": HELP, "？": HELP, "删除": DELETE}


@dataclass(frozen=True, slots=True)
class DirectMessage:
    """`text`: what would be posted; `ttl`: the lifetime asked for, in seconds as the posting
    use case takes it (a value it refuses when the line did not parse), None for the board's."""

    command: Command
    text: str
    ttl: str | None = None


def parse_direct_message(content_html: str) -> DirectMessage:
    text = strip_mentions(plain_text(content_html))
    ttl = None
    found = _TTL_LINE.search(text)
    if found is not None:
        ttl = parse_ttl(found.group("value"))
        text = _TTL_LINE.sub("", text, count=1)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    word = _WORDS.get(text.strip(".!。！ ").casefold())
    if word is not None and ttl is None:
        return DirectMessage(word, "")
    if not text:
        return DirectMessage(HELP, "")
    return DirectMessage(POST, text, ttl)


def strip_mentions(text: str) -> str:
    """The text without `@mentions`, and without the spaces they leave at a line's ends."""
    lines = (re.sub(r"[ \t]{2,}", " ", _MENTION.sub("", line)).strip() for line in text.split("\n"))
    return "\n".join(lines).strip()


def parse_ttl(value: str) -> str:
    """`1d`, `12h`, `30m`, `2w` as seconds; anything else as written (refused as not offered)."""
    match = _DURATION.match(value.strip())
    if match is None:
        return value.strip() or "invalid"
    return str(int(match.group("count")) * UNIT_SECONDS[match.group("unit").lower()])


def format_duration(seconds: int) -> str:
    """The `ttl:` syntax for a lifetime, largest unit that divides it (for the help text)."""
    for unit in ("w", "d", "h"):
        if seconds % UNIT_SECONDS[unit] == 0:
            return f"{seconds // UNIT_SECONDS[unit]}{unit}"
    return f"{max(1, seconds // 60)}m"
