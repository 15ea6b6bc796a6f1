"""The store moves rows only along their declared state graphs (app/core/states.py): an update
to a state the row may not reach from where it is changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.core.states import (
    APPLIED,
    CANCELLED,
    DELETED,
    DELETING,
    DELIVERED,
    DISCARDED,
    DONE,
    LIVE,
    PENDING,
    RETIRING,
    REVERTED,
    IllegalTransition,
)
from app.db.tables import deliveries as delivery_table
from app.db.tables import inbox_items as inbox_table
from app.db.tables import notes
from app.notes.submission import Draft, Poster, Published
from app.notes.submit import submit
from app.store import blocklist_runs, deliveries, inbox_items, local_actors, reports
from app.store import notes as note_store
from app.store.boards import get_board_by_slug
from tests.support.app_client import RunningApp

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 5, 4, 12, 3, 20, tzinfo=UTC)
WORKER = "worker-1"
POSTER = Poster(secret="s" * 64, rate_key="a-digest-standing-for-one-client")


async def posted_note(instance: RunningApp) -> note_store.Note:
    deps = instance.services.notes
    board = await get_board_by_slug(deps.db, "main")
    assert board is not None
    posted = await submit(deps, board, Draft("A quiet evening."), POSTER, None, NOW)
    assert isinstance(posted, Published)
    note = await note_store.get_note(deps.db, posted.posted.note_id)
    assert note is not None
    return note


async def test_a_note_is_approved_only_when_held_and_purged_once(instance: RunningApp) -> None:
    db = instance.services.db
    note = await posted_note(instance)
    assert not await note_store.approve_held_note(db, note.id, None)
    assert await note_store.purge_note(db, note.id, "test", NOW)
    assert not await note_store.purge_note(db, note.id, "test", NOW)
    assert not await note_store.approve_held_note(db, note.id, None)
    assert await db.fetch_val(sa.select(notes.c.state)) == DELETED


async def test_a_live_actor_is_neither_deleting_nor_deleted(instance: RunningApp) -> None:
    """Say, an actor a new post brought back while its retirement was under way: its key
    survives."""
    db = instance.services.db
    actor_id = (await posted_note(instance)).local_actor_id
    assert actor_id is not None
    assert not await local_actors.update_actor_state(db, actor_id, DELETING)
    await local_actors.mark_actor_deleted(db, actor_id, NOW)
    actor = await local_actors.get_actor(db, actor_id)
    assert actor is not None and actor.state == LIVE and actor.private_key_pem is not None
    assert await local_actors.update_actor_state(db, actor_id, RETIRING)
    await local_actors.mark_actor_deleted(db, actor_id, NOW)
    actor = await local_actors.get_actor(db, actor_id)
    assert actor is not None and actor.state == DELETED and actor.private_key_pem is None


async def _lock(instance: RunningApp, table: sa.Table) -> None:
    """Hand every row back to WORKER, as a stale lease would."""
    await instance.services.db.execute(table.update().values(locked_by=WORKER))


async def test_a_settled_delivery_stays_settled(instance: RunningApp) -> None:
    db = instance.services.db
    await deliveries.enqueue(db, "activity-1", None, ["https://peer.example/inbox"], NOW)
    (claimed,) = await deliveries.claim_due(db, WORKER, NOW, 10)
    assert await deliveries.settle_delivered(db, [claimed.id], WORKER, 202, NOW) == {claimed.id}
    await _lock(instance, delivery_table)
    settled = await deliveries.settle(
        db, claimed.id, WORKER, state=PENDING, attempts=2, run_after=NOW, status=500,
        error="late", now=NOW,
    )  # fmt: skip
    assert not settled
    assert await deliveries.settle_delivered(db, [claimed.id], WORKER, 202, NOW) == set()
    await deliveries.cancel_pending_to_domain(db, "peer.example")
    assert await db.fetch_val(sa.select(delivery_table.c.state)) == DELIVERED
    with pytest.raises(IllegalTransition):
        await deliveries.settle(
            db, claimed.id, WORKER, state="sent", attempts=2, run_after=None, status=200,
            error=None, now=NOW,
        )  # fmt: skip


async def test_a_pending_delivery_is_cancelled(instance: RunningApp) -> None:
    db = instance.services.db
    await deliveries.enqueue(db, "activity-1", None, ["https://peer.example/inbox"], NOW)
    await deliveries.cancel_pending_to_domain(db, "peer.example")
    assert await db.fetch_val(sa.select(delivery_table.c.state)) == CANCELLED


async def test_a_finished_inbox_item_stays_finished(instance: RunningApp) -> None:
    db = instance.services.db
    await inbox_items.insert_items(
        db, [inbox_items.NewItem("https://peer.example/1", "Like", "a", "{}", NOW)]
    )
    (item,) = await inbox_items.claim_due(db, WORKER, NOW, 10)
    await inbox_items.finish_item(db, item.id, WORKER, DONE, NOW)
    await _lock(instance, inbox_table)
    later = NOW + timedelta(minutes=1)
    await inbox_items.finish_item(db, item.id, WORKER, PENDING, later, "late", 1, later)
    assert await db.fetch_val(sa.select(inbox_table.c.state)) == DONE


async def test_a_run_is_reverted_only_once_applied(instance: RunningApp) -> None:
    db = instance.services.db
    discarded = await blocklist_runs.insert_run(db, "import", DISCARDED, NOW)
    assert not await blocklist_runs.update_run_state(db, discarded, REVERTED, finished_at=NOW)
    applied = await blocklist_runs.insert_run(db, "import", APPLIED, NOW)
    assert await blocklist_runs.update_run_state(db, applied, REVERTED, finished_at=NOW)
    states = {run.id: run.state for run in await blocklist_runs.list_runs(db)}
    assert states == {discarded: DISCARDED, applied: REVERTED}


async def test_a_report_is_resolved_once(instance: RunningApp) -> None:
    db = instance.services.db
    note = await posted_note(instance)
    await reports.insert_report(
        db, note_id=note.id, source="local", category="spam", comment="", now=NOW
    )
    (report,) = await reports.list_open_reports(db)
    assert await reports.resolve_report(db, report["id"], "dismissed", NOW)
    assert not await reports.resolve_report(db, report["id"], "removed", NOW)
    assert (await reports.get_report(db, report["id"]) or {}).get("resolution") == "dismissed"
