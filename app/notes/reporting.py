"""Reporting a note, the use case: an anonymous report for the moderators' queue, rate limited
per client like posts. Remote reports (Flag activities) arrive through `app/fedi/inbound.py`."""

from __future__ import annotations

from datetime import datetime

from app.core.errors import RateLimited
from app.notes.deps import NoteDeps
from app.notes.posting import live_note
from app.notes.submission import InvalidInput, OverLimit, Reported
from app.security.ratelimit import enforce_limit
from app.store import reports

# What a person can say is wrong with a note; `app/web/messages.py` labels each.
CATEGORIES = (
    "spam",
    "sexual",
    "harassment",
    "violence",
    "self_harm",
    "personal_data",
    "illegal",
    "other",
)
COMMENT_MAX_CHARS = 1000


async def report(
    deps: NoteDeps, note_id: str, category: str, comment: str, rate_key: str, now: datetime
) -> Reported | InvalidInput | OverLimit:
    """Report a live note (`NotFound`/`Gone` if there is none) under one of `CATEGORIES`, with
    an optional comment; `rate_key` as in `Poster.rate_key`."""
    note = await live_note(deps.db, note_id)
    comment = comment.strip()
    if category not in CATEGORIES or len(comment) > COMMENT_MAX_CHARS:
        return InvalidInput("report", "invalid")
    try:
        await enforce_limit(deps.db, deps.limits.report, rate_key, now)
    except RateLimited as limited:
        return OverLimit(limited.retry_after)
    await reports.insert_report(
        deps.db, note_id=note.id, source="local", category=category, comment=comment, now=now
    )
    return Reported(note.id)
