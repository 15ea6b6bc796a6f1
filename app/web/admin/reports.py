"""Open reports, local (the report link) and remote (Flags from other servers), grouped per
note: the note with its context (board, thread, the note it answers, the server it came from),
every report on it with its category in words, and one set of actions for the group: remove the
note, remove its thread (after a confirmation that shows what goes), dismiss, or forward the
reports on a remote note to its server."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.core.clock import utcnow
from app.core.errors import Invalid, NotFound
from app.core.states import DELETED
from app.moderation import review
from app.store import notes as note_store
from app.store import reports as report_store
from app.store.moderation import list_decisions
from app.store.notes import REMOTE, Note
from app.web.admin.auth import MODERATOR, checked_form, requires, text_field
from app.web.admin.note_context import load_note_context
from app.web.admin.render import invalid_message, render_admin
from app.web.context import services_of

ACTIONS = (review.REMOVE, review.REMOVE_THREAD, review.DISMISS, review.FORWARD)


@dataclass(frozen=True, slots=True)
class ReportGroup:
    """The open reports on one note (or one report whose note is not here any more)."""

    key: str
    note: Note | None
    reports: tuple[Mapping[str, Any], ...]  # newest first

    @property
    def categories(self) -> list[str]:
        return list(dict.fromkeys(report["category"] for report in self.reports))


def group_reports(
    open_reports: Sequence[Mapping[str, Any]], notes: Mapping[str, Note]
) -> list[ReportGroup]:
    """One group per reported note, the most reported first, then the most recently reported."""
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for report in sorted(open_reports, key=lambda r: r["created_at"], reverse=True):
        note_id = report["note_id"]
        key = note_id if note_id in notes else f"report-{report['id']}"
        grouped.setdefault(key, []).append(report)
    # `grouped` is ordered by each group's newest report; the sort is stable.
    groups = [ReportGroup(key, notes.get(key), tuple(found)) for key, found in grouped.items()]
    return sorted(groups, key=lambda group: -len(group.reports))


async def _context(request: Request) -> dict[str, Any]:
    db = services_of(request).db
    open_reports = await report_store.list_open_reports(db)
    notes: dict[str, Note] = {}
    for report in open_reports:
        note = await note_store.get_note(db, report["note_id"] or "")
        if note is not None:
            notes[note.id] = note
    decisions = await list_decisions(db, [report["id"] for report in open_reports])
    forwarded = {
        report_id
        for report_id, found in decisions.items()
        if any(d.action == review.FORWARD for d in found)
    }
    live = [note for note in notes.values() if note.state != DELETED]
    return {
        "groups": group_reports(open_reports, notes),
        "forwarded": forwarded,
        "remote": REMOTE,
        "ctx": await load_note_context(db, live),
    }


@requires(MODERATOR)
async def reports_page(request: Request) -> Response:
    return render_admin(request, "admin/reports.html", await _context(request))


async def _act(request: Request, report: Mapping[str, Any], action: str) -> None:
    services = services_of(request)
    db, urls, now = services.db, services.urls, utcnow()
    if action == review.DISMISS:
        await review.dismiss_report(db, report["id"], now)
    elif action == review.FORWARD:
        await review.forward_report(db, urls, report["id"], now)
    else:
        await review.remove_reported(db, urls, report["id"], action == review.REMOVE_THREAD, now)


async def _refused(request: Request, error: Invalid) -> Response:
    context = {**await _context(request), "error": invalid_message(request, error)}
    return render_admin(request, "admin/reports.html", context, status_code=400)


@requires(MODERATOR)
async def report_action(request: Request) -> Response:
    """One report (used for reports whose note is no longer here)."""
    services = services_of(request)
    form = await checked_form(request)
    report = await review.open_report(services.db, request.path_params["report_id"])
    action = text_field(form, "action")
    if action not in ACTIONS:
        action = ""
    try:
        if action:
            await _act(request, report, action)
    except Invalid as error:
        return await _refused(request, error)
    return RedirectResponse(services.urls.admin_reports(), status_code=303)


@requires(MODERATOR)
async def group_action(request: Request) -> Response:
    """Every open report on one note at once. Removing the whole thread asks first."""
    services = services_of(request)
    form = await checked_form(request)
    note_id = str(request.path_params["note_id"])
    found = [
        r for r in await report_store.list_open_reports(services.db) if r["note_id"] == note_id
    ]
    note = await note_store.get_note(services.db, note_id)
    if not found or note is None:
        raise NotFound("report")
    action = text_field(form, "action")
    if action not in ACTIONS:
        return RedirectResponse(services.urls.admin_reports(), status_code=303)
    if action == review.REMOVE_THREAD and text_field(form, "confirmed") != "yes":
        return await _confirm_thread(request, note)
    try:
        for report in found:
            await _act(request, report, action)
    except Invalid as error:
        return await _refused(request, error)
    return RedirectResponse(services.urls.admin_reports(), status_code=303)


async def _confirm_thread(request: Request, note: Note) -> Response:
    db = services_of(request).db
    root = await note_store.get_note(db, note.thread_id)
    count = len(await note_store.list_thread_note_ids(db, note.thread_id))
    context = {"note": note, "root": root, "count": count}
    return render_admin(request, "admin/confirm_thread.html", context)
