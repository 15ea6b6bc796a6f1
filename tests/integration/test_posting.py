"""Posting through the web form, reading boards and threads, pseudonyms, deletion by token."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.db.tables import local_actors, notes
from tests.support.app_client import RunningApp
from tests.support.forms import csrf_from, post_note

pytestmark = pytest.mark.anyio


async def test_post_thread_shows_on_board_and_thread(instance: RunningApp) -> None:
    posted = await post_note(instance.client, "Hello from the hollow of a tree")
    board = await instance.client.get("/b/main")
    assert "Hello from the hollow of a tree" in board.text
    thread = await instance.client.get(f"/t/{posted.note_id}")
    assert thread.status_code == 200
    assert "Hello from the hollow of a tree" in thread.text
    assert ">OP</span>" in thread.text


async def test_reply_keeps_pseudonym_inside_thread_and_marks_op(instance: RunningApp) -> None:
    client = instance.client
    root = await post_note(client, "root note")
    reply = await post_note(client, "my own reply", thread=root.note_id)
    rows = await instance.services.db.fetch_all(
        sa.select(notes.c.id, notes.c.pseudonym, notes.c.is_op, notes.c.local_actor_id).where(
            notes.c.thread_id == root.note_id
        )
    )
    by_id = {row["id"]: row for row in rows}
    assert by_id[root.note_id]["pseudonym"] == by_id[reply.note_id]["pseudonym"]
    assert by_id[root.note_id]["local_actor_id"] == by_id[reply.note_id]["local_actor_id"]
    assert by_id[reply.note_id]["is_op"]


async def test_pseudonyms_differ_across_threads_and_without_cookie(instance: RunningApp) -> None:
    client = instance.client
    first = await post_note(client, "thread one")
    second = await post_note(client, "thread two")
    client.cookies.clear()
    stranger = await post_note(client, "a stranger replies", thread=first.note_id)
    rows = await instance.services.db.fetch_all(
        sa.select(notes.c.id, notes.c.pseudonym, notes.c.local_actor_id)
    )
    by_id = {row["id"]: row for row in rows}
    assert by_id[first.note_id]["local_actor_id"] != by_id[second.note_id]["local_actor_id"]
    assert by_id[stranger.note_id]["local_actor_id"] != by_id[first.note_id]["local_actor_id"]
    assert not (await instance.client.get(f"/t/{first.note_id}")).text.count(">OP</span>") == 2


async def test_ids_are_random_128_bit(instance: RunningApp) -> None:
    posted = await post_note(instance.client, "id check")
    assert re.fullmatch(r"[a-z2-7]{26}", posted.note_id)
    actor_ids = await instance.services.db.fetch_all(
        sa.select(local_actors.c.id, local_actors.c.username)
    )
    for row in actor_ids:
        if row["username"] not in ("main", "treehole.instance"):
            assert re.fullmatch(r"[a-z2-7]{26}", row["username"])
            assert row["username"] != row["id"]


async def test_delete_with_token_gives_410_and_purges_text(instance: RunningApp) -> None:
    client = instance.client
    posted = await post_note(client, "delete me soon, secret words")
    page = await client.get(f"/n/{posted.note_id}/delete")
    answer = await client.post(
        f"/n/{posted.note_id}/delete",
        data={"csrf_token": csrf_from(page.text), "token": posted.token},
    )
    assert answer.status_code == 200
    assert (await client.get(f"/t/{posted.note_id}")).status_code == 410
    assert (await client.get(f"/n/{posted.note_id}")).status_code == 410
    row = await instance.services.db.fetch_one(sa.select(notes).where(notes.c.id == posted.note_id))
    assert row is not None and row["content"] is None and row["state"] == "deleted"
