"""Subscription settings kept in `moderation_settings`: how listings merge, and when the circuit
breaker holds an automatic sync for review.

Each group is one row holding a JSON object; unknown or malformed stored values fall back to the
defaults (a hand-edited row must not break every sync).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa

from app.db.engine import Db
from app.db.tables import moderation_settings
from app.store.upsert import insert_ignore

MERGE_KEY = "subscription_merge"
BREAKER_KEY = "subscription_breaker"


@dataclass(frozen=True, slots=True)
class SubscriptionSettings:
    mergeplan: str = "max"
    threshold: float = 0.0
    threshold_type: str = "count"
    # The breaker trips when a run would change more than `max_changes` blocks, or more than
    # `max_share_pct` percent of them once there are at least `share_floor` blocks.
    max_changes: int = 50
    max_share_pct: float = 25.0
    share_floor: int = 20


_GROUPS = {
    MERGE_KEY: ("mergeplan", "threshold", "threshold_type"),
    BREAKER_KEY: ("max_changes", "max_share_pct", "share_floor"),
}
_DEFAULTS = SubscriptionSettings()


def _coerce(name: str, value: Any) -> Any:
    default = getattr(_DEFAULTS, name)
    if isinstance(value, bool):
        return default
    if isinstance(default, (int, float)) and isinstance(value, (int, float)):
        return type(default)(value)
    if isinstance(default, str) and isinstance(value, str):
        return value
    return default


async def get_subscription_settings(db: Db) -> SubscriptionSettings:
    """The stored settings over the defaults."""
    rows = await db.fetch_all(
        sa.select(moderation_settings).where(moderation_settings.c.key.in_(list(_GROUPS)))
    )
    found: dict[str, Any] = {}
    for row in rows:
        stored = row["value"] if isinstance(row["value"], dict) else {}
        for name in _GROUPS[row["key"]]:
            if name in stored:
                found[name] = _coerce(name, stored[name])
    return SubscriptionSettings(**found)


async def update_subscription_settings(db: Db, settings: SubscriptionSettings) -> None:
    values = asdict(settings)
    async with db.transaction():
        for key, names in _GROUPS.items():
            group = {name: values[name] for name in names}
            await db.execute(insert_ignore(db, moderation_settings, {"key": key, "value": group}))
            await db.execute(
                moderation_settings.update()
                .where(moderation_settings.c.key == key)
                .values(value=group)
            )
