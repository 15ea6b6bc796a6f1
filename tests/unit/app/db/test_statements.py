"""The compiled-statement cache gives the driver exactly what a fresh compile would, for every
execution of a shape, and leaves value-dependent SQL (IN lists) to a fresh compile. (What it takes
of `databases`' internals is pinned in test_internals.py.)"""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

import pytest
import sqlalchemy as sa
from databases.backends.postgres import PostgresBackend
from databases.backends.sqlite import SQLiteBackend
from sqlalchemy.dialects import postgresql, sqlite

from app.db.engine import Db
from app.db.internals import CachingPostgresBackend, CachingSQLiteBackend, cache_key
from app.db.statements import StatementCache
from app.db.tables import content_fingerprints, counters, deliveries, notes, rate_counts
from app.store.deliveries import delivery_ids_in


def _statements(is_postgres: bool, n: int) -> list[sa.ClauseElement]:
    dialect_insert = postgresql.insert if is_postgres else sqlite.insert
    moment = datetime(2026, 1, 1, 12, n, tzinfo=UTC)
    return [
        sa.select(notes).where(notes.c.id == f"note{n}", notes.c.created_at >= moment).limit(n + 1),
        sa.select(notes.c.id).where(notes.c.id.in_([f"a{i}" for i in range(n + 1)])),
        content_fingerprints.insert().values(fingerprint=f"{n:016x}", created_at=moment),
        counters.update()
        .where(counters.c.name == f"c{n}", counters.c.day == "2026-01-01")
        .values(count=counters.c.count + n),
        dialect_insert(rate_counts)
        .values(scope="post", key_hash=f"h{n}", window_start=moment, count=1)
        .on_conflict_do_update(
            index_elements=[
                rate_counts.c.scope,
                rate_counts.c.key_hash,
                rate_counts.c.window_start,
            ],
            set_={"count": rate_counts.c.count + 1},
        )
        .returning(rate_counts.c.count),
    ]


def _backends(is_postgres: bool) -> tuple[Any, Any]:
    if is_postgres:
        url = "postgresql://u@127.0.0.1/x"
        return PostgresBackend(url).connection(), CachingPostgresBackend(url).connection()
    url = "sqlite:///unused.db"
    return SQLiteBackend(url).connection(), CachingSQLiteBackend(url).connection()


@pytest.mark.parametrize("is_postgres", [False, True], ids=["sqlite", "postgresql"])
def test_cached_compile_matches_fresh_compile(is_postgres: bool) -> None:
    plain, cached = _backends(is_postgres)
    for n in range(4):  # the first round fills the cache, later rounds read it
        for fresh_query, cached_query in zip(
            _statements(is_postgres, n), _statements(is_postgres, n), strict=True
        ):
            fresh, ours = plain._compile(fresh_query), cached._compile(cached_query)
            assert ours[0] == fresh[0]
            assert list(ours[1]) == list(fresh[1])
            assert ours[2] == fresh[2]


def test_value_dependent_sql_is_compiled_each_time() -> None:
    cache = StatementCache()
    dialect = sqlite.pysqlite.dialect(paramstyle="qmark")

    def lookup(query: sa.ClauseElement) -> object:
        return cache.lookup(query, cache_key(query), dialect, positional=True)

    for size in (1, 3):
        assert lookup(sa.select(notes.c.id).where(notes.c.id.in_(["x"] * size))) is None
    found = [lookup(sqlite.insert(counters).values(name=n, day="d", count=0)) for n in "ab"]
    assert all(entry is not None for entry in found)
    # Two shapes remembered: the IN lists' as "compile each time", the insert compiled once.
    assert len(cache) == 2


@pytest.mark.parametrize("is_postgres", [False, True], ids=["sqlite", "postgresql"])
def test_settling_many_deliveries_is_one_cached_shape_whatever_the_count(is_postgres: bool) -> None:
    """The batched success path binds its ids as one value, so every group size reuses one
    compiled statement (an expanding IN list would compile anew per group)."""
    plain, cached = _backends(is_postgres)
    backend_cache = cached._statements
    dialect = cached._dialect
    db = cast(Db, SimpleNamespace(is_postgres=is_postgres))
    for ids in ([7], [1, 2, 3], list(range(100))):
        statement = deliveries.update().where(delivery_ids_in(db, ids)).values(locked_by=None)
        ours, fresh = cached._compile(statement), plain._compile(statement)
        assert ours[0] == fresh[0] and list(ours[1]) == list(fresh[1])
        assert backend_cache.lookup(statement, cache_key(statement), dialect, not is_postgres)
    assert len(backend_cache) == 1
