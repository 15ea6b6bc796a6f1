"""Folding per-day moderation counts into the filter page's weeks (pure)."""

from __future__ import annotations

from datetime import date

from app.moderation.filter_stats import build_stats, week_starts

THURSDAY = date(2026, 12, 3)


def test_week_starts_are_mondays_oldest_first_ending_this_week() -> None:
    starts = week_starts(THURSDAY, 3)
    assert starts == [date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)]


def test_build_stats_folds_days_into_weeks_and_drops_older_ones() -> None:
    decided = [
        ("2026-11-30", "sexual", "filters", "hold", 2),  # Monday of this week
        ("2026-12-03", "sexual", "classifier", "reject", 1),
        ("2026-11-29", "sexual", "filters", "hold", 4),  # Sunday: the week before
        ("2026-10-01", "sexual", "filters", "hold", 9),  # before the first week shown
        ("2026-12-01", "", "filters", "hold", 5),  # no reason recorded: not a category
    ]
    approved = [("2026-11-30", "sexual", 1), ("2026-10-01", "sexual", 7)]
    (sexual,) = build_stats(THURSDAY, decided, approved, weeks=2)
    assert sexual.weeks == [4, 3] and sexual.total == 7
    assert sexual.outcomes == {"hold": 6, "reject": 1}
    assert sexual.checks == {"filters": 6, "classifier": 1}
    assert sexual.approved_after_hold == 1


def test_build_stats_lists_given_categories_at_zero_and_busiest_first() -> None:
    decided = [
        ("2026-12-02", "contact", "links", "hold", 3),
        ("2026-12-02", "hate", "filters", "reject", 1),
    ]
    rows = build_stats(THURSDAY, decided, [], always=("fraud", "hate"), weeks=1)
    assert [(row.reason, row.total) for row in rows] == [("contact", 3), ("hate", 1), ("fraud", 0)]
