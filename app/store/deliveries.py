"""The delivery queue: one row per (activity, inbox), written before any attempt.

States (app/core/states.py): pending → delivered | pending (retry) | failed | gone | cancelled.
Claims take a lease (`locked_until`, `locked_by`); on PostgreSQL with FOR UPDATE SKIP LOCKED so any
number of workers take disjoint rows. Settling checks `locked_by`, so a worker whose lease ran out
cannot overwrite the result of the worker that took the row over.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from app.core.states import CANCELLED, DELIVERED, DELIVERY_STATES, PENDING
from app.db.engine import Db
from app.db.tables import activities, deliveries, delivery_domains
from app.store.leased_queue import claim_rows
from app.store.transitions import may_become
from app.store.upsert import insert_ignore
from federation.origin import host_of

# A claim holds its rows this long; a worker extends the lease of the rows it still holds while
# their batch is in flight (`extend_leases`), so a worker that dies frees them within seconds.
LEASE_SECONDS = 15
# What `Db.writes` counts writes to the domains table under (caches watch it).
DOMAINS_TABLE_NAME = delivery_domains.name
# A domain with something for `record_domain_alive` to clear.
_FAILING = sa.or_(delivery_domains.c.dead.is_(True), delivery_domains.c.failing_since.is_not(None))


@dataclass(frozen=True, slots=True)
class ClaimedDelivery:
    id: int
    activity_id: str
    inbox_url: str
    domain: str
    attempts: int
    note_id: str | None


def domain_of(inbox_url: str) -> str:
    return (host_of(inbox_url) or "").lower()


async def enqueue(
    db: Db, activity_id: str, note_id: str | None, inboxes: Sequence[str], now: datetime
) -> None:
    """One row per inbox; enqueueing twice is harmless (unique activity + inbox)."""
    rows = [
        {
            "activity_id": activity_id,
            "note_id": note_id,
            "inbox_url": inbox,
            "domain": domain_of(inbox),
            "state": PENDING,
            "attempts": 0,
            "run_after": now,
            "created_at": now,
        }
        for inbox in dict.fromkeys(inboxes)
    ]
    if rows:
        await db.execute(insert_ignore(db, deliveries, rows))


async def claim_due(db: Db, worker: str, now: datetime, limit: int) -> Sequence[ClaimedDelivery]:
    rows = await claim_rows(
        db,
        deliveries,
        worker,
        now,
        limit,
        LEASE_SECONDS,
        returning=(
            deliveries.c.id,
            deliveries.c.activity_id,
            deliveries.c.inbox_url,
            deliveries.c.domain,
            deliveries.c.attempts,
            deliveries.c.note_id,
        ),
        order_by=(deliveries.c.run_after, deliveries.c.id),
    )
    return [ClaimedDelivery(**dict(row)) for row in rows]


async def settle(
    db: Db,
    delivery_id: int,
    worker: str,
    *,
    state: str,
    attempts: int,
    run_after: datetime | None,
    status: int | None,
    error: str | None,
    now: datetime,
) -> bool:
    """Record an attempt's outcome; False if another worker holds the row now."""
    values: dict[str, Any] = {
        "state": state,
        "attempts": attempts,
        "last_status": status,
        "last_error": (error or "")[:500] or None,
        "locked_by": None,
        "locked_until": None,
    }
    if run_after is not None:
        values["run_after"] = run_after
    if state != PENDING:
        values["settled_at"] = now
    done = await db.fetch_val(
        deliveries.update()
        .where(
            deliveries.c.id == delivery_id,
            deliveries.c.locked_by == worker,
            may_become(deliveries.c.state, DELIVERY_STATES, state),
        )
        .values(values)
        .returning(deliveries.c.id)
    )
    return done is not None


async def settle_delivered(
    db: Db, delivery_ids: Sequence[int], worker: str, status: int, now: datetime
) -> set[int]:
    """Record many successful attempts with one statement (the common outcome of a fan-out);
    returns the ids settled, leaving out rows another worker holds now."""
    if not delivery_ids:
        return set()
    rows = await db.fetch_all(
        deliveries.update()
        .where(
            delivery_ids_in(db, delivery_ids),
            deliveries.c.locked_by == worker,
            may_become(deliveries.c.state, DELIVERY_STATES, DELIVERED),
        )
        .values(
            state=DELIVERED,
            attempts=deliveries.c.attempts + 1,
            last_status=status,
            last_error=None,
            locked_by=None,
            locked_until=None,
            settled_at=now,
        )
        .returning(deliveries.c.id)
    )
    return {row["id"] for row in rows}


