"""Fan-out: one note on a board followed from 1,000 shared inboxes on 100 loopback hosts,
delivered by ONE worker's Deliverer until every delivery settles.

Production fan-out is TLS to many hosts, so the fleet (bench/fleet.py, one process serving all
100 addresses) speaks TLS with a certificate for `*.fleet.test` from a CA made for this run
(`tests.support.tls.LocalCA`), and the client reaches `h001.fleet.test` … `h100.fleet.test`
through a resolver that maps each name to its own loopback address: a TLS handshake per new
connection, SNI and host-name checks, as in production. Only the bench's SafeClient is given
that resolver and a trust store holding that CA (and nothing else); the app's own client is
untouched. A plain-HTTP fleet runs beside it for comparison with earlier runs.

The fleet answers 202 and verifies a sample of signatures. Each variant federates a new note to
the same followers in a fresh event loop and is timed from the first claim to the last settle.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
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
from bench.fleet import fleet_addresses, fleet_names
from federation.client import SafeClient
from federation.delivery import Outgoing, RequestSigner, deliver
from federation.keys import load_private_key
from federation.netguard import Resolver
from federation.offload import ThreadOffload, run_inline, signing_threads, usable_cpus
from tests.support.tls import LocalCA

INBOXES = 1000
HOSTS = 100
SAMPLE = 20
SETTLE_TIMEOUT = 120.0
CEILING_WINDOW = 100
BASE_URL = "http://127.0.0.1:8000"
TLS_TARGET = 0.50  # of the signing floor, for the app's default over TLS


@dataclass(frozen=True, slots=True)
class Fleet:
    """A running fleet: its port, whether it speaks TLS, and its process id."""

    port: int
    tls: bool
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time the fleet process has used (Linux /proc): it shares the machine's cores
        with the worker, so its cost per delivery belongs in the arithmetic."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    def inbox(self, number: int) -> str:
        host = fleet_names(HOSTS)[number % HOSTS]
        return f"{self.scheme}://{host}:{self.port}/inbox/{number}"


@dataclass(frozen=True, slots=True)
class Variant:
    name: str
    tls: bool
    threads: int = 0  # signing threads; 0 signs on the event loop
    target: float | None = None


def variants() -> list[Variant]:
    threads = signing_threads(usable_cpus())
    where = f"signing on {threads} threads" if threads else "signing on the loop (1 CPU)"
    return [
        Variant(f"app default over TLS, {where}", True, threads, TLS_TARGET),
        Variant("over TLS, signing on the loop", True),
        Variant(f"app default over plain HTTP, {where}", False, threads),
    ]


def fleet_resolver() -> Resolver:
    """The bench's name service: `hNNN.fleet.test` to its loopback address, nothing else."""
    table = dict(zip(fleet_names(HOSTS), fleet_addresses(HOSTS), strict=True))

    async def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError(f"{host} is not in the fleet")
        return [table[host]]

    return resolve


def bench_client(ca: LocalCA) -> SafeClient:
    """SafeClient as the app builds it, but for the fleet's names and CA."""
    return SafeClient(
        allow_loopback=True,
        user_agent="Treehole-bench",
        resolver=fleet_resolver(),
        tls=ca.client_context(),
    )


