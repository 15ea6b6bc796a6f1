"""What app/db/internals.py takes from below the public API of `databases` and SQLAlchemy, pinned:
if an upgrade moves one of these internals, a test here fails before anything else does."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import databases
import pytest
import sqlalchemy as sa
from databases.backends.postgres import PostgresBackend
from databases.backends.sqlite import SQLiteBackend
from sqlalchemy.dialects import postgresql, sqlite

from app.db.internals import (
    CachingPostgresBackend,
    CachingSQLiteBackend,
    Database,
    _ReusedSqliteConnections,
    cache_key,
)
from app.db.statements import bind_processors
from app.db.tables import content_fingerprints, deliveries, inbox_items, notes

pytestmark = pytest.mark.anyio

MOMENT = datetime(2026, 1, 1, 12, tzinfo=UTC)
DIALECTS = {
    "sqlite": sqlite.pysqlite.dialect(paramstyle="qmark"),
    "postgresql": postgresql.asyncpg.dialect(),
}


def test_the_versions_the_internals_were_checked_against() -> None:
    """A new minor version may move what internals.py uses: check it (the tests below), then
    widen these and pyproject.toml's pins together."""
    assert databases.__version__.startswith("0.9.")
    assert sa.__version__.startswith("2.1.")


def _statements() -> list[sa.ClauseElement]:
    return [
        sa.select(notes).where(notes.c.id == "n", notes.c.created_at >= MOMENT),
        content_fingerprints.insert().values(fingerprint="00ff", created_at=MOMENT),
        deliveries.update().where(deliveries.c.id == 3).values(run_after=MOMENT, locked_by=None),
        postgresql.insert(inbox_items).on_conflict_do_nothing(),
    ]


@pytest.mark.parametrize("name", DIALECTS)
def test_bind_processors_match_sqlalchemys_own(name: str) -> None:
    """The public-API reading of the parameters' conversions equals the compiler's private map
    (what `databases` itself applies)."""
    dialect = DIALECTS[name]
    for statement in _statements():
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, sa.sql.compiler.SQLCompiler)
        ours = bind_processors(compiled)
        theirs = compiled._bind_processors
        assert set(ours) == set(theirs)
        for key in ours:
            assert ours[key](MOMENT) == theirs[key](MOMENT)


def test_cache_key_leaves_out_values_and_ddl() -> None:
    one, other = (sa.select(notes).where(notes.c.id == value) for value in ("a", "b"))
    key_one, key_other = cache_key(one), cache_key(other)
    assert key_one is not None and key_other is not None
    assert key_one.key == key_other.key
    assert [bind.value for bind in key_other.bindparams] == ["b"]
    assert cache_key(sa.schema.CreateTable(notes)) is None


def test_database_chooses_our_backends_by_scheme() -> None:
    assert isinstance(Database("sqlite:///unused.db")._backend, CachingSQLiteBackend)
    postgres = Database("postgresql://u@127.0.0.1/x")._backend
    assert isinstance(postgres, CachingPostgresBackend)


def test_compile_hooks_are_still_there_with_their_shape() -> None:
    """`databases` still compiles through `_compile` on its connections, returning what the
    cached path returns instead: (sql, args, result columns[, context]) on SQLite/PostgreSQL."""
    query = sa.select(notes.c.id).where(notes.c.id == "x")
    sqlite_answer = SQLiteBackend("sqlite:///unused.db").connection()._compile(query)
    postgres_backend = PostgresBackend("postgresql://u@127.0.0.1/x")
    postgres_answer = postgres_backend.connection()._compile(query)
    assert len(sqlite_answer) == 4 and len(postgres_answer) == 3
    compiled = query.compile(dialect=DIALECTS["sqlite"])
    assert sqlite_answer[2] == compiled._result_columns
    for name in (
        "_result_columns",
        "_ordered_columns",
        "_textual_ordered_columns",
        "_ad_hoc_textual",
        "_loose_column_name_matching",
    ):
        assert hasattr(compiled, name), name
    assert isinstance(
        SQLiteBackend("sqlite:///unused.db")._pool, databases.backends.sqlite.SQLitePool
    )
    assert postgres_backend._dialect.name == "postgresql"


def test_cached_queries_are_logged_as_databases_logs_them(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The anonymity tests read these lines to see what reaches the database."""
    query = sa.select(notes.c.id).where(notes.c.id == "logged-id")
    connection = CachingSQLiteBackend("sqlite:///unused.db").connection()
    with caplog.at_level(logging.DEBUG, logger="databases"):
        for _ in range(2):  # fills the cache, then reads it
            connection._compile(query)
    lines = [r.getMessage() for r in caplog.records if r.name == "databases"]
    assert len(lines) == 2 and all("'logged-id'" in line for line in lines)


async def test_idle_sqlite_connections_are_reused(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'reuse.db'}")
    await database.connect()
    pool: Any = database._backend._pool
    assert isinstance(pool, _ReusedSqliteConnections)
    first = await pool.acquire()
    await pool.release(first)
    assert await pool.acquire() is first
    await first.execute("BEGIN")
    await pool.release(first)  # still in a transaction: closed, not kept
    second = await pool.acquire()
    assert second is not first
    await pool.release(second)
    await database.disconnect()
    assert pool._idle == []
