"""Who may see our public domain-block list and its reasons (Mastodon's site settings
`show_domain_blocks` and `show_domain_blocks_rationale`: disabled | users | all)."""

from __future__ import annotations

import sqlalchemy as sa

from app.db.engine import Db
from app.db.tables import moderation_settings
from app.store.upsert import insert_ignore

SHOW_DOMAIN_BLOCKS = "show_domain_blocks"
SHOW_DOMAIN_BLOCKS_RATIONALE = "show_domain_blocks_rationale"
DISABLED = "disabled"
USERS = "users"
ALL = "all"
VISIBILITIES = (DISABLED, USERS, ALL)


async def get_visibility(db: Db, key: str) -> str:
    """The stored visibility, `disabled` by default (as Mastodon's config/settings.yml)."""
    row = await db.fetch_one(
        sa.select(moderation_settings.c.value).where(moderation_settings.c.key == key)
    )
    value = None if row is None else row["value"].get("value")
    return value if value in VISIBILITIES else DISABLED


async def set_visibility(db: Db, key: str, value: str) -> None:
    if key not in (SHOW_DOMAIN_BLOCKS, SHOW_DOMAIN_BLOCKS_RATIONALE) or value not in VISIBILITIES:
        raise ValueError(value)
    # Wrapped in an object: the Json column stores only lists and dicts.
    wrapped = {"value": value}
    async with db.transaction():
        await db.execute(insert_ignore(db, moderation_settings, {"key": key, "value": wrapped}))
        await db.execute(
            moderation_settings.update()
            .where(moderation_settings.c.key == key)
            .values(value=wrapped)
        )
