"""The inbox door's remembered answers and its group-commit writer, on real databases.

- A block made through this process is enforced at the next POST; one written by another process
  (a second database handle here) is seen once the answer's few seconds are over, and the worker
  re-checks suspension from the database, so an item that slipped through is dropped unapplied.
- Every 202 is answered after its row is committed, duplicates by id are stored once however they
  arrive, and stopping the writer commits every row it was given.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from app.blocklists.changes import ChangeActor
from app.blocklists.service import set_manual
from app.core.clock import utcnow
from app.core.settings import Settings
from app.db.engine import Db, connect, disconnect
from app.db.tables import followers, inbox_items, remote_actors
from app.fedi.door_cache import DOOR_TTL, DoorCache
from app.fedi.inbox_writer import InboxWriter
from app.store import domain_blocks
from app.store.domain_blocks import BlockValues
from app.store.inbox_items import NewItem
from federation.vocab import AS_CONTEXT
from tests.support.app_client import RunningApp
from tests.support.fake_actors import FakeActors, run_fake_actors, sign_cavage_covering

pytestmark = pytest.mark.anyio

ADMIN = ChangeActor("admin", None, "admin: test")
SUSPEND = BlockValues("suspend", False, False, "", "", False)


@pytest.fixture
def fake() -> Iterator[FakeActors]:
    with run_fake_actors() as server:
        yield server


@pytest.fixture
async def other_process(settings: Settings) -> AsyncIterator[Db]:
    """A second handle on the same database: writes through it are another process's writes."""
    db = await connect(settings.database_url)
    try:
        yield db
    finally:
        await disconnect(db)


def activity(instance: RunningApp, actor: str, serial: str, kind: str = "Like") -> dict[str, Any]:
    target = instance.services.urls.base + "/b/main"
    return {
        "@context": AS_CONTEXT,
        "id": f"{actor}#{kind.lower()}s/{serial}",
        "type": kind,
        "actor": actor,
        "object": target,
    }


async def post(instance: RunningApp, fake: FakeActors, name: str, document: dict[str, Any]) -> int:
    body = json.dumps(document).encode()
    url = instance.services.settings.base_url + "/inbox"
    headers = sign_cavage_covering(
        url, body, fake.key_id(name), fake.keypair.private_pem, datetime.now(UTC)
    )
    response = await instance.client.post("/inbox", content=body, headers=headers)
    return response.status_code


async def stored_ids(db: Db) -> list[str]:
    return [row["ap_id"] for row in await db.fetch_all(sa.select(inbox_items.c.ap_id))]


async def test_door_enforces_a_block_made_in_this_process_at_once(
    instance: RunningApp, fake: FakeActors
) -> None:
    """spec: moderation-suspend-domain (a remembered answer never outlives our own block)"""
    actor = fake.add_actor("carol")
    assert await post(instance, fake, "carol", activity(instance, actor, "1")) == 202
    services = instance.services
    await set_manual(services.db, services.urls, "127.0.0.1", SUSPEND, ADMIN, utcnow())
    assert await post(instance, fake, "carol", activity(instance, actor, "2")) == 403
    assert await stored_ids(services.db) == [f"{actor}#likes/1"]


async def test_door_sees_another_process_block_within_its_ttl(
    instance: RunningApp, other_process: Db
) -> None:
    """The staleness bound: an answer is at most DOOR_TTL old, whoever changed the table."""
    db, door, now = instance.services.db, DoorCache(), utcnow()
    assert not await door.is_suspended_host(db, "far.example", now)
    values = {"severity": "suspend", "reject_media": False, "reject_reports": False}
    values |= {"public_comment": "", "private_comment": "", "obfuscate": False}
    await domain_blocks.upsert_block(other_process, {"domain": "far.example", **values}, now)
    assert not await door.is_suspended_host(db, "far.example", now + DOOR_TTL / 2)
    assert await door.is_suspended_host(db, "far.example", now + DOOR_TTL)
    # A write through the door's own handle drops the answer at once.
    await domain_blocks.delete_block(db, "far.example")
    assert not await door.is_suspended_host(db, "far.example", now + DOOR_TTL)


async def test_door_sees_an_actor_suspended_elsewhere_within_its_ttl(
    instance: RunningApp, fake: FakeActors, other_process: Db
) -> None:
    actor = fake.add_actor("dave")
    assert await post(instance, fake, "dave", activity(instance, actor, "1")) == 202
    db, door, now = instance.services.db, DoorCache(), utcnow()
    known = await door.actor(db, actor, now)
    assert known is not None and not known.suspended
    await other_process.execute(
        remote_actors.update().where(remote_actors.c.ap_id == actor).values(suspended=True)
    )
    cached = await door.actor(db, actor, now + DOOR_TTL / 2)
    assert cached is not None and not cached.suspended
    fresh = await door.actor(db, actor, now + DOOR_TTL)
    assert fresh is not None and fresh.suspended


