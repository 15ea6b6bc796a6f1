"""Deliveries signed on the signing threads: a claimed batch is signed in one hand-over per
thread, off the event loop, and every signature still verifies at the inbox; a batch that cannot
be signed falls back to signing row by row, so one broken key fails only its own rows."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from typing import TypeVar

import pytest
import sqlalchemy as sa

from app.core.clock import utcnow
from app.db.tables import activities
from app.fedi.outbound import publish_due_notes
from federation.offload import ThreadOffload
from tests.support.app_client import RunningApp
from tests.support.delivery import (
    deliverer,
    delivery_rows,
    follow_board,
    rotate_board_key,
    run_worker,
    trust_our_keys,
)
from tests.support.fake_inbox import FakeInbox, run_fake_inbox
from tests.support.forms import post_note

pytestmark = pytest.mark.anyio
T = TypeVar("T")
FOLLOWERS = ("a", "b", "c", "d", "e")


@pytest.fixture
def fake() -> Iterator[FakeInbox]:
    with run_fake_inbox() as (control, _server):
        yield control


class RecordingOffload:
    """ThreadOffload that records each hand-over and the thread the work ran on."""

    def __init__(self, pool: ThreadOffload) -> None:
        self.pool = pool
        self.threads = pool.threads
        self.calls = 0
        self.ran_on: set[int] = set()

    def __call__(self, fn: Callable[[], T]) -> Awaitable[T]:
        self.calls += 1

        def recorded() -> T:
            self.ran_on.add(threading.get_ident())
            return fn()

        return self.pool(recorded)


async def _followed(instance: RunningApp, fake: FakeInbox) -> None:
    for name in FOLLOWERS:  # one inbox each: five delivery rows per activity
        await follow_board(instance, fake, name, shared_inbox=False)
    await run_worker(instance, fake)
    assert len(fake.accepted(type="Accept")) == len(FOLLOWERS)
    fake.clear()


async def test_a_batch_is_signed_off_the_event_loop_in_one_hand_over_per_thread(
    instance: RunningApp, fake: FakeInbox
) -> None:
    """spec: delivery-signed-on-threads, httpsig-outgoing-verified"""
    services = instance.services
    await _followed(instance, fake)
    await post_note(instance.client, "signed on another thread")
    assert await publish_due_notes(services.db, services.urls, utcnow())  # rows queued
    await trust_our_keys(services, fake)
    with ThreadOffload(2) as pool:
        recording = RecordingOffload(pool)
        await deliverer(services, "signer", sign_on=recording).run(utcnow())
    announces = fake.accepted(type="Announce")
    assert sorted(a.path for a in announces) == sorted(f"/users/{n}/inbox" for n in FOLLOWERS)
    assert all(a.verified and a.scheme == "draft-cavage" for a in announces), [
        a.reason for a in announces
    ]
    assert recording.calls == 2  # five rows, two threads: two hand-overs, not five
    assert threading.get_ident() not in recording.ran_on


async def test_a_batch_that_cannot_be_signed_fails_only_its_own_rows(
    instance: RunningApp, fake: FakeInbox
) -> None:
    """spec: delivery-unsignable-batch-isolated"""
    services, db = instance.services, instance.services.db
    await _followed(instance, fake)
    await post_note(instance.client, "a note whose Announce is signed fine")
    assert await publish_due_notes(db, services.urls, utcnow())
    await rotate_board_key(services)
    # The Update must be signed with the old key, which is now broken.
    await db.execute(
        activities.update()
        .where(activities.c.type == "Update")
        .values(signing_key_pem="-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----")
    )
    await trust_our_keys(services, fake)
    with ThreadOffload(2) as pool:
        await deliverer(services, "signer", sign_on=pool).run(utcnow())
    assert len([a for a in fake.accepted(type="Announce") if a.verified]) == len(FOLLOWERS)
    assert fake.arrivals(type="Update") == []
    updates = await delivery_rows(db, "Update")
    assert len(updates) == len(FOLLOWERS)
    assert {row["state"] for row in updates} == {"pending"}
    assert all("internal" in (row["last_error"] or "") for row in updates)
    assert all(row["run_after"] > utcnow() + timedelta(minutes=4) for row in updates)
    pending = await db.fetch_val(
        sa.select(sa.func.count()).select_from(activities).where(activities.c.type == "Update")
    )
    assert pending == 1  # kept for the retry, nothing lost
