"""Leases that let exactly one process run a periodic job at a time."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.db.engine import Db
from app.db.tables import scheduler_leases
from app.store.upsert import insert_ignore


async def take_lease(db: Db, name: str, holder: str, now: datetime, seconds: float) -> bool:
    """True if `holder` now holds the lease `name` until now + seconds."""
    until = now + timedelta(seconds=seconds)
    async with db.transaction():
        await db.execute(
            insert_ignore(
                db,
                scheduler_leases,
                {"name": name, "locked_until": now - timedelta(seconds=1), "locked_by": ""},
            )
        )
        won = await db.fetch_val(
            scheduler_leases.update()
            .where(scheduler_leases.c.name == name, scheduler_leases.c.locked_until <= now)
            .values(locked_until=until, locked_by=holder)
            .returning(scheduler_leases.c.name)
        )
    return won is not None
