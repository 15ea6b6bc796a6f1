"""Fan-out: one note on a board followed from 1,000 shared inboxes on 100 loopback hosts,
delivered by ONE worker's Deliverer until every delivery settles.

The fleet (bench/fleet.py) is one process serving all 100 addresses; it answers 202 and verifies
a sample of signatures. Each client variant federates a new note to the same followers in a
fresh event loop, and is timed from the first claim to the last settle.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import uvloop

from app.core.clock import utcnow
from app.core.ids import new_id
from app.core.urls import Urls
from app.db.tables import deliveries
from app.fedi.outbound import publish_note
from app.main import settle_memory
from app.store import notes as note_store
from app.store.notes import LOCAL, Note
from app.workers.deliver import Deliverer
from bench import seed
from bench.fleet import fleet_addresses
from bench.loadgen import Connection
from federation.aiohttp_transport import aiohttp_transport
from federation.client import SafeClient, TransportFactory
from federation.delivery import Outgoing, deliver_signed, sign_cavage_batch
from federation.http1 import http1_transport
from federation.offload import (
    ThreadOffload,
    map_in_batches,
    run_inline,
    signing_threads,
    usable_cpus,
)

INBOXES = 1000
HOSTS = 100
SAMPLE = 20
SETTLE_TIMEOUT = 120.0
CEILING_WINDOW = 100
BASE_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True, slots=True)
class Variant:
    name: str
    loop: str  # "asyncio" or "uvloop"
    transport: TransportFactory | None
    threads: int = 0  # signing threads; 0 signs on the event loop


def variants() -> list[Variant]:
    threads = signing_threads(usable_cpus())
    return [
        Variant(
            f"http1 + uvloop, signing on {threads} threads (app default)",
            "uvloop",
            http1_transport,
            threads,
        ),  # fmt: skip
        Variant("http1 + uvloop, signing on the loop", "uvloop", http1_transport),
        Variant(
            f"aiohttp + uvloop, signing on {threads} threads", "uvloop", aiohttp_transport, threads
        ),
        Variant("aiohttp + uvloop, signing on the loop", "uvloop", aiohttp_transport),
        Variant("httpx + uvloop, signing on the loop", "uvloop", None),
    ]


@contextlib.contextmanager
def run_fleet(public_key: Path, log_path: Path) -> Iterator[int]:
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.fleet",
                "--hosts",
                str(HOSTS),
                "--sample",
                str(SAMPLE),
                "--public-key",
                str(public_key),
            ],
            stdout=subprocess.PIPE,
            stderr=log,
        )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().decode()
        if not line.startswith("PORT "):
            raise RuntimeError(f"fleet did not start; see {log_path}")
        port = int(line.split()[1])
        _wait_listening(port)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _wait_listening(port: int) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            asyncio.run(fleet_stats(port))
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("fleet not answering")


async def fleet_stats(port: int) -> dict[str, int]:
    connection = Connection(fleet_addresses(1)[0], port)
    try:
        answer = await connection.request("GET", "/stats")
    finally:
        await connection.close()
    return dict(json.loads(answer.body))


def inbox_for(port: int) -> Callable[[int], str]:
    addresses = fleet_addresses(HOSTS)

    def inbox(number: int) -> str:
        return f"http://{addresses[number % HOSTS]}:{port}/inbox/{number}"

    return inbox


async def prepare(engine: str, scratch: Path, port: int, key_file: Path) -> str:
    url = await seed.create_database(engine, scratch)
    db = await seed.open_db(url)
    try:
        _, board_actor = await seed.board_and_actor(db)
        key_file.write_text(board_actor.public_key_pem)
        inbox = inbox_for(port)
        await seed.add_followers_with_store(db, board_actor, [inbox(n) for n in range(INBOXES)])
    finally:
        await seed.close_db(db)
    return url


async def _one_variant(url: str, variant: Variant, port: int) -> dict[str, Any]:
    db = await seed.open_db(url)
    try:
        board, board_actor = await seed.board_and_actor(db)
        now = utcnow()
        note = _note(board.id, board_actor.id, now)
        await note_store.insert_note(db, note)
        urls = Urls(BASE_URL)
        assert await publish_note(db, urls, note, now)
        queued = await _count(db, note.id, None)
        before = await fleet_stats(port)
        client = SafeClient(
            allow_loopback=True, user_agent="Treehole-bench", transport=variant.transport
        )
        offload = ThreadOffload(variant.threads) if variant.threads else None
        deliverer = Deliverer(
            db, client, urls, f"bench-{new_id()[:8]}", sign_on=offload or run_inline
        )
        cpu, loop_cpu, started = time.process_time(), time.thread_time(), time.perf_counter()
        try:
            async with asyncio.timeout(SETTLE_TIMEOUT):
                while await deliverer.run(utcnow()):
                    pass
        finally:
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            loop_cpu = time.thread_time() - loop_cpu
            await client.aclose()
            if offload is not None:
                offload.close()
        after = await fleet_stats(port)
        delivered = await _count(db, note.id, "delivered")
    finally:
        await seed.close_db(db)
    return {
        "variant": variant.name,
        "queued": queued,
        "delivered": delivered,
        "seconds": elapsed,
        "deliveries_per_s": delivered / elapsed if elapsed else 0.0,
        "cpu_ms_per_delivery": cpu * 1000 / max(1, delivered),
        # The event loop's own thread: what bounds the rate once signing runs on other threads.
        "loop_cpu_ms_per_delivery": loop_cpu * 1000 / max(1, delivered),
        "fleet_received": after["received"] - before["received"],
        "fleet_verified": after["verified"] - before["verified"],
        "fleet_failed": after["failed"] - before["failed"],
        "fleet_hosts": after["hosts"],
    }


async def _sign_and_post_only(port: int, private_key_pem: str) -> dict[str, Any]:
    """The same 1,000 signed POSTs as the app default makes them (signed in batches on the
    signing threads, posted through http1, 100 in flight) with no queue at all: no database, no
    claims, no settling. What the machine allows a delivery pipeline (fleet included)."""
    inbox = inbox_for(port)
    body = json.dumps({"type": "Announce", "object": "x" * 600}).encode()
    key = f"{BASE_URL}/b/main#main-key"
    client = SafeClient(allow_loopback=True, user_agent="Treehole-bench", transport=http1_transport)
    delivered = 0

    async def post(outgoing: Outgoing, headers: dict[str, str]) -> None:
        nonlocal delivered
        outcome = await deliver_signed(client.post, outgoing, headers, utcnow())
        delivered += outcome.status == 202

    cpu, loop_cpu, started = time.process_time(), time.thread_time(), time.perf_counter()
    with ThreadOffload(signing_threads(usable_cpus()) or 1) as offload:
        try:
            for first in range(0, INBOXES, CEILING_WINDOW):
                batch = [
                    Outgoing(inbox(n), body, key, private_key_pem)
                    for n in range(first, min(INBOXES, first + CEILING_WINDOW))
                ]
                signed = await map_in_batches(
                    offload, functools.partial(sign_cavage_batch, now=utcnow()), batch
                )
                await asyncio.gather(*(post(o, h) for o, h in zip(batch, signed, strict=True)))
        finally:
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            loop_cpu = time.thread_time() - loop_cpu
            await client.aclose()
    return {
        "variant": "ceiling: sign + POST only (http1, uvloop, signing threads, no queue)",
        "delivered": delivered,
        "seconds": elapsed,
        "deliveries_per_s": delivered / elapsed if elapsed else 0.0,
        "cpu_ms_per_delivery": cpu * 1000 / max(1, delivered),
        "loop_cpu_ms_per_delivery": loop_cpu * 1000 / max(1, delivered),
    }


async def _board_private_key(url: str) -> str:
    db = await seed.open_db(url)
    try:
        _, board_actor = await seed.board_and_actor(db)
    finally:
        await seed.close_db(db)
    return str(board_actor.private_key_pem)


def run_ceiling(url: str, port: int) -> dict[str, Any]:
    """Signed with the board's key, so the fleet's sampled verification still passes."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        before = runner.run(fleet_stats(port))
        result = runner.run(_sign_and_post_only(port, runner.run(_board_private_key(url))))
        after = runner.run(fleet_stats(port))
    return {
        **result,
        **{f"fleet_{k}": after[k] - before[k] for k in ("received", "verified", "failed")},
    }


