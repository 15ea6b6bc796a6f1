"""Plain text of a note → safe HTML: escaped, line breaks kept, links made clickable, and (when a
tag URL builder is given) `#tags` linked the way Mastodon marks them.

Used for our pages and for the `content` of federated Notes, so both show the same thing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import nh3
from markupsafe import Markup, escape

from app.notes.hashtags import HASHTAG_PATTERN, MAX_TAG_CHARS

LINK = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]}]", re.IGNORECASE)
# A link first, so a `#` inside a URL is part of the link, never a tag.
_TOKEN = re.compile(f"(?P<link>{LINK.pattern})|{HASHTAG_PATTERN}", re.IGNORECASE)

TagUrl = Callable[[str], str]


def _tag_link(name: str, tag_url: TagUrl) -> str:
    # Mastodon's own markup (its formatter), which Mastodon and Misskey both recognise as a tag.
    return (
        f'<a href="{escape(tag_url(name))}" class="mention hashtag" rel="tag">'
        f"#<span>{escape(name)}</span></a>"
    )


def _paragraph(text: str, tag_url: TagUrl | None) -> str:
    pieces: list[str] = []
    position = 0
    pattern = _TOKEN if tag_url is not None else LINK
    for match in pattern.finditer(text):
        link = match.group(0) if pattern is LINK else match.group("link")
        if link is None and len(match.group("tag")) > MAX_TAG_CHARS:
            continue
        pieces.append(str(escape(text[position : match.start()])))
        if link is not None:
            href = escape(link)
            pieces.append(f'<a href="{href}" rel="nofollow noopener noreferrer ugc">{href}</a>')
        else:
            assert tag_url is not None
            pieces.append(_tag_link(match.group("tag"), tag_url))
        position = match.end()
    pieces.append(str(escape(text[position:])))
    return "".join(pieces).replace("\n", "<br>")


def render_text(text: str, tag_url: TagUrl | None = None) -> Markup:
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return Markup("".join(f"<p>{_paragraph(p, tag_url)}</p>" for p in paragraphs))


BREAKS = re.compile(r"<\s*(?:br|/p|/li|/blockquote)[^>]*>", re.IGNORECASE)
EXCERPT_CHARS = 90


def excerpt(content: str | None, content_format: str, limit: int = EXCERPT_CHARS) -> str:
    """The first words of a note as plain text, for quoting what a reply answers."""
    if not content:
        return ""
    text = content
    if content_format == "html":
        # Remote HTML was sanitised on arrival; here only its text is wanted.
        text = html.unescape(nh3.clean(BREAKS.sub(" ", content), tags=set()))
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
