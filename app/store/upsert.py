"""Insert-or-ignore, spelled for each engine: enqueueing and counters must be idempotent."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.db.engine import Db


def insert_ignore(db: Db, table: sa.Table, values: dict[str, Any] | list[dict[str, Any]]) -> Any:
    """INSERT … ON CONFLICT DO NOTHING on either engine."""
    dialect_insert = postgresql.insert if db.is_postgres else sqlite.insert
    return dialect_insert(table).values(values).on_conflict_do_nothing()
