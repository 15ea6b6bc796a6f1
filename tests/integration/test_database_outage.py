"""The instance recovers by itself when its database goes away and comes back.

The database is cut under load while the app's long-lived tasks run for real (the inbox writer
of the lifespan, the worker's `run_forever`): on PostgreSQL through a TCP proxy that drops every
connection and refuses new ones, on SQLite by closing every connection the process holds and
moving the database's directory away (new connections cannot open it). During the cut every
request is answered (503 with `Retry-After`: a page in the reader's language for people, the
inbox's 503 for servers; never a 500) and the health checks say so. Once the database is back,
inbox POSTs are stored again, posts go through, and the worker applies, publishes and delivers
everything that was accepted, without a restart: nothing answered 202 or 303 is lost.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import anyio
import pytest
import sqlalchemy as sa

from app.core.settings import Settings
from app.db.engine import Db
from app.db.tables import activities, deliveries, inbox_items, notes
from tests.conftest import make_settings
from tests.support.app_client import RunningApp, running_app
from tests.support.databases import fresh_sqlite
from tests.support.delivery import follow_board, trust_our_keys
from tests.support.fake_inbox import FakeInbox, run_fake_inbox
from tests.support.forms import csrf_from
from tests.support.tcp_proxy import TcpProxy, tcp_proxy

pytestmark = pytest.mark.anyio

# Generous: recovery takes a worker pause (at most 5 s) and a connection; the deadline only
# turns "never" into a failure instead of a hang.
RECOVERY_DEADLINE_SECONDS = 30.0
POLL_SECONDS = 0.05
LIKES = 12
POSTS = 4  # the flood breaker (30 posts a minute) must not trip during the test
UNLIMITED = {"TREEHOLE_POST_RATE_LIMIT": "10000/600"}  # one client posts the whole load


@dataclass(slots=True)
class Outage:
    """Cuts the database of a running instance and brings it back."""

    cut: Callable[[], Awaitable[None]]
    restore: Callable[[], Awaitable[None]]


@pytest.fixture
def fake() -> Iterator[FakeInbox]:
    with run_fake_inbox(hang_seconds=1.5) as (control, _server):
        yield control


def through_proxy(url: str, proxy: TcpProxy) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{proxy.port}"
    return urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host))


async def close_every_connection(db: Db) -> None:
    """What a lost database file handle looks like: each SQLite connection of the process,
    idle in the pool or held by a task, is closed under its user."""
    pool = db.database._backend._pool  # noqa: SLF001 (app/db/internals.py's idle connections)
    held = [c._connection._connection for c in db.database._connection_map.values()]  # noqa: SLF001
    for connection in [*pool._idle, *held]:  # noqa: SLF001
        if connection is not None:
            await connection.close()


@pytest.fixture
async def outage_app(
    engine: str,
    database_url: str,
    sqlite_template: Path,
    tmp_path: Path,
) -> AsyncIterator[tuple[RunningApp, Outage]]:
    if engine == "postgresql":
        target = urlsplit(database_url)
        async with tcp_proxy(target.hostname or "127.0.0.1", target.port or 5432) as proxy:
            settings = make_settings(
                through_proxy(database_url, proxy), tmp_path / "data", **UNLIMITED
            )

            async def sever() -> None:
                proxy.sever()

            async def restore() -> None:
                proxy.restore()

            async with running_app(settings) as running:
                yield running, Outage(sever, restore)
        return
    home = tmp_path / "db"
    home.mkdir()
    settings = make_settings(fresh_sqlite(sqlite_template, home), tmp_path / "data", **UNLIMITED)
    away = tmp_path / "db-away"
    async with running_app(settings) as running:

        async def cut() -> None:
            os.rename(home, away)
            await close_every_connection(running.services.db)

        async def back() -> None:
            os.rename(away, home)

        yield running, Outage(cut, back)
        if away.exists():
            os.rename(away, home)


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> float:
    """Seconds until `check` holds (polled); fails after the deadline."""
    started = time.monotonic()
    while not await check():
        if time.monotonic() - started > RECOVERY_DEADLINE_SECONDS:
            raise AssertionError(f"not recovered after {RECOVERY_DEADLINE_SECONDS} s: {what}")
        await asyncio.sleep(POLL_SECONDS)
    return time.monotonic() - started


class Load:
    """Signed inbox POSTs (Likes of the board, each with its own id) and form posts."""

    def __init__(self, instance: RunningApp, fake: FakeInbox) -> None:
        self.instance, self.fake = instance, fake
        self.serial = 0
        self.accepted: list[str] = []
        self.posted: list[str] = []

    async def like(self) -> int:
        self.serial += 1
        serial = self.serial
        urls = self.instance.services.urls
        activity = {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{self.fake.actor_url('reader')}/likes/{serial}",
            "type": "Like",
            "actor": self.fake.actor_url("reader"),
            "object": urls.board("main"),
        }
        body, headers = self.fake.signed_post("reader", urls.shared_inbox(), activity)
        answer = await self.instance.client.post(urls.shared_inbox(), content=body, headers=headers)
        if answer.status_code == 202:
            self.accepted.append(activity["id"])
        else:
            assert answer.status_code == 503, answer.text
            assert answer.headers["Retry-After"].isdigit()
        return answer.status_code

    async def post(self, language: str = "en") -> int:
        client = self.instance.client
        self.serial += 1
        serial = self.serial
        headers = {"Accept-Language": language}
        page = await client.get("/b/main", headers=headers)
        if page.status_code != 200:
            return page.status_code
        # Unlike one another: near-copies would be held as a flood.
        text = f"{SENTENCES[serial % len(SENTENCES)]} ({serial})"
        form = {"csrf_token": csrf_from(page.text), "text": text}
        answer = await client.post("/b/main/post", data=form, headers=headers)
        if answer.status_code == 303:
            self.posted.append(answer.headers["location"].rstrip("/").rsplit("/", 1)[1])
        return answer.status_code

    async def burst(self) -> list[int]:
        """Inbox POSTs and form posts at once."""
        return list(
            await asyncio.gather(
                *(self.like() for _ in range(LIKES)), *(self.post() for _ in range(POSTS))
            )
        )


SENTENCES = (
    "River stones keep the cold of the night well into the afternoon",
    "Paper boats sail further than anyone expects on a windy canal",
    "Copper kettles sing louder when the house is empty and quiet",
    "Owls in the churchyard argued about the moon until sunrise",
    "Salt marshes smell of iodine and old rope after the tide",
    "The night bus driver knows every sleeping passenger by name",
    "Wild thyme grows between the tram rails near the market",
    "Winter apples taste better once the first frost has come",
    "Lost kites end up in the chestnut tree behind the school",
    "Brass compasses point north even in the bottom of a drawer",
    "Sleepy ferries cross the bay twice before breakfast",
    "Red lanterns swing above the alley when the wind turns east",
    "Glass harbours reflect the cranes like a second skyline",
    "Tin roofs drum a different rhythm for every kind of rain",
    "Quiet stations collect umbrellas nobody comes back for",
    "Morning fog hides the bridge until the bakery opens",
    "Old bridges creak politely under bicycles but not cars",
    "The lighthouse cat sleeps through every storm of the year",
    "Pigeons on the library steps prefer poetry to history",
    "A violin teacher hums scales while waiting for the kettle",
    "Beekeepers speak softly even when no hive is near them",
    "The florist names each fern after a forgotten sea captain",
    "Chess players in the park ignore the rain entirely",
    "Midnight trains carry letters that never needed stamps",
)


async def worker_saw(caplog: pytest.LogCaptureFixture, words: str) -> bool:
    return any(
        record.name == "treehole.worker" and words in record.getMessage()
        for record in caplog.records
    )


async def all_applied_and_published(instance: RunningApp, load: Load, fake: FakeInbox) -> bool:
    db = instance.services.db
    items = await db.fetch_all(
        sa.select(inbox_items.c.ap_id, inbox_items.c.state).where(
            inbox_items.c.ap_id.in_(load.accepted)
        )
    )
    done = {row["ap_id"] for row in items if row["state"] == "done"}
    published = await db.fetch_all(
        sa.select(activities.c.note_id).where(
            activities.c.type == "Announce", activities.c.note_id.in_(load.posted)
        )
    )
    delivered = await db.fetch_all(
        sa.select(deliveries.c.note_id).where(
            deliveries.c.note_id.in_(load.posted), deliveries.c.state == "delivered"
        )
    )
    return (
        done == set(load.accepted)
        and {row["note_id"] for row in published} == set(load.posted)
        and {row["note_id"] for row in delivered} == set(load.posted)
    )


async def test_cut_database_recovers_by_itself(
    outage_app: tuple[RunningApp, Outage], fake: FakeInbox, caplog: pytest.LogCaptureFixture
) -> None:
    """spec: recover-after-database-outage"""
    instance, outage = outage_app
    client = instance.client
    await follow_board(instance, fake, "reader")
    await trust_our_keys(instance.services, fake)  # the board signs its Announces
    await instance.work()  # the board's follower is in place before anything is published
    load = Load(instance, fake)
    assert set(await load.burst()) == {202, 303}

    caplog.set_level(logging.INFO, logger="treehole.worker")
    stop = anyio.Event()
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(instance.worker.run_forever, stop)
        await eventually(lambda: all_applied_and_published(instance, load, fake), "the first burst")

        chinese = {"Accept-Language": "zh-CN"}
        form_page = await client.get("/b/main", headers=chinese)
        await outage.cut()
        try:
            assert set(await load.burst()) == {503}
            # A person gets the instance's page, in their language, asking them to come back:
            # reading a page, and sending a form they had open.
            sent = await client.post(
                "/b/main/post",
                data={"csrf_token": csrf_from(form_page.text), "text": "sent during the outage"},
                headers=chinese,
            )
            page = await client.get("/b/main", headers=chinese)
            for answer in (sent, page):
                assert answer.status_code == 503
                assert answer.headers["content-type"].startswith("text/html")
                assert answer.headers["Retry-After"].isdigit()
                assert "服务器暂时连不上数据库" in answer.text  # the layout, in Chinese
                assert 'href="http://treehole.test/' in answer.text
            for path in ("/healthz", "/readyz"):
                health = await client.get(path)
                assert health.status_code == 503, path
                assert "database unavailable" in health.text
            # The worker's passes meet the broken connections too.
            await eventually(lambda: worker_saw(caplog, "database unavailable"), "the outage")
        finally:
            await outage.restore()

        async def flowing() -> bool:
            return (
                (await client.get("/healthz")).status_code == 200
                and await load.like() == 202
                and await load.post() == 303
            )

        await eventually(flowing, "inbox and posting after the database came back")
        await eventually(lambda: worker_saw(caplog, "answers again"), "the worker's next pass")
        assert set(await load.burst()) == {202, 303}
        await eventually(
            lambda: all_applied_and_published(instance, load, fake),
            "the worker after the database came back",
        )
        assert (await client.get("/readyz")).status_code == 200
        stop.set()
    # Every note answered 303 is still there, live.
    db = instance.services.db
    states = await db.fetch_all(sa.select(notes.c.state).where(notes.c.id.in_(load.posted)))
    assert len(states) == len(load.posted) and {row["state"] for row in states} == {"live"}


async def test_health_checks_answer_while_the_app_serves(instance: RunningApp) -> None:
    for path in ("/healthz", "/readyz"):
        answer = await instance.client.get(path)
        assert answer.status_code == 200, answer.text
        assert answer.text == "ok\n"
        assert answer.headers["Cache-Control"] == "no-store"


async def test_readyz_refuses_a_schema_behind_the_code(instance: RunningApp) -> None:
    db = instance.services.db
    await db.execute(sa.text("UPDATE alembic_version SET version_num = '0001'"))
    answer = await instance.client.get("/readyz")
    assert answer.status_code == 503
    assert "database schema at 0001" in answer.text
    assert (await instance.client.get("/healthz")).status_code == 200


async def test_readyz_refuses_when_the_intake_is_stopping(settings: Settings) -> None:
    async with running_app(settings) as running:
        running.services.inbox_writer.stop()
        answer = await running.client.get("/readyz")
        assert answer.status_code == 503 and "inbox intake not running" in answer.text
