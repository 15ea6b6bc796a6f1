"""Outgoing delivery against a fake remote server that verifies our signatures and fails on
command: success, backoff, Retry-After, gone inboxes, permanent failures, timeouts, dead domains,
the pull-forward after our own outage, and the Deletes that follow a deleted note.

Time is injected (`run_once(now=...)`, or the delivery step alone when days pass, so the expiry
job does not delete the note under test); the fake runs in a thread of this process.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import anyio
import pytest
import sqlalchemy as sa

from app.core.clock import utcnow
from app.db.tables import activities, delivery_domains, followers, notes
from app.main import USER_AGENT
from federation.client import SafeClient
from federation.retry import MAX_UNAUTHORIZED_ATTEMPTS
from federation.vocab import AS_CONTEXT
from tests.support.app_client import RunningApp
from tests.support.delivery import (
    aware,
    deliverer,
    delivery_rows,
    follow_board,
    one_row,
    rotate_board_key,
    run_worker,
    trust_our_keys,
)
from tests.support.fake_inbox import HANG, FakeInbox, run_fake_inbox
from tests.support.forms import csrf_from, post_note

pytestmark = pytest.mark.anyio


@pytest.fixture
def fake() -> Iterator[FakeInbox]:
    with run_fake_inbox(hang_seconds=1.5) as (control, _server):
        yield control


async def followed_by(
    instance: RunningApp, fake: FakeInbox, *names: str, shared: bool = True
) -> None:
    """The fake's actors follow the board over the real inbox; Accepts delivered."""
    for name in names:
        await follow_board(instance, fake, name, shared_inbox=shared)
    await run_worker(instance, fake)
    assert len(fake.accepted(type="Accept")) >= len(names)
    fake.clear()


async def count_followers(instance: RunningApp) -> int:
    return int(
        await instance.services.db.fetch_val(sa.select(sa.func.count()).select_from(followers))
    )


def backoff_bounds(attempts: int) -> tuple[timedelta, timedelta]:
    base = attempts**4 + 15
    return timedelta(seconds=base), timedelta(seconds=base + 10 * (attempts + 1))


async def test_delivery_202_is_delivered_once_signed_over_stored_bytes(
    instance: RunningApp, fake: FakeInbox
) -> None:
    """spec: delivery-2xx-delivered, httpsig-outgoing-verified, delivery-stored-bytes-sent"""
    await followed_by(instance, fake, "x")
    await post_note(instance.client, "a note for the fake")
    await run_worker(instance, fake)
    await run_worker(instance, fake, utcnow() + timedelta(hours=1))
    announces = fake.arrivals(type="Announce")
    assert len(announces) == 1
    arrival = announces[0]
    assert arrival.verified, arrival.reason
    assert arrival.scheme == "draft-cavage" and arrival.path == "/inbox"
    row = await one_row(instance.services.db, "Announce", fake.shared_inbox_url)
    assert row["state"] == "delivered" and row["attempts"] == 1 and row["last_status"] == 202
    assert arrival.body == row["payload"].encode()


async def test_delivery_5xx_backs_off_then_delivers_once(
    instance: RunningApp, fake: FakeInbox
) -> None:
    """spec: delivery-5xx-retry-backoff, delivery-never-twice"""
    await followed_by(instance, fake, "x")
    fake.answer_all(500)
    await post_note(instance.client, "the fake is broken for a while")
    t0 = utcnow()
    await run_worker(instance, fake, t0)
    db = instance.services.db
    attempted_at = t0
    for attempts in (1, 2, 3):
        row = await one_row(db, "Announce", fake.shared_inbox_url)
        assert row["state"] == "pending" and row["attempts"] == attempts
        assert row["last_status"] == 500
        low, high = backoff_bounds(attempts)
        due = aware(row["run_after"])
        assert attempted_at + low <= due <= attempted_at + high
        await run_worker(instance, fake, due - timedelta(seconds=1))
        assert len(fake.arrivals(type="Announce")) == attempts
        await run_worker(instance, fake, due)
        attempted_at = due
    fake.answer_all(202)
    row = await one_row(db, "Announce", fake.shared_inbox_url)
    await run_worker(instance, fake, aware(row["run_after"]))
    await run_worker(instance, fake, aware(row["run_after"]) + timedelta(hours=2))
    row = await one_row(db, "Announce", fake.shared_inbox_url)
    assert row["state"] == "delivered" and row["attempts"] == 5
    assert [a.status for a in fake.arrivals(type="Announce")] == [500] * 4 + [202]
    assert max(fake.accepted_counts().values()) == 1


