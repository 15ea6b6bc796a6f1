"""The database handle: one `databases.Database` plus what differs between SQLite and PostgreSQL.

SQLite has one writer. Two deferred transactions that both read and then write deadlock at once
("database is locked"; busy_timeout does not help a lock upgrade), so on SQLite the transactions of
one process take turns behind an asyncio lock. PostgreSQL needs no such lock.

The `databases.Database` is app/db/internals.py's: it keeps compiled statements and, on SQLite,
idle connections (`databases` opens one, a file open, a thread and a schema parse, whenever a
task needs one).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import databases
import sqlalchemy as sa
from sqlalchemy.sql import ClauseElement

from app.db.internals import Database

SQLITE_BUSY_TIMEOUT_SECONDS = 30
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
    """Column values with their SQLAlchemy types applied: read one by one, as `row[key]` applies
    them (iterating the row's mapping would give the raw asyncpg values on PostgreSQL, and type
    decorators such as `Json` would be skipped). `_mapping` is public API despite its name, on
    SQLAlchemy's rows and on `databases`' records alike."""
    return {key: row[key] for key in row._mapping.keys()}


async def connect(url: str) -> Db:
    dialect = dialect_of(url)
    if dialect == "sqlite":
        database = Database(url_for_databases(url), timeout=SQLITE_BUSY_TIMEOUT_SECONDS)
        await database.connect()
        await database.execute("PRAGMA journal_mode=WAL")
        return Db(database, dialect, asyncio.Lock())
    database = Database(url_for_databases(url))
    await database.connect()
    return Db(database, dialect)


async def disconnect(db: Db) -> None:
    await db.database.disconnect()
