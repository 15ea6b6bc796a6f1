"""The transparency report counts by week, with reasons for removals, and nothing else."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app.moderation.transparency import build_weeks, week_of

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # a Friday


def test_week_of_starts_on_monday() -> None:
    assert week_of(NOW) == date(2026, 11, 23)


def test_build_weeks_counts_by_week_and_reason() -> None:
    last_week = NOW - timedelta(days=7)
    decisions = [
        {"action": "reject", "reason": "sexual", "created_at": NOW},
        {"action": "remove", "reason": "harassment", "created_at": NOW},
        {"action": "remove", "reason": "harassment", "created_at": NOW},
        {"action": "hold", "reason": "contact", "created_at": NOW},
        {"action": "approve", "reason": "approved in review", "created_at": last_week},
        {"action": "publish", "reason": "", "created_at": NOW},
        {"action": "remove", "reason": "old", "created_at": NOW - timedelta(weeks=30)},
    ]
    reports = [NOW, NOW, last_week]
    blocks = [
        {"severity": "suspend", "created_at": NOW},
        {"severity": "noop", "created_at": NOW},
        {"severity": "silence", "created_at": last_week},
    ]
    weeks = build_weeks(NOW, decisions, reports, blocks, weeks=3)
    assert [w.week_start for w in weeks] == [
        date(2026, 11, 23),
        date(2026, 11, 16),
        date(2026, 11, 9),
    ]
    this, previous, empty = weeks
    assert dict(this.removed) == {"sexual": 1, "harassment": 2}
    assert this.removed_total == 3 and this.held == 1 and this.approved == 0
    assert this.reports == 2 and this.domains_blocked == 1
    assert previous.approved == 1 and previous.reports == 1 and previous.domains_blocked == 1
    assert empty.removed_total == 0 and empty.reports == 0
