"""Where CPU-bound protocol work (RSA signing) runs: inline, or on a small pool of threads.

cryptography releases the GIL while OpenSSL computes an RSA signature, so a process that signs on
threads signs on every core it has while its event loop goes on sending and settling. Measured
here (2 cores): one thread 3,300 signatures/s, two threads 6,100/s; a fan-out's event loop was
busy 0.3 ms of every 0.85 ms per delivery with signing alone (bench/README.md). A hand-over to a
thread costs the loop about as much as a small job, so `CoalescingOffload` lets the jobs that
come due together (each delivery's signature, made as it is sent) share one.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

MAX_THREADS = 8
MAX_BATCH = 32  # jobs per hand-over: bounds how long the first of them waits for the last


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


Waiting = list[tuple[Callable[[], Any], "asyncio.Future[Any]"]]


class CoalescingOffload:
    """An Offload for many small jobs that come due at about the same time.

    A job handed in while every thread of `inner` is busy waits; the jobs waiting go over
    together, in one hand-over, as soon as a thread is free (split evenly between the free
    threads, at most `max_batch` each). Every caller gets its own job's result or exception, so
    one failing job fails only its caller. With an inline `inner`, jobs just run.
    """

    def __init__(self, inner: Offload, max_batch: int = MAX_BATCH) -> None:
        self._inner = inner
        self._max_batch = max_batch
        self._waiting: Waiting = []
        self._busy = 0
        self._scheduled = False

    @property
    def threads(self) -> int:
        return self._inner.threads

    def __call__(self, fn: Callable[[], T]) -> Awaitable[T]:
        if isinstance(self._inner, InlineOffload):
            return _run_here(fn)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._waiting.append((fn, future))
        if not self._scheduled:  # jobs handed in during this pass of the loop go together
            self._scheduled = True
            loop.call_soon(self._dispatch)
        return future

    def _dispatch(self) -> None:
        self._scheduled = False
        self._waiting = [(fn, future) for fn, future in self._waiting if not future.done()]
        while self._waiting and self._busy < self._inner.threads:
            free = self._inner.threads - self._busy
            size = min(self._max_batch, -(-len(self._waiting) // free))
            batch, self._waiting = self._waiting[:size], self._waiting[size:]
            self._busy += 1
            ran = asyncio.ensure_future(self._inner(partial(_run_each, [fn for fn, _ in batch])))
            ran.add_done_callback(partial(self._finished, batch))

    def _finished(self, batch: Waiting, ran: asyncio.Future[list[tuple[bool, Any]]]) -> None:
        self._busy -= 1
        if ran.cancelled():
            outcomes: list[tuple[bool, Any]] = [(False, asyncio.CancelledError())] * len(batch)
        elif (error := ran.exception()) is not None:
            outcomes = [(False, error)] * len(batch)
        else:
            outcomes = ran.result()
        for (_, future), (ok, value) in zip(batch, outcomes, strict=True):
            if future.done():
                continue  # its caller stopped waiting
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)
        self._dispatch()


def _run_each(jobs: Sequence[Callable[[], Any]]) -> list[tuple[bool, Any]]:
    """Run each job; (True, result) or (False, the exception it raised), in order."""
    outcomes: list[tuple[bool, Any]] = []
    for job in jobs:
        try:
            outcomes.append((True, job()))
        except Exception as error:  # handed to that job's caller
            outcomes.append((False, error))
    return outcomes


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
