"""The inbox gate in-process: every inbox route, exact refusal reasons, counting, and signatures
moved to another target. Keys come from a fake actor server on loopback (no mocks); the
end-to-end twins of these tests, against fedipeer, are in tests/e2e/test_inbox_security.py."""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from app.db.tables import counters, followers, inbox_items, interactions, notes, reports
from federation.vocab import AS_CONTEXT
from tests.support.app_client import RunningApp
from tests.support.fake_actors import (
    FakeActors,
    run_fake_actors,
    sign_cavage_covering,
    sign_rfc9421_covering,
)

pytestmark = pytest.mark.anyio

SIGNERS = {"draft-cavage": sign_cavage_covering, "rfc9421": sign_rfc9421_covering}
BOTH = pytest.mark.parametrize("scheme", list(SIGNERS))
INBOX_PATHS = ["/inbox", "/actor/inbox", "/b/main/inbox"]


@pytest.fixture
def fake() -> Iterator[FakeActors]:
    with run_fake_actors() as server:
        yield server


def follow_from(fake: FakeActors, name: str, board: str, serial: str = "1") -> dict[str, Any]:
    actor = fake.add_actor(name)
    return {
        "@context": AS_CONTEXT,
        "id": f"{actor}#follows/{serial}",
        "type": "Follow",
        "actor": actor,
        "object": board,
    }


async def send(
    instance: RunningApp,
    path: str,
    body: bytes,
    headers: dict[str, str],
) -> tuple[int, Any]:
    response = await instance.client.post(path, content=body, headers=headers)
    try:
        return response.status_code, response.json()
    except ValueError:
        return response.status_code, response.text


def signed(
    instance: RunningApp,
    fake: FakeActors,
    name: str,
    path: str,
    activity: dict[str, Any],
    scheme: str,
    now: datetime | None = None,
) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(activity).encode()
    url = instance.services.settings.base_url + path
    moment = now or datetime.now(UTC)
    return body, SIGNERS[scheme](url, body, fake.key_id(name), fake.keypair.private_pem, moment)


async def assert_nothing_stored(instance: RunningApp) -> None:
    db = instance.services.db
    for table in (inbox_items, notes, interactions, followers, reports):
        assert await db.fetch_all(sa.select(table)) == [], table.name


async def refused(instance: RunningApp, status: int) -> int:
    query = sa.select(sa.func.sum(counters.c.count)).where(
        counters.c.name == f"inbox_refused_{status}"
    )
    return int(await instance.services.db.fetch_val(query) or 0)


@BOTH
@pytest.mark.parametrize("path", INBOX_PATHS)
async def test_every_inbox_accepts_signed_follow(
    instance: RunningApp, fake: FakeActors, scheme: str, path: str
) -> None:
    """spec: inbox-accepts-verified, inbox-shared-and-actor-inboxes"""
    activity = follow_from(fake, "carol", instance.services.urls.base + "/b/main")
    body, headers = signed(instance, fake, "carol", path, activity, scheme)
    assert (await send(instance, path, body, headers))[0] == 202
    stored = await instance.services.db.fetch_all(sa.select(inbox_items.c.ap_id))
    assert [row["ap_id"] for row in stored] == [activity["id"]]
    await instance.work()
    assert len(await instance.services.db.fetch_all(sa.select(followers))) == 1


@pytest.mark.parametrize("path", INBOX_PATHS)
async def test_every_inbox_refuses_unsigned_and_oversized(
    instance: RunningApp, fake: FakeActors, path: str
) -> None:
    """spec: httpsig-required, inbox-body-limit-413"""
    activity = follow_from(fake, "carol", instance.services.urls.base + "/b/main")
    status, answer = await send(instance, path, json.dumps(activity).encode(), {})
    assert (status, answer) == (401, {"error": "signature: missing signature"})
    big = b'{"pad":"' + b"x" * (1024 * 1024) + b'"}'
    assert (await send(instance, path, big, {}))[0] == 413
    await assert_nothing_stored(instance)
    assert await refused(instance, 401) == 1


@BOTH
@pytest.mark.parametrize(
    ("offset", "reason"),
    [
        (timedelta(hours=-1, seconds=-5), "signature: stale date"),
        (timedelta(minutes=5, seconds=5), "signature: future date"),
    ],
)
async def test_inbox_refuses_date_outside_window(
    instance: RunningApp, fake: FakeActors, scheme: str, offset: timedelta, reason: str
) -> None:
    """spec: httpsig-time-window"""
    activity = follow_from(fake, "carol", instance.services.urls.base + "/b/main")
    now = datetime.now(UTC) + offset
    body, headers = signed(instance, fake, "carol", "/inbox", activity, scheme, now)
    assert await send(instance, "/inbox", body, headers) == (401, {"error": reason})
    await assert_nothing_stored(instance)
    # Refused before any key fetch: a stale request costs us no outgoing request.
    assert fake.requests() == []


