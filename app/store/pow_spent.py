"""Spent proof-of-work solutions, kept until their challenge expires so each is accepted once."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.db.engine import Db
from app.db.tables import pow_spent
from app.store.upsert import insert_ignore


async def delete_expired(db: Db, now: datetime) -> None:
    await db.execute(pow_spent.delete().where(pow_spent.c.expires_at < now))


async def is_spent(db: Db, signature: str) -> bool:
    found = await db.fetch_val(
        sa.select(pow_spent.c.signature).where(pow_spent.c.signature == signature)
    )
    return found is not None


async def insert_spent(db: Db, signature: str, expires_at: datetime) -> bool:
    """Remember a solution as spent; False if it was spent already."""
    stored = await db.fetch_val(
        insert_ignore(db, pow_spent, {"signature": signature, "expires_at": expires_at}).returning(
            pow_spent.c.signature
        )
    )
    return stored is not None