async def test_delivery_429_honours_retry_after(instance: RunningApp, fake: FakeInbox) -> None:
    """spec: delivery-429-retry-after"""
    await followed_by(instance, fake, "x")
    fake.answer_all(429, retry_after="120")
    await post_note(instance.client, "too many requests")
    t0 = utcnow()
    await run_worker(instance, fake, t0)
    row = await one_row(instance.services.db, "Announce", fake.shared_inbox_url)
    assert row["state"] == "pending" and row["last_status"] == 429
    assert aware(row["run_after"]) == t0 + timedelta(seconds=120)
    fake.answer_all(202)
    await run_worker(instance, fake, t0 + timedelta(seconds=119))
    assert len(fake.arrivals(type="Announce")) == 1
    await run_worker(instance, fake, t0 + timedelta(seconds=120))
    assert [a.status for a in fake.arrivals(type="Announce")] == [429, 202]


@pytest.mark.parametrize("status", [410, 404])
async def test_delivery_gone_shared_inbox_removes_nobody(
    instance: RunningApp, fake: FakeInbox, status: int
) -> None:
    """spec: delivery-gone-shared-inbox-keeps-followers"""
    await followed_by(instance, fake, "x", "y")
    await followed_by(instance, fake, "z", shared=False)
    assert await count_followers(instance) == 3
    fake.answer(fake.shared_inbox_url, status)
    await post_note(instance.client, "to a shared inbox that answers gone")
    await run_worker(instance, fake)
    db = instance.services.db
    gone = await one_row(db, "Announce", fake.shared_inbox_url)
    assert gone["state"] == "gone" and gone["last_status"] == status
    assert (await one_row(db, "Announce", fake.inbox_url("z")))["state"] == "delivered"
    assert await count_followers(instance) == 3  # x and y are still followers
    fake.answer(fake.shared_inbox_url, 202)
    fake.clear()
    await post_note(instance.client, "the shared inbox is back")
    await run_worker(instance, fake)
    paths = sorted(a.path for a in fake.accepted(type="Announce"))
    assert paths == ["/inbox", "/users/z/inbox"]


@pytest.mark.parametrize("status", [410, 404])
async def test_delivery_gone_personal_inbox_drops_that_follower(
    instance: RunningApp, fake: FakeInbox, status: int
) -> None:
    """spec: delivery-410-gone-drops-followers, delivery-404-gone-drops-followers"""
    await followed_by(instance, fake, "x", "y")
    await followed_by(instance, fake, "z", shared=False)
    fake.answer(fake.inbox_url("z"), status)
    await post_note(instance.client, "to a personal inbox that moved away")
    await run_worker(instance, fake)
    db = instance.services.db
    gone = await one_row(db, "Announce", fake.inbox_url("z"))
    assert gone["state"] == "gone" and gone["last_status"] == status
    assert (await one_row(db, "Announce", fake.shared_inbox_url))["state"] == "delivered"
    assert await count_followers(instance) == 2  # z only
    fake.clear()
    await post_note(instance.client, "z has moved away, so this goes to the shared inbox")
    await run_worker(instance, fake)
    await run_worker(instance, fake, utcnow() + timedelta(days=1))
    assert [a.path for a in fake.arrivals(type="Announce")] == ["/inbox"]
    inboxes = {r["inbox_url"] for r in await delivery_rows(db, "Announce")}
    assert inboxes == {fake.shared_inbox_url, fake.inbox_url("z")}
    assert len(await delivery_rows(db, "Announce")) == 3


