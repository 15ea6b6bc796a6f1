"""Claiming due rows of a job table with a lease — the one pattern behind the delivery queue and
the inbox queue.

Due rows are `pending`, past `run_after`, with no live lease. One `UPDATE … WHERE id IN (SELECT …
LIMIT n) RETURNING` stamps `locked_by`/`locked_until`; on PostgreSQL the select takes
`FOR UPDATE SKIP LOCKED`, so several workers claim disjoint rows at once. SQLite has one writer
and runs the same statement without the locking clause.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from app.core.states import PENDING
from app.db.engine import Db


async def claim_rows(
    db: Db,
    table: sa.Table,
    worker: str,
    now: datetime,
    limit: int,
    lease_seconds: float,
    returning: Sequence[sa.Column[Any]],
    order_by: Sequence[sa.Column[Any]],
) -> Sequence[Mapping[str, Any]]:
    due = (
        sa.select(table.c.id)
        .where(
            table.c.state == PENDING,
            table.c.run_after <= now,
            sa.or_(table.c.locked_until.is_(None), table.c.locked_until < now),
        )
        .order_by(*order_by)
        .limit(limit)
    )
    if db.is_postgres:
        due = due.with_for_update(skip_locked=True)
    async with db.transaction():
        return await db.fetch_all(
            table.update()
            .where(table.c.id.in_(due.scalar_subquery()))
            .values(locked_by=worker, locked_until=now + timedelta(seconds=lease_seconds))
            .returning(*returning)
        )
