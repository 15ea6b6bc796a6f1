"""Fingerprints of recent posts, for near-duplicate detection within a short window."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from app.db.engine import Db
from app.db.tables import content_fingerprints

RECENT_LIMIT = 2000


async def list_recent(db: Db, since: datetime) -> Sequence[str]:
    rows = await db.fetch_all(
        sa.select(content_fingerprints.c.fingerprint)
        .where(content_fingerprints.c.created_at >= since)
        .order_by(content_fingerprints.c.created_at.desc())
        .limit(RECENT_LIMIT)
    )
    return [row["fingerprint"] for row in rows]


async def insert_fingerprint(db: Db, fingerprint: str, now: datetime) -> None:
    await db.execute(content_fingerprints.insert().values(fingerprint=fingerprint, created_at=now))


async def delete_older_than(db: Db, before: datetime) -> None:
    await db.execute(
        content_fingerprints.delete().where(content_fingerprints.c.created_at < before)
    )