@BOTH
async def test_inbox_refuses_signature_moved_to_another_inbox(
    instance: RunningApp, fake: FakeActors, scheme: str
) -> None:
    """spec: httpsig-target-bound (a request signed for one inbox cannot be replayed to another)"""
    activity = follow_from(fake, "carol", instance.services.urls.base + "/b/main")
    body, headers = signed(instance, fake, "carol", "/b/main/inbox", activity, scheme)
    status, answer = await send(instance, "/inbox", body, headers)
    assert (status, answer) == (401, {"error": "signature: bad signature"})
    await assert_nothing_stored(instance)


@BOTH
async def test_inbox_verifies_the_query_string_as_signed(
    instance: RunningApp, fake: FakeActors, scheme: str
) -> None:
    """spec: httpsig-target-bound (the query is part of the signed target)"""
    activity = follow_from(fake, "carol", instance.services.urls.base + "/b/main")
    body, headers = signed(instance, fake, "carol", "/inbox?via=relay", activity, scheme)
    assert (await send(instance, "/inbox?via=other", body, headers))[0] == 401
    await assert_nothing_stored(instance)
    assert (await send(instance, "/inbox?via=relay", body, headers))[0] == 202


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.encode("utf-16"),
    ],
    ids=["utf-8", "utf-8 with BOM", "utf-16"],
)
async def test_inbox_stores_and_applies_every_json_encoding(
    instance: RunningApp, fake: FakeActors, encode: Callable[[str], bytes]
) -> None:
    """The stored activity is read back by the worker whatever encoding JSON arrived in."""
    activity = follow_from(fake, "carol", instance.services.urls.base + "/b/main")
    body = encode(json.dumps(activity, indent=2, ensure_ascii=False))
    url = instance.services.settings.base_url + "/inbox"
    moment = datetime.now(UTC)
    headers = sign_cavage_covering(
        url, body, fake.key_id("carol"), fake.keypair.private_pem, moment
    )
    assert (await send(instance, "/inbox", body, headers))[0] == 202
    await instance.work()
    assert len(await instance.services.db.fetch_all(sa.select(followers))) == 1


@BOTH
async def test_inbox_refuses_key_that_cannot_be_fetched(
    instance: RunningApp, fake: FakeActors, scheme: str
) -> None:
    """spec: httpsig-key-fetch-failure-401"""
    activity = follow_from(fake, "carol", instance.services.urls.base + "/b/main")
    body = json.dumps(activity).encode()
    url = instance.services.settings.base_url + "/inbox"
    missing_key = f"{fake.url}/users/nobody#main-key"
    headers = SIGNERS[scheme](url, body, missing_key, fake.keypair.private_pem, datetime.now(UTC))
    status, answer = await send(instance, "/inbox", body, headers)
    assert status == 401 and answer["error"].startswith("signature: key not usable"), answer
    await assert_nothing_stored(instance)


async def test_inbox_refuses_malformed_signature_header(
    instance: RunningApp, fake: FakeActors
) -> None:
    """spec: httpsig-malformed-401"""
    activity = follow_from(fake, "carol", instance.services.urls.base + "/b/main")
    body, headers = signed(instance, fake, "carol", "/inbox", activity, "draft-cavage")
    headers["Signature"] = headers["Signature"].replace('keyId="', 'keyId="x", keyId="', 1)
    assert await send(instance, "/inbox", body, headers) == (
        401,
        {"error": "signature: malformed signature"},
    )
    await assert_nothing_stored(instance)


@pytest.mark.parametrize(
    "body",
    [b"{", b"[]", b'"text"', b'{"type":"Follow"}', b'{"a":"\xff"}'],
)
async def test_inbox_refuses_bodies_that_are_not_activities(
    instance: RunningApp, body: bytes
) -> None:
    """spec: inbox-malformed-json-400"""
    status, answer = await send(instance, "/inbox", body, {})
    assert status == 400 and answer["error"].startswith("malformed activity"), answer
    await assert_nothing_stored(instance)
    assert await refused(instance, 400) == 1


@BOTH
async def test_inbox_stores_replayed_activity_once(
    instance: RunningApp, fake: FakeActors, scheme: str
) -> None:
    """spec: inbox-replay-idempotent"""
    activity = follow_from(fake, "carol", instance.services.urls.base + "/b/main")
    for _ in range(2):
        body, headers = signed(instance, fake, "carol", "/inbox", activity, scheme)
        assert (await send(instance, "/inbox", body, headers))[0] == 202
    await instance.work()
    body, headers = signed(instance, fake, "carol", "/inbox", activity, scheme)
    assert (await send(instance, "/inbox", body, headers))[0] == 202
    await instance.work()
    db = instance.services.db
    assert len(await db.fetch_all(sa.select(inbox_items))) == 1
    assert len(await db.fetch_all(sa.select(followers))) == 1
