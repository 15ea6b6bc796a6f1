"""Rate-limit counters keyed by salted hashes, and the daily salts behind them."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa

from app.db.engine import Db
from app.db.tables import rate_counts, rate_salts
from app.store.upsert import insert_ignore


async def get_or_create_salt(db: Db, day: str) -> str:
    """Today's salt; made on first use. Call inside a transaction."""
    salt = await db.fetch_val(sa.select(rate_salts.c.salt).where(rate_salts.c.day == day))
    if salt is not None:
        return str(salt)
    await db.execute(insert_ignore(db, rate_salts, {"day": day, "salt": secrets.token_hex(32)}))
    return str(await db.fetch_val(sa.select(rate_salts.c.salt).where(rate_salts.c.day == day)))


async def count_hit(db: Db, scope: str, key_hash: str, window_start: datetime) -> int:
    """Add one hit and return the window's count. Call inside a transaction."""
    key = {"scope": scope, "key_hash": key_hash, "window_start": window_start}
    await db.execute(insert_ignore(db, rate_counts, {**key, "count": 0}))
    return int(
        await db.fetch_val(
            rate_counts.update()
            .where(
                rate_counts.c.scope == scope,
                rate_counts.c.key_hash == key_hash,
                rate_counts.c.window_start == window_start,
            )
            .values(count=rate_counts.c.count + 1)
            .returning(rate_counts.c.count)
        )
    )


async def delete_old(db: Db, keep_day: str, counts_before: datetime) -> None:
    """Forget old salts (after which their hashes map back to nothing) and old counts."""
    await db.execute(rate_salts.delete().where(rate_salts.c.day < keep_day))
    await db.execute(rate_counts.delete().where(rate_counts.c.window_start < counts_before))
