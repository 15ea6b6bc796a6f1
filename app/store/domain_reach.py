"""What we know about remote domains, for blocklist decisions: the domains we have met (to match
obfuscated entries by digest) and how much a block would cut (board followers there, recent
inbound traffic from there). Read-only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.db.engine import Db
from app.db.tables import (
    domain_block_assertions,
    domain_blocks,
    followers,
    inbox_items,
    remote_actors,
)
from app.store.domain_blocks import BlockValues

RECENT_TRAFFIC = timedelta(days=7)


def _under(column: sa.ColumnElement[str], domain: str) -> sa.ColumnElement[bool]:
    return sa.or_(column == domain, column.like(f"%.{domain}"))


async def list_known_domains(db: Db) -> Sequence[str]:
    """Domains of remote actors we know (followers included) and of existing blocks."""
    actors = await db.fetch_all(sa.select(remote_actors.c.domain).distinct())
    blocks = await db.fetch_all(sa.select(domain_blocks.c.domain))
    names = {row["domain"].split(":", 1)[0] for row in actors if row["domain"]}
    return sorted(names | {row["domain"] for row in blocks})


async def count_followers_on(db: Db, domain: str) -> int:
    """Board followers whose actor lives on `domain` or a subdomain of it."""
    query = (
        sa.select(sa.func.count())
        .select_from(
            followers.join(remote_actors, followers.c.remote_actor_id == remote_actors.c.id)
        )
        .where(_under(remote_actors.c.domain, domain))
    )
    return int(await db.fetch_val(query) or 0)


async def count_recent_inbound(db: Db, domain: str, now: datetime) -> int:
    """Inbox items received from `domain` (or a subdomain) in the last seven days."""
    patterns = [f"%://{domain}/%", f"%://{domain}:%", f"%.{domain}/%", f"%.{domain}:%"]
    query = (
        sa.select(sa.func.count())
        .select_from(inbox_items)
        .where(
            inbox_items.c.received_at >= now - RECENT_TRAFFIC,
            sa.or_(*(inbox_items.c.actor_uri.like(pattern) for pattern in patterns)),
        )
    )
    return int(await db.fetch_val(query) or 0)


async def count_blocks(db: Db) -> int:
    return int(await db.fetch_val(sa.select(sa.func.count()).select_from(domain_blocks)) or 0)


async def list_standing_blocks(db: Db, source_kind: str) -> Sequence[tuple[str, BlockValues]]:
    """Blocks that something other than `source_kind` asserts (subscriptions must respect
    them as parents)."""
    asserted = sa.select(domain_block_assertions.c.domain).where(
        domain_block_assertions.c.source_kind != source_kind
    )
    rows = await db.fetch_all(sa.select(domain_blocks).where(domain_blocks.c.domain.in_(asserted)))
    return [(row["domain"], BlockValues.from_mapping(row)) for row in rows]
