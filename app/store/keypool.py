"""Pre-generated RSA key pairs: take one, count them, add more."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa

from app.db.engine import Db
from app.db.tables import key_pool


async def count_keys(db: Db) -> int:
    return int(await db.fetch_val(sa.select(sa.func.count()).select_from(key_pool)))


async def insert_keys(db: Db, pairs: list[tuple[str, str]], now: datetime) -> None:
    await db.execute_many(
        key_pool.insert(),
        [
            {"private_key_pem": priv, "public_key_pem": pub, "created_at": now}
            for priv, pub in pairs
        ],
    )


async def take_key(db: Db) -> tuple[str, str] | None:
    """Remove and return one pair, or None when the pool is empty. Call inside a transaction.

    The pick is random, not oldest-first, so the order keys were made in says nothing about
    which thread got which key: the first key at or after a random point between the lowest and
    highest id (an index range scan; ORDER BY random() read every row's PEM text)."""
    low, high = sa.func.min(key_pool.c.id), sa.func.max(key_pool.c.id)
    fraction = secrets.randbelow(1 << 30) / (1 << 30)
    pivot = sa.select(low + sa.cast((high - low) * fraction, sa.Integer)).scalar_subquery()
    for start in (pivot, None):
        pick = sa.select(key_pool.c.id).order_by(key_pool.c.id).limit(1)
        if start is not None:
            pick = pick.where(key_pool.c.id >= start)
        if db.is_postgres:
            pick = pick.with_for_update(skip_locked=True)
        row = await db.fetch_one(
            key_pool.delete()
            .where(key_pool.c.id == pick.scalar_subquery())
            .returning(key_pool.c.private_key_pem, key_pool.c.public_key_pem)
        )
        if row is not None:
            return row["private_key_pem"], row["public_key_pem"]
    return None
