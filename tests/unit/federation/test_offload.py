"""Where signing runs: inline on the loop, or on a pool of threads, in order-keeping batches."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest

from federation.offload import (
    MAX_THREADS,
    ThreadOffload,
    map_in_batches,
    run_inline,
    signing_offload,
    signing_threads,
)

pytestmark = pytest.mark.anyio


def _tagged(items: Sequence[int]) -> list[tuple[int, int, int]]:
    """Each item with the thread it ran on and the size of the slice it came in."""
    return [(item, threading.get_ident(), len(items)) for item in items]


async def test_thread_offload_runs_work_off_the_event_loop() -> None:
    with ThreadOffload(2) as pool:
        ran_on = await pool(threading.get_ident)
    assert ran_on != threading.get_ident()


async def test_inline_offload_runs_work_on_the_event_loop() -> None:
    assert await run_inline(threading.get_ident) == threading.get_ident()
    assert run_inline.threads == 1


async def test_map_in_batches_keeps_order_with_one_slice_per_thread() -> None:
    with ThreadOffload(3) as pool:
        done = await map_in_batches(pool, _tagged, list(range(10)))
    assert [item for item, _, _ in done] == list(range(10))
    assert sorted({size for _, _, size in done}) == [2, 4]  # 4 + 4 + 2
    assert threading.get_ident() not in {thread for _, thread, _ in done}


async def test_map_in_batches_handles_fewer_items_than_threads_and_none() -> None:
    with ThreadOffload(4) as pool:
        assert [item for item, _, _ in await map_in_batches(pool, _tagged, [7])] == [7]
        assert await map_in_batches(pool, _tagged, []) == []
    assert [size for _, _, size in await map_in_batches(run_inline, _tagged, [1, 2, 3])] == [3] * 3


async def test_map_in_batches_raises_what_a_slice_raises() -> None:
    def broken(items: Sequence[int]) -> list[int]:
        if 3 in items:
            raise ValueError("bad key")
        return list(items)

    with ThreadOffload(2) as pool, pytest.raises(ValueError, match="bad key"):
        await map_in_batches(pool, broken, [1, 2, 3, 4])


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
