"""Delivery step: claim due rows, sign each one as it is sent, POST, settle by the retry rules.

Parked domains (failing for 7 days) are not attempted; their rows wait until the domain is heard
from again. Per-domain concurrency is capped so one slow server cannot take every slot, and a
delivery is signed only once it holds its server's slot, with the time of sending. The lease of
the claimed rows is renewed while they are in flight, so a worker that dies frees them within
seconds (`deliveries.LEASE_SECONDS`). Private keys are loaded for one run and forgotten after it:
no key outlives the batch that needed it, so none outlives its actor's retirement.

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
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cryptography.hazmat.primitives.asymmetric import rsa

from app.core.clock import utcnow
from app.core.states import CANCELLED, PENDING
from app.core.urls import Urls
from app.db.engine import Db
from app.fedi.documents import key_id
from app.store import activities, deliveries, followers, local_actors
from app.store.boards import get_board
from app.store.deliveries import ClaimedDelivery
from federation.client import SafeClient
from federation.delivery import DeliveryOutcome, Outgoing, RequestSigner, deliver
from federation.keys import PrivateKeys
from federation.offload import Offload, run_inline
from federation.retry import NextStep, decide_next, is_domain_dead

log = logging.getLogger("treehole.deliver")

# Deliveries in flight at once; each is signed when its server's slot is free, and the
# signatures that come due together share one hand-over to the signing threads.
BATCH = 300
ROUNDS = 10  # claims per run
# Requests in flight per server. Each one more means one more connection, and over TLS a new
# connection's handshake costs the event loop more than a delivery's own request: fan-out to 100
# hosts measured 0.8 ms of loop per delivery at 4, 0.6 at 2, 0.5 at 1 (bench/README.md). Two keep
# a slow answer from stalling its server's queue; more buy little anyway where servers throttle
# per address (GoToSocial: 300 requests / 5 min).
PER_DOMAIN = 2
PARKED_RECHECK = timedelta(hours=12)
INTERNAL_RETRY = timedelta(minutes=5)
SETTLE_GROUP = 100  # outcomes written per transaction; a failed group is retried after the lease
HEARTBEAT_SECONDS = deliveries.LEASE_SECONDS / 3  # two missed beats still keep the lease


@dataclass(slots=True)
class _Rotation:
    """An actor's key rotation still being announced: its Update, signed with the old key, has
    not settled everywhere yet."""

    update_id: str
    old_key: rsa.RSAPrivateKey
    pending: Counter[str]  # domain -> deliveries of the Update still to settle there


@dataclass(frozen=True, slots=True)
class _Payload:
    """What every row of one activity sends: the stored bytes and the keys to sign them with."""

    activity_id: str
    body: bytes
    key_id: str
    key: rsa.RSAPrivateKey | None  # None: the stored key cannot be loaded
    rotation: _Rotation | None = None  # the actor's key rotation in progress
    announces_key: bool = False  # the rotation's Update itself: `key` is the old key

    def key_for(self, domain: str) -> rsa.RSAPrivateKey | None:
        """The key for a delivery to `domain`. A server is sent signatures by a rotated-in key
        only once it has the Update announcing that key; before, it knows only the old one, and
        a Mastodon that failed to verify, refetched our actor and found every key changed
        without a signed Update would make all its users who follow us refollow (mastodon-interop
        §4.1, `process_account_service.rb`)."""
        if self.rotation is not None and self.rotation.pending[domain] > 0:
            return self.rotation.old_key
        return self.key


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
    held: set[int] = field(default_factory=set)  # claimed, not settled yet: leases to renew
    rotations: dict[str, _Rotation | None] = field(default_factory=dict)  # by actor id


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
    clock: Callable[[], datetime] = utcnow  # dates every signature, read as it is made
    per_domain: int = PER_DOMAIN
    heartbeat_seconds: float = HEARTBEAT_SECONDS
    keys: PrivateKeys = field(default_factory=PrivateKeys)  # loaded for one run, then cleared

    async def run(self, now: datetime) -> int:
        """Deliver due rows, up to `batch` at a time: when half of them have settled, claim more
        (no waiting for a whole batch's slowest server), up to `ROUNDS` claims per run so the
        worker's other steps get their turn. Returns how many rows were claimed."""
        claimed = await deliveries.claim_due(self.db, self.worker, now, self.batch)
        if not claimed:
            return 0
        try:
            return await self._run(claimed, now)
        finally:
            self.keys.clear()  # no private key outlives the batch that needed it

    async def _run(self, claimed: Sequence[ClaimedDelivery], now: datetime) -> int:
        # asyncio's task groups, queue and semaphores, not anyio's: anyio's look up the running
        # backend on every call, which cost a tenth of this loop's time (bench/README.md).
        loop = asyncio.get_running_loop()
        started, total = loop.time(), 0
        payloads: dict[str, _Payload | None] = {}
        state = _BatchState(set())
        window = _Window(self.batch)
        per_domain = self.per_domain
        slots: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(per_domain))
        results: asyncio.Queue[_Result | None] = asyncio.Queue()
        signer = RequestSigner(self.sign_on, self.clock)
        async with asyncio.TaskGroup() as tasks:
            settling = tasks.create_task(self._settle_results(results, state, now))
            beating = tasks.create_task(self._heartbeat(state, now, started))
            try:
                total = await self._attempt_rounds(
                    claimed, payloads, state, window, slots, results, signer, now, started
                )
            finally:
                results.put_nowait(None)  # every attempt has reported: settling may end
            await settling
            beating.cancel()
        return total

    async def _heartbeat(self, state: _BatchState, now: datetime, started: float) -> None:
        """Renew the lease of the rows still held, every `heartbeat_seconds`, until cancelled."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            if not state.held:
                continue
            moment = now + timedelta(seconds=loop.time() - started)
            try:
                await deliveries.extend_leases(self.db, sorted(state.held), self.worker, moment)
            except Exception:  # a loop boundary: the next beat tries again
                log.exception("renewing the lease of %d deliveries failed", len(state.held))

    async def _attempt_rounds(
        self,
        claimed: Sequence[ClaimedDelivery],
        payloads: dict[str, _Payload | None],
        state: _BatchState,
        window: _Window,
        slots: dict[str, asyncio.Semaphore],
        results: asyncio.Queue[_Result | None],
        signer: RequestSigner,
        now: datetime,
        started: float,
    ) -> int:
        """Claim rounds until `ROUNDS` or nothing is due; each attempt reports to `results`."""
        loop, total = asyncio.get_running_loop(), 0
        async with asyncio.TaskGroup() as attempts:
            for round_number in range(1, ROUNDS + 1):
                state.held.update(row.id for row in claimed)
                await self._prepare(claimed, payloads, state)
                window.add(len(claimed))
                total += len(claimed)
                for row in claimed:
                    attempts.create_task(self._attempt(
                        row, slots[row.domain], payloads[row.activity_id], signer, state,
                        results, window,
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
                payloads[activity_id] = await self._payload(activity_id, state)
            state.dead |= await deliveries.list_dead_domains(self.db, {r.domain for r in rows})

    async def _payload(self, activity_id: str, state: _BatchState) -> _Payload | None:
        """The activity's bytes and signing keys; None when there is nothing to send any more."""
        activity = await activities.get_activity(self.db, activity_id)
        if activity is None or activity.payload == "{}":
            return None
        actor = await local_actors.get_actor(self.db, activity.local_actor_id)
        pem = None if actor is None else (activity.signing_key_pem or actor.private_key_pem)
        if actor is None or pem is None:
            return None
        board = await get_board(self.db, actor.board_id) if actor.board_id else None
        return _Payload(
            activity.id,
            activity.payload.encode(),
            key_id(self.urls, actor, board),
            self._load(pem),
            rotation=await self._rotation(actor.id, state),
            announces_key=activity.signing_key_pem is not None,
        )

    async def _rotation(self, actor_id: str, state: _BatchState) -> _Rotation | None:
        """The actor's key rotation in progress, read once per run."""
        if actor_id in state.rotations:
            return state.rotations[actor_id]
        update = await activities.get_key_rotation(self.db, actor_id)
        old_key = None if update is None else self._load(update.signing_key_pem or "")
        rotation = None
        if update is not None and old_key is not None:
            pending = await deliveries.count_pending_by_domain(self.db, update.id)
            rotation = _Rotation(update.id, old_key, Counter(pending))
        state.rotations[actor_id] = rotation
        return rotation

    def _load(self, pem: str) -> rsa.RSAPrivateKey | None:
        try:
            return self.keys.load(pem)
        except ValueError:  # its rows fail (and retry); every other key still signs
            log.error("a stored private key cannot be loaded")
            return None

    async def _attempt(
        self,
        row: ClaimedDelivery,
        slot: asyncio.Semaphore,
        payload: _Payload | None,
        signer: RequestSigner,
        state: _BatchState,
        results: asyncio.Queue[_Result | None],
        window: _Window,
    ) -> None:
        try:
            await self._attempt_in_slot(row, slot, payload, signer, state, results)
        finally:
            window.done()

    async def _attempt_in_slot(
        self,
        row: ClaimedDelivery,
        slot: asyncio.Semaphore,
        payload: _Payload | None,
        signer: RequestSigner,
        state: _BatchState,
        results: asyncio.Queue[_Result | None],
    ) -> None:
        async with slot:
            if row.domain in state.dead:
                result = _Result(row, PARKED)
            elif payload is None:
                result = _Result(row, NOTHING)
            else:
                try:
                    outcome = await self._deliver(row, payload, signer)
                except Exception as error:  # a loop boundary: settle the row, never lose it
                    log.exception("delivery %s failed unexpectedly", row.id)
                    result = _Result(row, INTERNAL, error=f"internal: {type(error).__name__}")
                else:
                    result = _Result(row, SENT, payload, outcome)
            results.put_nowait(result)

    async def _deliver(
        self, row: ClaimedDelivery, payload: _Payload, signer: RequestSigner
    ) -> DeliveryOutcome:
        """Sign now, inside the server's slot (never for a whole batch ahead of time), and post."""
        key = payload.key_for(row.domain)
        if key is None:
            raise ValueError("the signing key cannot be loaded")
        outgoing = Outgoing(row.inbox_url, payload.body, payload.key_id, key)
        return await deliver(self.client.post, outgoing, signer)

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
                state.held.difference_update(result.row.id for result in group)

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
            if step.kind == "delivered" and outcome.status and not result.payload.announces_key:
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
            await followers.delete_followers_at_personal_inbox(self.db, row.inbox_url)
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
        if payload.announces_key and step.kind != "retry":
            await self._announced_at(row.domain, payload)

    async def _announced_at(self, domain: str, payload: _Payload) -> None:
        """One delivery of a key rotation's Update has settled. The Update is signed with the old
        key at every inbox, retries included, and so is everything else sent to a server until
        its Update has settled (`_Payload.key_for`); the old key is forgotten once no delivery
        of the Update is left to make."""
        if payload.rotation is not None:
            payload.rotation.pending[domain] -= 1
        if not await deliveries.count_pending_for_activity(self.db, payload.activity_id):
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
