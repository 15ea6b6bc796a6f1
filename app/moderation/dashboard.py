"""The admin dashboard's numbers: per UTC day over the last 30 days, notes posted, notes held
for review, posts refused, reports received and notes removed. Counts only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.db.engine import Db
from app.store import daily_counts

DAYS = 30
POSTS = "posts"
HOLDS = "holds"
REJECTIONS = "rejections"
REPORTS = "reports"
REMOVALS = "removals"
SERIES = (POSTS, HOLDS, REJECTIONS, REPORTS, REMOVALS)
# Decisions about content (local posts, refused submissions, remote notes), not about reports.
CONTENT_KINDS = ("note", "submission", "remote_note")


@dataclass(frozen=True, slots=True)
class DailySeries:
    name: str
    days: tuple[tuple[date, int], ...]  # oldest first, every day present

    @property
    def total(self) -> int:
        return sum(count for _, count in self.days)

    @property
    def today(self) -> int:
        return self.days[-1][1] if self.days else 0


def build_series(name: str, today: date, counts: dict[str, int], days: int = DAYS) -> DailySeries:
    """Every one of the last `days` days up to `today`, zero where nothing was counted."""
    first = today - timedelta(days=days - 1)
    span = [first + timedelta(days=i) for i in range(days)]
    return DailySeries(name, tuple((day, counts.get(day.isoformat(), 0)) for day in span))


async def daily_activity(db: Db, now: datetime, days: int = DAYS) -> list[DailySeries]:
    today = now.date()
    since = datetime.combine(today - timedelta(days=days - 1), time.min, now.tzinfo)
    counts = {
        POSTS: await daily_counts.count_notes_per_day(db, since),
        HOLDS: await daily_counts.count_decisions_per_day(db, since, ("hold",), CONTENT_KINDS),
        REJECTIONS: await daily_counts.count_decisions_per_day(
            db, since, ("reject",), CONTENT_KINDS
        ),
        REPORTS: await daily_counts.count_reports_per_day(db, since),
        REMOVALS: await daily_counts.count_decisions_per_day(db, since, ("remove",), ("note",)),
    }
    return [build_series(name, today, counts[name], days) for name in SERIES]
