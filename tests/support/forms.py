"""Drive the HTML forms the way a browser without JavaScript would."""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TOKEN = re.compile(r'<code id="deletion-token">([^<]+)</code>')


def csrf_from(html: str) -> str:
    match = CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


@dataclass(frozen=True, slots=True)
class PostedNote:
    note_id: str
    token: str


async def post_note(
    client: httpx.AsyncClient,
    text: str,
    *,
    board: str = "main",
    summary: str = "",
    ttl: str | None = None,
    thread: str | None = None,
    in_reply_to: str | None = None,
) -> PostedNote:
    """Post through the form (thread if `thread` is None, else reply) and read the token page."""
    page = await client.get(f"/t/{thread}" if thread else f"/b/{board}")
    assert page.status_code == 200, page.text
    form = {"csrf_token": csrf_from(page.text), "text": text, "summary": summary}
    if ttl is not None:
        form["ttl"] = ttl
    if in_reply_to is not None:
        form["in_reply_to"] = in_reply_to
    action = f"/t/{thread}/reply" if thread else f"/b/{board}/post"
    answer = await client.post(action, data=form)
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    note_id = location.rstrip("/").rsplit("/", 1)[1]
    shown = await client.get(location)
    match = TOKEN.search(shown.text)
    assert match, "the posted page shows the deletion token"
    return PostedNote(note_id, match.group(1))
