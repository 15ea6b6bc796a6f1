"""Likes and boosts of our notes by remote actors."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from app.core.ids import new_id
from app.db.engine import Db
from app.db.tables import interactions
from app.store.upsert import insert_ignore

LIKE = "like"
ANNOUNCE = "announce"


async def insert_interaction(
    db: Db, ap_id: str, kind: str, note_id: str, remote_actor_id: str, now: datetime
) -> None:
    await db.execute(
        insert_ignore(
            db,
            interactions,
            {
                "id": new_id(),
                "ap_id": ap_id,
                "kind": kind,
                "note_id": note_id,
                "remote_actor_id": remote_actor_id,
                "created_at": now,
            },
        )
    )


async def delete_interaction(db: Db, ap_id: str, remote_actor_id: str) -> None:
    await db.execute(
        interactions.delete().where(
            interactions.c.ap_id == ap_id, interactions.c.remote_actor_id == remote_actor_id
        )
    )


async def delete_for_note(db: Db, note_id: str) -> None:
    await db.execute(interactions.delete().where(interactions.c.note_id == note_id))


async def delete_for_actor(db: Db, remote_actor_id: str) -> None:
    await db.execute(interactions.delete().where(interactions.c.remote_actor_id == remote_actor_id))


async def count_by_kind(db: Db, note_ids: Sequence[str]) -> dict[str, dict[str, int]]:
    """{note_id: {"like": n, "announce": m}} for the given notes."""
    if not note_ids:
        return {}
    rows = await db.fetch_all(
        sa.select(interactions.c.note_id, interactions.c.kind, sa.func.count().label("n"))
        .where(interactions.c.note_id.in_(note_ids))
        .group_by(interactions.c.note_id, interactions.c.kind)
    )
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["note_id"], {})[row["kind"]] = int(row["n"])
    return counts


async def insert_local_like(
    db: Db, ap_id: str, note_id: str, local_actor_id: str, now: datetime
) -> bool:
    """A poster's like, once per poster per note; False if they had liked it already."""
    inserted = await db.fetch_val(
        insert_ignore(
            db,
            interactions,
            {
                "id": new_id(),
                "ap_id": ap_id,
                "kind": LIKE,
                "note_id": note_id,
                "local_actor_id": local_actor_id,
                "created_at": now,
            },
        ).returning(interactions.c.id)
    )
    return inserted is not None


async def list_local_likers(db: Db, note_ids: Sequence[str]) -> Sequence[str]:
    if not note_ids:
        return []
    rows = await db.fetch_all(
        sa.select(interactions.c.local_actor_id)
        .where(interactions.c.note_id.in_(note_ids), interactions.c.local_actor_id.is_not(None))
        .distinct()
    )
    return [row["local_actor_id"] for row in rows]


async def count_likes_by_local_actor(db: Db, local_actor_id: str) -> int:
    return int(
        await db.fetch_val(
            sa.select(sa.func.count())
            .select_from(interactions)
            .where(interactions.c.local_actor_id == local_actor_id)
        )
    )


async def list_remote_actors_of_note(db: Db, note_id: str) -> Sequence[str]:
    """Remote actors (row ids) that liked or boosted the note: their servers fetched it."""
    rows = await db.fetch_all(
        sa.select(interactions.c.remote_actor_id)
        .where(interactions.c.note_id == note_id, interactions.c.remote_actor_id.is_not(None))
        .distinct()
    )
    return [row["remote_actor_id"] for row in rows]
