"""Read another process's database from a synchronous test (SQLite file or PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from app.db.engine import connect, disconnect
from app.store.moderation import get_moderation_settings, update_moderation_settings


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


async def _allow_links(url: str, domains: tuple[str, ...]) -> None:
    db = await connect(url)
    try:
        settings = await get_moderation_settings(db)
        await update_moderation_settings(db, replace(settings, link_allowlist=domains))
    finally:
        await disconnect(db)


def allow_links(url: str, *domains: str) -> None:
    """Allowlist link domains (links elsewhere are held for review by moderation)."""
    asyncio.run(_allow_links(url, domains))