async def test_worker_drops_items_from_a_domain_suspended_after_they_were_stored(
    instance: RunningApp, fake: FakeActors, other_process: Db
) -> None:
    """spec: moderation-suspend-domain (the worker re-checks; the door's answer may be late)"""
    actor = fake.add_actor("erin")
    follow = activity(instance, actor, "1", kind="Follow")
    assert await post(instance, fake, "erin", follow) == 202
    services = instance.services
    # Made by another process: this process's door has not heard of it, the database has.
    await set_manual(other_process, services.urls, "127.0.0.1", SUSPEND, ADMIN, utcnow())
    await instance.work()
    assert await services.db.fetch_all(sa.select(followers)) == []
    row = await services.db.fetch_one(
        sa.select(inbox_items.c.state, inbox_items.c.last_error).where(
            inbox_items.c.ap_id == follow["id"]
        )
    )
    assert row is not None
    assert (row["state"], row["last_error"]) == ("done", "sender's domain suspended: dropped")


async def test_every_202_comes_after_its_row_is_committed(
    instance: RunningApp, fake: FakeActors, other_process: Db
) -> None:
    """spec: inbox-accepts-verified (stored before the 202, also when commits are grouped)"""
    actor = fake.add_actor("fay")

    async def post_and_look(serial: int) -> tuple[int, bool]:
        document = activity(instance, actor, str(serial))
        status = await post(instance, fake, "fay", document)
        # Read through another connection: only committed rows are visible there.
        seen = await other_process.fetch_val(
            sa.select(sa.func.count()).where(inbox_items.c.ap_id == document["id"])
        )
        return status, seen == 1

    results = await asyncio.gather(*(post_and_look(n) for n in range(30)))
    assert results == [(202, True)] * 30


async def test_duplicate_ids_are_stored_once_however_they_arrive(
    instance: RunningApp, fake: FakeActors
) -> None:
    """spec: inbox-replay-idempotent (within one grouped commit and across commits)"""
    actor = fake.add_actor("gus")
    document = activity(instance, actor, "same")
    together = await asyncio.gather(*(post(instance, fake, "gus", document) for _ in range(8)))
    again = await post(instance, fake, "gus", document)
    assert together == [202] * 8 and again == 202
    assert await stored_ids(instance.services.db) == [document["id"]]


def new_item(serial: int) -> NewItem:
    return NewItem(
        f"https://far.example/likes/{serial}", "Like", "https://far.example/u", "{}", utcnow()
    )


async def test_writer_commits_everything_it_was_given_before_it_stops(other_process: Db) -> None:
    db = other_process
    writer = InboxWriter(db, max_batch=7)
    running = asyncio.create_task(writer.run())
    await asyncio.sleep(0)  # let it start: rows given from now on go through its batches
    stores = [asyncio.create_task(writer.store(new_item(n))) for n in range(40)]
    await asyncio.sleep(0)
    writer.stop()
    await running
    await asyncio.gather(*stores)
    assert len(await stored_ids(db)) == 40
    # Stopped, it stores the row itself rather than refusing it.
    await writer.store(new_item(40))
    assert len(await stored_ids(db)) == 41


async def test_inbox_answers_503_when_the_row_cannot_be_stored(
    instance: RunningApp, fake: FakeActors, other_process: Db
) -> None:
    """A database failure is not the sender's fault: 503 with Retry-After, never a 202 or 500."""
    actor = fake.add_actor("hal")
    assert await post(instance, fake, "hal", activity(instance, actor, "1")) == 202
    # The table goes away under the running app: storing fails as it would with the disk full.
    await other_process.execute(sa.text("ALTER TABLE inbox_items RENAME TO inbox_items_away"))
    try:
        document = activity(instance, actor, "2")
        body = json.dumps(document).encode()
        url = instance.services.settings.base_url + "/inbox"
        headers = sign_cavage_covering(
            url, body, fake.key_id("hal"), fake.keypair.private_pem, datetime.now(UTC)
        )
        response = await instance.client.post("/inbox", content=body, headers=headers)
    finally:
        # The PostgreSQL database is shared by the session's later tests (only truncated).
        await other_process.execute(sa.text("ALTER TABLE inbox_items_away RENAME TO inbox_items"))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"


async def test_worker_settles_an_activity_that_can_never_parse_at_once(
    instance: RunningApp, fake: FakeActors
) -> None:
    """A verified Create whose object cannot be read (a Note naming no author) fails on its
    first attempt, with the reason, instead of coming back for retries.
    spec: inbox-unparseable-settled-at-once
    """
    actor = fake.add_actor("frank")
    create = {
        "@context": AS_CONTEXT,
        "id": f"{actor}#creates/1",
        "type": "Create",
        "actor": actor,
        "object": {
            "id": f"{actor}/notes/1",
            "type": "Note",
            "content": "<p>hello</p>",
        },
    }
    assert await post(instance, fake, "frank", create) == 202
    await instance.work()
    db = instance.services.db
    query = sa.select(inbox_items).where(inbox_items.c.ap_id == create["id"])
    row = await db.fetch_one(query)
    assert row is not None
    assert (row["state"], row["attempts"]) == ("failed", 1)
    assert row["finished_at"] is not None
    assert "unparseable" in row["last_error"] and "attributedTo" in row["last_error"]
    assert await instance.work() == 0  # nothing comes back later
