"""The database handle: one `databases.Database` plus what differs between SQLite and PostgreSQL.

SQLite has one writer. Two deferred transactions that both read and then write deadlock at once
("database is locked"; busy_timeout does not help a lock upgrade), so on SQLite the transactions of
one process take turns behind an asyncio lock. PostgreSQL needs no such lock.

`databases` opens a new SQLite connection (a file open, a thread and a schema parse) every time a
task needs one; `_ReusedSqliteConnections` keeps a few idle ones instead, as a pool would.

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
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import aiosqlite
import databases
import sqlalchemy as sa
from databases.backends.sqlite import SQLiteBackend, SQLitePool
from sqlalchemy.sql import ClauseElement

from app.core.errors import DatabaseUnavailable
from app.db.outages import describe, is_unavailable
from app.db.statements import CachingPostgresBackend, CachingSQLiteBackend

log = logging.getLogger("treehole.db")
T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_SECONDS = 30
SQLITE_IDLE_CONNECTIONS = 64  # about the concurrency a process serves; each is a thread + handle
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
                if task in self.database._connection_map:  # noqa: SLF001 (no public view)
                    await self._discard_connection(task)

    async def _discard_connection(self, task: asyncio.Task[Any]) -> None:
        """Forget the connection `databases` failed to release for `task` and hand its driver
        connection back to the pool, which closes what is broken (asyncpg reconnects its slot
        on the next acquire; the SQLite pool keeps only healthy idle connections)."""
        stale = self.database._connection_map.pop(task, None)  # noqa: SLF001 (no public API)
        backend = getattr(stale, "_connection", None)
        raw = getattr(backend, "_connection", None)
        if backend is None or raw is None:
            return
        backend._connection = None  # noqa: SLF001
        log.warning("a unit of work left its database connection broken: discarded")
        pool = backend._database._pool if self.is_postgres else backend._pool  # noqa: SLF001
        if pool is None:
            return
        try:
            await pool.release(raw)
        except Exception:  # a broken connection may fail to close too; it is dropped anyway
            log.debug("releasing a broken connection failed", exc_info=True)

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


class _ReusedSqliteConnections(SQLitePool):
    """`databases`' SQLite "pool" with idle connections kept for the next task. A connection
    still inside a transaction (a rollback that never ran) is closed, never handed out again."""

    def __init__(self, pool: SQLitePool, keep: int) -> None:
        self.__dict__.update(pool.__dict__)
        self._keep = keep
        self._idle: list[aiosqlite.Connection] = []

    async def acquire(self) -> aiosqlite.Connection:
        while self._idle:
            connection = self._idle.pop()
            if _is_reusable(connection):
                return connection
        return await super().acquire()

    async def release(self, connection: aiosqlite.Connection) -> None:
        if not _is_reusable(connection) or len(self._idle) >= self._keep:
            try:
                await super().release(connection)
            except (ValueError, sqlite3.Error):  # closed under us, or the file went away
                log.debug("closing a SQLite connection failed", exc_info=True)
        else:
            self._idle.append(connection)

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            await super().release(connection)


def _is_reusable(connection: aiosqlite.Connection) -> bool:
    """Open, and not left inside a transaction (a rollback that never ran)."""
    try:
        return not connection.in_transaction
    except ValueError:  # "no active connection": closed
        return False


def _sqlite_pool(database: databases.Database) -> _ReusedSqliteConnections:
    backend = database._backend  # noqa: SLF001 (databases has no hook for the SQLite pool)
    assert isinstance(backend, SQLiteBackend)
    if not isinstance(backend._pool, _ReusedSqliteConnections):  # noqa: SLF001
        backend._pool = _ReusedSqliteConnections(backend._pool, SQLITE_IDLE_CONNECTIONS)  # noqa: SLF001
    return backend._pool  # noqa: SLF001


def _with_statement_cache(database: databases.Database) -> databases.Database:
    """The same backend, with compiled statements kept (app/db/statements.py)."""
    backend = (
        CachingSQLiteBackend
        if dialect_of(str(database.url)) == "sqlite"
        else CachingPostgresBackend
    )
    database._backend = backend(database.url, **database.options)  # noqa: SLF001 (no hook)
    return database


async def connect(url: str) -> Db:
    dialect = dialect_of(url)
    if dialect == "sqlite":
        database = _with_statement_cache(
            databases.Database(url_for_databases(url), timeout=SQLITE_BUSY_TIMEOUT_SECONDS)
        )
        _sqlite_pool(database)
        await database.connect()
        await database.execute("PRAGMA journal_mode=WAL")
        return Db(database, dialect, asyncio.Lock())
    database = _with_statement_cache(
        databases.Database(url_for_databases(url), timeout=POSTGRES_CONNECT_TIMEOUT_SECONDS)
    )
    await database.connect()
    return Db(database, dialect)


async def disconnect(db: Db) -> None:
    await db.database.disconnect()
    if not db.is_postgres:
        await _sqlite_pool(db.database).close()
