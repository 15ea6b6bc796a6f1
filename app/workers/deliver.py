"""Delivery step: claim due rows, sign the stored bytes now, POST, settle by the retry rules.

Parked domains (failing for 7 days) are not attempted; their rows wait until the domain is heard
from again. Per-domain concurrency is capped so one slow server cannot take every slot.

The database work of a batch is done on two connections, not one per row: the activities, keys
and parked domains are read once per claim, and one settling task writes the outcomes as they
arrive, a few rows per transaction. (A connection per row meant, on SQLite, a new connection and
thread per query and writers waiting on each other's locks; on PostgreSQL, a pool of 5 shared by
100 rows.) The attempts themselves only sign and POST.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from app.core.states import CANCELLED, PENDING
from app.core.urls import Urls
from app.db.engine import Db
from app.fedi.documents import key_id
from app.store import activities, deliveries, followers, local_actors
from app.store.boards import get_board
from app.store.deliveries import ClaimedDelivery
from federation.client import SafeClient
from federation.delivery import (
    DeliveryOutcome,
    Outgoing,
    deliver_signed,
    sign_cavage_batch,
)
from federation.offload import Offload, map_in_batches, run_inline
from federation.retry import NextStep, decide_next, is_domain_dead

log = logging.getLogger("treehole.deliver")

# Deliveries in flight at once. A claimed batch is signed whole on the signing threads before
# its requests leave: measured faster than signing slices in between requests (the threads then
# wait for the event loop's GIL), and 300 in flight keep that pause hidden behind the requests.
BATCH = 300
ROUNDS = 10  # claims per run
PER_DOMAIN = 4
PARKED_RECHECK = timedelta(hours=12)
INTERNAL_RETRY = timedelta(minutes=5)
SETTLE_GROUP = 100  # outcomes written per transaction; a failed group is retried after the lease


@dataclass(frozen=True, slots=True)
class _Payload:
    """What every row of one activity sends: the stored bytes and the key to sign them with."""

    activity_id: str
    body: bytes
    key_id: str
    private_key_pem: str
    old_key: bool  # signed with a rotated-out key, forgotten once delivered

    def to(self, inbox_url: str) -> Outgoing:
        return Outgoing(inbox_url, self.body, self.key_id, self.private_key_pem)


# What became of one claimed row in this batch: sent (the outcome decides its state), parked
# (its domain is dead: released untried), nothing to send (cancelled), or an internal error.
SENT = "sent"
PARKED = "parked"
NOTHING = "nothing"
INTERNAL = "internal"


@dataclass(frozen=True, slots=True)
class _Result:
    row: ClaimedDelivery
    kind: str  # SENT, PARKED, NOTHING or INTERNAL
    payload: _Payload | None = None
    outcome: DeliveryOutcome | None = None
    error: str | None = None


@dataclass(slots=True)
class _BatchState:
    dead: set[str]
    alive: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _Window:
    """Attempts in flight; `wait_for_room` returns once at most half of `size` are."""

    size: int
    in_flight: int = 0
    _room: asyncio.Event = field(default_factory=asyncio.Event)

    def add(self, count: int) -> None:
        self.in_flight += count

    def done(self) -> None:
        self.in_flight -= 1
        if self.in_flight <= self.size // 2:
            self._room.set()

    async def wait_for_room(self) -> int:
        while self.in_flight > self.size // 2:
            self._room = asyncio.Event()
            await self._room.wait()
        return self.size - self.in_flight


@dataclass(slots=True)
class Deliverer:
    db: Db
    client: SafeClient
    urls: Urls
    worker: str
    rng: random.Random = field(default_factory=random.SystemRandom)
    batch: int = BATCH
    sign_on: Offload = run_inline  # `treehole` passes a thread pool: signing on every core

    async def run(self, now: datetime) -> int:
        """Deliver due rows, up to `batch` at a time: when half of them have settled, claim more
        (no waiting for a whole batch's slowest server), up to `ROUNDS` claims per run so the
        worker's other steps get their turn. Returns how many rows were claimed."""
        claimed = await deliveries.claim_due(self.db, self.worker, now, self.batch)
        if not claimed:
            return 0
        # asyncio's task groups, queue and semaphores, not anyio's: anyio's look up the running
        # backend on every call, which cost a tenth of this loop's time (bench/README.md).
        loop = asyncio.get_running_loop()
        started, total = loop.time(), 0
        payloads: dict[str, _Payload | None] = {}
        state = _BatchState(set())
        window = _Window(self.batch)
        slots: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(PER_DOMAIN))
        results: asyncio.Queue[_Result | None] = asyncio.Queue()
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(self._settle_results(results, state, now))
            try:
                total = await self._attempt_rounds(
                    claimed, payloads, state, window, slots, results, now, started
                )
            finally:
                results.put_nowait(None)  # every attempt has reported: settling may end
        return total

    async def _attempt_rounds(
        self,
        claimed: Sequence[ClaimedDelivery],
        payloads: dict[str, _Payload | None],
        state: _BatchState,
        window: _Window,
        slots: dict[str, asyncio.Semaphore],
        results: asyncio.Queue[_Result | None],
        now: datetime,
        started: float,
    ) -> int:
        """Claim rounds until `ROUNDS` or nothing is due; each attempt reports to `results`."""
        loop, total = asyncio.get_running_loop(), 0
        async with asyncio.TaskGroup() as attempts:
            moment = now
            for round_number in range(1, ROUNDS + 1):
                await self._prepare(claimed, payloads, state)
                signed = await self._sign(claimed, payloads, state, moment)
                window.add(len(claimed))
                total += len(claimed)
                for row in claimed:
                    attempts.create_task(self._attempt(
                        row, slots[row.domain], payloads[row.activity_id],
                        signed.get(row.id), state, results, window, now,
                    ))  # fmt: skip
                if round_number == ROUNDS:
                    break
                room = await window.wait_for_room()
                # The lease runs from the claim, so later claims use the time that passed.
                moment = now + timedelta(seconds=loop.time() - started)
                claimed = await deliveries.claim_due(self.db, self.worker, moment, room)
                if not claimed:
                    break
        return total

    async def _prepare(
        self, rows: Sequence[ClaimedDelivery], payloads: dict[str, _Payload | None],
        state: _BatchState,
    ) -> None:  # fmt: skip
        """Read what the new rows need: their activities' payloads and which domains are dead."""
        async with self.db.connection():
            for activity_id in {row.activity_id for row in rows} - payloads.keys():
                payloads[activity_id] = await self._payload(activity_id)
            state.dead |= await deliveries.list_dead_domains(self.db, {r.domain for r in rows})

    async def _sign(
        self, rows: Sequence[ClaimedDelivery], payloads: dict[str, _Payload | None],
        state: _BatchState, moment: datetime,
    ) -> dict[int, dict[str, str]]:  # fmt: skip
        """Draft-cavage headers for every row about to be attempted, signed in batches on
        `sign_on` (its threads sign on every core). Empty if a batch fails: each attempt then
        signs for itself, so one bad key fails only its own rows."""
        due = [
            (row.id, payload.to(row.inbox_url))
            for row in rows
            if row.domain not in state.dead and (payload := payloads[row.activity_id]) is not None
        ]
        if not due:
            return {}
        try:
            headers = await map_in_batches(
                self.sign_on, partial(sign_cavage_batch, now=moment), [item for _, item in due]
            )
        except Exception:  # a loop boundary: the attempts sign one by one instead
            log.exception("signing a batch of deliveries failed")
            return {}
        return {row_id: signed for (row_id, _), signed in zip(due, headers, strict=True)}

    async def _payload(self, activity_id: str) -> _Payload | None:
        """The activity's bytes and signing key; None when there is nothing to send any more."""
        activity = await activities.get_activity(self.db, activity_id)
        if activity is None or activity.payload == "{}":
            return None
        actor = await local_actors.get_actor(self.db, activity.local_actor_id)
        key = None if actor is None else (activity.signing_key_pem or actor.private_key_pem)
        if actor is None or key is None:
            return None
        board = await get_board(self.db, actor.board_id) if actor.board_id else None
        return _Payload(
            activity.id,
            activity.payload.encode(),
            key_id(self.urls, actor, board),
            key,
            activity.signing_key_pem is not None,
        )

    async def _attempt(
        self,
        row: ClaimedDelivery,
        slot: asyncio.Semaphore,
        payload: _Payload | None,
        signed: dict[str, str] | None,
        state: _BatchState,
        results: asyncio.Queue[_Result | None],
        window: _Window,
        now: datetime,
    ) -> None:
        try:
            await self._attempt_in_slot(row, slot, payload, signed, state, results, now)
        finally:
            window.done()

    async def _attempt_in_slot(
        self,
        row: ClaimedDelivery,
        slot: asyncio.Semaphore,
        payload: _Payload | None,
        signed: dict[str, str] | None,
        state: _BatchState,
        results: asyncio.Queue[_Result | None],
        now: datetime,
    ) -> None:
        async with slot:
            if row.domain in state.dead:
                result = _Result(row, PARKED)
            elif payload is None:
                result = _Result(row, NOTHING)
            else:
                try:
                    outcome = await self._deliver(row, payload, signed, now)
                except Exception as error:  # a loop boundary: settle the row, never lose it
                    log.exception("delivery %s failed unexpectedly", row.id)
                    result = _Result(row, INTERNAL, error=f"internal: {type(error).__name__}")
                else:
                    result = _Result(row, SENT, payload, outcome)
            results.put_nowait(result)

    async def _deliver(
        self, row: ClaimedDelivery, payload: _Payload, signed: dict[str, str] | None,
        now: datetime,
    ) -> DeliveryOutcome:  # fmt: skip
        outgoing = payload.to(row.inbox_url)
        if signed is None:
            signed = (await self.sign_on(partial(sign_cavage_batch, [outgoing], now)))[0]
        return await deliver_signed(self.client.post, outgoing, signed, now, offload=self.sign_on)

    async def _settle_results(
        self, results: asyncio.Queue[_Result | None], state: _BatchState, now: datetime
    ) -> None:
        """Settle outcomes as they arrive, up to SETTLE_GROUP per transaction, until the None
        that says every attempt has reported."""
        async with self.db.connection():
            ended = False
            while not ended:
                first = await results.get()
                if first is None:
                    return
                group = [first]
                while len(group) < SETTLE_GROUP and not results.empty():
                    more = results.get_nowait()
                    if more is None:
                        ended = True
                        break
                    group.append(more)
                try:
                    async with self.db.transaction():
                        await self._settle_group(group, state, now)
                except Exception:  # a loop boundary: the rows keep their lease and come back
                    log.exception("settling deliveries %s failed", [r.row.id for r in group])

    async def _settle_group(self, group: list[_Result], state: _BatchState, now: datetime) -> None:
        """Plain successes (most of a fan-out) are written with one statement per status; every
        other outcome row by row, since each has its own retry time, error and side effects."""
        delivered: dict[int, list[ClaimedDelivery]] = defaultdict(list)
        for result in group:
            outcome = result.outcome
            if result.kind != SENT or outcome is None or result.payload is None:
                await self._settle_result(result, state, now)
                continue
            step = decide_next(outcome, result.row.attempts + 1, now, self.rng.random())
            if step.kind == "delivered" and outcome.status and not result.payload.old_key:
                delivered[outcome.status].append(result.row)
            else:
                await self._settle_sent(result.row, result.payload, outcome, step, state, now)
        if not delivered:
            return
        rows = [row for same_status in delivered.values() for row in same_status]
        await self._record_alive({row.domain for row in rows}, state, now)
        for status, same_status in delivered.items():
            ids = [row.id for row in same_status]
            settled = await deliveries.settle_delivered(self.db, ids, self.worker, status, now)
            log.info("deliveries delivered (%s): %s", status, ids)
            for lost in sorted(set(ids) - settled):
                log.warning("delivery %s was taken over by another worker", lost)

    async def _record_alive(self, domains: set[str], state: _BatchState, now: datetime) -> None:
        """Clear failures of domains that answered; once per domain and batch, and one read for
        all of them (a healthy domain needs no write)."""
        fresh = domains - state.alive
        state.alive |= fresh
        for domain in sorted(await deliveries.list_failing_domains(self.db, fresh)):
            if await deliveries.record_domain_alive(self.db, domain, now):
                await deliveries.wake_domain(self.db, domain, now)

    async def _settle_result(self, result: _Result, state: _BatchState, now: datetime) -> None:
        row = result.row
        if result.kind == PARKED:
            await deliveries.release(self.db, row.id, self.worker, now + PARKED_RECHECK)
        elif result.kind == NOTHING:
            await self._settle(row, CANCELLED, row.attempts, None, None, "nothing to send", now)
        else:
            run_after = now + INTERNAL_RETRY
            await self._settle(row, PENDING, row.attempts + 1, run_after, None, result.error, now)

    async def _settle_sent(
        self,
        row: ClaimedDelivery,
        payload: _Payload,
        outcome: DeliveryOutcome,
        step: NextStep,
        state: _BatchState,
        now: datetime,
    ) -> None:
        log.info("delivery %s %s: %s", row.id, step.kind, step.reason)
        if step.kind == "delivered":
            await self._record_alive({row.domain}, state, now)
        elif step.kind == "gone":
            await followers.delete_followers_at_inbox(self.db, row.inbox_url)
        elif step.kind == "retry":
            state.alive.discard(row.domain)
            since = await deliveries.record_domain_failure(self.db, row.domain, now)
            if is_domain_dead(since, now):
                await deliveries.mark_domain_dead(self.db, row.domain)
                state.dead.add(row.domain)
        state_name = PENDING if step.kind == "retry" else step.kind
        await self._settle(
            row, state_name, row.attempts + 1, step.run_after, outcome.status, outcome.error, now
        )
        # An Update announcing a rotated key is signed with the old key at every inbox, retries
        # included; the old key is forgotten once no delivery of it is left to make.
        if payload.old_key and not await deliveries.count_pending_for_activity(
            self.db, payload.activity_id
        ):
            await activities.clear_signing_key(self.db, payload.activity_id)

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
