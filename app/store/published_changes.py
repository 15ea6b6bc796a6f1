"""Reads of the domain-block audit log for publishing our list as a FIRES dataset: rows after a
cursor in id order, the newest row, and each domain's latest row. Read-only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.db.engine import Db
from app.db.tables import domain_block_audit as audit
from app.db.tables import domain_blocks


@dataclass(frozen=True, slots=True)
class AuditRow:
    """What the FIRES projection reads from one audit row."""

    id: int
    at: datetime
    domain: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


def _row(row: Any) -> AuditRow:
    return AuditRow(row["id"], row["at"], row["domain"], row["before"], row["after"])


_COLUMNS = (audit.c.id, audit.c.at, audit.c.domain, audit.c.before, audit.c.after)


async def list_audit_after(db: Db, after_id: int, limit: int) -> Sequence[AuditRow]:
    """Audit rows with an id above `after_id`, oldest first."""
    rows = await db.fetch_all(
        sa.select(*_COLUMNS).where(audit.c.id > after_id).order_by(audit.c.id).limit(limit)
    )
    return [_row(row) for row in rows]


async def get_latest_audit(db: Db) -> tuple[int, datetime] | None:
    row = await db.fetch_one(sa.select(audit.c.id, audit.c.at).order_by(audit.c.id.desc()).limit(1))
    return None if row is None else (row["id"], row["at"])


async def latest_audit_of_blocked(db: Db) -> dict[str, tuple[int, datetime]]:
    """For each currently blocked domain, its newest audit row (id, time)."""
    newest = (
        sa.select(sa.func.max(audit.c.id).label("id"))
        .where(audit.c.domain.in_(sa.select(domain_blocks.c.domain)))
        .group_by(audit.c.domain)
    )
    rows = await db.fetch_all(
        sa.select(audit.c.id, audit.c.at, audit.c.domain).where(audit.c.id.in_(newest))
    )
    return {row["domain"]: (row["id"], row["at"]) for row in rows}


async def list_obfuscated_domains(db: Db) -> frozenset[str]:
    rows = await db.fetch_all(
        sa.select(domain_blocks.c.domain).where(domain_blocks.c.obfuscate.is_(True))
    )
    return frozenset(row["domain"] for row in rows)
