"""Reports: local ones from the report link, remote ones from Flag activities."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.core.ids import new_id
from app.core.states import OPEN, REPORT_STATES, RESOLVED
from app.db.engine import Db
from app.db.tables import reports
from app.store.transitions import may_become
from app.store.upsert import insert_ignore


async def insert_report(
    db: Db,
    *,
    note_id: str | None,
    source: str,
    category: str,
    comment: str,
    now: datetime,
    remote_actor_id: str | None = None,
    ap_id: str | None = None,
    target_url: str | None = None,
) -> None:
    await db.execute(
        insert_ignore(
            db,
            reports,
            {
                "id": new_id(),
                "note_id": note_id,
                "source": source,
                "remote_actor_id": remote_actor_id,
                "ap_id": ap_id,
                "category": category,
                "comment": comment,
                "state": OPEN,
                "created_at": now,
                "target_url": target_url,
            },
        )
    )


async def list_open_reports(db: Db) -> Sequence[Mapping[str, Any]]:
    return await db.fetch_all(
        sa.select(reports).where(reports.c.state == OPEN).order_by(reports.c.created_at)
    )


async def count_open_reports(db: Db) -> int:
    return int(
        await db.fetch_val(
            sa.select(sa.func.count()).select_from(reports).where(reports.c.state == OPEN)
        )
    )


async def get_report(db: Db, report_id: str) -> Mapping[str, Any] | None:
    if len(report_id) > 32 or "\x00" in report_id:
        return None
    return await db.fetch_one(sa.select(reports).where(reports.c.id == report_id))


async def resolve_report(db: Db, report_id: str, resolution: str, now: datetime) -> bool:
    """Close an open report with its resolution; True if it was open."""
    resolved = await db.fetch_val(
        reports.update()
        .where(reports.c.id == report_id, may_become(reports.c.state, REPORT_STATES, RESOLVED))
        .values(state=RESOLVED, resolution=resolution, resolved_at=now)
        .returning(reports.c.id)
    )
    return resolved is not None
