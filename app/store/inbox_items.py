"""Verified incoming activities: stored before the 202, applied by the worker, once per id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.db.engine import Db
from app.db.tables import inbox_items
from app.store.leased_queue import claim_rows
from app.store.upsert import insert_ignore

LEASE_SECONDS = 300


@dataclass(frozen=True, slots=True)
class InboxItem:
    id: int
    ap_id: str
    type: str
    actor_uri: str
    payload: str
    attempts: int


async def insert_item(
    db: Db, ap_id: str, activity_type: str, actor_uri: str, payload: str, now: datetime
) -> bool:
    """Store a verified activity; False if that id was already received (idempotent)."""
    inserted = await db.fetch_val(
        insert_ignore(
            db,
            inbox_items,
            {
                "ap_id": ap_id,
                "type": activity_type,
                "actor_uri": actor_uri,
                "payload": payload,
                "state": "pending",
                "attempts": 0,
                "run_after": now,
                "received_at": now,
            },
        ).returning(inbox_items.c.id)
    )
    return inserted is not None


async def claim_due(db: Db, worker: str, now: datetime, limit: int) -> Sequence[InboxItem]:
    rows = await claim_rows(
        db,
        inbox_items,
        worker,
        now,
        limit,
        LEASE_SECONDS,
        returning=(
            inbox_items.c.id,
            inbox_items.c.ap_id,
            inbox_items.c.type,
            inbox_items.c.actor_uri,
            inbox_items.c.payload,
            inbox_items.c.attempts,
        ),
        order_by=(inbox_items.c.id,),
    )
    return sorted((InboxItem(**dict(row)) for row in rows), key=lambda item: item.id)


async def finish_item(
    db: Db,
    item_id: int,
    worker: str,
    state: str,
    now: datetime,
    error: str | None = None,
    attempts: int = 0,
    run_after: datetime | None = None,
) -> None:
    """Settle an item. A finished item keeps no payload: only its id, type and outcome."""
    values: dict[str, object] = {
        "state": state,
        "locked_by": None,
        "locked_until": None,
        "last_error": (error or "")[:500] or None,
        "attempts": attempts,
    }
    if state != "pending":
        values["finished_at"] = now
        values["payload"] = ""
    if run_after is not None:
        values["run_after"] = run_after
    await db.execute(
        inbox_items.update()
        .where(inbox_items.c.id == item_id, inbox_items.c.locked_by == worker)
        .values(values)
    )
