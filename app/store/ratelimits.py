"""Rate-limit counters keyed by salted hashes, and the daily salts behind them."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.db.engine import Db
from app.db.tables import rate_counts, rate_salts
from app.store.upsert import insert_ignore


async def get_or_create_salt(db: Db, day: str) -> str:
    """Today's salt; made on first use (by whichever process comes first: all get the same)."""
    salt = await db.fetch_val(sa.select(rate_salts.c.salt).where(rate_salts.c.day == day))
    if salt is not None:
        return str(salt)
    await db.execute(insert_ignore(db, rate_salts, {"day": day, "salt": secrets.token_hex(32)}))
    return str(await db.fetch_val(sa.select(rate_salts.c.salt).where(rate_salts.c.day == day)))


async def count_hit(db: Db, scope: str, key_hash: str, window_start: datetime) -> int:
    """Add one hit and return the window's count (one atomic upsert; no transaction needed)."""
    dialect_insert = postgresql.insert if db.is_postgres else sqlite.insert
    insert = dialect_insert(rate_counts).values(
        scope=scope, key_hash=key_hash, window_start=window_start, count=1
    )
    return int(
        await db.fetch_val(
            insert.on_conflict_do_update(
                index_elements=[rate_counts.c.scope, rate_counts.c.key_hash,
                                rate_counts.c.window_start],
                set_={"count": rate_counts.c.count + 1},
            ).returning(rate_counts.c.count)
        )
    )  # fmt: skip


async def get_count(db: Db, scope: str, key_hash: str, window_start: datetime) -> int:
    """The window's count so far, without adding to it."""
    value = await db.fetch_val(
        sa.select(rate_counts.c.count).where(
            rate_counts.c.scope == scope,
            rate_counts.c.key_hash == key_hash,
            rate_counts.c.window_start == window_start,
        )
    )
    return int(value or 0)


async def delete_old(db: Db, keep_day: str, counts_before: datetime) -> None:
    """Forget old salts (after which their hashes map back to nothing) and old counts."""
    await db.execute(rate_salts.delete().where(rate_salts.c.day < keep_day))
    await db.execute(rate_counts.delete().where(rate_counts.c.window_start < counts_before))
