"""What the federation-health page reads: the delivery queue, failing and parked domains, and
who follows our boards, counted by board and by server (never listed by account)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.core.states import PENDING
from app.db.engine import Db
from app.db.tables import (
    boards,
    deliveries,
    delivery_domains,
    followers,
    local_actors,
    remote_actors,
)


@dataclass(frozen=True, slots=True)
class QueueState:
    pending: int  # every delivery still to be made, retries and parked ones included
    due: int  # of those, the ones whose time has come
    oldest_due: datetime | None  # the longest-waiting due delivery's due time


@dataclass(frozen=True, slots=True)
class DomainHealth:
    domain: str
    failing_since: datetime | None
    dead: bool  # parked: nothing is tried until it writes to us again
    pending: int
    next_attempt: datetime | None
    last_error: str | None
    last_status: int | None


async def get_queue_state(db: Db, now: datetime) -> QueueState:
    pending = deliveries.c.state == PENDING
    due = sa.and_(pending, deliveries.c.run_after <= now)
    row = await db.fetch_one(
        sa.select(
            sa.func.count().label("pending"),
            sa.func.count().filter(deliveries.c.run_after <= now).label("due"),
        ).where(pending)
    )
    oldest = await db.fetch_val(
        sa.select(deliveries.c.run_after).where(due).order_by(deliveries.c.run_after).limit(1)
    )
    assert row is not None
    return QueueState(int(row["pending"] or 0), int(row["due"] or 0), oldest)


async def list_unhealthy_domains(db: Db, limit: int = 100) -> Sequence[DomainHealth]:
    """Domains failing now or parked, longest failing first, with what is still owed them, when
    the next try is, and the last error a delivery to them got."""
    rows = await db.fetch_all(
        sa.select(delivery_domains)
        .where(
            sa.or_(delivery_domains.c.dead.is_(True), delivery_domains.c.failing_since.is_not(None))
        )
        .order_by(delivery_domains.c.failing_since, delivery_domains.c.domain)
        .limit(limit)
    )
    found = []
    for row in rows:
        domain = row["domain"]
        owed = await db.fetch_one(
            sa.select(sa.func.count().label("pending")).where(
                deliveries.c.domain == domain, deliveries.c.state == PENDING
            )
        )
        last = await db.fetch_one(
            sa.select(deliveries.c.last_error, deliveries.c.last_status)
            .where(
                deliveries.c.domain == domain,
                sa.or_(deliveries.c.last_error.is_not(None), deliveries.c.last_status.is_not(None)),
            )
            .order_by(deliveries.c.id.desc())
            .limit(1)
        )
        next_attempt = await db.fetch_val(
            sa.select(deliveries.c.run_after)
            .where(deliveries.c.domain == domain, deliveries.c.state == PENDING)
            .order_by(deliveries.c.run_after)
            .limit(1)
        )
        found.append(
            DomainHealth(
                domain=domain,
                failing_since=row["failing_since"],
                dead=bool(row["dead"]),
                pending=int(owed["pending"] or 0) if owed else 0,
                next_attempt=next_attempt,
                last_error=None if last is None else last["last_error"],
                last_status=None if last is None else last["last_status"],
            )
        )
    return found


async def count_followers_by_board(db: Db) -> dict[str, int]:
    """Followers per board, by board slug (boards nobody follows are left out)."""
    rows = await db.fetch_all(
        sa.select(boards.c.slug, sa.func.count(followers.c.id).label("n"))
        .select_from(
            followers.join(local_actors, followers.c.local_actor_id == local_actors.c.id).join(
                boards, local_actors.c.board_id == boards.c.id
            )
        )
        .group_by(boards.c.slug)
    )
    return {str(row["slug"]): int(row["n"]) for row in rows}


async def count_followers_by_domain(db: Db, limit: int = 10) -> list[tuple[str, int]]:
    """The servers most of our followers are on, with how many follow from each."""
    count = sa.func.count(followers.c.id).label("n")
    rows = await db.fetch_all(
        sa.select(remote_actors.c.domain, count)
        .select_from(
            followers.join(remote_actors, followers.c.remote_actor_id == remote_actors.c.id)
        )
        .group_by(remote_actors.c.domain)
        .order_by(count.desc(), remote_actors.c.domain)
        .limit(limit)
    )
    return [(str(row["domain"]), int(row["n"])) for row in rows]
