"""Remote actors we know: their inboxes and keys (cached), and whether they block us."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.db.engine import Db
from app.db.tables import followers, follows, interactions, notes, remote_actors, reports
from app.store.upsert import insert_ignore

# What `Db.writes` counts writes to this table under (caches watch it).
TABLE_NAME = remote_actors.name


@dataclass(frozen=True, slots=True)
class RemoteActor:
    id: str
    ap_id: str
    domain: str
    preferred_username: str | None
    name: str | None
    url: str | None
    inbox: str
    shared_inbox: str | None
    key_id: str | None
    public_key_pem: str | None
    blocks_us: bool
    suspended: bool
    silenced: bool
    fetched_at: datetime

    @property
    def delivery_inbox(self) -> str:
        """Where to send public activities: the shared inbox when there is one."""
        return self.shared_inbox or self.inbox


def _actor(row: Mapping[str, Any]) -> RemoteActor:
    return RemoteActor(**{name: row[name] for name in RemoteActor.__slots__})


async def get_by_ap_id(db: Db, ap_id: str) -> RemoteActor | None:
    row = await db.fetch_one(sa.select(remote_actors).where(remote_actors.c.ap_id == ap_id))
    return None if row is None else _actor(row)


async def get_by_key_id(db: Db, key_id: str) -> RemoteActor | None:
    row = await db.fetch_one(sa.select(remote_actors).where(remote_actors.c.key_id == key_id))
    return None if row is None else _actor(row)


async def get_remote_actor(db: Db, actor_id: str) -> RemoteActor | None:
    row = await db.fetch_one(sa.select(remote_actors).where(remote_actors.c.id == actor_id))
    return None if row is None else _actor(row)


async def upsert_remote_actor(db: Db, actor: RemoteActor) -> RemoteActor:
    """Insert or refresh by `ap_id`; returns the stored row (its id is kept on refresh)."""
    async with db.transaction():
        existing = await get_by_ap_id(db, actor.ap_id)
        values = {name: getattr(actor, name) for name in RemoteActor.__slots__ if name != "id"}
        if existing is None:
            # A rotated key may still be listed under an older actor row: free its key id.
            if actor.key_id is not None:
                await db.execute(
                    remote_actors.update()
                    .where(remote_actors.c.key_id == actor.key_id)
                    .values(key_id=None)
                )
            inserted = await db.fetch_val(
                insert_ignore(db, remote_actors, {"id": actor.id, **values}).returning(
                    remote_actors.c.id
                )
            )
            if inserted is not None:
                return actor
            # Seen for the first time by concurrent requests (each fetched the key): the other
            # one stored it first, so this becomes a refresh of that row.
            existing = await get_by_ap_id(db, actor.ap_id)
            assert existing is not None
        for kept in ("blocks_us", "suspended", "silenced"):
            values.pop(kept)
        await db.execute(
            remote_actors.update().where(remote_actors.c.id == existing.id).values(**values)
        )
    refreshed = await get_remote_actor(db, existing.id)
    assert refreshed is not None
    return refreshed


async def set_blocks_us(db: Db, actor_id: str, blocks: bool) -> None:
    await db.execute(
        remote_actors.update().where(remote_actors.c.id == actor_id).values(blocks_us=blocks)
    )


async def set_moderation(db: Db, actor_id: str, *, suspended: bool, silenced: bool) -> None:
    await db.execute(
        remote_actors.update()
        .where(remote_actors.c.id == actor_id)
        .values(suspended=suspended, silenced=silenced)
    )


async def list_ids_under_domain(db: Db, domain: str) -> list[str]:
    """Ids of the actors of `domain` and its subdomains."""
    rows = await db.fetch_all(
        sa.select(remote_actors.c.id).where(
            sa.or_(remote_actors.c.domain == domain, remote_actors.c.domain.like(f"%.{domain}"))
        )
    )
    return [row["id"] for row in rows]


async def forget_if_unused(db: Db, actor_id: str) -> bool:
    """Delete the cached actor unless something of ours refers to it (a note, a follow either
    way, a like or boost, a report) or a moderator marked it (suspended, silenced): a sender of
    direct messages leaves no row behind (issue #13). True if it was deleted."""
    used = sa.or_(
        *(
            sa.exists().where(table.c.remote_actor_id == actor_id)
            for table in (notes, followers, follows, interactions, reports)
        )
    )
    deleted = await db.fetch_val(
        remote_actors.delete()
        .where(
            remote_actors.c.id == actor_id,
            remote_actors.c.suspended.is_(False),
            remote_actors.c.silenced.is_(False),
            sa.not_(used),
        )
        .returning(remote_actors.c.id)
    )
    return deleted is not None
