"""Remote actors under moderation (suspended or silenced), as the admin pages list them.
Writes go through `app.moderation.domains`, which also applies their consequences."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app.db.engine import Db
from app.db.tables import remote_actors


@dataclass(frozen=True, slots=True)
class ModeratedActor:
    id: str
    ap_id: str
    domain: str
    preferred_username: str | None
    suspended: bool
    silenced: bool


def _moderated(row: Mapping[str, Any]) -> ModeratedActor:
    return ModeratedActor(
        id=row["id"],
        ap_id=row["ap_id"],
        domain=row["domain"],
        preferred_username=row["preferred_username"],
        suspended=bool(row["suspended"]),
        silenced=bool(row["silenced"]),
    )


async def list_moderated_actors(db: Db) -> Sequence[ModeratedActor]:
    """Remote actors that are suspended or silenced, by domain."""
    rows = await db.fetch_all(
        sa.select(remote_actors)
        .where(sa.or_(remote_actors.c.suspended.is_(True), remote_actors.c.silenced.is_(True)))
        .order_by(remote_actors.c.domain, remote_actors.c.ap_id)
    )
    return [_moderated(row) for row in rows]


async def get_actor_id_by_ap_id(db: Db, ap_id: str) -> str | None:
    """The row id of the remote actor with this URI, if we know it."""
    if len(ap_id) > 2048 or "\x00" in ap_id:
        return None
    value = await db.fetch_val(sa.select(remote_actors.c.id).where(remote_actors.c.ap_id == ap_id))
    return None if value is None else str(value)
