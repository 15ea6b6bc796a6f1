"""The review queue: held notes (local and remote), those held for care (the poster may be at
risk) first, then the newest first, with the recorded reason; approve or remove one, or many at
once with the checkboxes."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.core.clock import utcnow
from app.moderation import review
from app.notes.submit import CARE
from app.store import notes as note_store
from app.store.moderation import list_decisions
from app.web.admin.auth import MODERATOR, checked_form, requires, text_field
from app.web.admin.note_context import load_note_context
from app.web.admin.render import render_admin
from app.web.context import services_of

QUEUE_PAGE_SIZE = 100
ACTIONS = (review.APPROVE, review.REMOVE)


@requires(MODERATOR)
async def queue_page(request: Request) -> Response:
    db = services_of(request).db
    held = await note_store.list_held_notes(db, QUEUE_PAGE_SIZE, first_reason=CARE)
    decisions = await list_decisions(db, [note.id for note in held])
    # The reason a note waits is the last hold recorded for it.
    reasons = {
        note_id: next((d for d in reversed(found) if d.action == "hold"), found[-1])
        for note_id, found in decisions.items()
    }
    context = {
        "held": held,
        "reasons": reasons,
        "ctx": await load_note_context(db, held),
        "care": CARE,
    }
    return render_admin(request, "admin/queue.html", context)


@requires(MODERATOR)
async def queue_action(request: Request) -> Response:
    services = services_of(request)
    form = await checked_form(request)
    ids = [value for value in form.getlist("note_id") if isinstance(value, str)]
    shown = [value for value in form.getlist("shown_id") if isinstance(value, str)]
    bulk = text_field(form, "bulk")
    # A row's own button names one note; the bulk buttons take the ticked ones, or every note
    # the page showed ("… all shown": select-all without script).
    for action in ACTIONS:
        one = text_field(form, f"{action}_one")
        if one or bulk in (action, f"{action}_all"):
            chosen = [one] if one else (shown if bulk.endswith("_all") else ids)
            if action == review.APPROVE:
                await review.approve_notes(
                    services.db, chosen, utcnow(), services.urls, services.notes.translations
                )
            else:
                await review.remove_notes(
                    services.db, services.urls, chosen, utcnow(),
                    translations=services.notes.translations,
                )  # fmt: skip
            break
    return RedirectResponse(services.urls.admin_queue(), status_code=303)
