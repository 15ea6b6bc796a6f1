"""Blocklist sources an admin subscribes to, their fetch state (ETag, cursor, last status and
error), and the listing each one last delivered (kept in its latest subscription run)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from app.core.ids import new_id
from app.core.states import FAILED
from app.db.engine import Db
from app.db.tables import blocklist_runs, blocklist_sources

SUBSCRIPTION_RUN = "subscription"
EDITABLE = (
    "name",
    "kind",
    "url",
    "auth_kind",
    "auth_secret",
    "trust",
    "max_severity",
    "priority",
    "mode",
    "enabled",
    "fetch_every_seconds",
)


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    name: str
    kind: str
    url: str
    auth_kind: str
    auth_secret: str | None
    trust: float
    max_severity: str
    priority: int
    mode: str
    enabled: bool
    fetch_every_seconds: int
    etag: str | None
    cursor: str | None
    last_fetched_at: datetime | None
    last_status: str | None
    last_error: str | None
    created_at: datetime

    def __repr__(self) -> str:  # the secret never reaches a log
        return f"Source(id={self.id!r}, name={self.name!r}, kind={self.kind!r})"


def _source(row: Mapping[str, Any]) -> Source:
    return Source(**{name: row[name] for name in Source.__slots__})


async def insert_source(db: Db, values: Mapping[str, Any], now: datetime) -> str:
    source_id = new_id()
    fields = {name: values[name] for name in EDITABLE if name in values}
    await db.execute(blocklist_sources.insert().values(id=source_id, created_at=now, **fields))
    return source_id


async def update_source(db: Db, source_id: str, values: Mapping[str, Any]) -> None:
    """Change the admin's settings; a new URL, kind or credential forgets the ETag and cursor."""
    fields = {name: values[name] for name in EDITABLE if name in values}
    current = await get_source(db, source_id)
    if current is None:
        return
    if any(
        fields.get(name, getattr(current, name)) != getattr(current, name)
        for name in ("url", "kind", "auth_kind", "auth_secret")
    ):
        fields.update(etag=None, cursor=None)
    await db.execute(
        blocklist_sources.update().where(blocklist_sources.c.id == source_id).values(**fields)
    )


async def delete_source(db: Db, source_id: str) -> None:
    await db.execute(blocklist_sources.delete().where(blocklist_sources.c.id == source_id))


async def get_source(db: Db, source_id: str) -> Source | None:
    row = await db.fetch_one(
        sa.select(blocklist_sources).where(blocklist_sources.c.id == source_id)
    )
    return None if row is None else _source(row)


async def list_sources(db: Db) -> Sequence[Source]:
    rows = await db.fetch_all(
        sa.select(blocklist_sources).order_by(
            blocklist_sources.c.priority.desc(), blocklist_sources.c.created_at
        )
    )
    return [_source(row) for row in rows]


async def list_due_sources(db: Db, now: datetime) -> Sequence[Source]:
    """Enabled sources never fetched or whose period has passed."""
    due = []
    for source in await list_sources(db):
        last = source.last_fetched_at
        if source.enabled and (
            last is None or last + timedelta(seconds=source.fetch_every_seconds) <= now
        ):
            due.append(source)
    return due


async def record_fetch(
    db: Db,
    source_id: str,
    now: datetime,
    status: str,
    error: str | None = None,
    *,
    etag: str | None = None,
    cursor: str | None = None,
) -> None:
    """Store a fetch's outcome; the ETag and cursor only move forward on success."""
    values: dict[str, Any] = {
        "last_fetched_at": now,
        "last_status": status,
        "last_error": None if error is None else error[:500],
    }
    if etag is not None:
        values["etag"] = etag[:512]
    if cursor is not None:
        values["cursor"] = cursor[:200]
    await db.execute(
        blocklist_sources.update().where(blocklist_sources.c.id == source_id).values(**values)
    )


async def get_latest_listing(db: Db, source_id: str) -> Any:
    """The listing (raw JSON) of the source's newest run that carries one, or None."""
    rows = await db.fetch_all(
        sa.select(blocklist_runs.c.proposal)
        .where(
            blocklist_runs.c.kind == SUBSCRIPTION_RUN,
            blocklist_runs.c.source_id == source_id,
            blocklist_runs.c.state != FAILED,
        )
        .order_by(blocklist_runs.c.created_at.desc())
        .limit(1)
    )
    for row in rows:
        proposal = row["proposal"]
        if isinstance(proposal, dict):
            return proposal.get("listing")
    return None


@dataclass(frozen=True, slots=True)
class RunLine:
    id: str
    source_id: str | None
    state: str
    summary: Any
    error: str | None
    created_at: datetime


async def list_subscription_runs(
    db: Db, source_id: str | None = None, limit: int = 30
) -> Sequence[RunLine]:
    """Newest first, without their (large) proposals."""
    columns = [getattr(blocklist_runs.c, name) for name in RunLine.__slots__]
    query = (
        sa.select(*columns)
        .where(blocklist_runs.c.kind == SUBSCRIPTION_RUN)
        .order_by(blocklist_runs.c.created_at.desc())
        .limit(limit)
    )
    if source_id is not None:
        query = query.where(blocklist_runs.c.source_id == source_id)
    rows = await db.fetch_all(query)
    return [RunLine(**{name: row[name] for name in RunLine.__slots__}) for row in rows]
