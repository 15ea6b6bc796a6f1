"""What the inbox door asks on every POST, remembered for a few seconds: is this host suspended,
who is this actor (key and suspended flag), is this domain already known to be alive.

Answers are per process. A write to the underlying table through this process's `Db` (a block
made here, a key refetched, an actor suspended) drops that table's answers at once (`Db.writes`);
a change made by another process is seen within `ttl`. Since the door may so let a just-blocked
sender through for a few seconds, the worker checks suspension again, from the database, before it
applies an item (app/fedi/inbound.py): a late item is stored and dropped, never applied.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from app.db.engine import Db
from app.moderation.blocks import is_suspended_host
from app.store import deliveries
from app.store import domain_blocks as domain_block_store
from app.store import remote_actors as remote_actor_store
from app.store.remote_actors import RemoteActor

V = TypeVar("V")

DOOR_TTL = timedelta(seconds=3)
# The alive mark only saves a read; a failure recorded by another process is cleared this late.
ALIVE_TTL = timedelta(seconds=30)
MAX_ENTRIES = 10_000


@dataclass(slots=True)
class Shelf(Generic[V]):
    """Answers about one table, each good for `ttl` and until this process writes the table."""

    table: str
    ttl: timedelta
    limit: int = MAX_ENTRIES
    entries: dict[str, tuple[datetime, V]] = field(default_factory=dict)
    generation: int = 0
    flights: dict[str, asyncio.Future[None]] = field(default_factory=dict)

    def look(self, db: Db, key: str, now: datetime) -> tuple[tuple[datetime, V] | None, int]:
        """(the fresh entry or None, generation to hand to `keep` after reading the database)."""
        generation = db.writes[self.table]
        if generation != self.generation:
            self.entries.clear()
            self.generation = generation
        entry = self.entries.get(key)
        # Either way: a request that began just before the answer was read is as well served by
        # it, and a clock that jumped back by more than `ttl` expires it.
        if entry is not None and abs(now - entry[0]) < self.ttl:
            return entry, generation
        return None, generation

    def keep(self, db: Db, key: str, answer: V, now: datetime, generation: int) -> None:
        """Remember an answer read at `generation`, unless the table was written meanwhile."""
        if db.writes[self.table] != generation or generation != self.generation:
            return
        if len(self.entries) >= self.limit:
            self.entries.pop(next(iter(self.entries)))  # oldest first: dicts keep insertion order
        self.entries[key] = (now, answer)

    def forget(self, key: str) -> None:
        self.entries.pop(key, None)

    async def answer(
        self,
        db: Db,
        key: str,
        now: datetime,
        read: Callable[[], Awaitable[V]],
        worth_keeping: Callable[[V], bool] = lambda _: True,
    ) -> V:
        """The remembered answer, or `read()`'s. Concurrent requests asking the same key share
        one read: under load, a miss would otherwise send every request in flight to the
        database at once."""
        entry, generation = self.look(db, key, now)
        if entry is not None:
            return entry[1]
        flight = self.flights.get(key)
        if flight is not None:
            await asyncio.shield(flight)
            entry, _ = self.look(db, key, now)
            return (
                entry[1] if entry is not None else await read()
            )  # not kept (the table changed meanwhile, or nothing to keep)
        flight = asyncio.get_running_loop().create_future()
        self.flights[key] = flight
        try:
            answer = await read()
            if worth_keeping(answer):
                self.keep(db, key, answer, now, generation)
            return answer
        finally:
            del self.flights[key]
            flight.set_result(None)


@dataclass(slots=True)
class DoorCache:
    suspended_hosts: Shelf[bool] = field(
        default_factory=lambda: Shelf[bool](domain_block_store.TABLE_NAME, DOOR_TTL)
    )
    actors: Shelf[RemoteActor | None] = field(
        default_factory=lambda: Shelf[RemoteActor | None](remote_actor_store.TABLE_NAME, DOOR_TTL)
    )
    alive_domains: Shelf[bool] = field(
        default_factory=lambda: Shelf[bool](deliveries.DOMAINS_TABLE_NAME, ALIVE_TTL)
    )

    async def is_suspended_host(self, db: Db, host: str, now: datetime) -> bool:
        key = host.lower()
        return await self.suspended_hosts.answer(db, key, now, lambda: is_suspended_host(db, key))

    async def actor(self, db: Db, ap_id: str, now: datetime) -> RemoteActor | None:
        """The stored actor; unknown actors are not remembered (their first sight fetches)."""

        async def read() -> RemoteActor | None:
            return await remote_actor_store.get_by_ap_id(db, ap_id)

        return await self.actors.answer(db, ap_id, now, read, lambda actor: actor is not None)

    def forget_actor(self, ap_id: str) -> None:
        self.actors.forget(ap_id)

    async def record_domain_alive(self, db: Db, domain: str, now: datetime) -> None:
        """The domain wrote to us: clear its delivery failures and wake its parked deliveries,
        unless it is known to be alive already (the usual case, then no query at all). Not
        remembered when that cleared failures (a write): the next POST reads the cleared state."""

        async def clear() -> bool:
            if await deliveries.record_domain_alive(db, domain, now):
                await deliveries.wake_domain(db, domain, now)
            return True

        await self.alive_domains.answer(db, domain, now, clear)
