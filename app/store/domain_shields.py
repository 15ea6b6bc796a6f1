"""Domains that imports and subscriptions may not block: the allowlist (a domain and its
subdomains) and local excludes (one exact domain each). Manual decisions are not shielded."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from app.core.ids import new_id
from app.db.engine import Db
from app.db.tables import domain_allows, domain_excludes
from app.store.domain_blocks import host_and_parents
from app.store.upsert import insert_ignore


async def is_shielded(db: Db, domain: str) -> bool:
    allowed = await db.fetch_val(
        sa.select(sa.func.count())
        .select_from(domain_allows)
        .where(domain_allows.c.domain.in_(host_and_parents(domain)))
    )
    if allowed:
        return True
    excluded = await db.fetch_val(
        sa.select(sa.func.count())
        .select_from(domain_excludes)
        .where(domain_excludes.c.domain == domain)
    )
    return bool(excluded)


async def has_allow(db: Db, domain: str) -> bool:
    """An allow on exactly `domain` (not a parent's)."""
    row = await db.fetch_one(
        sa.select(domain_allows.c.domain).where(domain_allows.c.domain == domain)
    )
    return row is not None


async def has_exclude(db: Db, domain: str) -> bool:
    row = await db.fetch_one(
        sa.select(domain_excludes.c.domain).where(domain_excludes.c.domain == domain)
    )
    return row is not None


async def list_allows(db: Db) -> Sequence[str]:
    rows = await db.fetch_all(sa.select(domain_allows.c.domain).order_by(domain_allows.c.domain))
    return [row["domain"] for row in rows]


async def insert_allow(db: Db, domain: str, now: datetime) -> None:
    values = {"id": new_id(), "domain": domain, "created_at": now}
    await db.execute(insert_ignore(db, domain_allows, values))


async def delete_allow(db: Db, domain: str) -> None:
    await db.execute(domain_allows.delete().where(domain_allows.c.domain == domain))


async def list_excludes(db: Db) -> Sequence[str]:
    rows = await db.fetch_all(
        sa.select(domain_excludes.c.domain).order_by(domain_excludes.c.domain)
    )
    return [row["domain"] for row in rows]


async def insert_exclude(db: Db, domain: str, now: datetime) -> None:
    await db.execute(insert_ignore(db, domain_excludes, {"domain": domain, "created_at": now}))


async def delete_exclude(db: Db, domain: str) -> None:
    await db.execute(domain_excludes.delete().where(domain_excludes.c.domain == domain))
