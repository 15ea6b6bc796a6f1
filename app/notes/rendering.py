"""Plain text of a note → safe HTML: escaped, line breaks kept, links made clickable.

Used for our pages and for the `content` of federated Notes, so both show the same thing.
"""

from __future__ import annotations

import html
import re

import nh3
from markupsafe import Markup, escape

LINK = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]}]", re.IGNORECASE)


def _paragraph(text: str) -> str:
    pieces: list[str] = []
    position = 0
    for match in LINK.finditer(text):
        pieces.append(str(escape(text[position : match.start()])))
        href = escape(match.group(0))
        pieces.append(f'<a href="{href}" rel="nofollow noopener noreferrer ugc">{href}</a>')
        position = match.end()
    pieces.append(str(escape(text[position:])))
    return "".join(pieces).replace("\n", "<br>")


def render_text(text: str) -> Markup:
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return Markup("".join(f"<p>{_paragraph(p)}</p>" for p in paragraphs))


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