def _note(board_id: str, author_id: str, now: Any) -> Note:
    note_id = new_id()
    return Note(
        id=note_id, board_id=board_id, thread_id=note_id, in_reply_to_id=None, origin=LOCAL,
        ap_id=None, local_actor_id=author_id, remote_actor_id=None, pseudonym="Bench Owl",
        is_op=True, content="Fan-out benchmark note. " * 10, content_format="text", summary=None,
        url=None, state="live", deletion_token_hash=None, created_at=now, published_at=now,
        expires_at=now + timedelta(days=1), federate_after=now, deleted_at=None,
        deletion_reason=None,
    )  # fmt: skip


async def _count(db: Any, note_id: str, state: str | None) -> int:
    query = (
        sa.select(sa.func.count())
        .select_from(deliveries)
        .where(deliveries.c.note_id == note_id, deliveries.c.inbox_url.like("%/inbox/%"))
    )
    if state is not None:
        query = query.where(deliveries.c.state == state)
    return int(await db.fetch_val(query))


def run_variant(url: str, variant: Variant, port: int) -> dict[str, Any]:
    settle_memory()  # as `treehole worker` does once it has started
    factory = uvloop.new_event_loop if variant.loop == "uvloop" else asyncio.new_event_loop
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(_one_variant(url, variant, port))
