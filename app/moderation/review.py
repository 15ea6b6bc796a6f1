"""Moderators' decisions on held notes and on reports: approve, remove (a note or its whole
thread), dismiss, forward a report to the remote author's server as a Flag from the instance
actor. Every decision is recorded with the content id, the check, the reason and the time; never
who posted, never who decided."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from babel.support import NullTranslations

from app.core.errors import Invalid, NotFound
from app.core.ids import new_id
from app.core.states import HELD, OPEN
from app.core.urls import Urls
from app.db.engine import Db
from app.fedi import dm_answers, groups, outbound
from app.notes import deletion
from app.store import local_actors, remote_actors
from app.store import notes as note_store
from app.store import reports as report_store
from app.store.moderation import NOTE, REPORT, record_decision
from app.store.notes import LOCAL, REMOTE
from federation.builders import MAX_FLAG_CONTENT, build_flag

CHECK = "moderator"
APPROVE = "approve"
REMOVE = "remove"
REMOVE_THREAD = "remove_thread"
DISMISS = "dismiss"
FORWARD = "forward"


async def approve_notes(
    db: Db,
    note_ids: Sequence[str],
    now: datetime,
    urls: Urls | None = None,
    translations: Mapping[str, NullTranslations] | None = None,
) -> int:
    """Publish held notes now (local ones federate on the worker's next pass); the count. With
    `urls`, a note's sender by direct message is told (issue #13), in the board's language when
    its catalogue is among `translations`."""
    approved = 0
    for note_id in dict.fromkeys(note_ids):
        note = await note_store.get_note(db, note_id)
        if note is None or note.state != HELD:
            continue
        async with db.transaction():
            federate_after = now if note.origin == LOCAL else None
            if await note_store.approve_held_note(db, note.id, federate_after):
                await record_decision(db, note.id, NOTE, CHECK, APPROVE, "approved in review", now)
                if urls is not None:
                    await groups.boost_approved_post(db, urls, note.id, now)
                approved += 1
        if urls is not None:
            await dm_answers.answer_decision(db, urls, note.id, True, now, translations)
    return approved


async def remove_notes(
    db: Db,
    urls: Urls,
    note_ids: Sequence[str],
    now: datetime,
    reason: str = "removed in review",
    translations: Mapping[str, NullTranslations] | None = None,
) -> int:
    """Delete notes (a root takes its thread) and federate the Deletes; the count removed."""
    removed = 0
    for note_id in dict.fromkeys(note_ids):
        # Before the note goes (its answer rows go with it): a held post's sender is told.
        await dm_answers.answer_decision(db, urls, note_id, False, now, translations)
        for purged in await deletion.delete_note(db, urls, note_id, deletion.BY_MODERATOR, now):
            await record_decision(db, purged.id, NOTE, CHECK, REMOVE, reason, now)
            removed += 1
    return removed


async def open_report(db: Db, report_id: str) -> Mapping[str, Any]:
    report = await report_store.get_report(db, report_id)
    if report is None or report["state"] != OPEN:
        raise NotFound("report")
    return report


async def remove_reported(
    db: Db, urls: Urls, report_id: str, whole_thread: bool, now: datetime
) -> int:
    """Remove the reported note (or its whole thread) and close the report."""
    report = await open_report(db, report_id)
    note = await note_store.get_note(db, report["note_id"] or "")
    removed = 0
    if note is not None:
        target = note.thread_id if whole_thread else note.id
        removed = await remove_notes(db, urls, [target], now, f"report: {report['category']}")
    action = REMOVE_THREAD if whole_thread else REMOVE
    await _close(db, report_id, action, now)
    return removed


async def dismiss_report(db: Db, report_id: str, now: datetime) -> None:
    await open_report(db, report_id)
    await _close(db, report_id, DISMISS, now)


async def _close(db: Db, report_id: str, action: str, now: datetime) -> None:
    async with db.transaction():
        if await report_store.resolve_report(db, report_id, action, now):
            await record_decision(db, report_id, REPORT, CHECK, action, f"report {action}", now)


async def forward_report(db: Db, urls: Urls, report_id: str, now: datetime) -> None:
    """Send a Flag about a remote note from the instance actor to its author's inbox."""
    report = await open_report(db, report_id)
    note = await note_store.get_note(db, report["note_id"] or "")
    if note is None or note.origin != REMOTE or note.remote_actor_id is None:
        raise Invalid("report", "not_remote")
    author = await remote_actors.get_remote_actor(db, note.remote_actor_id)
    instance = await local_actors.get_instance_actor(db)
    if author is None or instance is None:
        raise Invalid("report", "not_remote")
    objects = [author.ap_id, *([note.ap_id] if note.ap_id else [])]
    comment = f"{report['category']}: {report['comment']}".strip()[:MAX_FLAG_CONTENT]
    activity_id = new_id()
    flag = build_flag(
        activity_id=urls.activity(activity_id),
        instance_actor=urls.instance_actor(),
        objects=objects,
        content=comment,
    )
    async with db.transaction():
        await outbound.store_and_enqueue(
            db, urls, activity_id, flag, instance, None, [author.inbox], now
        )
        await record_decision(db, report_id, REPORT, CHECK, FORWARD, "forwarded as Flag", now)
