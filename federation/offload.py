"""Where CPU-bound protocol work (RSA signing) runs: inline, or on a small pool of threads.

cryptography releases the GIL while OpenSSL computes an RSA signature, so a process that signs on
threads signs on every core it has while its event loop goes on sending and settling. Measured
here (2 cores): one thread 3,300 signatures/s, two threads 6,100/s; a fan-out's event loop was
busy 0.3 ms of every 0.85 ms per delivery with signing alone (bench/README.md).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from typing import Protocol, TypeVar

T = TypeVar("T")
In = TypeVar("In")
Out = TypeVar("Out")

MAX_THREADS = 8


class Offload(Protocol):
    """`await offload(fn)` runs `fn()` somewhere and returns its result; `threads` says how many
    such calls run at once."""

    @property
    def threads(self) -> int: ...

    def __call__(self, fn: Callable[[], T]) -> Awaitable[T]: ...


class InlineOffload:
    """Runs work on the event loop itself: for one core, tests, and callers that sign rarely."""

    threads = 1

    def __call__(self, fn: Callable[[], T]) -> Awaitable[T]:
        return _run_here(fn)


async def _run_here(fn: Callable[[], T]) -> T:
    return fn()


run_inline = InlineOffload()


async def map_in_batches(
    offload: Offload, fn: Callable[[Sequence[In]], list[Out]], items: Sequence[In]
) -> list[Out]:
    """`fn(items)` as `offload.threads` calls over consecutive slices, run at once; the results
    in the order of `items`. One hand-over per slice, not per item."""
    if not items:
        return []
    parts = max(1, min(offload.threads, len(items)))
    size = -(-len(items) // parts)
    slices = [items[start : start + size] for start in range(0, len(items), size)]
    done = await asyncio.gather(*(offload(partial(fn, part)) for part in slices))
    return [out for part in done for out in part]


class ThreadOffload:
    """Runs work on its own threads. Close it when the process stops (`with` or `close`)."""

    def __init__(self, threads: int) -> None:
        if threads < 1:
            raise ValueError("threads must be at least 1")
        self.threads = threads
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="treehole-offload")

    def __call__(self, fn: Callable[[], T]) -> Awaitable[T]:
        return asyncio.get_running_loop().run_in_executor(self._pool, fn)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ThreadOffload:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def signing_threads(cpus: int) -> int:
    """One signing thread per CPU, capped: with one CPU, threads only add hand-over costs."""
    return 0 if cpus <= 1 else min(cpus, MAX_THREADS)


@contextmanager
def signing_offload(cpus: int) -> Iterator[Offload]:
    """Where a process signs its deliveries: a thread per CPU, or inline with one CPU."""
    threads = signing_threads(cpus)
    if not threads:
        yield run_inline
        return
    with ThreadOffload(threads) as pool:
        yield pool
