"""Read another process's database from a synchronous test (SQLite file or PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from app.db.engine import connect, disconnect


async def _fetch(url: str, query: sa.Select[Any]) -> Sequence[Mapping[str, Any]]:
    db = await connect(url)
    try:
        return await db.fetch_all(query)
    finally:
        await disconnect(db)


def fetch_all(url: str, query: sa.Select[Any]) -> Sequence[Mapping[str, Any]]:
    return asyncio.run(_fetch(url, query))


async def _execute(url: str, statement: Any) -> None:
    db = await connect(url)
    try:
        await db.execute(statement)
    finally:
        await disconnect(db)


def execute(url: str, statement: Any) -> None:
    asyncio.run(_execute(url, statement))