async def extend_leases(db: Db, delivery_ids: Sequence[int], worker: str, now: datetime) -> None:
    """Renew the lease of rows this worker still holds (a heartbeat while they are in flight)."""
    if delivery_ids:
        await db.execute(
            deliveries.update()
            .where(delivery_ids_in(db, delivery_ids), deliveries.c.locked_by == worker)
            .values(locked_until=now + timedelta(seconds=LEASE_SECONDS))
        )


def delivery_ids_in(db: Db, delivery_ids: Sequence[int]) -> sa.ColumnElement[bool]:
    """`id IN (…)` as ONE bound value (an array on PostgreSQL, a JSON list read by json_each on
    SQLite), so the statement's text is the same whatever the count and its compiled form is
    reused (app/db/statements.py); an expanding IN list is compiled anew for every group."""
    if db.is_postgres:
        ids = sa.bindparam(
            "delivery_ids", list(delivery_ids), type_=postgresql.ARRAY(sa.BigInteger)
        )
        return deliveries.c.id == sa.any_(ids)
    listed = sa.bindparam("delivery_ids", json.dumps(list(delivery_ids)), type_=sa.String)
    values: sa.Select[Any] = sa.select(sa.literal_column("value")).select_from(
        sa.func.json_each(listed)
    )
    return deliveries.c.id.in_(values.scalar_subquery())


async def release(db: Db, delivery_id: int, worker: str, run_after: datetime) -> None:
    """Give a claimed row back untried (its domain is parked)."""
    await db.execute(
        deliveries.update()
        .where(deliveries.c.id == delivery_id, deliveries.c.locked_by == worker)
        .values(locked_by=None, locked_until=None, run_after=run_after)
    )


async def cancel_pending_for_note(db: Db, note_id: str, types: Sequence[str]) -> None:
    """Stop sending a deleted note's Create/Announce; rows stay as the ledger of who had it."""
    activity_ids = sa.select(activities.c.id).where(
        activities.c.note_id == note_id, activities.c.type.in_(types)
    )
    await db.execute(
        deliveries.update()
        .where(
            deliveries.c.activity_id.in_(activity_ids),
            may_become(deliveries.c.state, DELIVERY_STATES, CANCELLED),
        )
        .values(state=CANCELLED)
    )


async def cancel_pending_to_domain(db: Db, domain: str) -> None:
    """Stop sending to a suspended domain and its subdomains."""
    await db.execute(
        deliveries.update()
        .where(
            sa.or_(deliveries.c.domain == domain, deliveries.c.domain.like(f"%.{domain}")),
            may_become(deliveries.c.state, DELIVERY_STATES, CANCELLED),
        )
        .values(state=CANCELLED, last_error="domain suspended")
    )


async def list_inboxes_for_note(db: Db, note_id: str, types: Sequence[str]) -> Sequence[str]:
    """Every inbox that was sent (or was meant to get) the note's activities of these types."""
    rows = await db.fetch_all(
        sa.select(deliveries.c.inbox_url)
        .select_from(deliveries.join(activities, deliveries.c.activity_id == activities.c.id))
        .where(activities.c.note_id == note_id, activities.c.type.in_(types))
        .distinct()
    )
    return sorted(row["inbox_url"] for row in rows)


async def list_inboxes_for_actor(db: Db, local_actor_id: str) -> Sequence[str]:
    rows = await db.fetch_all(
        sa.select(deliveries.c.inbox_url)
        .select_from(deliveries.join(activities, deliveries.c.activity_id == activities.c.id))
        .where(activities.c.local_actor_id == local_actor_id)
        .distinct()
    )
    return sorted(row["inbox_url"] for row in rows)


async def count_unsettled_for_actor(db: Db, local_actor_id: str) -> int:
    return int(
        await db.fetch_val(
            sa.select(sa.func.count())
            .select_from(deliveries.join(activities, deliveries.c.activity_id == activities.c.id))
            .where(activities.c.local_actor_id == local_actor_id, deliveries.c.state == PENDING)
        )
    )


async def count_pending_for_activity(db: Db, activity_id: str) -> int:
    """Deliveries of one activity still to be made (retries and parked ones included)."""
    return int(
        await db.fetch_val(
            sa.select(sa.func.count())
            .select_from(deliveries)
            .where(deliveries.c.activity_id == activity_id, deliveries.c.state == PENDING)
        )
    )


async def count_pending_by_domain(db: Db, activity_id: str) -> dict[str, int]:
    """Deliveries of one activity still to be made, per domain."""
    rows = await db.fetch_all(
        sa.select(deliveries.c.domain, sa.func.count().label("pending"))
        .where(deliveries.c.activity_id == activity_id, deliveries.c.state == "pending")
        .group_by(deliveries.c.domain)
    )
    return {row["domain"]: int(row["pending"]) for row in rows}


