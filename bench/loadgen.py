"""A small closed-loop HTTP/1.1 load generator for loopback servers.

httpx itself slows down with many concurrent connections (research/stack.md §4), so it would
measure itself rather than the server. This speaks just enough HTTP/1.1 over asyncio streams:
keep-alive, Content-Length and chunked bodies. Every run is bounded by a request count AND a
duration, and connects to 127.0.0.0/8 only.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

READ_LIMIT = 1 << 20


def check_loopback(host: str) -> None:
    if not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"benchmarks send load to loopback only, not {host}")


@dataclass(slots=True)
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name), None)

    def cookies(self) -> dict[str, str]:
        found = {}
        for key, value in self.headers:
            if key == "set-cookie":
                pair = value.split(";", 1)[0]
                name, _, content = pair.partition("=")
                found[name.strip()] = content.strip()
        return found


class Connection:
    """One keep-alive connection; reconnects after the server closes it."""

    def __init__(self, host: str, port: int) -> None:
        check_loopback(host)
        self.host, self.port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> Answer:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        for name, value in (headers or {}).items():
            if name.lower() != "host":
                lines.append(f"{name}: {value}")
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        return await self.send_raw(raw)

    async def send_raw(self, raw: bytes) -> Answer:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(
                self.host, self.port, limit=READ_LIMIT
            )
        assert self._reader is not None
        self._writer.write(raw)
        answer = await _read_answer(self._reader)
        if (answer.header("connection") or "").lower() == "close":
            await self.close()
        return answer

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            try:
                await self._writer.wait_closed()
            except OSError:
                pass
        self._reader = self._writer = None


async def _read_answer(reader: asyncio.StreamReader) -> Answer:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("server closed the connection")
    status = int(status_line.split(b" ", 2)[1])
    headers: list[tuple[str, str]] = []
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers.append((name.strip().lower(), value.strip()))
    lookup = dict(headers)
    if "content-length" in lookup:
        body = await reader.readexactly(int(lookup["content-length"]))
    elif lookup.get("transfer-encoding", "").lower() == "chunked":
        body = await _read_chunked(reader)
    else:
        body = b""
    return Answer(status, headers, body)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size = int((await reader.readline()).split(b";", 1)[0].strip(), 16)
        if size == 0:
            await reader.readline()
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readline()


@dataclass(slots=True)
class LoadResult:
    """Latencies (seconds) of the measured step of each finished iteration, and their statuses."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    elapsed: float = 0.0
    # Paced runs: how late the latest iteration started against its schedule. Small means the
    # clients kept up, so the latencies are not flattered by requests that were never sent.
    max_lag: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies)

    def ok(self, *good: int) -> int:
        return sum(self.statuses.get(code, 0) for code in good)

    def rate(self, *good: int) -> float:
        return self.ok(*good) / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


# One iteration of a client: given its connection and the iteration number, do the work and
# return (status, latency of the measured step).
Iteration = Callable[[Connection, int], Awaitable[tuple[int, float]]]


async def _run_one(
    iteration: Iteration, connection: Connection, number: int, result: LoadResult
) -> None:
    """One iteration, its status and latency recorded; a broken connection is counted and
    reopened by the next request."""
    try:
        status, latency = await iteration(connection, number)
    except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError):
        result.errors += 1
        await connection.close()
        return
    result.latencies.append(latency)
    result.statuses[status] = result.statuses.get(status, 0) + 1


async def run_closed_loop(
    host: str,
    port: int,
    iteration: Iteration,
    *,
    concurrency: int,
    duration: float,
    max_iterations: int,
) -> LoadResult:
    """`concurrency` clients, each on its own connection, loop until the time or count is used."""
    result = LoadResult()
    counter = iter(range(max_iterations))
    started = time.perf_counter()
    deadline = started + duration

    async def client() -> None:
        connection = Connection(host, port)
        try:
            for number in counter:
                if time.perf_counter() >= deadline:
                    break
                await _run_one(iteration, connection, number, result)
        finally:
            await connection.close()

    async with asyncio.timeout(duration + 30):
        await asyncio.gather(*(client() for _ in range(concurrency)))
    result.elapsed = time.perf_counter() - started
    return result


async def run_paced_loop(
    host: str,
    port: int,
    iteration: Iteration,
    *,
    concurrency: int,
    rate: float,
    duration: float,
    max_iterations: int,
) -> LoadResult:
    """An open loop: iteration k is due at start + k / `rate`, whoever of the `concurrency`
    clients is free takes it, and none starts early."""
    result = LoadResult()
    counter = iter(range(min(max_iterations, int(rate * duration) + 1)))
    started = time.perf_counter()

    async def client() -> None:
        connection = Connection(host, port)
        try:
            for number in counter:
                due = started + number / rate
                wait = due - time.perf_counter()
                if wait > 0:
                    await asyncio.sleep(wait)
                result.max_lag = max(result.max_lag, time.perf_counter() - due)
                await _run_one(iteration, connection, number, result)
        finally:
            await connection.close()

    async with asyncio.timeout(duration + 30):
        await asyncio.gather(*(client() for _ in range(concurrency)))
    result.elapsed = time.perf_counter() - started
    return result


async def timed(call: Awaitable[Answer]) -> tuple[Answer, float]:
    started = time.perf_counter()
    answer = await call
    return answer, time.perf_counter() - started
