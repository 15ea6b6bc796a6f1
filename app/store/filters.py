"""Word and pattern filters as admins set them: categories (on/off, action), admin terms and
regular expressions per category, and the allowlist. Every change moves the config stamp so the
posting pipeline rebuilds its compiled filters only when something changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.core.ids import new_id
from app.db.engine import Db
from app.db.tables import filter_allowlist, filter_categories, filter_terms
from app.store.moderation import get_setting_value, put_setting_value
from app.store.upsert import insert_ignore

ACTIONS = ("reject", "hold", "warn")
WORD = "word"
REGEX = "regex"
KINDS = (WORD, REGEX)
# The filter categories, each with its action on a new instance. Hate is refused outright; abuse
# aimed at people or at the channel waits for review; self-harm talk is published behind a content
# warning. The word lists (app/moderation/wordlists.py) name the same categories.
CATEGORY_DEFAULTS = {
    "hate": "reject",
    "violence": "hold",
    "harassment": "hold",
    "sexual": "hold",
    "fraud": "hold",
    "spam": "hold",
    "self_harm": "warn",
    "profanity": "warn",
}
# Categories a new instance starts with switched off; an admin turns them on at /admin/filters.
# Swearing at nobody is a tree-hole's everyday voice ("this week was shit", 妈的又加班): a
# "strong language" warning on every such post hides honest venting behind a click, and the same
# words aimed at a person are held by the target-aware rules whatever this category says
# (docs/decisions/0014-swearing-at-nobody.md).
OFF_BY_DEFAULT = frozenset({"profanity"})
VERSION_KEY = "filter_config_version"


@dataclass(frozen=True, slots=True)
class FilterCategory:
    name: str
    enabled: bool
    action: str


@dataclass(frozen=True, slots=True)
class FilterTerm:
    id: str
    category: str
    term: str
    kind: str
    created_at: datetime


async def get_filter_config_version(db: Db) -> str:
    """A stamp that changes whenever categories, terms or the allowlist change."""
    value = await get_setting_value(db, VERSION_KEY)
    return str(value) if value is not None else "default"


async def _bump_version(db: Db, now: datetime) -> None:
    await put_setting_value(db, VERSION_KEY, f"{now.isoformat()}/{new_id()}")


async def list_categories(db: Db) -> Sequence[FilterCategory]:
    """Every known category, stored settings over the defaults, in the default order."""
    rows = await db.fetch_all(sa.select(filter_categories))
    stored = {
        row["name"]: FilterCategory(row["name"], bool(row["enabled"]), row["action"])
        for row in rows
    }
    return [
        stored.get(name, FilterCategory(name, name not in OFF_BY_DEFAULT, action))
        for name, action in CATEGORY_DEFAULTS.items()
    ]


async def update_category(db: Db, name: str, enabled: bool, action: str, now: datetime) -> None:
    async with db.transaction():
        values = {"name": name, "enabled": enabled, "action": action}
        await db.execute(insert_ignore(db, filter_categories, values))
        await db.execute(
            filter_categories.update()
            .where(filter_categories.c.name == name)
            .values(enabled=enabled, action=action)
        )
        await _bump_version(db, now)


async def list_terms(db: Db) -> Sequence[FilterTerm]:
    rows = await db.fetch_all(
        sa.select(filter_terms).order_by(
            filter_terms.c.category, filter_terms.c.kind, filter_terms.c.term
        )
    )
    return [
        FilterTerm(row["id"], row["category"], row["term"], row["kind"], row["created_at"])
        for row in rows
    ]


async def insert_term(db: Db, category: str, term: str, kind: str, now: datetime) -> None:
    """Add a term or pattern (a duplicate is ignored)."""
    async with db.transaction():
        values = {
            "id": new_id(),
            "category": category,
            "term": term,
            "kind": kind,
            "created_at": now,
        }
        await db.execute(insert_ignore(db, filter_terms, values))
        await _bump_version(db, now)


async def delete_term(db: Db, term_id: str, now: datetime) -> bool:
    if len(term_id) > 32 or "\x00" in term_id:
        return False
    async with db.transaction():
        deleted = await db.fetch_val(
            filter_terms.delete().where(filter_terms.c.id == term_id).returning(filter_terms.c.id)
        )
        await _bump_version(db, now)
    return deleted is not None


async def list_allowlist(db: Db) -> Sequence[str]:
    rows = await db.fetch_all(sa.select(filter_allowlist).order_by(filter_allowlist.c.term))
    return [row["term"] for row in rows]


async def insert_allowlist_term(db: Db, term: str, now: datetime) -> None:
    async with db.transaction():
        await db.execute(insert_ignore(db, filter_allowlist, {"term": term}))
        await _bump_version(db, now)


async def delete_allowlist_term(db: Db, term: str, now: datetime) -> None:
    async with db.transaction():
        await db.execute(filter_allowlist.delete().where(filter_allowlist.c.term == term))
        await _bump_version(db, now)
