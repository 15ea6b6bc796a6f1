"""Moderation decisions (what was decided about which content, by which check, why, when; never
who posted) and the admin-set moderation settings, kept one key per row with defaults."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.db.engine import Db
from app.db.tables import moderation_decisions, moderation_settings
from app.store.upsert import insert_ignore

NOTE = "note"
REPORT = "report"
DOMAIN = "domain"
ACTOR = "actor"
REASON_MAX_CHARS = 200
BREAKER_MODES = ("pow", "review")


@dataclass(frozen=True, slots=True)
class RecordedDecision:
    subject_id: str
    subject_kind: str
    check: str
    action: str
    reason: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ModerationSettings:
    classifier_warn: float = 0.6
    classifier_hold: float = 0.8
    classifier_reject: float = 0.97
    # The English classifier costs ~85 MB of memory once loaded and ~186 MB installed for one
    # more held-out post caught (docs/decisions/0009): off unless the admin turns it on.
    english_classifier: bool = False
    # Scores from which the n-gram model's heads act; None keeps the threshold shipped with
    # its weights (chosen by cross-validation), 1.0 turns the head off.
    model_hold: float | None = None
    model_help: float | None = None
    link_allowlist: tuple[str, ...] = ()
    pow_enabled: bool = False
    breaker_posts_per_minute: int = 30
    breaker_mode: str = "pow"
    under_attack_until: datetime | None = None


async def record_decision(
    db: Db,
    subject_id: str,
    subject_kind: str,
    check: str,
    action: str,
    reason: str,
    now: datetime,
) -> None:
    """Write one decision row: content id, check, action, reason and time, nothing else."""
    await db.execute(
        moderation_decisions.insert().values(
            subject_id=subject_id,
            subject_kind=subject_kind,
            check_name=check,
            action=action,
            reason=reason[:REASON_MAX_CHARS],
            created_at=now,
        )
    )


async def list_decisions(db: Db, subject_ids: Sequence[str]) -> dict[str, list[RecordedDecision]]:
    """Decisions about these subjects, oldest first, by subject id."""
    if not subject_ids:
        return {}
    rows = await db.fetch_all(
        sa.select(moderation_decisions)
        .where(moderation_decisions.c.subject_id.in_(list(subject_ids)))
        .order_by(moderation_decisions.c.created_at, moderation_decisions.c.id)
    )
    found: dict[str, list[RecordedDecision]] = {}
    for row in rows:
        found.setdefault(row["subject_id"], []).append(
            RecordedDecision(
                subject_id=row["subject_id"],
                subject_kind=row["subject_kind"],
                check=row["check_name"],
                action=row["action"],
                reason=row["reason"],
                created_at=row["created_at"],
            )
        )
    return found


def _decode(name: str, value: Any) -> Any:
    if name == "link_allowlist":
        return tuple(str(domain) for domain in value)
    if name == "under_attack_until":
        return None if value is None else datetime.fromisoformat(value)
    return value


def _encode(name: str, value: Any) -> Any:
    if name == "link_allowlist":
        return list(value)
    if name == "under_attack_until":
        return None if value is None else value.isoformat()
    return value


async def get_moderation_settings(db: Db) -> ModerationSettings:
    """The stored settings over the defaults."""
    names = [f.name for f in fields(ModerationSettings)]
    rows = await db.fetch_all(
        sa.select(moderation_settings).where(moderation_settings.c.key.in_(names))
    )
    # Values are wrapped in an object: the Json column stores only lists and dicts.
    stored = {row["key"]: _decode(row["key"], row["value"]["value"]) for row in rows}
    return ModerationSettings(**stored)


async def update_moderation_settings(db: Db, settings: ModerationSettings) -> None:
    """Store every field of `settings`."""
    async with db.transaction():
        for name, value in asdict(settings).items():
            await _put(db, name, {"value": _encode(name, value)})


async def set_under_attack_until(db: Db, until: datetime | None) -> None:
    await _put(db, "under_attack_until", {"value": _encode("under_attack_until", until)})


async def _put(db: Db, key: str, value: dict[str, Any]) -> None:
    await db.execute(insert_ignore(db, moderation_settings, {"key": key, "value": value}))
    await db.execute(
        moderation_settings.update().where(moderation_settings.c.key == key).values(value=value)
    )


async def get_setting_value(db: Db, key: str) -> Any:
    """A raw stored value (None when unset), for stamps kept beside the settings."""
    row = await db.fetch_one(
        sa.select(moderation_settings.c.value).where(moderation_settings.c.key == key)
    )
    return None if row is None else row["value"]["value"]


async def put_setting_value(db: Db, key: str, value: Any) -> None:
    await _put(db, key, {"value": value})
