"""Outgoing activities, serialised once; deliveries sign these exact bytes at send time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.core.states import PENDING
from app.db.engine import Db
from app.db.tables import activities, deliveries


@dataclass(frozen=True, slots=True)
class StoredActivity:
    id: str
    ap_id: str
    type: str
    local_actor_id: str
    note_id: str | None
    payload: str
    signing_key_pem: str | None
    created_at: datetime


def _activity(row: Mapping[str, Any]) -> StoredActivity:
    return StoredActivity(**{name: row[name] for name in StoredActivity.__slots__})


async def insert_activity(db: Db, activity: StoredActivity) -> None:
    await db.execute(
        activities.insert().values({n: getattr(activity, n) for n in StoredActivity.__slots__})
    )


async def get_activity(db: Db, activity_id: str) -> StoredActivity | None:
    row = await db.fetch_one(sa.select(activities).where(activities.c.id == activity_id))
    return None if row is None else _activity(row)


async def list_note_activities(db: Db, note_id: str) -> Sequence[StoredActivity]:
    rows = await db.fetch_all(
        sa.select(activities)
        .where(activities.c.note_id == note_id)
        .order_by(activities.c.created_at)
    )
    return [_activity(row) for row in rows]


async def forget_payloads_of_note(db: Db, note_id: str, types: Sequence[str]) -> None:
    """A deleted note's text must not survive in the Create that carried it."""
    await db.execute(
        activities.update()
        .where(activities.c.note_id == note_id, activities.c.type.in_(types))
        .values(payload="{}")
    )


async def get_key_rotation(db: Db, local_actor_id: str) -> StoredActivity | None:
    """The actor's latest Update announcing a new key while it is still being delivered (signed
    with the old key, which it keeps until then), or None."""
    row = await db.fetch_one(
        sa.select(activities)
        .where(
            activities.c.local_actor_id == local_actor_id,
            activities.c.signing_key_pem.is_not(None),
        )
        .order_by(activities.c.created_at.desc())
        .limit(1)
    )
    return None if row is None else _activity(row)


async def clear_signing_key(db: Db, activity_id: str) -> None:
    await db.execute(
        activities.update().where(activities.c.id == activity_id).values(signing_key_pem=None)
    )


async def purge_settled_under(db: Db, ap_id_prefix: str) -> int:
    """Delete the activities whose id starts with `ap_id_prefix` once none of their deliveries is
    still pending, with those deliveries: a board's direct-message answers name their recipient,
    and are kept only until they are sent (issue #13). The count of activities deleted."""
    pending = sa.exists().where(
        deliveries.c.activity_id == activities.c.id, deliveries.c.state == PENDING
    )
    rows = await db.fetch_all(
        sa.select(activities.c.id).where(
            activities.c.ap_id.startswith(ap_id_prefix, autoescape=True), sa.not_(pending)
        )
    )
    ids = [row["id"] for row in rows]
    if ids:
        async with db.transaction():
            await db.execute(deliveries.delete().where(deliveries.c.activity_id.in_(ids)))
            await db.execute(activities.delete().where(activities.c.id.in_(ids)))
    return len(ids)