async def ledger_for_note(db: Db, note_id: str) -> Sequence[Mapping[str, Any]]:
    """Per delivery of the note's activities: type, domain, state (no inbox paths, no people)."""
    return await db.fetch_all(
        sa.select(activities.c.type, deliveries.c.domain, deliveries.c.state)
        .select_from(deliveries.join(activities, deliveries.c.activity_id == activities.c.id))
        .where(activities.c.note_id == note_id)
        .order_by(deliveries.c.domain)
    )


async def record_domain_failure(db: Db, domain: str, now: datetime) -> datetime:
    """Note a failed attempt; returns since when the domain has been failing."""
    async with db.transaction():
        await db.execute(insert_ignore(db, delivery_domains, {"domain": domain, "dead": False}))
        await db.execute(
            delivery_domains.update()
            .where(delivery_domains.c.domain == domain, delivery_domains.c.failing_since.is_(None))
            .values(failing_since=now)
        )
        await db.execute(
            delivery_domains.update()
            .where(delivery_domains.c.domain == domain)
            .values(last_failure_at=now)
        )
        since = await db.fetch_val(
            sa.select(delivery_domains.c.failing_since).where(delivery_domains.c.domain == domain)
        )
    return since if isinstance(since, datetime) else now


async def mark_domain_dead(db: Db, domain: str) -> None:
    await db.execute(
        delivery_domains.update().where(delivery_domains.c.domain == domain).values(dead=True)
    )


async def record_domain_alive(db: Db, domain: str, now: datetime) -> bool:
    """The domain answered (or wrote to us): clear its failures. True if it had been dead.

    Called on every delivery and every inbox POST, so a healthy domain costs one read and no
    write (`last_success_at` moves only when failures are cleared)."""
    failing = await db.fetch_one(
        sa.select(delivery_domains.c.domain).where(delivery_domains.c.domain == domain, _FAILING)
    )
    if failing is None:
        return False
    was_dead = await db.fetch_val(
        delivery_domains.update()
        .where(delivery_domains.c.domain == domain, delivery_domains.c.dead.is_(True))
        .values(dead=False)
        .returning(delivery_domains.c.domain)
    )
    await db.execute(
        delivery_domains.update()
        .where(delivery_domains.c.domain == domain)
        .values(failing_since=None, last_success_at=now)
    )
    return was_dead is not None


async def list_failing_domains(db: Db, domains: Iterable[str]) -> set[str]:
    """Which of these domains are failing or parked: the only ones `record_domain_alive` would
    change, so a batch of successes costs one read."""
    wanted = sorted(set(domains))
    if not wanted:
        return set()
    rows = await db.fetch_all(
        sa.select(delivery_domains.c.domain).where(delivery_domains.c.domain.in_(wanted), _FAILING)
    )
    return {row["domain"] for row in rows}


async def list_dead_domains(db: Db, domains: Iterable[str]) -> set[str]:
    """Which of these domains are parked (dead)."""
    wanted = sorted(set(domains))
    if not wanted:
        return set()
    rows = await db.fetch_all(
        sa.select(delivery_domains.c.domain).where(
            delivery_domains.c.domain.in_(wanted), delivery_domains.c.dead.is_(True)
        )
    )
    return {row["domain"] for row in rows}


async def is_domain_dead(db: Db, domain: str) -> bool:
    dead = await db.fetch_val(
        sa.select(delivery_domains.c.dead).where(delivery_domains.c.domain == domain)
    )
    return bool(dead)


async def wake_domain(db: Db, domain: str, now: datetime) -> None:
    """Make a recovered domain's parked deliveries due now."""
    await db.execute(
        deliveries.update()
        .where(deliveries.c.domain == domain, deliveries.c.state == PENDING)
        .values(run_after=now)
    )


async def pull_one_per_domain_forward(db: Db, now: datetime) -> int:
    """After our own outage: one owed delivery per domain is made due now, so servers that
    stopped sending to us (Mastodon gives up on a domain after 7 failing days) hear from us."""
    rows = await db.fetch_all(
        sa.select(sa.func.min(deliveries.c.id).label("id"))
        .where(deliveries.c.state == PENDING, deliveries.c.run_after > now)
        .group_by(deliveries.c.domain)
    )
    ids = [row["id"] for row in rows]
    if ids:
        await db.execute(deliveries.update().where(deliveries.c.id.in_(ids)).values(run_after=now))
    return len(ids)
