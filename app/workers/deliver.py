"""Delivery step: claim due rows, sign the stored bytes now, POST, settle by the retry rules.

Parked domains (failing for 7 days) are not attempted; their rows wait until the domain is heard
from again. Per-domain concurrency is capped so one slow server cannot take every slot.
"""

from __future__ import annotations

import logging
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import anyio

from app.db.engine import Db
from app.documents import key_id
from app.store import activities, deliveries, followers, local_actors
from app.store.boards import get_board
from app.store.deliveries import ClaimedDelivery
from app.urls import Urls
from federation.client import SafeClient
from federation.delivery import deliver_once
from federation.retry import decide_next, is_domain_dead

log = logging.getLogger("treehole.deliver")

BATCH = 100
PER_DOMAIN = 4
PARKED_RECHECK = timedelta(hours=12)


@dataclass(slots=True)
class Deliverer:
    db: Db
    client: SafeClient
    urls: Urls
    worker: str
    rng: random.Random = field(default_factory=random.SystemRandom)
    batch: int = BATCH

    async def run(self, now: datetime) -> int:
        claimed = await deliveries.claim_due(self.db, self.worker, now, self.batch)
        if not claimed:
            return 0
        slots: dict[str, anyio.Semaphore] = defaultdict(lambda: anyio.Semaphore(PER_DOMAIN))
        async with anyio.create_task_group() as tasks:
            for row in claimed:
                tasks.start_soon(self._deliver_guarded, row, slots[row.domain], now)
        return len(claimed)

    async def _deliver_guarded(
        self, row: ClaimedDelivery, slot: anyio.Semaphore, now: datetime
    ) -> None:
        async with slot:
            try:
                await self.deliver(row, now)
            except Exception as error:  # a loop boundary: settle the row, never lose it
                log.exception("delivery %s failed unexpectedly", row.id)
                await deliveries.settle(
                    self.db,
                    row.id,
                    self.worker,
                    state="pending",
                    attempts=row.attempts + 1,
                    run_after=now + timedelta(minutes=5),
                    status=None,
                    error=f"internal: {type(error).__name__}",
                    now=now,
                )

    async def deliver(self, row: ClaimedDelivery, now: datetime) -> None:
        if await deliveries.is_domain_dead(self.db, row.domain):
            await deliveries.release(self.db, row.id, self.worker, now + PARKED_RECHECK)
            return
        activity = await activities.get_activity(self.db, row.activity_id)
        actor = (
            None
            if activity is None
            else await local_actors.get_actor(self.db, activity.local_actor_id)
        )
        key = (
            None
            if activity is None
            else (activity.signing_key_pem or (actor.private_key_pem if actor else None))
        )
        if activity is None or actor is None or key is None or activity.payload == "{}":
            await self._settle(row, "cancelled", row.attempts, None, None, "nothing to send", now)
            return
        board = await get_board(self.db, actor.board_id) if actor.board_id else None
        outcome = await deliver_once(
            self.client.post,
            row.inbox_url,
            activity.payload.encode(),
            key_id(self.urls, actor, board),
            key,
            now,
        )
        step = decide_next(outcome, row.attempts + 1, now, self.rng.random())
        log.info("delivery %s %s: %s", row.id, step.kind, step.reason)
        if step.kind == "delivered":
            if await deliveries.record_domain_alive(self.db, row.domain, now):
                await deliveries.wake_domain(self.db, row.domain, now)
            if activity.signing_key_pem:
                await activities.clear_signing_key(self.db, activity.id)
        elif step.kind == "gone":
            await followers.delete_followers_at_inbox(self.db, row.inbox_url)
        elif step.kind == "retry":
            since = await deliveries.record_domain_failure(self.db, row.domain, now)
            if is_domain_dead(since, now):
                await deliveries.mark_domain_dead(self.db, row.domain)
        state = "pending" if step.kind == "retry" else step.kind
        await self._settle(
            row, state, row.attempts + 1, step.run_after, outcome.status, outcome.error, now
        )

    async def _settle(
        self,
        row: ClaimedDelivery,
        state: str,
        attempts: int,
        run_after: datetime | None,
        status: int | None,
        error: str | None,
        now: datetime,
    ) -> None:
        if not await deliveries.settle(
            self.db,
            row.id,
            self.worker,
            state=state,
            attempts=attempts,
            run_after=run_after,
            status=status,
            error=error,
            now=now,
        ):
            log.warning("delivery %s was taken over by another worker", row.id)
