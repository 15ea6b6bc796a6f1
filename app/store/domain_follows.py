"""How many follow relationships our actors have with a domain (and its subdomains), either way:
the impact figure shown before a block and answered to FediBlockHole's measures call."""

from __future__ import annotations

import sqlalchemy as sa

from app.db.engine import Db
from app.db.tables import followers, follows, remote_actors


def _on_domain(domain: str) -> sa.ColumnElement[bool]:
    return sa.or_(remote_actors.c.domain == domain, remote_actors.c.domain.like(f"%.{domain}"))


async def count_follows_with_domain(db: Db, domain: str) -> int:
    total = 0
    for table in (followers, follows):
        total += int(
            await db.fetch_val(
                sa.select(sa.func.count())
                .select_from(
                    table.join(remote_actors, table.c.remote_actor_id == remote_actors.c.id)
                )
                .where(_on_domain(domain))
            )
            or 0
        )
    return total
