"""What the database holds, for tests that must prove something was (not) stored: row counts of
what a post creates, and a text dump of every column of every table."""

from __future__ import annotations

import sqlalchemy as sa

from app.db.engine import Db
from app.db.tables import local_actors, metadata, notes
from app.store.local_actors import THROWAWAY


async def count_rows(db: Db, table: sa.Table, *where: sa.ColumnElement[bool]) -> int:
    query = sa.select(sa.func.count()).select_from(table)
    if where:
        query = query.where(*where)
    return int(await db.fetch_val(query))


async def count_posted(db: Db) -> tuple[int, int]:
    """Notes and throwaway authors: what every successful post adds to."""
    return (
        await count_rows(db, notes),
        await count_rows(db, local_actors, local_actors.c.kind == THROWAWAY),
    )


async def dump_database(db: Db) -> str:
    """Every column of every row of every table, as text."""
    lines: list[str] = []
    for table in metadata.sorted_tables:
        for row in await db.fetch_all(sa.select(table)):
            lines.append(f"{table.name}: {dict(row)!r}")
    return "\n".join(lines)
