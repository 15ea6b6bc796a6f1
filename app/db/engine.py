"""The database handle: one `databases.Database` plus what differs between SQLite and PostgreSQL.

SQLite has one writer. Two deferred transactions that both read and then write deadlock at once
("database is locked"; busy_timeout does not help a lock upgrade), so on SQLite the transactions of
one process take turns behind an asyncio lock. PostgreSQL needs no such lock.

The `databases.Database` is app/db/internals.py's: it keeps compiled statements and, on SQLite,
idle connections (`databases` opens one, a file open, a thread and a schema parse, whenever a
task needs one).

`databases` binds a connection to the task that uses it, and when the connection breaks under a
transaction (PostgreSQL restarted, a proxy dropped it, a SQLite handle closed), the failed
rollback leaves that task bound to the dead connection for good: a request handler (a task of
its own) never notices, but a long-lived task (the inbox writer, the worker) would fail every
query until the process restarts. So each outermost unit of work (a transaction, a held
connection, a single query) checks on its way out that `databases` let go of the task's
connection, and discards it if not: the task's next unit starts on a fresh one.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import databases
import sqlalchemy as sa
from sqlalchemy.sql import ClauseElement

from app.core.errors import DatabaseUnavailable
from app.db.internals import Database, discard_task_connection, holds_task_connection
from app.db.outages import describe, is_unavailable

log = logging.getLogger("treehole.db")
T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_SECONDS = 30
# 20 serves 50 concurrent requests without queueing on the pool; four processes (web + worker,
# two of each) stay well within PostgreSQL's default max_connections of 100.
POSTGRES_POOL_OPTIONS = {"min_size": "1", "max_size": "20"}
# How long opening a PostgreSQL connection may take (asyncpg's default is a minute): while the
# server is unreachable, work fails in seconds and is retried, instead of hanging.
POSTGRES_CONNECT_TIMEOUT_SECONDS = 10


def dialect_of(url: str) -> str:
    scheme = url.split("://", 1)[0].split("+", 1)[0]
    return "postgresql" if scheme in ("postgresql", "postgres") else "sqlite"


def url_for_databases(url: str) -> str:
    """The URL `databases` understands: plain scheme; a small PostgreSQL pool unless one is set
    (asyncpg's default of 10 connections per process exhausts the server quickly)."""
    parts = urlsplit(url)
    if dialect_of(url) == "sqlite":
        return f"sqlite://{parts.netloc}{parts.path}"
    options = dict(parse_qsl(parts.query))
    merged = {**POSTGRES_POOL_OPTIONS, **options}
    return urlunsplit(("postgresql", parts.netloc, parts.path, urlencode(merged), ""))


def url_for_sqlalchemy(url: str) -> str:
    """The URL alembic's async engine understands: explicit async driver, no pool options."""
    parts = urlsplit(url)
    if dialect_of(url) == "sqlite":
        return f"sqlite+aiosqlite://{parts.netloc}{parts.path}"
    options = {k: v for k, v in parse_qsl(parts.query) if k not in ("min_size", "max_size")}
    return urlunsplit(("postgresql+asyncpg", parts.netloc, parts.path, urlencode(options), ""))


@dataclass(slots=True)
class Db:
    """Queries go through here; `transaction()` is the only way to group writes."""

    database: databases.Database
    dialect: str
    _write_turn: asyncio.Lock | None = field(default=None)
    _turn_holder: asyncio.Task[Any] | None = field(default=None)
    # Writes made through this handle, per table: in-process caches (app/fedi/door_cache.py)
    # drop what they remember of a table as soon as this process changes it.
    writes: Counter[str] = field(default_factory=Counter)
    # How deep each task is in units of work (transactions, held connections, single queries).
    _depth: dict[asyncio.Task[Any], int] = field(default_factory=dict)

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """On SQLite, wait for this process's write turn (re-entrant within one task)."""
        task = asyncio.current_task()
        if self._write_turn is None or self._turn_holder is task:
            yield
            return
        async with self._write_turn:
            self._turn_holder = task
            try:
                yield
            finally:
                self._turn_holder = None

    @asynccontextmanager
    async def _unit(self) -> AsyncIterator[None]:
        """A unit of work. Driver errors that mean the database is not answering leave it as
        `DatabaseUnavailable`; the outermost unit of a task makes sure no dead connection stays
        bound to the task after it (see the module docstring)."""
        task = asyncio.current_task()
        assert task is not None
        depth = self._depth.get(task, 0)
        self._depth[task] = depth + 1
        try:
            yield
        except DatabaseUnavailable:
            raise
        except Exception as error:
            if is_unavailable(error):
                raise DatabaseUnavailable(describe(error)) from error
            raise
        finally:
            if depth:
                self._depth[task] = depth
            else:
                del self._depth[task]
                if holds_task_connection(self.database, task) and await discard_task_connection(
                    self.database, task
                ):
                    log.warning("a unit of work left its database connection broken: discarded")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        # Nested in a transaction of the same task, this is a savepoint.
        async with self._unit(), self._turn():
            transaction = self.database.transaction()
            await _connecting(transaction.start())
            try:
                yield
            except BaseException:
                await _connecting(transaction.rollback())
                raise
            await _connecting(transaction.commit())

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[None]:
        """Hold one connection for a unit of work (SQLite otherwise opens one per query)."""
        async with self._unit():
            connection = self.database.connection()
            await _connecting(connection.__aenter__())
            try:
                yield
            finally:
                await _connecting(connection.__aexit__())

    @asynccontextmanager
    async def _writing(self, query: ClauseElement) -> AsyncIterator[None]:
        """Single writes take the turn too: a loose write landing while another connection's
        transaction holds the write lock fails at once on SQLite ("database is locked")."""
        if isinstance(query, sa.Select):
            async with self._unit():
                yield
            return
        async with self._unit(), self._turn():
            yield
        table = getattr(query, "table", None)
        if isinstance(table, sa.Table):
            self.writes[table.name] += 1

    async def fetch_one(self, query: ClauseElement) -> Mapping[str, Any] | None:
        async with self._writing(query):
            row = await _connecting(self.database.fetch_one(query))
        return None if row is None else _typed(row)

    async def fetch_all(self, query: ClauseElement) -> Sequence[Mapping[str, Any]]:
        async with self._writing(query):
            rows = await _connecting(self.database.fetch_all(query))
        return [_typed(row) for row in rows]

    async def fetch_val(self, query: ClauseElement) -> Any:
        async with self._writing(query):
            return await _connecting(self.database.fetch_val(query))

    async def execute(self, query: ClauseElement) -> None:
        async with self._writing(query):
            await _connecting(self.database.execute(query))

    async def execute_many(self, query: ClauseElement, values: list[dict[str, Any]]) -> None:
        if values:
            async with self._writing(query):
                await _connecting(self.database.execute_many(query, values))


async def _connecting(step: Awaitable[T]) -> T:
    """Await a step that opens, uses, holds or releases a connection: there an OS-level error
    (refused, reset, a connect timeout) can only mean the database is not answering."""
    try:
        return await step
    except Exception as error:
        if is_unavailable(error, connecting=True):
            raise DatabaseUnavailable(describe(error)) from error
        raise


def _typed(row: Any) -> dict[str, Any]:
    """Column values with their SQLAlchemy types applied. (`Record._mapping` on PostgreSQL is the
    raw asyncpg record: type decorators such as `Json` would be skipped.)"""
    return {key: row[key] for key in row._mapping.keys()}


async def connect(url: str) -> Db:
    dialect = dialect_of(url)
    if dialect == "sqlite":
        database = Database(url_for_databases(url), timeout=SQLITE_BUSY_TIMEOUT_SECONDS)
        await database.connect()
        await database.execute("PRAGMA journal_mode=WAL")
        return Db(database, dialect, asyncio.Lock())
    database = Database(url_for_databases(url), timeout=POSTGRES_CONNECT_TIMEOUT_SECONDS)
    await database.connect()
    return Db(database, dialect)


async def disconnect(db: Db) -> None:
    await db.database.disconnect()
