"""What the health checks ask the database: does it answer, and which migration is it at."""

from __future__ import annotations

import sqlalchemy as sa

from app.db.engine import Db

# Alembic's own bookkeeping table (not part of our metadata).
_ALEMBIC_VERSION = sa.table("alembic_version", sa.column("version_num", sa.String))


async def ping(db: Db) -> None:
    """One trivial query; raises `DatabaseUnavailable` if the database does not answer."""
    await db.fetch_val(sa.select(sa.text("1")))


async def get_schema_revision(db: Db) -> str | None:
    """The migration the database is at (None before the first one)."""
    value = await db.fetch_val(sa.select(_ALEMBIC_VERSION.c.version_num).limit(1))
    return None if value is None else str(value)
