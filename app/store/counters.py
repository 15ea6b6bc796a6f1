"""Daily event counters: how many, never who."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from app.db.engine import Db
from app.db.tables import counters
from app.store.upsert import insert_ignore


async def count_event(db: Db, name: str, now: datetime) -> None:
    await count_events(db, (name,), now)


async def count_events(db: Db, names: Sequence[str], now: datetime) -> None:
    """One more of each named event today, in one transaction."""
    day = now.date().isoformat()
    async with db.transaction():
        for name in names:
            await db.execute(insert_ignore(db, counters, {"name": name, "day": day, "count": 0}))
            await db.execute(
                counters.update()
                .where(counters.c.name == name, counters.c.day == day)
                .values(count=counters.c.count + 1)
            )


async def get_count(db: Db, name: str, day: str) -> int:
    value = await db.fetch_val(
        sa.select(counters.c.count).where(counters.c.name == name, counters.c.day == day)
    )
    return int(value or 0)
