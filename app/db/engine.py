"""The database handle: one `databases.Database` plus what differs between SQLite and PostgreSQL.

SQLite has one writer. Two deferred transactions that both read and then write deadlock at once
("database is locked"; busy_timeout does not help a lock upgrade), so on SQLite the transactions of
one process take turns behind an asyncio lock. PostgreSQL needs no such lock.

`databases` opens a new SQLite connection (a file open, a thread and a schema parse) every time a
task needs one; `_ReusedSqliteConnections` keeps a few idle ones instead, as a pool would.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import aiosqlite
import databases
import sqlalchemy as sa
from databases.backends.sqlite import SQLiteBackend, SQLitePool
from sqlalchemy.sql import ClauseElement

from app.db.statements import CachingPostgresBackend, CachingSQLiteBackend

SQLITE_BUSY_TIMEOUT_SECONDS = 30
SQLITE_IDLE_CONNECTIONS = 64  # about the concurrency a process serves; each is a thread + handle
# 20 serves 50 concurrent requests without queueing on the pool; four processes (web + worker,
# two of each) stay well within PostgreSQL's default max_connections of 100.
POSTGRES_POOL_OPTIONS = {"min_size": "1", "max_size": "20"}


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
    async def transaction(self) -> AsyncIterator[None]:
        # Nested in a transaction of the same task, this is a savepoint.
        async with self._turn(), self.database.transaction():
            yield

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[None]:
        """Hold one connection for a unit of work (SQLite otherwise opens one per query)."""
        async with self.database.connection():
            yield

    @asynccontextmanager
    async def _writing(self, query: ClauseElement) -> AsyncIterator[None]:
        """Single writes take the turn too: a loose write landing while another connection's
        transaction holds the write lock fails at once on SQLite ("database is locked")."""
        if isinstance(query, sa.Select):
            yield
            return
        async with self._turn():
            yield
        table = getattr(query, "table", None)
        if isinstance(table, sa.Table):
            self.writes[table.name] += 1

    async def fetch_one(self, query: ClauseElement) -> Mapping[str, Any] | None:
        async with self._writing(query):
            row = await self.database.fetch_one(query)
        return None if row is None else _typed(row)

    async def fetch_all(self, query: ClauseElement) -> Sequence[Mapping[str, Any]]:
        async with self._writing(query):
            rows = await self.database.fetch_all(query)
        return [_typed(row) for row in rows]

    async def fetch_val(self, query: ClauseElement) -> Any:
        async with self._writing(query):
            return await self.database.fetch_val(query)

    async def execute(self, query: ClauseElement) -> None:
        async with self._writing(query):
            await self.database.execute(query)

    async def execute_many(self, query: ClauseElement, values: list[dict[str, Any]]) -> None:
        if values:
            async with self._writing(query):
                await self.database.execute_many(query, values)


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
        if self._idle:
            return self._idle.pop()
        return await super().acquire()

    async def release(self, connection: aiosqlite.Connection) -> None:
        if connection.in_transaction or len(self._idle) >= self._keep:
            await super().release(connection)
        else:
            self._idle.append(connection)

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            await super().release(connection)


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
    database = _with_statement_cache(databases.Database(url_for_databases(url)))
    await database.connect()
    return Db(database, dialect)


async def disconnect(db: Db) -> None:
    await db.database.disconnect()
    if not db.is_postgres:
        await _sqlite_pool(db.database).close()
