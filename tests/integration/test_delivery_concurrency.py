"""Several delivery workers on one queue: each row delivered exactly once, a worker that died
holding a lease neither blocks its rows for ever nor overwrites the result of the one that took
them over, and a live worker renews the lease of a batch still in flight so nobody takes it over.
Each worker has its own database handle, as separate processes would."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

import anyio
import pytest

from app.core.clock import utcnow
from app.core.ids import new_id
from app.db.engine import Db, connect, disconnect
from app.fedi.outbound import store_and_enqueue
from app.main import USER_AGENT
from app.services import Services
from app.store import deliveries
from app.store.boards import get_board_by_slug
from app.store.local_actors import get_board_actor
from app.workers.deliver import Deliverer
from federation.client import SafeClient
from tests.support.app_client import RunningApp
from tests.support.delivery import deliverer, delivery_rows, trust_our_keys
from tests.support.fake_inbox import HANG, FakeInbox, run_fake_inbox

pytestmark = pytest.mark.anyio

ACTIVITIES = 10
INBOXES = 20  # 10 x 20 = 200 deliveries


@pytest.fixture
def fake() -> Iterator[FakeInbox]:
    with run_fake_inbox(hang_seconds=1.5) as (control, _server):
        yield control


async def enqueue_fan_out(
    services: Services, fake: FakeInbox, activities: int, inboxes: int, now: datetime
) -> list[str]:
    """`activities` board activities, each to `inboxes` distinct inboxes on the fake."""
    db, urls = services.db, services.urls
    board = await get_board_by_slug(db, "main")
    assert board is not None
    actor = await get_board_actor(db, board.id)
    assert actor is not None
    targets = [f"{fake.url}/inbox/{i}" for i in range(inboxes)]
    ids = []
    for _ in range(activities):
        activity_id = new_id()
        document = {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": urls.activity(activity_id),
            "type": "Announce",
            "actor": urls.board(board.slug),
            "object": urls.note(new_id()),
        }
        await store_and_enqueue(db, urls, activity_id, document, actor, None, targets, now)
        ids.append(urls.activity(activity_id))
    await trust_our_keys(services, fake)
    return ids


@asynccontextmanager
async def worker_handles(url: str, count: int) -> AsyncIterator[Sequence[Db]]:
    handles = [await connect(url) for _ in range(count)]
    try:
        yield handles
    finally:
        for handle in handles:
            await disconnect(handle)


async def test_workers_deliver_each_row_exactly_once(instance: RunningApp, fake: FakeInbox) -> None:
    """spec: delivery-multi-worker-exactly-once, delivery-claim-skip-locked"""
    services = instance.services
    ids = await enqueue_fan_out(services, fake, ACTIVITIES, INBOXES, utcnow())
    count = 4 if services.db.is_postgres else 1  # SQLite runs one worker (one writer)
    claimed = [0] * count

    async def work(index: int, db: Db, client: SafeClient) -> None:
        step = deliverer(services, f"worker-{index}", db=db, client=client)
        step.batch = 10
        while done := await step.run(utcnow()):
            claimed[index] += done

    async with (
        worker_handles(services.settings.database_url, count) as handles,
        SafeClient(allow_loopback=True, user_agent=USER_AGENT) as client,
    ):
        async with anyio.create_task_group() as tasks:
            for index, db in enumerate(handles):
                tasks.start_soon(work, index, db, client)
    counts = fake.accepted_counts()
    assert set(counts) == {(a, f"/inbox/{i}") for a in ids for i in range(INBOXES)}
    assert set(counts.values()) == {1}
    assert len(fake.arrivals()) == ACTIVITIES * INBOXES
    assert all(a.verified for a in fake.arrivals())
    assert sum(claimed) == ACTIVITIES * INBOXES
    if count > 1:
        assert sum(1 for n in claimed if n) >= 2, claimed
    rows = await delivery_rows(services.db)
    assert {r["state"] for r in rows} == {"delivered"} and len(rows) == ACTIVITIES * INBOXES
    assert {r["attempts"] for r in rows} == {1}


async def test_dead_workers_lease_expires_and_its_late_settle_is_refused(
    instance: RunningApp, fake: FakeInbox
) -> None:
    """spec: delivery-lease-expiry-takeover, delivery-settle-checks-owner"""
    services = instance.services
    t0 = utcnow()
    await enqueue_fan_out(services, fake, 1, 5, t0)
    dead = await deliveries.claim_due(services.db, "dead-worker", t0, 100)
    assert len(dead) == 5
    live: Deliverer = deliverer(services, "live-worker")
    assert await live.run(t0 + timedelta(seconds=deliveries.LEASE_SECONDS - 1)) == 0
    assert not fake.arrivals()
    assert await live.run(t0 + timedelta(seconds=deliveries.LEASE_SECONDS + 1)) == 5
    assert set(fake.accepted_counts().values()) == {1} and len(fake.arrivals()) == 5
    for row in dead:
        refused = await deliveries.settle(
            services.db,
            row.id,
            "dead-worker",
            state="failed",
            attempts=row.attempts + 1,
            run_after=None,
            status=500,
            error="late",
            now=t0 + timedelta(seconds=deliveries.LEASE_SECONDS + 2),
        )
        assert refused is False
    rows = await delivery_rows(services.db)
    assert {r["state"] for r in rows} == {"delivered"}
    assert {r["last_status"] for r in rows} == {202}


async def test_claim_takes_nothing_leased_by_another_worker(instance: RunningApp) -> None:
    """spec: delivery-claim-lease"""
    services = instance.services
    t0 = utcnow()
    with run_fake_inbox() as (fake, _server):
        await enqueue_fan_out(services, fake, 1, 3, t0)
    first = await deliveries.claim_due(services.db, "a", t0, 2)
    second = await deliveries.claim_due(services.db, "b", t0, 10)
    third = await deliveries.claim_due(services.db, "c", t0, 10)
    assert len(first) == 2 and len(second) == 1 and not third
    assert {r.id for r in first}.isdisjoint(r.id for r in second)


async def test_batched_success_settles_only_rows_this_worker_holds(
    instance: RunningApp, fake: FakeInbox
) -> None:
    """spec: delivery-settle-checks-owner (the batched success path)"""
    services = instance.services
    t0 = utcnow()
    await enqueue_fan_out(services, fake, 1, 6, t0)
    mine = await deliveries.claim_due(services.db, "worker-a", t0, 3)
    theirs = await deliveries.claim_due(services.db, "worker-b", t0, 3)
    assert len(mine) == len(theirs) == 3
    ids = [row.id for row in (*mine, *theirs)]
    settled = await deliveries.settle_delivered(services.db, ids, "worker-a", 202, t0)
    assert settled == {row.id for row in mine}
    rows = {r["id"]: r for r in await delivery_rows(services.db)}
    assert {rows[row.id]["state"] for row in mine} == {"delivered"}
    assert {rows[row.id]["attempts"] for row in mine} == {1}
    assert {rows[row.id]["state"] for row in theirs} == {"pending"}
    assert {rows[row.id]["attempts"] for row in theirs} == {0}


async def test_a_batch_in_flight_keeps_its_lease_past_the_first_one(
    instance: RunningApp, fake: FakeInbox
) -> None:
    """spec: delivery-lease-heartbeat — a server that holds our requests longer than a lease does
    not get them twice: the worker renews the lease while they are in flight."""
    services = instance.services
    t0 = utcnow()
    await enqueue_fan_out(services, fake, 1, 3, t0)
    fake.answer_all(HANG)  # each request held 1.5 s
    slow: Deliverer = deliverer(services, "slow-worker", heartbeat_seconds=0.1)
    lease = timedelta(seconds=deliveries.LEASE_SECONDS)
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(slow.run, t0)
        with anyio.fail_after(5):
            while len(fake.arrivals()) < 3:
                await anyio.sleep(0.05)
        await anyio.sleep(0.6)  # several beats while the server holds the requests
        # Past the lease the first claim took: a second worker still finds nothing due.
        other: Deliverer = deliverer(services, "other-worker")
        assert await other.run(t0 + lease + timedelta(seconds=0.2)) == 0
    assert len(fake.arrivals()) == 3
    rows = await delivery_rows(services.db)
    assert {r["state"] for r in rows} == {"delivered"} and {r["attempts"] for r in rows} == {1}
