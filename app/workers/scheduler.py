"""Periodic jobs (expiry, key pool, salt rotation, …), each run by one process at a time."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from app.core.errors import DatabaseUnavailable
from app.db.engine import Db
from app.store.leases import take_lease

log = logging.getLogger("treehole.scheduler")


@dataclass(frozen=True, slots=True)
class PeriodicJob:
    name: str
    every_seconds: float
    run: Callable[[datetime], Awaitable[int]]


async def run_due_jobs(
    db: Db, jobs: Sequence[PeriodicJob], holder: str, now: datetime, force: bool = False
) -> dict[str, int]:
    """Run each job whose lease this process wins (each lease lasts one period, so a job runs
    about once per period across all processes). `force` ignores the period, for tests."""
    done: dict[str, int] = {}
    for job in jobs:
        seconds = 0.0 if force else job.every_seconds
        if not force and not await take_lease(db, job.name, holder, now, seconds):
            continue
        try:
            done[job.name] = await job.run(now)
        except DatabaseUnavailable:
            raise  # the pass ends; the worker waits for the database
        except Exception:
            log.exception("periodic job %s failed", job.name)
            done[job.name] = -1
    return done
