"""Storage: timestamps are timezone-aware UTC on both engines, and the migrations build the whole
schema on an empty database of either engine."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import asyncpg
import pytest
import sqlalchemy as sa

from app.db.engine import Db, connect, disconnect
from app.db.migrate import upgrade_to_head
from app.db.tables import key_pool, metadata
from tests.support.databases import postgres_url

pytestmark = pytest.mark.anyio

INDIA = timezone(timedelta(hours=5, minutes=30))


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Db]:
    handle = await connect(database_url)
    try:
        yield handle
    finally:
        await disconnect(handle)


async def test_timestamps_read_back_as_aware_utc(db: Db) -> None:
    written = datetime(2026, 3, 1, 17, 30, 15, 123456, tzinfo=INDIA)
    await db.execute(
        key_pool.insert().values(private_key_pem="p", public_key_pem="q", created_at=written)
    )
    row = await db.fetch_one(sa.select(key_pool.c.created_at))
    assert row is not None
    read = row["created_at"]
    assert read == written
    assert read.utcoffset() == timedelta(0) and read.tzinfo == UTC
    assert read == datetime(2026, 3, 1, 12, 0, 15, 123456, tzinfo=UTC)


async def test_timestamps_compare_as_instants(db: Db) -> None:
    """A query bound with a non-UTC time finds rows by instant, not by wall-clock text."""
    written = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    await db.execute(
        key_pool.insert().values(private_key_pem="p", public_key_pem="q", created_at=written)
    )
    later_in_india = datetime(2026, 3, 1, 17, 31, tzinfo=INDIA)  # 12:01 UTC
    found = await db.fetch_val(
        sa.select(sa.func.count())
        .select_from(key_pool)
        .where(key_pool.c.created_at < later_in_india)
    )
    assert found == 1


async def test_naive_timestamps_are_refused(db: Db) -> None:
    with pytest.raises((ValueError, sa.exc.StatementError), match="naive"):
        await db.execute(
            key_pool.insert().values(
                private_key_pem="p", public_key_pem="q", created_at=datetime(2026, 3, 1, 12, 0)
            )
        )
    assert await db.fetch_val(sa.select(sa.func.count()).select_from(key_pool)) == 0


async def _pg_admin(sql: str) -> None:
    url = postgres_url()
    assert url is not None
    connection = await asyncpg.connect(url.split("?", 1)[0])
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def _tables_and_head(url: str) -> tuple[set[str], str]:
    db = await connect(url)
    try:
        if db.is_postgres:
            query = "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
        else:
            query = "SELECT name FROM sqlite_master WHERE type = 'table'"
        names = {row["name"] for row in await db.database.fetch_all(query)}
        head = await db.database.fetch_val("SELECT version_num FROM alembic_version")
        return names, str(head)
    finally:
        await disconnect(db)


async def test_migrations_build_the_schema_on_an_empty_database(
    engine: str, tmp_path: Path
) -> None:
    if engine == "sqlite":
        url = f"sqlite:///{tmp_path / 'empty.db'}"
    else:
        base = postgres_url()
        assert base is not None
        name = f"treehole_fresh_{secrets.token_hex(4)}"
        head, _, query = base.partition("?")
        url = f"{head.rpartition('/')[0]}/{name}" + (f"?{query}" if query else "")
        await _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        await asyncio.to_thread(upgrade_to_head, url)
        names, version = await _tables_and_head(url)
        assert {table.name for table in metadata.sorted_tables} <= names
        assert version
        # Once more: already at head, nothing to do, nothing broken.
        await asyncio.to_thread(upgrade_to_head, url)
        assert (await _tables_and_head(url))[1] == version
    finally:
        if engine != "sqlite":
            await _pg_admin(f'DROP DATABASE IF EXISTS "{name}"')
