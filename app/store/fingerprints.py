"""Fingerprints of recent posts, for near-duplicate detection within a short window."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from app.db.engine import Db
from app.db.tables import content_fingerprints

RECENT_LIMIT = 2000
# An arbitrary constant naming the advisory lock of the duplicate check (PostgreSQL only).
DUPLICATE_CHECK_LOCK = 0x7472_6565_686F_6C65 & 0x7FFF_FFFF_FFFF_FFFF


async def list_recent_with_mark(db: Db, since: datetime) -> tuple[Sequence[str], int]:
    """Recent fingerprints and the highest row id read (0 if none): rows stored later have
    higher ids, so `list_newer` finds what arrived after this read."""
    rows = await db.fetch_all(
        sa.select(content_fingerprints.c.id, content_fingerprints.c.fingerprint)
        .where(content_fingerprints.c.created_at >= since)
        .order_by(content_fingerprints.c.created_at.desc())
        .limit(RECENT_LIMIT)
    )
    return [row["fingerprint"] for row in rows], max((row["id"] for row in rows), default=0)


async def list_newer(db: Db, after_id: int, before_id: int) -> Sequence[str]:
    """Fingerprints stored with ids strictly between the two (newer than a read, older than
    one's own)."""
    rows = await db.fetch_all(
        sa.select(content_fingerprints.c.fingerprint).where(
            content_fingerprints.c.id > after_id, content_fingerprints.c.id < before_id
        )
    )
    return [row["fingerprint"] for row in rows]


async def insert_fingerprint(
    db: Db, fingerprint: str, now: datetime, subject_id: str | None = None
) -> int:
    """Store one fingerprint of the content `subject_id` names; returns its row id."""
    return int(
        await db.fetch_val(
            content_fingerprints.insert()
            .values(fingerprint=fingerprint, created_at=now, subject_id=subject_id)
            .returning(content_fingerprints.c.id)
        )
    )


async def lock_duplicate_check(db: Db) -> None:
    """Serialise "store my fingerprint, then look for near-copies stored meanwhile" across
    concurrent posts. Call first inside a transaction. PostgreSQL: a transaction-scoped advisory
    lock (raw SQL: SQLAlchemy Core has no spelling for it), so two concurrent copies cannot
    both miss each other's uncommitted row. SQLite: nothing to do; the process's write turn
    and SQLite's single writer already serialise the transactions that insert first."""
    if db.is_postgres:
        await db.fetch_val(sa.select(sa.func.pg_advisory_xact_lock(DUPLICATE_CHECK_LOCK)))


async def delete_older_than(db: Db, before: datetime) -> None:
    """Fingerprints past their window: no check reads them any more."""
    await db.execute(
        content_fingerprints.delete().where(content_fingerprints.c.created_at < before)
    )


async def delete_for_subjects(db: Db, subject_ids: Sequence[str]) -> None:
    """The fingerprints of deleted content: nothing of a note outlives it."""
    if subject_ids:
        await db.execute(
            content_fingerprints.delete().where(
                content_fingerprints.c.subject_id.in_(list(subject_ids))
            )
        )
