"""The public transparency report: per week, how much was removed (by reason), held, approved,
reported and blocked. Counts only: no content, no ids, no identities."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from app.db.engine import Db
from app.store import transparency

WEEKS = 12
MAX_WEEKS = 520  # ten years of rows is as far back as the page goes
REMOVED = ("remove", "remove_thread", "reject")


@dataclass(slots=True)
class WeekReport:
    week_start: date
    removed: Counter[str] = field(default_factory=Counter)
    held: int = 0
    approved: int = 0
    reports: int = 0
    domains_blocked: int = 0

    @property
    def removed_total(self) -> int:
        return sum(self.removed.values())


def week_of(moment: datetime) -> date:
    day = moment.date()
    return day - timedelta(days=day.weekday())


def weeks_since(started: datetime, now: datetime) -> int:
    """How many weeks the report covers to reach back to the week `started` falls in."""
    span = (week_of(now) - week_of(started)).days // 7 + 1
    return max(1, min(MAX_WEEKS, span))


def build_weeks(
    now: datetime,
    decisions: Sequence[Mapping[str, Any]],
    report_times: Sequence[datetime],
    blocks: Sequence[Mapping[str, Any]],
    weeks: int = WEEKS,
) -> list[WeekReport]:
    """Newest week first; every one of the last `weeks` weeks appears, empty or not."""
    first = week_of(now)
    by_week = {
        first - timedelta(weeks=i): WeekReport(first - timedelta(weeks=i)) for i in range(weeks)
    }
    for fact in decisions:
        report = by_week.get(week_of(fact["created_at"]))
        if report is None:
            continue
        action = fact["action"]
        if action in REMOVED:
            report.removed[fact["reason"] or "other"] += 1
        elif action == "hold":
            report.held += 1
        elif action == "approve":
            report.approved += 1
    for moment in report_times:
        if (report := by_week.get(week_of(moment))) is not None:
            report.reports += 1
    for block in blocks:
        if block["severity"] == "noop":
            continue
        if (report := by_week.get(week_of(block["created_at"]))) is not None:
            report.domains_blocked += 1
    return [by_week[key] for key in sorted(by_week, reverse=True)]


async def weekly_report(db: Db, now: datetime, weeks: int = WEEKS) -> list[WeekReport]:
    since = datetime.combine(
        week_of(now) - timedelta(weeks=weeks - 1), datetime.min.time(), now.tzinfo
    )
    return build_weeks(
        now,
        await transparency.list_decision_facts(db, since),
        await transparency.list_report_times(db, since),
        await transparency.list_block_facts(db),
        weeks,
    )
