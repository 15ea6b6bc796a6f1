"""Reading: the board timeline (newest first, keyset pages), threads (oldest first), the random
bottle, the Atom feed, and 404/410/redirect answers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx
import pytest

from app.core.clock import utcnow
from app.notes import posting
from app.notes.posting import Posted, Submission
from app.store import boards as board_store
from app.store import notes as note_store
from app.store.moderation import get_moderation_settings, update_moderation_settings
from tests.support.app_client import RunningApp
from tests.support.forms import csrf_from, post_note

pytestmark = pytest.mark.anyio

NOTE_ID = re.compile(r'<article class="note[^"]*" id="n-(\w+)"')
ATOM = "{http://www.w3.org/2005/Atom}"


async def post_at(instance: RunningApp, text: str, now: datetime) -> Posted:
    """A thread posted at `now` through the posting service (the form cannot choose the time)."""
    services = instance.services
    board = await board_store.get_board_by_slug(services.db, "main")
    assert board is not None
    async with services.db.transaction():
        return await posting.insert_thread(
            services.db,
            board,
            Submission(text=text, summary=None, ttl_seconds=86400),
            None,
            services.policy,
            now,
            services.rng,
        )


async def reply_at(instance: RunningApp, thread_id: str, text: str, now: datetime) -> Posted:
    services = instance.services
    root, parent = await posting.live_parent(services.db, thread_id, None)
    board = await board_store.get_board(services.db, root.board_id)
    assert board is not None
    async with services.db.transaction():
        return await posting.insert_reply(
            services.db,
            board,
            root,
            parent,
            Submission(text=text, summary=None, ttl_seconds=86400),
            None,
            services.policy,
            now,
            services.rng,
        )


def shown_ids(page: str) -> list[str]:
    return NOTE_ID.findall(page)


def older_link(page: str) -> str | None:
    match = re.search(r'<a href="([^"]+)" rel="next">', page)
    return None if match is None else match.group(1).replace("&amp;", "&")


async def follow(client: httpx.AsyncClient, link: str) -> str:
    parts = urlsplit(link)
    answer = await client.get(f"{parts.path}?{parts.query}")
    assert answer.status_code == 200, answer.text
    return answer.text


async def test_board_pages_newest_first_without_gaps_or_duplicates(instance: RunningApp) -> None:
    start = utcnow() - timedelta(hours=1)
    posted: list[str] = []
    for n in range(25):
        # Pairs share a timestamp: the id breaks the tie, so no note falls between pages.
        moment = start + timedelta(seconds=n // 2)
        posted.append((await post_at(instance, f"timeline note {n}", moment)).note_id)
    rows = [await note_store.get_note(instance.services.db, note_id) for note_id in posted]
    expected = [
        note.id
        for note in sorted(rows, key=lambda n: (n.created_at, n.id), reverse=True)  # type: ignore[union-attr]
        if note is not None
    ]

    first = (await instance.client.get("/b/main")).text
    assert shown_ids(first) == expected[:20]
    link = older_link(first)
    assert link is not None and "Older notes" in first

    # New notes arrive: the link still leads to exactly the rest.
    for n in range(3):
        await post_at(instance, f"late note {n}", utcnow())
    second = await follow(instance.client, link)
    assert shown_ids(second) == expected[20:]
    assert older_link(second) is None
    assert set(shown_ids(first)) | set(shown_ids(second)) == set(posted)
    refreshed = (await instance.client.get("/b/main")).text
    assert "late note 2" in refreshed and shown_ids(refreshed)[3:] == expected[:17]


async def test_board_page_lists_only_thread_roots(instance: RunningApp) -> None:
    root = await post_note(instance.client, "a root")
    await post_note(instance.client, "a reply, not on the board", thread=root.note_id)
    board = (await instance.client.get("/b/main")).text
    assert shown_ids(board) == [root.note_id]
    assert "1 reply" in board


async def test_thread_page_shows_notes_oldest_first(instance: RunningApp) -> None:
    start = utcnow() - timedelta(minutes=10)
    root = await post_at(instance, "thread root", start)
    replies = [
        (await reply_at(instance, root.note_id, f"reply {n}", start + timedelta(seconds=n))).note_id
        for n in (1, 2, 3)
    ]
    page = (await instance.client.get(f"/t/{root.note_id}")).text
    assert shown_ids(page) == [root.note_id, *replies]


async def test_random_bottle_shows_a_live_note_with_a_reply_form(instance: RunningApp) -> None:
    posted = await post_note(instance.client, "a message in a bottle")
    page = await instance.client.get("/random")
    assert page.status_code == 200
    assert "a message in a bottle" in page.text
    assert f'action="http://treehole.test/t/{posted.note_id}/reply"' in page.text
    assert f'name="in_reply_to" value="{posted.note_id}"' in page.text
    answer = await instance.client.post(
        f"/t/{posted.note_id}/reply",
        data={
            "csrf_token": csrf_from(page.text),
            "text": "found it",
            "in_reply_to": posted.note_id,
        },
    )
    assert answer.status_code == 303


async def test_random_bottle_on_an_empty_sea(instance: RunningApp) -> None:
    posted = await post_note(instance.client, "only bottle")
    page = await instance.client.get(f"/n/{posted.note_id}/delete")
    await instance.client.post(
        f"/n/{posted.note_id}/delete",
        data={"csrf_token": csrf_from(page.text), "token": posted.token},
    )
    bottle = await instance.client.get("/random")
    assert bottle.status_code == 200
    assert "The sea is empty right now." in bottle.text
    assert "only bottle" not in bottle.text


async def test_empty_board_says_so(instance: RunningApp) -> None:
    page = await instance.client.get("/b/main")
    assert "Nothing here yet. Be the first." in page.text
    assert older_link(page.text) is None


async def test_board_feed_is_well_formed_atom_and_escapes_html(instance: RunningApp) -> None:
    await allow_link_domain(instance, "example.org")
    await post_note(instance.client, "first line\nsecond <script>alert(1)</script> & more")
    await post_note(instance.client, "see https://example.org/a?b=1&c=2", summary="cw <b>")
    answer = await instance.client.get("/b/main/feed.atom")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(answer.content)
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    newest, oldest = entries
    assert newest.findtext(f"{ATOM}title") == "cw <b>"
    content = oldest.find(f"{ATOM}content")
    assert content is not None and content.get("type") == "html"
    # The entry's HTML, once unescaped from the XML, is the rendered note: still escaped inside.
    assert content.text == (
        "<p>first line<br>second &lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p>"
    )
    assert "<script>" not in answer.text
    link = newest.find(f"{ATOM}content")
    assert link is not None and 'rel="nofollow noopener noreferrer ugc"' in (link.text or "")


async def test_feed_of_an_empty_board_is_well_formed(instance: RunningApp) -> None:
    feed = ET.fromstring((await instance.client.get("/b/main/feed.atom")).content)
    assert feed.findall(f"{ATOM}entry") == []
    assert feed.findtext(f"{ATOM}updated")


async def test_note_url_redirects_to_its_thread_anchor(instance: RunningApp) -> None:
    root = await post_note(instance.client, "root")
    reply = await post_note(instance.client, "reply", thread=root.note_id)
    answer = await instance.client.get(f"/n/{reply.note_id}")
    assert answer.status_code == 303
    assert answer.headers["location"] == (
        f"http://treehole.test/t/{root.note_id}#n-{reply.note_id}"
    )


async def test_unknown_and_deleted_notes_answer_404_and_410(instance: RunningApp) -> None:
    posted = await post_note(instance.client, "to be deleted")
    page = await instance.client.get(f"/n/{posted.note_id}/delete")
    await instance.client.post(
        f"/n/{posted.note_id}/delete",
        data={"csrf_token": csrf_from(page.text), "token": posted.token},
    )
    for path in (f"/t/{posted.note_id}", f"/n/{posted.note_id}"):
        gone = await instance.client.get(path)
        assert gone.status_code == 410
        assert "This note is gone." in gone.text
    for path in ("/t/" + "b" * 26, "/n/" + "b" * 26, "/no/such/page"):
        missing = await instance.client.get(path)
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("text/html")


async def allow_link_domain(instance: RunningApp, domain: str) -> None:
    """Links to other domains wait for a moderator; the feed test needs one published."""
    db = instance.services.db
    settings = await get_moderation_settings(db)
    await update_moderation_settings(db, replace(settings, link_allowlist=(domain,)))
