"""The background worker: periodic jobs, outgoing deliveries and incoming activities.

Runs embedded in `treehole serve` by default, or alone as `treehole worker` (any number of them on
PostgreSQL). Tests call `run_once()` instead of sleeping.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import anyio

from app.core.clock import utcnow
from app.core.errors import DatabaseUnavailable
from app.core.settings import Settings
from app.core.urls import Urls
from app.db.engine import Db
from app.fedi import dm_answers
from app.moderation.service import DUPLICATE_WINDOW
from app.notes import deletion
from app.notes.actors import refill_key_pool
from app.store import deliveries, fingerprints, ratelimits
from app.workers.scheduler import PeriodicJob, run_due_jobs

log = logging.getLogger("treehole.worker")

IDLE_SECONDS = 0.5
# While the database is not answering, passes are tried again after 1, 2, 4, then every 5
# seconds: work resumes within seconds of it coming back, without a busy loop meanwhile.
OUTAGE_PAUSE_MAX_SECONDS = 5.0
EXPIRY_EVERY_SECONDS = 10.0
KEYPOOL_EVERY_SECONDS = 5.0
SALTS_EVERY_SECONDS = 600.0
FINGERPRINTS_EVERY_SECONDS = 60.0
ANSWERS_EVERY_SECONDS = 10.0

Step = Callable[[datetime], Awaitable[int]]


def worker_name() -> str:
    """Identifies this process's leases; random part so restarts never inherit a lease."""
    return f"{os.getpid()}-{secrets.token_hex(4)}"


def foundation_jobs(db: Db, urls: Urls, settings: Settings) -> list[PeriodicJob]:
    async def expire(now: datetime) -> int:
        return await deletion.delete_expired(db, urls, now)

    async def refill(now: datetime) -> int:
        return await refill_key_pool(db, settings.keypool_size, now)

    async def forget_salts(now: datetime) -> int:
        yesterday = (now - timedelta(days=1)).date().isoformat()
        await ratelimits.delete_old(db, yesterday, now - timedelta(days=1))
        return 0

    async def forget_fingerprints(now: datetime) -> int:
        # Past the near-duplicate window no check reads a fingerprint: it goes.
        await fingerprints.delete_older_than(db, now - DUPLICATE_WINDOW)
        return 0

    async def purge_answers(now: datetime) -> int:
        # A board's direct-message answers name their recipient: they go once sent.
        return await dm_answers.purge_sent(db, urls)

    return [
        PeriodicJob("expire_notes", EXPIRY_EVERY_SECONDS, expire),
        PeriodicJob("purge_sent_answers", ANSWERS_EVERY_SECONDS, purge_answers),
        PeriodicJob("refill_key_pool", KEYPOOL_EVERY_SECONDS, refill),
        PeriodicJob("forget_rate_salts", SALTS_EVERY_SECONDS, forget_salts),
        PeriodicJob("forget_fingerprints", FINGERPRINTS_EVERY_SECONDS, forget_fingerprints),
    ]


def pause_after(outages: int) -> float:
    """Seconds to wait before the next pass, after `outages` passes in a row found the database
    not answering (0: the usual idle pause)."""
    if outages == 0:
        return IDLE_SECONDS
    return float(min(IDLE_SECONDS * 2**outages, OUTAGE_PAUSE_MAX_SECONDS))


@dataclass(slots=True)
class Worker:
    db: Db
    jobs: Sequence[PeriodicJob]
    steps: Sequence[Step] = ()
    name: str = field(default_factory=worker_name)

    async def run_once(self, now: datetime | None = None, force: bool = False) -> int:
        """One pass: due periodic jobs, then each queue step once. Returns the work done.
        `DatabaseUnavailable` ends the pass: every later step would fail the same way."""
        moment = now or utcnow()
        done = await run_due_jobs(self.db, self.jobs, self.name, moment, force=force)
        work = sum(max(0, count) for count in done.values())
        for step in self.steps:
            try:
                work += await step(moment)
            except DatabaseUnavailable:
                raise
            except Exception:
                log.exception("worker step %s failed", getattr(step, "__name__", step))
        return work

    async def start(self, now: datetime | None = None) -> int:
        """Start-up work, once per process: after our own outage, one owed delivery per domain
        is made due now, so servers that gave up on us (Mastodon: 7 failing days) hear from us
        first instead of waiting out the backoff. Returns how many were pulled forward."""
        pulled = await deliveries.pull_one_per_domain_forward(self.db, now or utcnow())
        if pulled:
            log.info("worker %s pulled %s deliveries forward", self.name, pulled)
        return pulled

    async def run_forever(self, stop: anyio.Event) -> None:
        log.info("worker %s started", self.name)
        try:
            await self.start()
        except Exception:
            log.exception("worker start-up failed")
        outages = 0
        while not stop.is_set():
            try:
                work = await self.run_once()
                if outages:
                    log.info("worker %s: the database answers again", self.name)
                outages = 0
            except DatabaseUnavailable as error:
                if not outages:
                    log.warning("worker %s: database unavailable (%s)", self.name, error)
                outages += 1
                work = 0
            except Exception:
                log.exception("worker pass failed")
                work = 0
            if work == 0:
                with anyio.move_on_after(pause_after(outages)):
                    await stop.wait()
        log.info("worker %s stopped", self.name)
