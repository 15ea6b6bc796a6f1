"""The "under attack" circuit breaker and when proof of work is asked for.

When accepted posts per minute pass the admin's threshold, the instance goes under attack for a
while: proof of work is asked of every poster (mode "pow"), or every post waits for review
(mode "review"). Posting without JavaScript keeps working whenever proof of work is off.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.db.engine import Db
from app.store import counters
from app.store.boards import Board
from app.store.moderation import ModerationSettings, set_under_attack_until

UNDER_ATTACK_FOR = timedelta(minutes=15)


def under_attack(settings: ModerationSettings, now: datetime) -> bool:
    return settings.under_attack_until is not None and now < settings.under_attack_until


def pow_required(board: Board, settings: ModerationSettings, now: datetime) -> bool:
    return (
        settings.pow_enabled
        or board.pow_required
        or (under_attack(settings, now) and settings.breaker_mode == "pow")
    )


def review_everything(settings: ModerationSettings, now: datetime) -> bool:
    return under_attack(settings, now) and settings.breaker_mode == "review"


def minute_counter(now: datetime) -> str:
    return f"posts_minute_{now:%H%M}"


async def _minute_count(db: Db, moment: datetime) -> int:
    return await counters.get_count(db, minute_counter(moment), moment.date().isoformat())


def posts_in_last_minute(this_minute: int, last_minute: int, now: datetime) -> float:
    """Posts in the 60 seconds before `now`, from two calendar-minute counts: last minute's
    count weighted by the share of it still inside the window. Calendar minutes alone would
    let a burst straddling a minute boundary count half in each and never trip the breaker."""
    into_minute = now.second + now.microsecond / 1_000_000
    return this_minute + last_minute * (60 - into_minute) / 60


async def count_accepted_post(db: Db, settings: ModerationSettings, now: datetime) -> bool:
    """Count a post that was let through; trip the breaker past the threshold. True if it
    tripped now."""
    await counters.count_event(db, minute_counter(now), now)
    posts = posts_in_last_minute(
        await _minute_count(db, now), await _minute_count(db, now - timedelta(minutes=1)), now
    )
    if posts <= settings.breaker_posts_per_minute or under_attack(settings, now):
        return False
    await set_under_attack_until(db, now + UNDER_ATTACK_FOR)
    return True
