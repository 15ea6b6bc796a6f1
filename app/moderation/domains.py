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

from app.core.errors import Invalid
from app.core.urls import Urls
from app.db.engine import Db
from app.notes import deletion
from app.store import deliveries, followers, interactions
from app.store import notes as note_store
from app.store import remote_actors as remote_actor_store

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


async def purge_remote_actor(db: Db, urls: Urls, remote_actor_id: str, now: datetime) -> None:
    """Everything of a suspended actor goes: its notes (with their threads, if they started
    them), its likes and boosts, and its follow."""
    for note_id in await note_store.list_note_ids_of_remote_actor(db, remote_actor_id):
        await deletion.delete_note(db, urls, note_id, deletion.BY_MODERATOR, now)
    async with db.transaction():
        await interactions.delete_for_actor(db, remote_actor_id)
        await followers.delete_followers_of_remote(db, remote_actor_id)


async def enforce_suspension(db: Db, urls: Urls, domain: str, now: datetime) -> None:
    for actor_id in await remote_actor_store.list_ids_under_domain(db, domain):
        await purge_remote_actor(db, urls, actor_id, now)
    await deliveries.cancel_pending_to_domain(db, domain)


async def set_actor_moderation(
    db: Db, urls: Urls, remote_actor_id: str, *, suspended: bool, silenced: bool, now: datetime
) -> None:
    await remote_actor_store.set_moderation(
        db, remote_actor_id, suspended=suspended, silenced=silenced
    )
    if suspended:
        await purge_remote_actor(db, urls, remote_actor_id, now)
