"""Expiry: the worker's sweep deletes notes whose time is up (the text from every table), their
pages answer 410, a reply never outlives its thread, and the sweep reads an index range."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.dialects import sqlite
from sqlalchemy.sql import ClauseElement

from app.store import notes as note_store
from app.store.notes import Note
from tests.support.app_client import RunningApp
from tests.support.forms import post_note
from tests.support.snapshots import dump_database

pytestmark = pytest.mark.anyio


async def note_of(instance: RunningApp, note_id: str) -> Note:
    note = await note_store.get_note(instance.services.db, note_id)
    assert note is not None
    return note


async def test_sweep_deletes_expired_thread_with_its_replies(instance: RunningApp) -> None:
    client = instance.client
    root = await post_note(client, "root words, one hour", ttl="3600")
    reply = await post_note(
        client, "reply words, asked for a week", thread=root.note_id, ttl="604800"
    )
    root_note = await note_of(instance, root.note_id)
    reply_note = await note_of(instance, reply.note_id)
    assert reply_note.expires_at == root_note.expires_at, "a reply never outlives its thread"
    # Published (10-minute floor) plus the hour: as coarse as `published` (anonymity), never
    # longer than asked, at most ten minutes shorter.
    lived = root_note.expires_at - root_note.created_at
    assert timedelta(minutes=50) < lived <= timedelta(hours=1)
    assert root_note.expires_at - root_note.published_at == timedelta(hours=1)

    await instance.worker.run_once(now=root_note.expires_at - timedelta(seconds=1), force=True)
    assert (await note_of(instance, root.note_id)).state == "live"

    await instance.worker.run_once(now=root_note.expires_at + timedelta(seconds=1), force=True)
    for note_id in (root.note_id, reply.note_id):
        gone = await note_of(instance, note_id)
        assert gone.state == "deleted" and gone.content is None
        assert gone.deletion_reason == "expired"
    dump = await dump_database(instance.services.db)
    assert "root words" not in dump and "reply words" not in dump
    for path in (
        f"/t/{root.note_id}",
        f"/n/{root.note_id}",
        f"/n/{reply.note_id}",
        f"/posted/{reply.note_id}",
        f"/n/{reply.note_id}/delete",
    ):
        answer = await client.get(path)
        assert answer.status_code == 410, path
        assert answer.headers["content-type"].startswith("text/html")
    assert "root words" not in (await client.get("/b/main")).text


async def test_sweep_deletes_an_expired_reply_and_keeps_its_thread(instance: RunningApp) -> None:
    client = instance.client
    root = await post_note(client, "a day-long thread", ttl="86400")
    reply = await post_note(client, "an hour-long reply", thread=root.note_id, ttl="3600")
    reply_note = await note_of(instance, reply.note_id)
    await instance.worker.run_once(now=reply_note.expires_at + timedelta(seconds=1), force=True)
    assert (await note_of(instance, reply.note_id)).state == "deleted"
    assert (await note_of(instance, root.note_id)).state == "live"
    thread = await client.get(f"/t/{root.note_id}")
    assert thread.status_code == 200
    assert "a day-long thread" in thread.text and "an hour-long reply" not in thread.text


class RecordingDb:
    """Stands in for `Db` to capture the statement a store function builds."""

    def __init__(self) -> None:
        self.queries: list[ClauseElement] = []

    async def fetch_all(self, query: ClauseElement) -> Sequence[Mapping[str, Any]]:
        self.queries.append(query)
        return []


async def test_sweep_query_reads_the_expiry_index(instance: RunningApp) -> None:
    db = instance.services.db
    if db.is_postgres:
        definition = await db.database.fetch_val(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'notes' "
            "AND indexname = 'ix_notes_expiry'"
        )
        assert definition is not None and "(state, expires_at)" in definition
        return
    recorder = RecordingDb()
    await note_store.list_expired_note_ids(recorder, datetime.now(UTC), 100)  # type: ignore[arg-type]
    compiled = recorder.queries[0].compile(
        dialect=sqlite.dialect(), compile_kwargs={"render_postcompile": True}
    )
    params = [str(compiled.params[name]) for name in compiled.positiontup or ()]
    path = str(db.database.url).removeprefix("sqlite://")
    with sqlite3.connect(path) as connection:
        plan = " | ".join(
            row[-1] for row in connection.execute(f"EXPLAIN QUERY PLAN {compiled}", params)
        )
    # A range search of the (state, expires_at) index: the rows read are the expired ones, so
    # the sweep's cost follows how many expired, not how many notes there are.
    assert "ix_notes_expiry" in plan, plan
    assert "SEARCH" in plan and "expires_at<" in plan, plan
    assert "SCAN notes" not in plan, plan


LONG_LIVED = ("apple orchard", "quiet harbour", "midnight train", "paper lantern", "winter moss")


async def test_sweep_touches_only_expired_notes(instance: RunningApp) -> None:
    client = instance.client
    short = await post_note(client, "short-lived", ttl="3600")
    # Distinct texts: near-identical ones would be held as a flood.
    for word in LONG_LIVED:
        await post_note(client, word, ttl="604800")
    moment = (await note_of(instance, short.note_id)).expires_at + timedelta(seconds=1)
    expired = await note_store.list_expired_note_ids(instance.services.db, moment, 100)
    assert list(expired) == [short.note_id]
    await instance.worker.run_once(now=moment, force=True)
    board = (await client.get("/b/main")).text
    assert "short-lived" not in board
    assert all(word in board for word in LONG_LIVED)