@contextlib.contextmanager
def run_fleet(
    public_key: Path, log_path: Path, certificate: tuple[Path, Path] | None
) -> Iterator[Fleet]:
    tls_args = []
    if certificate is not None:
        tls_args = ["--cert", str(certificate[0]), "--key", str(certificate[1])]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "bench.fleet", "--hosts", str(HOSTS),
                "--sample", str(SAMPLE), "--public-key", str(public_key), *tls_args,
            ],
            stdout=subprocess.PIPE,
            stderr=log,
        )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline().decode()
        if not line.startswith("PORT "):
            raise RuntimeError(f"fleet did not start; see {log_path}")
        yield Fleet(int(line.split()[1]), certificate is not None, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def wait_listening(fleet: Fleet, ca: LocalCA) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            asyncio.run(fleet_stats(fleet, ca))
            return
        except Exception:  # noqa: BLE001 (not up yet, whatever the reason)
            time.sleep(0.1)
    raise RuntimeError("fleet not answering")


async def fleet_stats(fleet: Fleet, ca: LocalCA) -> dict[str, int]:
    async with bench_client(ca) as client:
        answer = await client.get(f"{fleet.scheme}://{fleet_names(1)[0]}:{fleet.port}/stats")
    return dict(json.loads(answer.body))


async def prepare(engine: str, scratch: Path, fleet: Fleet, key_file: Path) -> str:
    url = await seed.create_database(engine, scratch)
    db = await seed.open_db(url)
    try:
        _, board_actor = await seed.board_and_actor(db)
        key_file.write_text(board_actor.public_key_pem)
        inboxes = [fleet.inbox(n) for n in range(INBOXES)]
        await seed.add_followers_with_store(db, board_actor, inboxes)
    finally:
        await seed.close_db(db)
    return url


async def _one_variant(url: str, variant: Variant, fleet: Fleet, ca: LocalCA) -> dict[str, Any]:
    db = await seed.open_db(url)
    try:
        board, board_actor = await seed.board_and_actor(db)
        now = utcnow()
        note = _note(board.id, board_actor.id, now)
        await note_store.insert_note(db, note)
        urls = Urls(BASE_URL)
        assert await publish_note(db, urls, note, now)
        queued = await _count(db, note.id, None)
        before = await fleet_stats(fleet, ca)
        client = bench_client(ca)
        offload = ThreadOffload(variant.threads) if variant.threads else None
        deliverer = Deliverer(
            db, client, urls, f"bench-{new_id()[:8]}", sign_on=offload or run_inline
        )
        fleet_cpu = fleet.cpu_seconds()
        cpu, loop_cpu, started = time.process_time(), time.thread_time(), time.perf_counter()
        try:
            async with asyncio.timeout(SETTLE_TIMEOUT):
                while await deliverer.run(utcnow()):
                    pass
        finally:
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            loop_cpu = time.thread_time() - loop_cpu
            fleet_cpu = fleet.cpu_seconds() - fleet_cpu
            await client.aclose()
            if offload is not None:
                offload.close()
        after = await fleet_stats(fleet, ca)
        delivered = await _count(db, note.id, "delivered")
    finally:
        await seed.close_db(db)
    return {
        "variant": variant.name,
        "tls": variant.tls,
        "target": variant.target,
        "queued": queued,
        "delivered": delivered,
        "seconds": elapsed,
        "deliveries_per_s": delivered / elapsed if elapsed else 0.0,
        "cpu_ms_per_delivery": cpu * 1000 / max(1, delivered),
        # The event loop's own thread: what bounds the rate once signing runs on other threads.
        "loop_cpu_ms_per_delivery": loop_cpu * 1000 / max(1, delivered),
        "fleet_cpu_ms_per_delivery": fleet_cpu * 1000 / max(1, delivered),
        "fleet_received": after["received"] - before["received"],
        "fleet_verified": after["verified"] - before["verified"],
        "fleet_failed": after["failed"] - before["failed"],
        "fleet_hosts": after["hosts"],
    }


async def _sign_and_post_only(fleet: Fleet, ca: LocalCA, private_key_pem: str) -> dict[str, Any]:
    """The same 1,000 signed POSTs as the app default makes them (each signed as it leaves, on
    the signing threads; posted through the app's client, 100 in flight) with no queue at all:
    no database, no claims, no settling. What the machine allows a delivery pipeline."""
    body = json.dumps({"type": "Announce", "object": "x" * 600}).encode()
    key = f"{BASE_URL}/b/main#main-key"
    private_key = load_private_key(private_key_pem)
    client = bench_client(ca)
    delivered = 0

    async def post(outgoing: Outgoing, signer: RequestSigner) -> None:
        nonlocal delivered
        outcome = await deliver(client.post, outgoing, signer)
        delivered += outcome.status == 202

    fleet_cpu = fleet.cpu_seconds()
    cpu, loop_cpu, started = time.process_time(), time.thread_time(), time.perf_counter()
    with ThreadOffload(signing_threads(usable_cpus()) or 1) as offload:
        signer = RequestSigner(offload)
        try:
            for first in range(0, INBOXES, CEILING_WINDOW):
                batch = [
                    Outgoing(fleet.inbox(n), body, key, private_key)
                    for n in range(first, min(INBOXES, first + CEILING_WINDOW))
                ]
                await asyncio.gather(*(post(outgoing, signer) for outgoing in batch))
        finally:
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            loop_cpu = time.thread_time() - loop_cpu
            fleet_cpu = fleet.cpu_seconds() - fleet_cpu
            await client.aclose()
    return {
        "fleet_cpu_ms_per_delivery": fleet_cpu * 1000 / max(1, delivered),
        "variant": f"ceiling over {'TLS' if fleet.tls else 'plain HTTP'}: sign + POST only "
        "(signing threads, no queue)",
        "tls": fleet.tls,
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


def run_ceiling(url: str, fleet: Fleet, ca: LocalCA) -> dict[str, Any]:
    """Signed with the board's key, so the fleet's sampled verification still passes."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        before = runner.run(fleet_stats(fleet, ca))
        pem = runner.run(_board_private_key(url))
        result = runner.run(_sign_and_post_only(fleet, ca, pem))
        after = runner.run(fleet_stats(fleet, ca))
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


def run_variant(url: str, variant: Variant, fleet: Fleet, ca: LocalCA) -> dict[str, Any]:
    """In a fresh uvloop event loop, as `treehole worker` runs."""
    settle_memory()  # as `treehole worker` does once it has started
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(_one_variant(url, variant, fleet, ca))
