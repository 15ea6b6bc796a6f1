"""The deletion token: shown once, kept only as a SHA-256 hash, and the only key to a note."""

from __future__ import annotations

import hashlib
import html
import re

import httpx
import pytest

from app.store import notes as note_store
from app.web.messages import REASONS
from tests.support.app_client import RunningApp
from tests.support.forms import TOKEN, csrf_from, post_note
from tests.support.snapshots import dump_database

pytestmark = pytest.mark.anyio


async def delete_with(client: httpx.AsyncClient, note_id: str, token: str) -> httpx.Response:
    page = await client.get(f"/n/{note_id}/delete")
    return await client.post(
        f"/n/{note_id}/delete", data={"csrf_token": csrf_from(page.text), "token": token}
    )


async def assert_live(instance: RunningApp, note_id: str, text: str) -> None:
    note = await note_store.get_note(instance.services.db, note_id)
    assert note is not None and note.state == "live" and note.content == text


@pytest.mark.parametrize("token", ["", "wrong-token", "x" * 500])
async def test_delete_with_wrong_token_is_403(instance: RunningApp, token: str) -> None:
    posted = await post_note(instance.client, "keep me")
    answer = await delete_with(instance.client, posted.note_id, token)
    assert answer.status_code == 403
    assert REASONS["bad_token"] in html.unescape(answer.text)
    await assert_live(instance, posted.note_id, "keep me")


async def test_delete_with_token_of_another_note_is_403(instance: RunningApp) -> None:
    mine = await post_note(instance.client, "my note")
    theirs = await post_note(instance.client, "their note")
    answer = await delete_with(instance.client, theirs.note_id, mine.token)
    assert answer.status_code == 403
    await assert_live(instance, theirs.note_id, "their note")
    await assert_live(instance, mine.note_id, "my note")
    assert (await delete_with(instance.client, theirs.note_id, theirs.token)).status_code == 200
    assert (await instance.client.get(f"/n/{theirs.note_id}")).status_code == 410


async def test_delete_works_from_another_browser_with_the_token(instance: RunningApp) -> None:
    posted = await post_note(instance.client, "delete me elsewhere")
    instance.client.cookies.clear()
    assert (await delete_with(instance.client, posted.note_id, posted.token)).status_code == 200
    assert (await instance.client.get(f"/t/{posted.note_id}")).status_code == 410


async def test_token_reveal_page_shows_the_token_once(instance: RunningApp) -> None:
    client = instance.client
    page = await client.get("/b/main")
    answer = await client.post(
        "/b/main/post", data={"csrf_token": csrf_from(page.text), "text": "show once"}
    )
    assert answer.status_code == 303
    first = await client.get(answer.headers["location"])
    match = TOKEN.search(first.text)
    assert match, "the first visit shows the token"
    flash = [c for c in first.headers.get_list("set-cookie") if c.startswith("th_flash=")]
    assert flash and ("Max-Age=0" in flash[0] or "1970" in flash[0]), flash
    assert "th_flash" not in client.cookies
    second = await client.get(answer.headers["location"])
    assert second.status_code == 200
    assert not TOKEN.search(second.text)
    assert match.group(1) not in second.text


async def test_only_the_tokens_hash_is_stored(instance: RunningApp) -> None:
    posted = await post_note(instance.client, "hash only")
    note = await note_store.get_note(instance.services.db, posted.note_id)
    assert note is not None
    assert note.deletion_token_hash == hashlib.sha256(posted.token.encode()).hexdigest()
    assert posted.token not in await dump_database(instance.services.db)


def delete_buttons(page: str) -> set[str]:
    """Notes whose card offers "Delete" (a link to the page that asks first)."""
    return set(re.findall(r'<a href="[^"]*/n/(\w+)/delete" class="delete">', page))


async def test_delete_button_appears_only_for_own_notes(instance: RunningApp) -> None:
    client = instance.client
    mine = await post_note(client, "mine")
    saved = dict(client.cookies.items())
    client.cookies.clear()
    other = await post_note(client, "someone else's")
    assert delete_buttons((await client.get("/b/main")).text) == {other.note_id}
    client.cookies.clear()
    for name, value in saved.items():
        client.cookies.set(name, value, domain="treehole.test")
    board = (await client.get("/b/main")).text
    assert delete_buttons(board) == {mine.note_id}
    # Cards link to the page that asks first; no token is written into a board page.
    assert mine.token not in board and other.token not in board
    thread = (await client.get(f"/t/{other.note_id}")).text
    assert delete_buttons(thread) == set()
    # The delete page pre-fills only an own note's token.
    assert mine.token in (await client.get(f"/n/{mine.note_id}/delete")).text
    assert other.token not in (await client.get(f"/n/{other.note_id}/delete")).text
    # A forged own-notes cookie offers nothing.
    client.cookies.set("th_own", "forged", domain="treehole.test")
    assert delete_buttons((await client.get("/b/main")).text) == set()
