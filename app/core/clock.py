"""The only place that reads the real clock; everything else takes `now` as an argument."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def floor_to(moment: datetime, seconds: int) -> datetime:
    """Round down to a multiple of `seconds`: coarse published times cannot link posts."""
    epoch = int(moment.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, UTC)
