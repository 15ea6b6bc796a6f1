"""Intake and posting against a real running instance (`treehole serve --no-workers`).

- intake: signed activities (distinct ids, real signatures from a few remote actors whose keys are
  cached in our database) POSTed to the shared inbox by N concurrent clients → accepted (202)/s.
- posting: N concurrent clients each GET the board (for the CSRF token) then POST the form;
  the POST's latency is measured → p50/p99 and posts/s.
The worker is off so both measure the request path alone; fan-out measures the worker.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from app.clock import utcnow
from bench.activities import FakeActor, build_like, signed_post
from bench.loadgen import Connection, LoadResult, run_closed_loop, timed
from tests.support.instance import run_treehole
from tests.support.servers import ServerProcess

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
POST_TEXT = "Benchmark post: what a quiet evening it is. " * 4


def _sign_chunk(args: tuple[str, FakeActor, int, int]) -> list[tuple[dict[str, str], bytes]]:
    url, actor, first, count = args
    now = utcnow() - timedelta(seconds=1)
    return [
        signed_post(url, build_like(actor, f"{url.rsplit('/', 1)[0]}/n/{n}"), actor, now)
        for n in range(first, first + count)
    ]


Signed = tuple[dict[str, str], bytes]


def presign(url: str, signers: Sequence[FakeActor], count: int) -> list[Signed]:
    """`count` signed Likes with distinct ids, spread over the signers, signed on both cores."""
    chunk = max(1, count // (len(signers) * 2))
    jobs = [
        (url, signers[i % len(signers)], i * chunk, chunk)
        for i in range((count + chunk - 1) // chunk)
    ]
    with ProcessPoolExecutor(max_workers=2) as pool:
        return [request for part in pool.map(_sign_chunk, jobs) for request in part]


async def measure_intake(
    server: ServerProcess, requests: list[tuple[dict[str, str], bytes]], concurrency: int,
    duration: float,
) -> dict[str, Any]:  # fmt: skip
    async def post(connection: Connection, number: int) -> tuple[int, float]:
        headers, body = requests[number]
        answer, latency = await timed(connection.request("POST", "/inbox", headers, body))
        return answer.status, latency

    result = await run_closed_loop(
        "127.0.0.1", server.port, post, concurrency=concurrency, duration=duration,
        max_iterations=len(requests),
    )  # fmt: skip
    return _summary(result, 202, "accepted_per_s")


async def measure_posting(server: ServerProcess, concurrency: int, duration: float,
                          max_posts: int) -> dict[str, Any]:  # fmt: skip
    cookies: dict[int, dict[str, str]] = {}

    async def post(connection: Connection, number: int) -> tuple[int, float]:
        jar = cookies.setdefault(id(connection), {})
        cookie = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())} if jar else {}
        page = await connection.request("GET", "/b/main", cookie)
        match = CSRF.search(page.body.decode())
        if page.status != 200 or match is None:
            return page.status, 0.0
        form = urlencode({"csrf_token": match.group(1), "text": f"{POST_TEXT} #{number}"})
        headers = {"Content-Type": "application/x-www-form-urlencoded", **cookie}
        answer, latency = await timed(
            connection.request("POST", "/b/main/post", headers, form.encode())
        )
        jar.update(answer.cookies())
        return answer.status, latency

    result = await run_closed_loop(
        "127.0.0.1", server.port, post, concurrency=concurrency, duration=duration,
        max_iterations=max_posts,
    )  # fmt: skip
    return _summary(result, 303, "posts_per_s")


def _summary(result: LoadResult, good: int, rate_name: str) -> dict[str, Any]:
    ok = [lat for lat in result.latencies if lat > 0]
    ordered = sorted(ok)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000 if ordered else 0

    return {
        rate_name: result.rate(good),
        "requests": result.count,
        "ok": result.ok(good),
        "statuses": {str(k): v for k, v in sorted(result.statuses.items())},
        "errors": result.errors,
        "p50_ms": pct(50),
        "p99_ms": pct(99),
        "seconds": result.elapsed,
    }


def instance_env(scratch: Path) -> dict[str, str]:
    return {
        "TREEHOLE_POST_RATE_LIMIT": "1000000/60",
        "TREEHOLE_PUBLISH_DELAY_MAX": "0",
        "TREEHOLE_ALLOW_LOOPBACK": "1",
        "TREEHOLE_LOG_LEVEL": "warning",
        "TREEHOLE_SECRET_KEY": "bench-secret-key-" + "x" * 32,
    }


def start_instance(url: str, scratch: Path) -> Any:
    data_dir = scratch / f"data-{time.monotonic_ns()}"
    data_dir.mkdir()
    return run_treehole(url, data_dir, env=instance_env(scratch), args=("--no-workers",))
