"""Inbound signatures from servers that sign their own way (fixture peers from
tests/support/fixture_peer.py): GoToSocial's key stub, Mastodon's time window, relayed activities,
and the limits that keep a keyId from making us fetch without end."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from app.db.tables import counters, followers, inbox_items
from app.security.ratelimit import Limit, WindowCounter
from federation.keys import generate_rsa_keypair
from tests.support.app_client import RunningApp
from tests.support.delivery import trust_our_keys
from tests.support.fixture_peer import (
    GOTOSOCIAL,
    LEMMY,
    MASTODON,
    FixturePeer,
    run_fixture_peer,
)

pytestmark = pytest.mark.anyio


@pytest.fixture
def gts() -> Iterator[FixturePeer]:
    with run_fixture_peer(GOTOSOCIAL) as peer:
        yield peer


@pytest.fixture
def mastodon() -> Iterator[FixturePeer]:
    with run_fixture_peer(MASTODON) as peer:
        yield peer


async def post(
    instance: RunningApp, peer: FixturePeer, name: str, activity: dict[str, Any], **kw: Any
) -> tuple[int, Any]:
    inbox = instance.services.urls.board_inbox("main")
    body, headers = peer.signed_post(name, inbox, activity, **kw)
    answer = await instance.client.post(inbox, content=body, headers=headers)
    try:
        return answer.status_code, answer.json()
    except ValueError:
        return answer.status_code, answer.text


def follow(instance: RunningApp, peer: FixturePeer, name: str) -> dict[str, Any]:
    return peer.activity(name, "Follow", instance.services.urls.board("main"))


async def rows(instance: RunningApp, table: sa.Table) -> int:
    query = sa.select(sa.func.count()).select_from(table)
    return int(await instance.services.db.fetch_val(query))


async def test_gotosocial_follow_is_verified_through_its_key_stub(
    instance: RunningApp, gts: FixturePeer
) -> None:
    """spec: httpsig-gotosocial-key-stub (the key URL names its owner; the owner is fetched,
    signed, and must list that key on its own origin)"""
    await trust_our_keys(instance.services, gts)
    assert (await post(instance, gts, "gina", follow(instance, gts, "gina")))[0] == 202
    # GoToSocial answers only signed GETs: both the stub and the owner were fetched signed.
    assert ("/users/gina/main-key", True) in gts.gets()
    assert ("/users/gina", True) in gts.gets()
    await instance.work()
    assert await rows(instance, followers) == 1
    accepts = gts.arrivals("Accept")
    assert [a.path for a in accepts] == ["/users/gina/inbox"] and accepts[0].verified


async def test_key_stub_whose_owner_does_not_list_the_key_is_refused(
    instance: RunningApp, gts: FixturePeer
) -> None:
    """spec: httpsig-gotosocial-key-stub (a stub cannot lend itself someone else's identity)"""
    await trust_our_keys(instance.services, gts)
    stub = gts.key_stub("gina")
    stub["publicKey"] = {**stub["publicKey"], "id": gts.url + "/users/mallory/main-key"}
    gts.serve(stub, path="/users/mallory/main-key")
    activity = follow(instance, gts, "gina")
    inbox = instance.services.urls.board_inbox("main")
    body, headers = gts.signed_post("gina", inbox, activity)
    headers["Signature"] = headers["Signature"].replace(
        "/users/gina/main-key", "/users/mallory/main-key"
    )
    answer = await instance.client.post(inbox, content=body, headers=headers)
    assert answer.status_code == 401
    assert "does not list that key" in answer.json()["error"]
    assert await rows(instance, inbox_items) == 0


@pytest.mark.parametrize(
    ("offset", "status"),
    [
        (timedelta(minutes=-59), 202),
        (timedelta(minutes=-61, seconds=-30), 401),
        (timedelta(minutes=4), 202),
        (timedelta(minutes=6), 401),
    ],
    ids=["59 min old", "61 min old", "4 min ahead", "6 min ahead"],
)
async def test_signature_time_window_is_mastodons(
    instance: RunningApp, mastodon: FixturePeer, offset: timedelta, status: int
) -> None:
    """spec: httpsig-time-window (a Date at most ~1 h old and 5 min ahead, as Mastodon and
    Misskey accept; the old window let 12 h back and 1 h ahead pass)"""
    at = datetime.now(UTC) + offset
    answer = await post(instance, mastodon, "mia", follow(instance, mastodon, "mia"), at=at)
    assert answer[0] == status, answer
    assert await rows(instance, inbox_items) == (1 if status == 202 else 0)


async def test_lemmy_created_and_expires_signature_is_accepted(instance: RunningApp) -> None:
    """spec: httpsig-cavage-hs2019-created (Lemmy signs `(created)`/`(expires)` under hs2019)"""
    with run_fixture_peer(LEMMY) as lemmy:
        assert (await post(instance, lemmy, "lea", follow(instance, lemmy, "lea")))[0] == 202


async def test_relayed_activity_is_dropped_with_202(
    instance: RunningApp, mastodon: FixturePeer
) -> None:
    """spec: inbox-signer-is-actor (signer ≠ actor: a relay; dropped and answered 202, since
    Mastodon retries a 401)"""
    relayed = follow(instance, mastodon, "mia")
    assert (await post(instance, mastodon, "relay", relayed))[0] == 202
    assert await rows(instance, inbox_items) == 0
    dropped = await instance.services.db.fetch_val(
        sa.select(sa.func.sum(counters.c.count)).where(counters.c.name == "inbox_dropped_relayed")
    )
    assert dropped == 1


async def test_forged_requests_cost_one_refetch_per_key(
    instance: RunningApp, mastodon: FixturePeer
) -> None:
    """spec: inbox-key-fetch-negative-cache (a keyId that just failed or was refetched is not
    fetched again for a while)"""
    stranger = generate_rsa_keypair()
    for _ in range(3):
        activity = follow(instance, mastodon, "mia")
        answer = await post(instance, mastodon, "mia", activity, key=stranger)
        assert answer == (401, {"error": "signature: bad signature"})
    # The first request fetched the key and refetched it once; the next two fetched nothing.
    assert [path for path, _ in mastodon.gets()] == ["/users/mia", "/users/mia"]
    assert await rows(instance, inbox_items) == 0


async def test_key_fetches_per_host_are_capped(instance: RunningApp, mastodon: FixturePeer) -> None:
    """spec: inbox-key-fetch-host-cap (fetches per remote host per minute are capped: 429)"""
    instance.services.fetcher.key_fetches.per_host = WindowCounter(Limit("key_fetch_host", 2, 60))
    answers = [
        (await post(instance, mastodon, name, follow(instance, mastodon, name)))[0]
        for name in ("ann", "bob", "cat")
    ]
    assert answers == [202, 202, 429]
    assert len(mastodon.gets()) == 2


async def test_domain_limit_applies_before_any_key_fetch(
    instance: RunningApp, mastodon: FixturePeer
) -> None:
    """spec: inbox-domain-limit-before-fetch"""
    instance.services.inbox_limits.domain.limit = Limit("domain", 1, 300)
    assert (await post(instance, mastodon, "ann", follow(instance, mastodon, "ann")))[0] == 202
    status, answer = await post(instance, mastodon, "bob", follow(instance, mastodon, "bob"))
    assert (status, answer) == (429, {"error": "too many activities"})
    assert [path for path, _ in mastodon.gets()] == ["/users/ann"]
