"""Where signing runs: inline on the loop, or on a pool of threads; jobs that come due together
share a hand-over."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

from federation.offload import (
    MAX_THREADS,
    CoalescingOffload,
    ThreadOffload,
    run_inline,
    signing_offload,
    signing_threads,
)

pytestmark = pytest.mark.anyio
T = TypeVar("T")


class Counting:
    """A ThreadOffload that counts its hand-overs."""

    def __init__(self, pool: ThreadOffload) -> None:
        self.pool = pool
        self.threads = pool.threads
        self.hand_overs = 0

    def __call__(self, fn: Callable[[], T]) -> Awaitable[T]:
        self.hand_overs += 1
        return self.pool(fn)


async def test_thread_offload_runs_work_off_the_event_loop() -> None:
    with ThreadOffload(2) as pool:
        ran_on = await pool(threading.get_ident)
    assert ran_on != threading.get_ident()


async def test_inline_offload_runs_work_on_the_event_loop() -> None:
    assert await run_inline(threading.get_ident) == threading.get_ident()
    assert run_inline.threads == 1


async def test_jobs_due_together_share_hand_overs_and_keep_their_own_results() -> None:
    """spec: delivery-signed-on-threads"""
    with ThreadOffload(2) as pool:
        counting = Counting(pool)
        coalescing = CoalescingOffload(counting, max_batch=8)

        def job(n: int) -> tuple[int, int]:
            return n * n, threading.get_ident()

        done = await asyncio.gather(*(coalescing(lambda n=n: job(n)) for n in range(20)))
    assert [square for square, _ in done] == [n * n for n in range(20)]
    assert threading.get_ident() not in {thread for _, thread in done}
    assert 3 <= counting.hand_overs < 20  # 20 jobs, at most 8 per hand-over: not one each


async def test_a_failing_job_fails_only_its_caller() -> None:
    def broken() -> int:
        raise ValueError("bad key")

    with ThreadOffload(2) as pool:
        coalescing = CoalescingOffload(pool)
        outcomes = await asyncio.gather(
            coalescing(lambda: 1), coalescing(broken), coalescing(lambda: 3),
            return_exceptions=True,
        )  # fmt: skip
    assert outcomes[0] == 1 and outcomes[2] == 3
    assert isinstance(outcomes[1], ValueError)


async def test_coalescing_an_inline_offload_runs_each_job_on_the_loop() -> None:
    coalescing = CoalescingOffload(run_inline)
    assert await coalescing(threading.get_ident) == threading.get_ident()


def test_signing_threads_follow_the_cpus_this_process_may_use() -> None:
    assert signing_threads(1) == 0  # one CPU: threads would only add hand-overs
    assert signing_threads(2) == 2
    assert signing_threads(64) == MAX_THREADS


async def test_signing_offload_is_inline_on_one_cpu_and_threads_otherwise() -> None:
    with signing_offload(1) as inline:
        assert inline is run_inline
    with signing_offload(2) as pool:
        assert pool.threads == 2
        assert await pool(threading.get_ident) != threading.get_ident()


def test_thread_offload_needs_a_thread() -> None:
    with pytest.raises(ValueError):
        ThreadOffload(0)
