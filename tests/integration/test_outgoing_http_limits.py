"""The app's outgoing HTTP client (`app.services.build_client`) against loopback servers that
misbehave below HTTP: a header bomb, an endless stream of headers, a body (or header block)
dripped just faster than the read timeout, a redirect to a private address. Each is refused, for
fetches (httpx) and deliveries (aiohttp) alike, while the Python heap grows by less than
`MAX_GROWTH` (tracemalloc's peak) and a ticker task on the same event loop is never held up for
more than `MAX_TICK_GAP`: anyone can make us fetch from their server (a keyId in a signed POST
to our inbox), so a hostile answer must cost little and stall nothing.
"""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest

from app.core.settings import load_settings
from app.main import USER_AGENT, build_client
from federation.client import SafeClient
from federation.errors import FetchBlocked, FetchError, FetchTimeout
from tests.support.raw_server import Handler, raw_server, read_request

pytestmark = pytest.mark.anyio
T = TypeVar("T")

MAX_GROWTH = 20 * 1024 * 1024
MAX_TICK_GAP = 0.5  # seconds; the ticker asks for 10 ms
FLOOD_BYTES = 64 * 1024 * 1024  # what a flooding server sends at most (it stops when refused)
CHUNK = 64 * 1024
STATUS = b"HTTP/1.1 200 OK\r\n"


@dataclass(slots=True)
class Cost:
    heap_growth: int = 0
    max_tick_gap: float = 0.0


async def measured(call: Awaitable[T], cost: Cost) -> T:
    """Await `call` with tracemalloc on and a 10 ms ticker beside it; fills `cost`."""
    stop = asyncio.Event()

    async def tick() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            cost.max_tick_gap = max(cost.max_tick_gap, now - last)
            last = now

    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    ticker = asyncio.create_task(tick())
    try:
        return await call
    finally:
        stop.set()
        await ticker
        cost.heap_growth = tracemalloc.get_traced_memory()[1] - baseline
        tracemalloc.stop()


def _flood(head: bytes, piece: bytes) -> Handler:
    """Answer a request with `head`, then `piece` over and over, up to FLOOD_BYTES."""
    chunk = piece * max(1, CHUNK // len(piece))

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if await read_request(reader) is None:
            return
        writer.write(head)
        sent = 0
        while sent < FLOOD_BYTES:
            writer.write(chunk)
            await writer.drain()
            sent += len(chunk)

    return handle


def _drip(head: bytes, piece: bytes, every: float) -> Handler:
    """Answer with `head`, then one `piece` every `every` seconds, for ever."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if await read_request(reader) is None:
            return
        writer.write(head)
        while True:
            await writer.drain()
            await asyncio.sleep(every)
            writer.write(piece)

    return handle


HEADER_BOMB = _flood(STATUS + b"X-Bomb: ", b"a")
ENDLESS_HEADERS = _flood(STATUS, b"X-Again: a\r\n")
DRIPPED_BODY = _drip(STATUS + b"Content-Length: 1000000\r\n\r\n", b"x", 0.05)
DRIPPED_HEADERS = _drip(STATUS, b"X-Slow: a\r\n", 0.05)


def _settings_env(tmp_path: Path) -> dict[str, str]:
    return {
        "TREEHOLE_BASE_URL": "http://treehole.test",
        "TREEHOLE_DATA_DIR": str(tmp_path / "data"),
        "TREEHOLE_DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}",
        "TREEHOLE_ALLOW_LOOPBACK": "1",
    }


@pytest.fixture
async def app_client(tmp_path: Path) -> AsyncIterator[SafeClient]:
    """The client the app builds for fetches and deliveries (loopback allowed for the test)."""
    async with build_client(load_settings(_settings_env(tmp_path))) as client:
        yield client


@pytest.fixture
async def quick_client() -> AsyncIterator[SafeClient]:
    """The same client with a 0.3 s timeout (deadline 0.9 s), so a drip is cut off quickly."""
    async with SafeClient(allow_loopback=True, user_agent=USER_AGENT, timeout=0.3) as client:
        yield client


def _call(client: SafeClient, method: str, url: str) -> Awaitable[object]:
    if method == "GET":
        return client.get(url)
    return client.post(url, b"{}", {"Content-Type": "application/activity+json"})


async def _refused(
    client: SafeClient, handle: Handler, method: str, error: type[FetchError]
) -> Cost:
    cost = Cost()
    async with raw_server(handle) as port:
        with pytest.raises(error):
            await measured(_call(client, method, f"http://127.0.0.1:{port}/inbox"), cost)
    return cost


def _bounded(cost: Cost) -> None:
    assert cost.heap_growth < MAX_GROWTH, f"heap grew {cost.heap_growth / 2**20:.1f} MiB"
    assert cost.max_tick_gap < MAX_TICK_GAP, f"event loop held up {cost.max_tick_gap:.2f} s"


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    "handle", [HEADER_BOMB, ENDLESS_HEADERS], ids=["header-bomb", "endless-headers"]
)
async def test_oversized_headers_are_refused_at_once(
    app_client: SafeClient, handle: Handler, method: str
) -> None:
    """spec: transport-header-limits"""
    _bounded(await _refused(app_client, handle, method, FetchError))


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    "handle", [DRIPPED_BODY, DRIPPED_HEADERS], ids=["dripped-body", "dripped-headers"]
)
async def test_a_drip_faster_than_the_read_timeout_meets_the_deadline(
    quick_client: SafeClient, handle: Handler, method: str
) -> None:
    """spec: fetch-timeouts, transport-header-limits"""
    started = time.monotonic()
    _bounded(await _refused(quick_client, handle, method, FetchTimeout))
    assert time.monotonic() - started < 5  # the 0.9 s deadline, not the drip, ended it


def _redirect_to(location: str) -> Handler:
    answer = f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n".encode()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while await read_request(reader) is not None:
            writer.write(answer)
            await writer.drain()

    return handle


@pytest.mark.parametrize(
    "location",
    ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/actor", "http://[fd00::1]/"],
)
async def test_a_redirect_to_a_private_address_is_refused(tmp_path: Path, location: str) -> None:
    """spec: ssrf-redirect-recheck — the first hop is allowed (loopback, for the test), the hop
    it redirects to is not; a delivery never follows it at all."""
    env = {**_settings_env(tmp_path), "TREEHOLE_ALLOW_LOOPBACK": "1"}
    async with build_client(load_settings(env)) as client:
        async with raw_server(_redirect_to(location)) as port:
            cost = Cost()
            with pytest.raises(FetchBlocked):
                await measured(client.get(f"http://127.0.0.1:{port}/actor"), cost)
            _bounded(cost)
            answer = await client.post(f"http://127.0.0.1:{port}/inbox", b"{}", {})
            assert answer.status_code == 302
