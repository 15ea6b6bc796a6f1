"""Deliveries are signed one by one as they are sent, inside their server's slot and with the
time of sending (a Misskey-like inbox with a moving clock refuses anything else), off the event
loop on the signing threads, the signatures that come due together sharing a hand-over; a key
that cannot be loaded fails only its own rows."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime, timedelta
from typing import TypeVar

import pytest
import sqlalchemy as sa

from app.core.clock import utcnow
from app.db.tables import activities, deliveries, local_actors, notes
from app.fedi.outbound import publish_due_notes
from app.workers.deliver import Deliverer
from app.workers.runner import Worker
from federation import keys
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
from tests.support.forms import csrf_from, post_note

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


async def test_signatures_are_made_off_the_event_loop_sharing_hand_overs(
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
        # All five inboxes on one server, all five in flight at once: five signatures come due
        # together.
        step = deliverer(services, "signer", sign_on=recording, per_domain=len(FOLLOWERS))
        await step.run(utcnow())
    announces = fake.accepted(type="Announce")
    assert sorted(a.path for a in announces) == sorted(f"/users/{n}/inbox" for n in FOLLOWERS)
    assert all(a.verified and a.scheme == "draft-cavage" for a in announces), [
        a.reason for a in announces
    ]
    assert 1 <= recording.calls < len(FOLLOWERS)  # signatures due together share a hand-over
    assert threading.get_ident() not in recording.ran_on


class MovingWorld:
    """A clock shared by the worker and a slow remote server: each request the server reads
    takes `step` of the world's time."""

    def __init__(self, start: datetime, step: timedelta) -> None:
        self.time = start
        self.step = step
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self.time

    def serve_one(self) -> datetime:
        with self._lock:
            self.time += self.step
            return self.time


async def test_each_delivery_is_signed_when_its_server_slot_frees(
    instance: RunningApp, fake: FakeInbox
) -> None:
    """spec: delivery-signed-at-send-time — a server that takes 4 minutes per request, one
    request at a time, and refuses a Date more than 5 minutes off (Misskey): every delivery
    waiting for that server is signed only when its turn comes, so each arrives fresh."""
    services = instance.services
    await _followed(instance, fake)
    await post_note(instance.client, "for a slow and strict server")
    start = utcnow()
    assert await publish_due_notes(services.db, services.urls, start)
    await trust_our_keys(services, fake)
    world = MovingWorld(start, timedelta(minutes=4))
    fake.clock, fake.date_skew = world.serve_one, timedelta(minutes=5)
    fake.refuse_unverified = True
    with ThreadOffload(2) as pool:
        step = deliverer(services, "slow", sign_on=pool, clock=world.now, per_domain=1)
        await step.run(start)
    announces = fake.arrivals(type="Announce")
    assert len(announces) == len(FOLLOWERS)  # one knock each: none was refused
    assert all(a.verified and a.accepted for a in announces), [a.reason for a in announces]
    assert world.now() - start == timedelta(minutes=4 * len(FOLLOWERS))
    rows = await delivery_rows(services.db, "Announce")
    assert {row["state"] for row in rows} == {"delivered"}


async def test_a_key_that_cannot_be_loaded_fails_only_its_own_rows(
    instance: RunningApp, fake: FakeInbox
) -> None:
    """spec: delivery-unsignable-key-isolated"""
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


def _deliverer_of(worker: Worker) -> Deliverer:
    found = [getattr(step, "__self__", None) for step in worker.steps]
    return next(d for d in found if isinstance(d, Deliverer))


async def test_no_private_key_outlives_its_actors_retirement(
    instance: RunningApp, fake: FakeInbox
) -> None:
    """spec: keys-private-not-kept-by-process — the worker loads keys for one run only, and
    nothing in the process keeps them: once a throwaway author is retired (its key destroyed),
    no cache holds its key and nothing signs as it any more."""
    db, urls = instance.services.db, instance.services.urls
    await _followed(instance, fake)
    posted = await post_note(instance.client, "a note whose author will be retired")
    await run_worker(instance, fake)
    author_id = await db.fetch_val(
        sa.select(notes.c.local_actor_id).where(notes.c.id == posted.note_id)
    )
    author_key = urls.key_id(urls.actor(author_id))
    worker_keys = _deliverer_of(instance.worker).keys
    assert len(worker_keys) == 0  # loaded for that run only

    page = await instance.client.get(f"/n/{posted.note_id}/delete")
    deleted = await instance.client.post(
        f"/n/{posted.note_id}/delete",
        data={"csrf_token": csrf_from(page.text), "token": posted.token},
    )
    assert deleted.status_code == 200
    for _ in range(4):  # Delete, then Delete(actor), then the key is destroyed
        await run_worker(instance, fake)
    state, pem = (
        await db.fetch_one(
            sa.select(local_actors.c.state, local_actors.c.private_key_pem).where(
                local_actors.c.id == author_id
            )
        )
    ).values()
    assert (state, pem) == ("deleted", None)
    signed_by_author = [a for a in fake.arrivals() if a.key_id == author_key]
    objects = {a.object if isinstance(a.object, str) else a.object["id"] for a in signed_by_author}
    assert objects == {urls.note(posted.note_id), urls.actor(author_id)}  # Delete, Delete(actor)
    assert all(a.verified and a.type == "Delete" for a in signed_by_author)
    assert len(worker_keys) == 0
    assert not hasattr(keys.load_private_key, "cache_info")  # no process-wide cache of keys

    # Ask the worker to deliver the author's Delete(actor) again: nothing can sign it now.
    fake.clear()
    await db.execute(
        deliveries.update()
        .where(deliveries.c.activity_id.in_(
            sa.select(activities.c.id).where(activities.c.local_actor_id == author_id)
        ))
        .values(state="pending", run_after=utcnow(), locked_by=None, locked_until=None)
    )  # fmt: skip
    await run_worker(instance, fake)
    assert [a for a in fake.arrivals() if a.key_id == author_key] == []
    rows = await delivery_rows(db)
    author_rows = [r for r in rows if r["activity_id"] in {
        a["id"] for a in await db.fetch_all(
            sa.select(activities.c.id).where(activities.c.local_actor_id == author_id)
        )
    }]  # fmt: skip
    assert author_rows and {r["state"] for r in author_rows} == {"cancelled"}
