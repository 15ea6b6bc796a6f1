"""What the public transparency page counts: decisions, reports and blocks, by time only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.db.engine import Db
from app.db.tables import domain_blocks, moderation_decisions, reports


async def list_decision_facts(db: Db, since: datetime) -> Sequence[Mapping[str, Any]]:
    """(action, reason, created_at) of decisions since `since`: no subject ids."""
    return await db.fetch_all(
        sa.select(
            moderation_decisions.c.action,
            moderation_decisions.c.reason,
            moderation_decisions.c.subject_kind,
            moderation_decisions.c.created_at,
        ).where(moderation_decisions.c.created_at >= since)
    )


async def list_report_times(db: Db, since: datetime) -> Sequence[datetime]:
    rows = await db.fetch_all(sa.select(reports.c.created_at).where(reports.c.created_at >= since))
    return [row["created_at"] for row in rows]


async def list_block_facts(db: Db) -> Sequence[Mapping[str, Any]]:
    return await db.fetch_all(sa.select(domain_blocks.c.severity, domain_blocks.c.created_at))
