"""Intake and posting against a real running instance (`treehole serve --no-workers`).

- intake: signed activities (distinct ids, real signatures from a few remote actors whose keys are
  cached in our database) POSTed to the shared inbox by N concurrent clients → accepted (202)/s.
- posting: N concurrent clients each GET the board (for the CSRF token) then POST the form;
  the POST's latency is measured → p50/p99 and posts/s.
The worker is off so both measure the request path alone; fan-out measures the worker.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from app.core.clock import utcnow
from app.db.engine import connect, disconnect
from app.store.moderation import get_moderation_settings, update_moderation_settings
from bench.activities import FakeActor, build_like, signed_post
from bench.loadgen import Connection, LoadResult, run_closed_loop, run_paced_loop, timed
from tests.support.instance import run_treehole
from tests.support.servers import ServerProcess

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# Each post is a different ~175-character text of made-up two-syllable words: copies of one text
# are (rightly) held as near-duplicates after the first, which would measure the hold path, and
# real words from a small list are near-duplicates of each other by SimHash. Checked for the
# first 2,500 numbers: none hits a word filter or the link check or is a near-duplicate of
# another (with the English classifier turned on, one would score high enough to be held;
# as shipped it is off).
CONSONANTS, VOWELS = "bdfghjklmnprstvwz", "aeiouy"
POST_WORDS = 25
# The flood breaker (30 accepted posts a minute by default) would start asking for proof of
# work within seconds; the benchmark measures the posting path, not the breaker refusing.
BENCH_BREAKER_POSTS_PER_MINUTE = 1_000_000


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
                          max_posts: int, rate: float | None = None,
                          first: int = 0) -> dict[str, Any]:  # fmt: skip
    """Closed loop (every client posts again as soon as it is answered: the saturating case), or
    with `rate`, an open loop at that many posts per second. Post texts start at number `first`
    so a second run posts no copies of the first."""
    cookies: dict[int, dict[str, str]] = {}

    async def post(connection: Connection, number: int) -> tuple[int, float]:
        jar = cookies.setdefault(id(connection), {})
        cookie = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())} if jar else {}
        page = await connection.request("GET", "/b/main", cookie)
        match = CSRF.search(page.body.decode())
        if page.status != 200 or match is None:
            return page.status, 0.0
        form = urlencode({"csrf_token": match.group(1), "text": post_text(first + number)})
        headers = {"Content-Type": "application/x-www-form-urlencoded", **cookie}
        answer, latency = await timed(
            connection.request("POST", "/b/main/post", headers, form.encode())
        )
        jar.update(answer.cookies())
        return answer.status, latency

    if rate is None:
        result = await run_closed_loop(
            "127.0.0.1", server.port, post, concurrency=concurrency, duration=duration,
            max_iterations=max_posts,
        )  # fmt: skip
    else:
        result = await run_paced_loop(
            "127.0.0.1", server.port, post, concurrency=concurrency, rate=rate,
            duration=duration, max_iterations=max_posts,
        )  # fmt: skip
    return {
        **_summary(result, 303, "posts_per_s"),
        "rate": rate,
        "max_lag_ms": result.max_lag * 1000,
    }


def post_text(number: int) -> str:
    """A distinct, ordinary text per post (seeded by its number, so runs post the same texts)."""
    rng = random.Random(number)

    def syllable() -> str:
        return rng.choice(CONSONANTS) + rng.choice(VOWELS) + rng.choice(CONSONANTS)

    return " ".join(syllable() + syllable() for _ in range(POST_WORDS))


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


async def _raise_breaker(url: str) -> None:
    db = await connect(url)
    try:
        settings = await get_moderation_settings(db)
        raised = replace(settings, breaker_posts_per_minute=BENCH_BREAKER_POSTS_PER_MINUTE)
        await update_moderation_settings(db, raised)
    finally:
        await disconnect(db)


def start_instance(url: str, scratch: Path) -> Any:
    asyncio.run(_raise_breaker(url))
    data_dir = scratch / f"data-{time.monotonic_ns()}"
    data_dir.mkdir()
    return run_treehole(url, data_dir, env=instance_env(scratch), args=("--no-workers",))
