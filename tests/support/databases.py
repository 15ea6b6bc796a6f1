"""Real databases for tests: a fresh SQLite file per test (copied from one migrated template), or
the PostgreSQL database from TEST_DATABASE_URL, migrated once and truncated between tests.

Under CI=true PostgreSQL is mandatory: an unset or unreachable TEST_DATABASE_URL fails the run.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import asyncpg

from app.core.clock import utcnow
from app.db.engine import connect, disconnect
from app.db.migrate import upgrade_to_head
from app.notes.actors import ensure_bootstrap_actors

ENGINES_ALWAYS = ("sqlite",)


def postgres_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL", "").strip() or None


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _asyncpg_dsn(url: str) -> str:
    base = url.split("?", 1)[0]
    return base.replace("postgresql+asyncpg://", "postgresql://")


async def _pg_reachable(url: str) -> str | None:
    try:
        connection = await asyncio.wait_for(asyncpg.connect(_asyncpg_dsn(url)), 10)
    except Exception as error:  # any failure means "not usable"; the message says why
        return f"{type(error).__name__}: {error}"
    await connection.close()
    return None


def postgres_problem() -> str | None:
    """None if TEST_DATABASE_URL is set and reachable, else why not."""
    url = postgres_url()
    if url is None:
        return "TEST_DATABASE_URL is not set"
    return asyncio.run(_pg_reachable(url))


# Restored after every truncation: the seed rows the bootstrap wrote, and the schema version (a
# test may set it back to see /readyz refuse, and the next test's server would then migrate a
# schema that is already there).
SEEDED_TABLES = ("boards", "local_actors", "alembic_version")


async def _bootstrap(url: str) -> None:
    """What every instance does on its first start (instance and board actors with their keys),
    done once per template so each test does not pay ~50 ms per RSA key."""
    db = await connect(url)
    try:
        await ensure_bootstrap_actors(db, utcnow())
    finally:
        await disconnect(db)


def migrate_sqlite_template(directory: Path) -> Path:
    path = directory / "template.db"
    upgrade_to_head(f"sqlite:///{path}")
    asyncio.run(_bootstrap(f"sqlite:///{path}"))
    return path


def fresh_sqlite(template: Path, directory: Path, name: str = "treehole.db") -> str:
    target = directory / name
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


async def _reset_schema(dsn: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()


async def _snapshot(dsn: str, table: str) -> list[Mapping[str, Any]]:
    connection = await asyncpg.connect(dsn)
    try:
        return [dict(row) for row in await connection.fetch(f"SELECT * FROM {table}")]
    finally:
        await connection.close()


class PostgresTemplate:
    """Migrated PostgreSQL databases of this test session, reset between tests by truncating every
    table and restoring the seed rows the migration wrote.

    Each session works in databases of its own (`<name>_s<pid>`, `<name>_s<pid>_b`, …), created
    on the server of TEST_DATABASE_URL and dropped at the end, so concurrent runs never meet."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session_tag = f"s{os.getpid()}"
        self.seeds: dict[str, dict[str, list[Mapping[str, Any]]]] = {}
        self.prepared: set[str] = set()

    def url_for(self, suffix: str = "") -> str:
        head, _, query = self.base_url.partition("?")
        root, _, name = head.rpartition("/")
        full = f"{name}_{self.session_tag}" + (f"_{suffix}" if suffix else "")
        return f"{root}/{full}" + (f"?{query}" if query else "")

    async def _admin(self) -> asyncpg.Connection:
        """A connection to the server's own database, for CREATE/DROP DATABASE."""
        return await asyncpg.connect(_asyncpg_dsn(self.base_url))

    async def _ensure_database(self, url: str) -> None:
        name = url.split("?", 1)[0].rpartition("/")[2]
        admin = await self._admin()
        try:
            exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
            if not exists:
                await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()

    async def _drop_all(self) -> None:
        admin = await self._admin()
        try:
            for url in self.prepared:
                name = url.split("?", 1)[0].rpartition("/")[2]
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()

    def drop_all(self) -> None:
        asyncio.run(self._drop_all())

    def prepare(self, suffix: str = "") -> str:
        url = self.url_for(suffix)
        if url not in self.prepared:
            asyncio.run(self._ensure_database(url))
            asyncio.run(_reset_schema(_asyncpg_dsn(url)))
            upgrade_to_head(url)
            asyncio.run(_bootstrap(url))
            self.seeds[url] = {
                table: asyncio.run(_snapshot(_asyncpg_dsn(url), table)) for table in SEEDED_TABLES
            }
            self.prepared.add(url)
        asyncio.run(self._truncate(url))
        return url

    async def _truncate(self, url: str) -> None:
        connection = await asyncpg.connect(_asyncpg_dsn(url))
        try:
            tables = await connection.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
            names = ", ".join(f'"{row["tablename"]}"' for row in tables)
            await connection.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            for table in SEEDED_TABLES:
                for seeded in self.seeds[url][table]:
                    # Serial ids are left to the (restarted) sequence.
                    row = {
                        k: v for k, v in seeded.items() if not (table == "key_pool" and k == "id")
                    }
                    columns = ", ".join(row)
                    marks = ", ".join(f"${i}" for i in range(1, len(row) + 1))
                    await connection.execute(
                        f"INSERT INTO {table} ({columns}) VALUES ({marks})", *row.values()
                    )
        finally:
            await connection.close()
