"""Domain and remote-actor moderation, enforced everywhere:

- suspend: the inbox refuses the domain's requests, its followers are removed, its stored content
  is deleted, nothing is delivered to it and nothing is fetched from it;
- silence: its content waits for a moderator before anyone sees it;
- noop: recorded only (reject_media / reject_reports still apply).
Treehole never stores remote media, so reject_media has nothing to drop; reject_reports makes
Flags from the domain be ignored.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.core.errors import Invalid
from app.core.urls import Urls
from app.db.engine import Db
from app.db.tables import deliveries, remote_actors
from app.notes import deletion
from app.store import followers, interactions
from app.store import notes as note_store

MAX_DOMAIN = 253


def normalise_domain(raw: str) -> str:
    """Lowercase, IDNA to punycode, no trailing dot, no scheme/path/port; `Invalid` otherwise."""
    value = raw.strip().lower()
    for prefix in ("https://", "http://"):
        value = value.removeprefix(prefix)
    value = value.split("/", 1)[0].split(":", 1)[0].rstrip(".")
    if not value or len(value) > MAX_DOMAIN or any(c.isspace() for c in value):
        raise Invalid("domain", "invalid")
    try:
        value = value.encode("idna").decode("ascii")
    except UnicodeError:
        raise Invalid("domain", "invalid") from None
    labels = value.split(".")
    if any(not label or len(label) > 63 or label.startswith("-") for label in labels):
        raise Invalid("domain", "invalid")
    if not all(c.isalnum() or c in "-." for c in value):
        raise Invalid("domain", "invalid")
    return value


async def _actors_under(db: Db, domain: str) -> list[str]:
    rows = await db.fetch_all(
        sa.select(remote_actors.c.id).where(
            sa.or_(remote_actors.c.domain == domain, remote_actors.c.domain.like(f"%.{domain}"))
        )
    )
    return [row["id"] for row in rows]


async def purge_remote_actor(db: Db, urls: Urls, remote_actor_id: str, now: datetime) -> None:
    """Everything of a suspended actor goes: its notes (with their threads, if they started
    them), its likes and boosts, and its follow."""
    for note_id in await note_store.list_note_ids_of_remote_actor(db, remote_actor_id):
        await deletion.delete_note(db, urls, note_id, deletion.BY_MODERATOR, now)
    async with db.transaction():
        await interactions.delete_for_actor(db, remote_actor_id)
        await followers.delete_followers_of_remote(db, remote_actor_id)


async def _cancel_deliveries_to(db: Db, domain: str) -> None:
    await db.execute(
        deliveries.update()
        .where(
            sa.or_(deliveries.c.domain == domain, deliveries.c.domain.like(f"%.{domain}")),
            deliveries.c.state == "pending",
        )
        .values(state="cancelled", last_error="domain suspended")
    )


async def enforce_suspension(db: Db, urls: Urls, domain: str, now: datetime) -> None:
    for actor_id in await _actors_under(db, domain):
        await purge_remote_actor(db, urls, actor_id, now)
    await _cancel_deliveries_to(db, domain)


async def set_actor_moderation(
    db: Db, urls: Urls, remote_actor_id: str, *, suspended: bool, silenced: bool, now: datetime
) -> None:
    await db.execute(
        remote_actors.update()
        .where(remote_actors.c.id == remote_actor_id)
        .values(suspended=suspended, silenced=silenced)
    )
    if suspended:
        await purge_remote_actor(db, urls, remote_actor_id, now)
