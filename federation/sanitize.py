"""HTML sanitising for remote content, at least as strict as Mastodon's MASTODON_STRICT.

Owns the allow-list applied to every piece of remote HTML we render (replies, names, reports) and
the HTML-to-text reduction used for previews (mastodon-interop §5.1.1, §8.5). It must not render
templates or decide what is shown.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Final

import nh3

ALLOWED_TAGS: Final = frozenset(
    {
        "p", "br", "span", "a", "del", "s", "pre", "blockquote", "code", "b", "strong", "u",
        "i", "em", "ul", "ol", "li", "ruby", "rt", "rp",
    }
)  # fmt: skip
_ATTRIBUTES: Final = {
    "*": {"lang"},
    "a": {"href", "class", "translate"},
    "span": {"class", "translate"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "p": {"class"},
}
# Only the web: other schemes Mastodon keeps (dat, ipfs, gemini…) are not worth the review.
URL_SCHEMES: Final = frozenset({"http", "https"})
LINK_REL: Final = "nofollow noopener noreferrer ugc"
_KEPT_CLASS = re.compile(
    r"(?:h|p|u|dt|e)-[\w-]+|mention|hashtag|ellipsis|invisible|quote-inline", re.ASCII
)
_BLOCK_BREAK = re.compile(r"</p>|</li>|</blockquote>|</pre>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute != "class":
        return value
    kept = [name for name in value.split() if _KEPT_CLASS.fullmatch(name)]
    return " ".join(kept) if kept else None


_CLEANER: Final = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style", "template", "iframe", "object", "svg", "math"},
    attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
    attribute_filter=_filter_attribute,
    link_rel=LINK_REL,
    url_schemes=set(URL_SCHEMES),
    # A relative link in remote HTML would resolve against our host.
    url_relative="deny",
)


def sanitize_remote_html(value: str) -> str:
    """Reduce remote HTML to Mastodon's strict allow-list with forced `rel`; safe to render."""
    return _CLEANER.clean(value)


def plain_text(value: str) -> str:
    """Reduce HTML to plain text for previews: paragraphs and breaks become newlines.

    The result is unescaped text, not HTML: escape it again when rendering.
    """
    cleaned = nh3.clean(value, tags={"p", "br", "li", "blockquote", "pre"}, attributes={})
    text = _TAG.sub("", _BLOCK_BREAK.sub("\n", cleaned))
    text = _SPACES.sub(" ", html.unescape(text))
    lines = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", lines).strip()


@dataclass(frozen=True, slots=True)
class Link:
    """One `<a href>` of (sanitised) HTML: where it points and its microformat classes."""

    href: str
    classes: frozenset[str]

    @property
    def is_mention_or_hashtag(self) -> bool:
        """Marked as a mention or a hashtag (Mastodon's `u-url mention`, `mention hashtag`)."""
        return bool(self.classes & {"mention", "hashtag"})


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[Link] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        values = dict(attrs)
        href = values.get("href")
        if href:
            classes = frozenset((values.get("class") or "").split())
            self.links.append(Link(href.strip(), classes))


def links_in(value: str) -> tuple[Link, ...]:
    """Every link of HTML (the stdlib's parser; pass sanitised HTML, whose hrefs are the
    ones a reader can click), in order."""
    collector = _LinkCollector()
    collector.feed(value)
    collector.close()
    return tuple(collector.links)
