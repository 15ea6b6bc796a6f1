"""Spent proof-of-work solutions, kept until their challenge expires so each is accepted once."""

from __future__ import annotations

from datetime import datetime

from app.db.engine import Db
from app.db.tables import pow_spent
from app.store.upsert import insert_ignore


async def delete_expired(db: Db, now: datetime) -> None:
    await db.execute(pow_spent.delete().where(pow_spent.c.expires_at < now))


async def insert_spent(db: Db, signature: str, expires_at: datetime) -> bool:
    """Remember a solution as spent; False if it was spent already."""
    stored = await db.fetch_val(
        insert_ignore(db, pow_spent, {"signature": signature, "expires_at": expires_at}).returning(
            pow_spent.c.signature
        )
    )
    return stored is not None
