"""The form helpers of tests/support/forms.py for a real server, with a synchronous client."""

from __future__ import annotations

import httpx

from tests.support.forms import TOKEN, PostedNote, csrf_from


def post_note_sync(
    client: httpx.Client,
    text: str,
    *,
    board: str = "main",
    thread: str | None = None,
    ttl: str | None = None,
    summary: str = "",
    in_reply_to: str | None = None,
) -> PostedNote:
    page = client.get(f"/t/{thread}" if thread else f"/b/{board}")
    assert page.status_code == 200, page.text
    form = {"csrf_token": csrf_from(page.text), "text": text, "summary": summary}
    if ttl is not None:
        form["ttl"] = ttl
    if in_reply_to is not None:
        form["in_reply_to"] = in_reply_to
    answer = client.post(f"/t/{thread}/reply" if thread else f"/b/{board}/post", data=form)
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    shown = client.get(location)
    match = TOKEN.search(shown.text)
    assert match, "the posted page shows the deletion token"
    return PostedNote(location.rstrip("/").rsplit("/", 1)[1], match.group(1))


def delete_note_sync(client: httpx.Client, note_id: str, token: str) -> httpx.Response:
    page = client.get(f"/n/{note_id}/delete")
    return client.post(
        f"/n/{note_id}/delete", data={"csrf_token": csrf_from(page.text), "token": token}
    )
