"""Blocklist runs (imports and subscription syncs): the parsed proposal, the outcome, the state.

Their states and moves are `BLOCKLIST_RUN_STATES` (app/core/states.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.core.ids import new_id
from app.core.states import BLOCKLIST_RUN_STATES
from app.db.engine import Db
from app.db.tables import blocklist_runs as table
from app.store.transitions import may_become


@dataclass(frozen=True, slots=True)
class Run:
    id: str
    kind: str
    source_id: str | None
    state: str
    proposal: Any
    summary: Any
    error: str | None
    created_at: datetime
    finished_at: datetime | None


def _run(row: Mapping[str, Any]) -> Run:
    return Run(**{name: row[name] for name in Run.__slots__})


async def insert_run(
    db: Db,
    kind: str,
    state: str,
    now: datetime,
    *,
    source_id: str | None = None,
    proposal: Any = None,
    summary: Any = None,
    error: str | None = None,
    finished_at: datetime | None = None,
) -> str:
    run_id = new_id()
    await db.execute(
        table.insert().values(
            id=run_id,
            kind=kind,
            source_id=source_id,
            state=state,
            proposal=proposal,
            summary=summary,
            error=None if error is None else error[:500],
            created_at=now,
            finished_at=finished_at,
        )
    )
    return run_id


async def get_run(db: Db, run_id: str) -> Run | None:
    row = await db.fetch_one(sa.select(table).where(table.c.id == run_id))
    return None if row is None else _run(row)


async def list_runs(db: Db, kind: str | None = None, limit: int = 50) -> Sequence[Run]:
    query = sa.select(table).order_by(table.c.created_at.desc()).limit(limit)
    if kind is not None:
        query = query.where(table.c.kind == kind)
    return [_run(row) for row in await db.fetch_all(query)]


async def update_run_state(
    db: Db,
    run_id: str,
    state: str,
    *,
    finished_at: datetime | None = None,
    summary: Any = None,
    error: str | None = None,
) -> bool:
    """Move a run to `state` if its graph allows it from the state it is in; True if moved."""
    values: dict[str, Any] = {"state": state}
    if finished_at is not None:
        values["finished_at"] = finished_at
    if summary is not None:
        values["summary"] = summary
    if error is not None:
        values["error"] = error[:500]
    moved = await db.fetch_val(
        table.update()
        .where(table.c.id == run_id, may_become(table.c.state, BLOCKLIST_RUN_STATES, state))
        .values(**values)
        .returning(table.c.id)
    )
    return moved is not None
