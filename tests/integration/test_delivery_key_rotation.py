"""A board's key rotation without a refollow storm: every server gets the Update announcing the
new key signed with the old one, and everything else it is sent stays signed with the old key
until its Update has settled there. A server that has the Update gets the new key's signatures
at once (it no longer knows the old key). Two fake servers on two domains, each trusting only
the keys it has been told of, as Mastodon trusts only the key it has cached."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from app.core.clock import utcnow
from app.fedi.outbound import publish_due_notes
from tests.support.app_client import RunningApp
from tests.support.delivery import (
    aware,
    deliverer,
    follow_board,
    one_row,
    rotate_board_key,
    run_worker,
    trust_our_keys,
)
from tests.support.fake_inbox import FakeInbox, run_fake_inbox
from tests.support.forms import post_note

pytestmark = pytest.mark.anyio


@pytest.fixture
def near() -> Iterator[FakeInbox]:
    with run_fake_inbox() as (control, _server):
        yield control


@pytest.fixture
def far() -> Iterator[FakeInbox]:
    """A second server, on a second domain (`localhost`)."""
    with run_fake_inbox(host="localhost") as (control, _server):
        yield control


async def test_servers_get_the_old_key_until_their_update_has_settled(
    instance: RunningApp, near: FakeInbox, far: FakeInbox
) -> None:
    """spec: delivery-key-rotation-old-key-until-settled"""
    services, db = instance.services, instance.services.db
    await follow_board(instance, near, "n")
    await follow_board(instance, far, "f")
    await run_worker(instance, near)
    await trust_our_keys(services, far)  # both know the board's key as it is now
    for fake in (near, far):
        fake.refuse_unverified = True
        fake.clear()
    assert await rotate_board_key(services)
    far.answer(far.shared_inbox_url, 503)
    t0 = utcnow()
    step = deliverer(services, "rotation")
    await step.run(t0)
    assert [a.verified for a in near.accepted(type="Update")] == [True]  # old key
    waiting = await one_row(db, "Update", far.shared_inbox_url)
    assert waiting["state"] == "pending"
    assert not await rotate_board_key(services)  # not while the old key is still in use
    await trust_our_keys(services, near)  # `near` took the Update: it knows the new key only
    far.answer(far.shared_inbox_url, 202)  # back, but its Update is not due again yet

    await post_note(instance.client, "sent while the far server still waits for its Update")
    t1 = utcnow()
    assert t1 < aware(waiting["run_after"])
    assert await publish_due_notes(db, services.urls, t1)
    await step.run(t1)
    assert [a.verified for a in near.accepted(type="Announce")] == [True], near.arrivals()
    assert [a.verified for a in far.accepted(type="Announce")] == [True], far.arrivals()
    assert far.accepted(type="Update") == []

    await step.run(aware(waiting["run_after"]))
    assert [a.verified for a in far.accepted(type="Update")] == [True]  # still the old key
    await trust_our_keys(services, far)  # `far` took it too: the new key only from now on
    await post_note(instance.client, "after every server has the new key")
    later = aware(waiting["run_after"]) + timedelta(seconds=1)
    assert await publish_due_notes(db, services.urls, later)
    await step.run(later)
    for fake in (near, far):
        announces = fake.arrivals(type="Announce")
        assert len(announces) == 2 and all(a.verified for a in announces), announces
    assert await rotate_board_key(services)  # the rotation is over: another one may start
