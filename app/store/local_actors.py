"""Our own actors: instance, boards, and throwaway authors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.core.states import ACTOR_STATES, DELETED
from app.db.engine import Db
from app.db.tables import local_actors
from app.store.transitions import may_become

INSTANCE = "instance"
BOARD = "board"
THROWAWAY = "throwaway"


@dataclass(frozen=True, slots=True)
class LocalActor:
    id: str
    kind: str
    username: str
    display_name: str
    board_id: str | None
    thread_id: str | None
    poster_tag: str | None
    private_key_pem: str | None
    public_key_pem: str
    state: str
    published_at: datetime
    deleted_at: datetime | None


def _actor(row: Mapping[str, Any]) -> LocalActor:
    return LocalActor(**{name: row[name] for name in LocalActor.__slots__})


async def get_actor(db: Db, actor_id: str) -> LocalActor | None:
    row = await db.fetch_one(sa.select(local_actors).where(local_actors.c.id == actor_id))
    return None if row is None else _actor(row)


async def get_actor_by_username(db: Db, username: str) -> LocalActor | None:
    row = await db.fetch_one(sa.select(local_actors).where(local_actors.c.username == username))
    return None if row is None else _actor(row)


async def get_instance_actor(db: Db) -> LocalActor | None:
    row = await db.fetch_one(sa.select(local_actors).where(local_actors.c.kind == INSTANCE))
    return None if row is None else _actor(row)


async def get_board_actor(db: Db, board_id: str) -> LocalActor | None:
    row = await db.fetch_one(
        sa.select(local_actors).where(
            local_actors.c.kind == BOARD, local_actors.c.board_id == board_id
        )
    )
    return None if row is None else _actor(row)


async def get_thread_actor(db: Db, thread_id: str, poster_tag: str) -> LocalActor | None:
    row = await db.fetch_one(
        sa.select(local_actors).where(
            local_actors.c.thread_id == thread_id, local_actors.c.poster_tag == poster_tag
        )
    )
    return None if row is None else _actor(row)


async def list_actors_in_state(db: Db, state: str, limit: int) -> Sequence[LocalActor]:
    rows = await db.fetch_all(
        sa.select(local_actors)
        .where(local_actors.c.state == state, local_actors.c.kind == THROWAWAY)
        .limit(limit)
    )
    return [_actor(row) for row in rows]


async def insert_actor(db: Db, actor: LocalActor) -> None:
    await db.execute(
        local_actors.insert().values({name: getattr(actor, name) for name in LocalActor.__slots__})
    )


async def update_actor_state(db: Db, actor_id: str, state: str) -> bool:
    """Move an actor to `state` if its graph allows it from the state it is in; True if moved."""
    moved = await db.fetch_val(
        local_actors.update()
        .where(local_actors.c.id == actor_id, may_become(local_actors.c.state, ACTOR_STATES, state))
        .values(state=state)
        .returning(local_actors.c.id)
    )
    return moved is not None


async def update_actor_keys(db: Db, actor_id: str, private_pem: str, public_pem: str) -> None:
    await db.execute(
        local_actors.update()
        .where(local_actors.c.id == actor_id)
        .values(private_key_pem=private_pem, public_key_pem=public_pem)
    )


async def mark_actor_deleted(db: Db, actor_id: str, now: datetime) -> None:
    """The keys are destroyed with the actor: nothing can sign as it again, and nothing of it
    (its pseudonym, its public key) is left to match against copies other servers keep. Only a
    retiring (or deleting) actor is: one brought back to life by a new post meanwhile keeps them."""
    await db.execute(
        local_actors.update()
        .where(
            local_actors.c.id == actor_id, may_become(local_actors.c.state, ACTOR_STATES, DELETED)
        )
        .values(
            state=DELETED,
            deleted_at=now,
            private_key_pem=None,
            public_key_pem="",
            display_name="",
            poster_tag=None,
        )
    )