@pytest.mark.parametrize(("status", "knocks"), [(400, 2), (403, 1), (422, 1)])
async def test_delivery_permanent_4xx_fails_without_retry(
    instance: RunningApp, fake: FakeInbox, status: int, knocks: int
) -> None:
    """spec: delivery-4xx-permanent, delivery-rfc9421-second-knock"""
    await followed_by(instance, fake, "x")
    fake.answer_all(status)
    await post_note(instance.client, "refused for good")
    await run_worker(instance, fake)
    await run_worker(instance, fake, utcnow() + timedelta(days=3))
    row = await one_row(instance.services.db, "Announce", fake.shared_inbox_url)
    assert row["state"] == "failed" and row["attempts"] == 1 and row["last_status"] == status
    seen = fake.arrivals(type="Announce")
    assert [a.scheme for a in seen] == ["draft-cavage", "rfc9421"][:knocks]
    assert all(a.verified for a in seen), [a.reason for a in seen]


async def test_delivery_401_retries_a_few_times_then_fails(
    instance: RunningApp, fake: FakeInbox
) -> None:
    """spec: delivery-401-few-retries, delivery-rfc9421-second-knock"""
    await followed_by(instance, fake, "x")
    fake.answer_all(401)
    await post_note(instance.client, "they cannot find our key")
    now = utcnow()
    await run_worker(instance, fake, now)
    db = instance.services.db
    for attempts in range(1, MAX_UNAUTHORIZED_ATTEMPTS):
        row = await one_row(db, "Announce", fake.shared_inbox_url)
        assert row["state"] == "pending" and row["attempts"] == attempts
        now = aware(row["run_after"])
        await run_worker(instance, fake, now)
    row = await one_row(db, "Announce", fake.shared_inbox_url)
    assert row["state"] == "failed" and row["attempts"] == MAX_UNAUTHORIZED_ATTEMPTS
    await run_worker(instance, fake, now + timedelta(days=3))
    schemes = [a.scheme for a in fake.arrivals(type="Announce")]
    assert schemes == ["draft-cavage", "rfc9421"] * MAX_UNAUTHORIZED_ATTEMPTS


async def test_delivery_timeout_is_retried(instance: RunningApp, fake: FakeInbox) -> None:
    """spec: delivery-timeout-retry"""
    await followed_by(instance, fake, "x")
    fake.answer_all(HANG)
    await post_note(instance.client, "the fake never answers")
    services = instance.services
    await outbound_publish(instance)
    await trust_our_keys(services, fake)
    # The app's client waits 10 s per read (30 s in all); a short one keeps the test quick.
    async with SafeClient(allow_loopback=True, user_agent=USER_AGENT, timeout=0.3) as client:
        step = deliverer(services, "impatient", client=client)
        t0 = utcnow()
        await step.run(t0)
        row = await one_row(services.db, "Announce", fake.shared_inbox_url)
        assert row["state"] == "pending" and row["attempts"] == 1
        assert row["last_status"] is None and "Timeout" in row["last_error"]
        low, high = backoff_bounds(1)
        assert t0 + low <= aware(row["run_after"]) <= t0 + high
        fake.answer_all(202)
        await step.run(aware(row["run_after"]))
    row = await one_row(services.db, "Announce", fake.shared_inbox_url)
    assert row["state"] == "delivered" and row["attempts"] == 2
    assert [a.status for a in fake.arrivals(type="Announce")] == [HANG, 202]


async def outbound_publish(instance: RunningApp) -> None:
    """Publish due notes without delivering (the worker's first step alone)."""
    await instance.worker.steps[0](utcnow())


