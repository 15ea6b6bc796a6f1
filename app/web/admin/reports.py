"""Open reports, local (the report link) and remote (Flags from other servers), with the note's
text while it is live; remove the note or its thread, dismiss, or forward a report on a remote
note to its server."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.core.clock import utcnow
from app.core.errors import Invalid
from app.moderation import review
from app.store import notes as note_store
from app.store import reports as report_store
from app.store.moderation import list_decisions
from app.store.notes import REMOTE
from app.web.admin.auth import MODERATOR, checked_form, requires, text_field
from app.web.admin.render import invalid_message, render_admin
from app.web.context import services_of

ACTIONS = (review.REMOVE, review.REMOVE_THREAD, review.DISMISS, review.FORWARD)


async def _context(request: Request) -> dict[str, Any]:
    db = services_of(request).db
    open_reports = list(reversed(await report_store.list_open_reports(db)))
    notes = {}
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
    return {
        "reports": open_reports,
        "notes": notes,
        "forwarded": forwarded,
        "remote": REMOTE,
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


@requires(MODERATOR)
async def report_action(request: Request) -> Response:
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
        context = {**await _context(request), "error": invalid_message(request, error)}
        return render_admin(request, "admin/reports.html", context, status_code=400)
    return RedirectResponse(services.urls.admin_reports(), status_code=303)
