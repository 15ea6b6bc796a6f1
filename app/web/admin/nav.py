"""What every admin page shows above its content: how much waits (held notes, open reports) in
the navigation, and the circuit breaker's state while it is on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.db.engine import Db
from app.moderation.breaker import under_attack
from app.store import notes as note_store
from app.store import reports as report_store
from app.store.moderation import get_moderation_settings


@dataclass(frozen=True, slots=True)
class AdminNav:
    held: int
    open_reports: int
    breaker_until: datetime | None  # set only while the breaker is on
    breaker_mode: str


async def load_admin_nav(db: Db, now: datetime) -> AdminNav:
    settings = await get_moderation_settings(db)
    return AdminNav(
        held=await note_store.count_held_notes(db),
        open_reports=await report_store.count_open_reports(db),
        breaker_until=settings.under_attack_until if under_attack(settings, now) else None,
        breaker_mode=settings.breaker_mode,
    )
