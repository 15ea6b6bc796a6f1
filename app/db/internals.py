"""The one place that reaches below the public API of `databases` 0.9 and SQLAlchemy 2.1, for
the two things measured to pay for it (bench/statements.py, docs/decisions/0011):

- compiled statements kept per shape (app/db/statements.py): `databases` compiles every
  statement on every execution, and offers no hook to do otherwise, so its connections'
  `_compile` is replaced here;
- idle SQLite connections kept for the next task: `databases` opens a connection (a file open, a
  thread and a schema parse) whenever a task needs one, so its SQLite backend's pool is wrapped.

What this module relies on is pinned by tests/unit/app/db/test_internals.py, and pyproject.toml
pins both libraries to the minor versions those tests were written against; an upgrade that moves
an internal fails there first.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from typing import Any, cast

import aiosqlite
import databases
from databases.backends.postgres import PostgresBackend, PostgresConnection
from databases.backends.postgres import logger as postgres_logger
from databases.backends.sqlite import (
    CompilationContext,
    SQLiteBackend,
    SQLiteConnection,
    SQLitePool,
)
from databases.backends.sqlite import logger as sqlite_logger
from databases.core import LOG_EXTRA
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.cache_key import CacheKey
from sqlalchemy.sql.ddl import DDLElement

from app.db.statements import Prepared, StatementCache

log = logging.getLogger("treehole.db")

SQLITE_IDLE_CONNECTIONS = 64  # about the concurrency a process serves; each is a thread + handle


def cache_key(query: ClauseElement) -> CacheKey | None:
    """SQLAlchemy's structural key of `query` (what its own engine caches compiled SQL by), or
    None for a statement it cannot key or that must not be cached (DDL)."""
    if isinstance(query, DDLElement):
        return None
    return query._generate_cache_key()


def result_columns(prepared: Prepared) -> Any:
    """The compiled statement's result columns, which `databases` turns rows into records by."""
    return prepared.compiled._result_columns


def _log_query(logger: logging.Logger, sql: str, args: list[Any]) -> None:
    """The debug line `databases` writes for every query, written for cached ones too (the
    anonymity tests read it to check what reaches the database)."""
    if logger.isEnabledFor(logging.DEBUG):
        message = sql.replace(" \n", " ").replace("\n", " ")
        logger.debug("Query: %s Args: %s", message, repr(tuple(args)), extra=LOG_EXTRA)


class _CachingPostgresConnection(PostgresConnection):
    def __init__(self, database: PostgresBackend, dialect: Dialect, cache: StatementCache):
        super().__init__(database, dialect)
        self._statements = cache

    def _compile(self, query: ClauseElement) -> tuple[str, list[Any], Any]:
        found = self._statements.lookup(query, cache_key(query), self._dialect, positional=False)
        if found is None:
            return super()._compile(query)
        prepared, values = found
        args = prepared.arguments(values)
        _log_query(postgres_logger, prepared.sql, args)
        return prepared.sql, args, result_columns(prepared)


class CachingPostgresBackend(PostgresBackend):
    """`databases`' PostgreSQL backend whose connections share one `StatementCache`."""

    def __init__(self, *args: Any, **options: Any) -> None:
        super().__init__(*args, **options)
        self.statements = StatementCache()

    def connection(self) -> PostgresConnection:
        return _CachingPostgresConnection(self, self._dialect, self.statements)


class _CachingSQLiteConnection(SQLiteConnection):
    def __init__(self, pool: Any, dialect: Dialect, cache: StatementCache):
        super().__init__(pool, dialect)
        self._statements = cache

    def _compile(self, query: ClauseElement) -> Any:
        found = self._statements.lookup(query, cache_key(query), self._dialect, positional=True)
        if found is None:
            return super()._compile(query)
        prepared, values = found
        compiled = prepared.compiled
        context = cast(DefaultExecutionContext, self._dialect.execution_ctx_cls())
        context.dialect = self._dialect
        # The same fields `databases` copies from a fresh compile.
        context.result_column_struct = (
            compiled._result_columns,
            compiled._ordered_columns,
            compiled._textual_ordered_columns,
            compiled._ad_hoc_textual,
            compiled._loose_column_name_matching,
        )
        args = prepared.arguments(values)
        _log_query(sqlite_logger, prepared.sql, args)
        return prepared.sql, args, result_columns(prepared), CompilationContext(context)


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


class CachingSQLiteBackend(SQLiteBackend):
    """`databases`' SQLite backend whose connections share one `StatementCache` and come from a
    pool that keeps idle ones."""

    def __init__(self, *args: Any, **options: Any) -> None:
        super().__init__(*args, **options)
        self.statements = StatementCache()
        self._pool = _ReusedSqliteConnections(self._pool, SQLITE_IDLE_CONNECTIONS)

    def connection(self) -> SQLiteConnection:
        return _CachingSQLiteConnection(self._pool, self._dialect, self.statements)

    async def disconnect(self) -> None:
        await super().disconnect()
        pool = self._pool
        assert isinstance(pool, _ReusedSqliteConnections)
        await pool.close()


class Database(databases.Database):
    """`databases.Database` on the backends above (chosen by URL scheme, as `databases` does)."""

    SUPPORTED_BACKENDS = {
        "sqlite": f"{__name__}:CachingSQLiteBackend",
        "postgresql": f"{__name__}:CachingPostgresBackend",
        "postgres": f"{__name__}:CachingPostgresBackend",
    }


def holds_task_connection(database: databases.Database, task: asyncio.Task[Any]) -> bool:
    """Whether `databases` still binds a connection to `task` (it has no public view of this)."""
    return task in database._connection_map


async def discard_task_connection(database: databases.Database, task: asyncio.Task[Any]) -> bool:
    """Forget the connection `databases` failed to release for `task` and hand its driver
    connection back to the pool, which closes what is broken (asyncpg reconnects its slot on the
    next acquire; the SQLite pool keeps only healthy idle connections). True if one was found."""
    stale = database._connection_map.pop(task, None)
    backend = getattr(stale, "_connection", None)
    raw = getattr(backend, "_connection", None)
    if backend is None or raw is None:
        return False
    backend._connection = None
    owner = getattr(backend, "_database", None)  # PostgreSQL: the backend holds the pool
    pool = owner._pool if owner is not None else getattr(backend, "_pool", None)
    if pool is not None:
        try:
            await pool.release(raw)
        except Exception:  # a broken connection may fail to close too; it is dropped anyway
            log.debug("releasing a broken connection failed", exc_info=True)
    return True
