"""The domain-block audit log: append-only, one row per change, read for the log view, for
undoing one change and for reverting a whole run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.db.engine import Db
from app.db.tables import domain_block_audit as table


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor_kind: str
    actor_id: str | None
    actor_label: str
    domain: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str
    run_id: str | None
    # {source_kind, source_id, before, after}: the asserting source's own values; or
    # {dropped, restored, shield} for a lift or a shield change (blocklists.compound_changes).
    assertion: dict[str, Any] | None


def _entry(row: Mapping[str, Any]) -> AuditEntry:
    return AuditEntry(**{name: row[name] for name in AuditEntry.__slots__})


async def insert_audit(db: Db, values: Mapping[str, Any]) -> None:
    await db.execute(table.insert().values(**values))


async def get_audit(db: Db, audit_id: int) -> AuditEntry | None:
    row = await db.fetch_one(sa.select(table).where(table.c.id == audit_id))
    return None if row is None else _entry(row)


async def list_audit(
    db: Db, limit: int = 100, before_id: int | None = None
) -> Sequence[AuditEntry]:
    """Newest first."""
    query = sa.select(table).order_by(table.c.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(table.c.id < before_id)
    return [_entry(row) for row in await db.fetch_all(query)]


async def list_audit_of_run(db: Db, run_id: str) -> Sequence[AuditEntry]:
    """Oldest first."""
    rows = await db.fetch_all(sa.select(table).where(table.c.run_id == run_id).order_by(table.c.id))
    return [_entry(row) for row in rows]