async def test_dead_domain_is_parked_then_woken_by_inbound_activity(
    instance: RunningApp, fake: FakeInbox
) -> None:
    """spec: delivery-dead-domain-parks, delivery-dead-domain-wakes-on-inbound"""
    await followed_by(instance, fake, "x")
    fake.answer_all(500)
    await post_note(instance.client, "to a server that is down for a week")
    services, db = instance.services, instance.services.db
    await outbound_publish(instance)
    await trust_our_keys(services, fake)
    step = deliverer(services, "patient")
    t0 = utcnow()
    await step.run(t0)
    fake.now = t0 + timedelta(days=7)
    await step.run(t0 + timedelta(days=7))
    domain = await db.fetch_one(sa.select(delivery_domains))
    assert domain is not None and domain["dead"] is True
    assert len(fake.arrivals(type="Announce")) == 2
    fake.answer_all(202)
    later = t0 + timedelta(days=7, hours=1)
    fake.now = later
    await step.run(later)
    row = await one_row(db, "Announce", fake.shared_inbox_url)
    assert row["state"] == "pending" and row["attempts"] == 2
    assert aware(row["run_after"]) == later + timedelta(hours=12)
    assert len(fake.arrivals(type="Announce")) == 2  # parked: not attempted
    # The domain writes to us again: a signed activity at our inbox wakes it.
    await follow_board(instance, fake, "x", serial="again")
    domain = await db.fetch_one(sa.select(delivery_domains))
    assert domain is not None and domain["dead"] is False
    await step.run(later + timedelta(seconds=1))
    row = await one_row(db, "Announce", fake.shared_inbox_url)
    assert row["state"] == "delivered" and row["attempts"] == 3
    assert len(fake.accepted(type="Announce")) == 1


async def test_worker_start_pulls_one_delivery_per_domain_forward(
    instance: RunningApp, fake: FakeInbox
) -> None:
    """spec: delivery-after-outage-pull-forward"""
    with run_fake_inbox(host="localhost") as (other, _server):
        await followed_by(instance, fake, "x")
        await followed_by(instance, other, "y")
        fake.answer_all(503)
        other.answer_all(503)
        await post_note(instance.client, "first while they were down")
        await post_note(instance.client, "second while they were down")
        await run_worker(instance, fake)
        await trust_our_keys(instance.services, other)
        rows = await delivery_rows(instance.services.db, "Announce")
        assert len(rows) == 4 and all(r["state"] == "pending" for r in rows)
        start = utcnow()
        assert all(aware(r["run_after"]) > start for r in rows)
        stop = anyio.Event()
        stop.set()  # run_forever then only does its start-up work
        await instance.worker.run_forever(stop)
        rows = await delivery_rows(instance.services.db, "Announce")
        due = [r for r in rows if aware(r["run_after"]) <= utcnow()]
        assert sorted(r["domain"] for r in due) == ["127.0.0.1", "localhost"]
        fake.answer_all(202)
        other.answer_all(202)
        before = len(fake.arrivals()) + len(other.arrivals())
        await run_worker(instance, fake)
        assert len(fake.arrivals()) + len(other.arrivals()) == before + 2
        assert len(fake.accepted(type="Announce")) == len(other.accepted(type="Announce")) == 1


async def test_worker_start_pull_forward_is_a_no_op_when_nothing_waits(
    instance: RunningApp,
) -> None:
    """spec: delivery-after-outage-pull-forward"""
    assert await instance.worker.start(utcnow()) == 0


def remote_reply(fake: FakeInbox, name: str, parent_url: str) -> dict[str, object]:
    note_id = f"{fake.actor_url(name)}/notes/1"
    return {
        "@context": AS_CONTEXT,
        "id": f"{note_id}/activity",
        "type": "Create",
        "actor": fake.actor_url(name),
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": {
            "id": note_id,
            "type": "Note",
            "attributedTo": fake.actor_url(name),
            "inReplyTo": parent_url,
            "content": "<p>a remote reply</p>",
            "published": "2024-01-01T00:00:00Z",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
        },
    }


