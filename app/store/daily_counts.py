"""Per-day counts for the admin dashboard: notes posted, moderation decisions, reports, and the
event counters. Counted in SQL by UTC day (so a busy month is one grouped read, not a row per
note); numbers only, never which note or who."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.db.engine import Db
from app.db.tables import counters, moderation_decisions, notes, reports


def utc_day(db: Db, column: sa.ColumnElement[Any]) -> sa.ColumnElement[str]:
    """`YYYY-MM-DD` of a UTC timestamp column, on either engine (SQLite stores naive UTC)."""
    if db.is_postgres:
        return sa.func.to_char(sa.func.timezone("UTC", column), "YYYY-MM-DD")
    return sa.func.strftime("%Y-%m-%d", column)


async def _per_day(
    db: Db, column: sa.ColumnElement[Any], since: datetime, *where: sa.ColumnElement[bool]
) -> dict[str, int]:
    day = utc_day(db, column).label("day")
    rows = await db.fetch_all(
        sa.select(day, sa.func.count().label("n")).where(column >= since, *where).group_by(day)
    )
    return {str(row["day"]): int(row["n"]) for row in rows}


async def count_notes_per_day(db: Db, since: datetime) -> dict[str, int]:
    """Notes written (local posts and replies from other servers), whatever became of them."""
    return await _per_day(db, notes.c.created_at, since)


async def count_decisions_per_day(
    db: Db, since: datetime, actions: Sequence[str], subject_kinds: Sequence[str]
) -> dict[str, int]:
    return await _per_day(
        db,
        moderation_decisions.c.created_at,
        since,
        moderation_decisions.c.action.in_(list(actions)),
        moderation_decisions.c.subject_kind.in_(list(subject_kinds)),
    )


async def count_reports_per_day(db: Db, since: datetime) -> dict[str, int]:
    return await _per_day(db, reports.c.created_at, since)


async def sum_counters_by_name(db: Db, prefix: str, since_day: str) -> dict[str, int]:
    """Totals of the daily counters whose name starts with `prefix`, from `since_day` on, by the
    rest of the name."""
    rows = await db.fetch_all(
        sa.select(counters.c.name, sa.func.sum(counters.c.count).label("n"))
        .where(counters.c.name.startswith(prefix, autoescape=True), counters.c.day >= since_day)
        .group_by(counters.c.name)
    )
    return {str(row["name"])[len(prefix) :]: int(row["n"]) for row in rows}


async def count_automatic_decisions_per_day(
    db: Db, since: datetime, actions: Sequence[str], subject_kinds: Sequence[str]
) -> list[tuple[str, str, str, str, int]]:
    """The pipeline's own decisions (not moderators'), counted by UTC day, reason, deciding check
    and action: (day, reason, check, action, count). Only what the records hold: no content."""
    day = utc_day(db, moderation_decisions.c.created_at).label("day")
    keys = (day, moderation_decisions.c.reason, moderation_decisions.c.check_name)
    rows = await db.fetch_all(
        sa.select(*keys, moderation_decisions.c.action, sa.func.count().label("n"))
        .where(
            moderation_decisions.c.created_at >= since,
            moderation_decisions.c.action.in_(list(actions)),
            moderation_decisions.c.subject_kind.in_(list(subject_kinds)),
        )
        .group_by(*keys, moderation_decisions.c.action)
    )
    return [
        (str(r["day"]), str(r["reason"]), str(r["check_name"]), str(r["action"]), int(r["n"]))
        for r in rows
    ]


async def count_holds_later_approved_per_day(
    db: Db, since: datetime, approved: str, subject_kinds: Sequence[str]
) -> list[tuple[str, str, int]]:
    """Holds whose content a moderator then approved (action `approved`), counted by UTC day of
    the hold and its reason: (day, reason, count). A category whose holds are mostly approved
    stops too much."""
    later = moderation_decisions.alias("later")
    day = utc_day(db, moderation_decisions.c.created_at).label("day")
    approved_later = (
        sa.exists()
        .where(
            later.c.subject_id == moderation_decisions.c.subject_id,
            later.c.action == approved,
        )
        .correlate(moderation_decisions)
    )
    rows = await db.fetch_all(
        sa.select(day, moderation_decisions.c.reason, sa.func.count().label("n"))
        .where(
            moderation_decisions.c.created_at >= since,
            moderation_decisions.c.action == "hold",
            moderation_decisions.c.subject_kind.in_(list(subject_kinds)),
            approved_later,
        )
        .group_by(day, moderation_decisions.c.reason)
    )
    return [(str(r["day"]), str(r["reason"]), int(r["n"])) for r in rows]
