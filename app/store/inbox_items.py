"""Verified incoming activities: stored before the 202, applied by the worker, once per id."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from app.core.states import INBOX_ITEM_STATES, PENDING
from app.db.engine import Db
from app.db.statements import bind_processors
from app.db.tables import inbox_items
from app.store.leased_queue import claim_rows
from app.store.transitions import may_become

LEASE_SECONDS = 300


@dataclass(frozen=True, slots=True)
class InboxItem:
    id: int
    ap_id: str
    type: str
    actor_uri: str
    payload: str
    attempts: int


@dataclass(frozen=True, slots=True)
class NewItem:
    """A verified activity on its way into the queue."""

    ap_id: str
    type: str
    actor_uri: str
    payload: str
    received_at: datetime


@dataclass(frozen=True, slots=True)
class _PreparedInsert:
    """The insert-or-ignore of one item, compiled once per dialect. `databases` compiles every
    statement on every call (0.1-0.2 ms each), which is most of the cost of storing an item."""

    sql: str
    names: tuple[str, ...]
    processors: Mapping[str, Callable[[Any], Any]]

    def args(self, item: NewItem) -> tuple[Any, ...]:
        values = {
            "ap_id": item.ap_id,
            "type": item.type,
            "actor_uri": item.actor_uri,
            "payload": item.payload,
            "state": PENDING,
            "attempts": 0,
            "run_after": item.received_at,
            "received_at": item.received_at,
        }
        return tuple(
            self.processors[name](values[name]) if name in self.processors else values[name]
            for name in self.names
        )


def _prepare(insert: Callable[[Any], Any], dialect: Dialect) -> _PreparedInsert:
    columns = ["ap_id", "type", "actor_uri", "payload", "state", "attempts"]
    columns += ["run_after", "received_at"]
    compiled = (
        insert(inbox_items)
        .on_conflict_do_nothing()
        .compile(dialect=dialect, column_keys=columns, for_executemany=True)
    )
    assert compiled.positiontup is not None
    return _PreparedInsert(compiled.string, tuple(compiled.positiontup), bind_processors(compiled))


# The same dialects `databases` uses: qmark for sqlite3, numbered ($1) for asyncpg.
_INSERT_SQLITE = _prepare(sqlite.insert, sqlite.pysqlite.dialect(paramstyle="qmark"))
# (asyncpg's dialect class has an untyped constructor.)
_new_asyncpg_dialect = cast(Callable[[], Dialect], postgresql.asyncpg.dialect)
_INSERT_POSTGRES = _prepare(postgresql.insert, _new_asyncpg_dialect())


async def insert_items(db: Db, items: Sequence[NewItem]) -> None:
    """Store verified activities in one transaction; ids already received are skipped.

    One prepared statement run for every item (executemany on the driver's connection): one
    round trip, or one hop to SQLite's thread, however many items there are."""
    if not items:
        return
    prepared = _INSERT_POSTGRES if db.is_postgres else _INSERT_SQLITE
    rows = [prepared.args(item) for item in items]
    async with db.transaction():
        raw = db.database.connection().raw_connection
        if db.is_postgres:
            await raw.executemany(prepared.sql, rows)
        else:
            cursor = await raw.executemany(prepared.sql, rows)
            await cursor.close()


async def claim_due(db: Db, worker: str, now: datetime, limit: int) -> Sequence[InboxItem]:
    rows = await claim_rows(
        db,
        inbox_items,
        worker,
        now,
        limit,
        LEASE_SECONDS,
        returning=(
            inbox_items.c.id,
            inbox_items.c.ap_id,
            inbox_items.c.type,
            inbox_items.c.actor_uri,
            inbox_items.c.payload,
            inbox_items.c.attempts,
        ),
        order_by=(inbox_items.c.id,),
    )
    return sorted((InboxItem(**dict(row)) for row in rows), key=lambda item: item.id)


async def finish_item(
    db: Db,
    item_id: int,
    worker: str,
    state: str,
    now: datetime,
    error: str | None = None,
    attempts: int = 0,
    run_after: datetime | None = None,
) -> None:
    """Settle an item. A finished item keeps no payload: only its id, type and outcome."""
    values: dict[str, object] = {
        "state": state,
        "locked_by": None,
        "locked_until": None,
        "last_error": (error or "")[:500] or None,
        "attempts": attempts,
    }
    if state != PENDING:
        values["finished_at"] = now
        values["payload"] = ""
    if run_after is not None:
        values["run_after"] = run_after
    await db.execute(
        inbox_items.update()
        .where(
            inbox_items.c.id == item_id,
            inbox_items.c.locked_by == worker,
            may_become(inbox_items.c.state, INBOX_ITEM_STATES, state),
        )
        .values(values)
    )


async def has_item(db: Db, ap_id: str) -> bool:
    found = await db.fetch_val(sa.select(inbox_items.c.id).where(inbox_items.c.ap_id == ap_id))
    return found is not None


async def forget_sender(db: Db, ap_id: str, replacement_id: str) -> bool:
    """Replace an item's activity id by `replacement_id` (a keyed digest, so a replay is still
    recognised) and drop its actor and payload: nothing of the item names its sender any more.
    When another item holds that digest already (this one is a replay), this one is deleted."""
    if await has_item(db, replacement_id):
        await db.execute(inbox_items.delete().where(inbox_items.c.ap_id == ap_id))
        return False
    await db.execute(
        inbox_items.update()
        .where(inbox_items.c.ap_id == ap_id)
        .values(ap_id=replacement_id, actor_uri=replacement_id, payload="")
    )
    return True