async def test_deleted_note_sends_delete_and_undo_everywhere_it_was_meant_to_go(
    instance: RunningApp, fake: FakeInbox
) -> None:
    """spec: delivery-delete-to-every-inbox, delivery-delete-signed-by-author,
    delivery-undo-announce, deletion-purges-create-payload"""
    urls, db = instance.services.urls, instance.services.db
    await followed_by(instance, fake, "x")
    await followed_by(instance, fake, "y", shared=False)
    root = await post_note(instance.client, "root of a thread")
    await run_worker(instance, fake)
    # A remote author replies in our thread: our next reply there is Created at its inbox.
    fake.add_actor("z", shared_inbox=False)
    body, headers = fake.signed_post(
        "z", urls.shared_inbox(), remote_reply(fake, "z", urls.note(root.note_id))
    )
    assert (
        await instance.client.post(urls.shared_inbox(), content=body, headers=headers)
    ).status_code == 202
    await run_worker(instance, fake)
    fake.answer(fake.inbox_url("y"), 500)
    secret = "a reply with words that must vanish"
    reply = await post_note(instance.client, secret, thread=root.note_id)
    await run_worker(instance, fake)
    create = await one_row(db, "Create", fake.inbox_url("z"))
    assert create["state"] == "delivered"
    failing = await one_row(db, "Announce", fake.inbox_url("y"), reply.note_id)
    assert failing["state"] == "pending" and failing["last_status"] == 500
    fake.clear()

    page = await instance.client.get(f"/n/{reply.note_id}/delete")
    deleted = await instance.client.post(
        f"/n/{reply.note_id}/delete",
        data={"csrf_token": csrf_from(page.text), "token": reply.token},
    )
    assert deleted.status_code == 200
    fake.answer(fake.inbox_url("y"), 202)
    await run_worker(instance, fake)

    author_id = await db.fetch_val(
        sa.select(notes.c.local_actor_id).where(notes.c.id == reply.note_id)
    )
    author_url = urls.actor(author_id)
    delete_paths = sorted(a.path for a in fake.accepted(type="Delete"))
    assert delete_paths == ["/inbox", "/users/y/inbox", "/users/z/inbox"]
    for arrival in fake.accepted(type="Delete"):
        assert arrival.verified, arrival.reason
        assert arrival.actor == author_url and arrival.key_id == urls.key_id(author_url)
        assert json.loads(arrival.body)["object"]["id"] == urls.note(reply.note_id)
    undo_paths = sorted(a.path for a in fake.accepted(type="Undo"))
    assert undo_paths == ["/inbox", "/users/y/inbox"]
    assert all(a.verified and a.actor == urls.board("main") for a in fake.accepted(type="Undo"))
    assert not fake.arrivals(type="Announce")  # the pending Announce to y was cancelled
    cancelled = await one_row(db, "Announce", fake.inbox_url("y"), reply.note_id)
    assert cancelled["state"] == "cancelled"
    payloads = await db.fetch_all(
        sa.select(activities.c.type, activities.c.payload).where(
            activities.c.note_id == reply.note_id
        )
    )
    assert {p["type"] for p in payloads} >= {"Create", "Announce", "Delete", "Undo"}
    assert all(secret not in p["payload"] for p in payloads)


async def test_key_rotation_update_is_signed_with_old_key_on_retries_too(
    instance: RunningApp, fake: FakeInbox
) -> None:
    """spec: delivery-key-rotation-old-key-until-settled"""
    services, db = instance.services, instance.services.db
    await followed_by(instance, fake, "x")
    await followed_by(instance, fake, "y", shared=False)
    await trust_our_keys(services, fake)  # the fake knows the board's old key only
    await rotate_board_key(services)
    fake.answer(fake.inbox_url("y"), 503)
    step = deliverer(services, "rotator")
    t0 = utcnow()
    await step.run(t0)
    retry = await one_row(db, "Update", fake.inbox_url("y"))
    assert retry["state"] == "pending"
    fake.answer(fake.inbox_url("y"), 202)
    await step.run(aware(retry["run_after"]))
    updates = fake.accepted(type="Update")
    assert sorted(a.path for a in updates) == ["/inbox", "/users/y/inbox"]
    assert all(a.verified for a in updates), [a.reason for a in updates]
    kept = await db.fetch_val(
        sa.select(sa.func.count())
        .select_from(activities)
        .where(activities.c.signing_key_pem.is_not(None))
    )
    assert kept == 0  # dropped once every delivery settled
