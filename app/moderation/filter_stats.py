"""What each filter category caught, for the admin's filter page: per category (the reason the
pipeline recorded), counts per week over the last weeks, split by what happened (warned, held,
rejected), which checks matched, and how many of its holds a moderator then approved (a category
whose holds are mostly approved stops honest posts: loosen it).

Built from the moderation records alone (day, reason, check, action): never a post's text nor a
matched word, because a decision record outlives its note and nothing of a deleted text may."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from app.db.engine import Db
from app.moderation.dashboard import CONTENT_KINDS
from app.moderation.decision import HOLD, PUBLISH_WITH_WARNING, REJECT
from app.moderation.review import APPROVE
from app.store import daily_counts

WEEKS = 8
OUTCOMES = (PUBLISH_WITH_WARNING, HOLD, REJECT)


@dataclass(slots=True)
class CategoryStats:
    """One recorded reason: `weeks` counts oldest first (warned, held and rejected together)."""

    reason: str
    weeks: list[int]
    outcomes: Counter[str] = field(default_factory=Counter)
    checks: Counter[str] = field(default_factory=Counter)
    approved_after_hold: int = 0

    @property
    def total(self) -> int:
        return sum(self.weeks)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_starts(today: date, weeks: int = WEEKS) -> list[date]:
    """The Mondays of the last `weeks` weeks, oldest first, this week last."""
    this_week = week_start(today)
    return [this_week - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def build_stats(
    today: date,
    decided: Iterable[tuple[str, str, str, str, int]],
    approved: Iterable[tuple[str, str, int]],
    always: Sequence[str] = (),
    weeks: int = WEEKS,
) -> list[CategoryStats]:
    """Per reason, the most caught first; `always` (the filter categories) listed even at zero.
    `decided`: (day, reason, check, action, count); `approved`: (day, reason, count)."""
    starts = week_starts(today, weeks)
    index = {start: i for i, start in enumerate(starts)}
    found: dict[str, CategoryStats] = {}

    def stats_for(reason: str) -> CategoryStats:
        return found.setdefault(reason, CategoryStats(reason, [0] * weeks))

    for reason in always:
        stats_for(reason)
    for day, reason, check, action, count in decided:
        slot = index.get(week_start(date.fromisoformat(day)))
        if slot is None or not reason:
            continue
        stats = stats_for(reason)
        stats.weeks[slot] += count
        stats.outcomes[action] += count
        stats.checks[check] += count
    for day, reason, count in approved:
        if reason in found and week_start(date.fromisoformat(day)) in index:
            found[reason].approved_after_hold += count
    return sorted(found.values(), key=lambda s: (-s.total, s.reason))


async def category_stats(
    db: Db, now: datetime, always: Sequence[str] = (), weeks: int = WEEKS
) -> tuple[list[date], list[CategoryStats]]:
    """The week starts (oldest first) and each category's counts over them."""
    starts = week_starts(now.date(), weeks)
    since = datetime.combine(starts[0], time.min, now.tzinfo)
    decided = await daily_counts.count_automatic_decisions_per_day(
        db, since, OUTCOMES, CONTENT_KINDS
    )
    approved = await daily_counts.count_holds_later_approved_per_day(
        db, since, APPROVE, CONTENT_KINDS
    )
    return starts, build_stats(now.date(), decided, approved, always, weeks)
