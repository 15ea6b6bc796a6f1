"""Importing and exporting blocklists (admins only): upload or paste a list, see the diff, apply
all or some of it or discard it, revert an applied import in one step; download our list as
Mastodon CSV. Thin adapters over `app.blocklists.imports` and `app.blocklists.formats`."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.blocklists import imports
from app.blocklists.block_input import IMPORT_MAX_BYTES, check_blocklist_text, decode_blocklist
from app.blocklists.changes import values_of
from app.blocklists.formats import MAX_ROWS, build_mastodon_csv
from app.blocklists.imports import CHANGED, NEW, STATUSES
from app.blocklists.service import RevertOutcome
from app.core.clock import utcnow
from app.core.errors import Invalid, NotFound
from app.store import blocklist_runs, domain_blocks
from app.store.block_assertions import IMPORT
from app.store.blocklist_runs import Run
from app.web.admin.auth import ADMIN, checked_form, requires, text_field
from app.web.admin.blocklist_render import admin_actor, path_id, refusal, render_blocklist
from app.web.context import services_of

RUNS_SHOWN = 50
PASTED = "pasted"
# A list pasted into the text area, or every domain of a large import ticked one by one.
FORM_MAX_FIELDS = MAX_ROWS + 20
FORM_MAX_PART_BYTES = IMPORT_MAX_BYTES + 1024
CSV_TYPE = "text/csv; charset=utf-8"
RUN_ACTIONS = ("apply", "discard", "revert")


async def _import_context(request: Request) -> dict[str, Any]:
    db = services_of(request).db
    return {"runs": await blocklist_runs.list_runs(db, IMPORT, RUNS_SHOWN)}


@requires(ADMIN)
async def import_page(request: Request) -> Response:
    return render_blocklist(request, "admin/block_import.html", await _import_context(request))


async def _uploaded_text(form: FormData) -> tuple[str, str]:
    """(text, file name) from the uploaded file, or else from the text area."""
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(IMPORT_MAX_BYTES + 1)
        return decode_blocklist(data), upload.filename
    return check_blocklist_text(text_field(form, "text")), PASTED


@requires(ADMIN)
async def preview(request: Request) -> Response:
    services = services_of(request)
    form = await checked_form(request, max_part_bytes=FORM_MAX_PART_BYTES)
    try:
        text, filename = await _uploaded_text(form)
        run_id = await imports.preview_import(services.db, text, filename, utcnow())
    except Invalid as error:
        context = {**await _import_context(request), "error": refusal(request, error)}
        return render_blocklist(request, "admin/block_import.html", context, status_code=400)
    finally:
        await form.close()
    return RedirectResponse(services.urls.admin_block_import_run(run_id), status_code=303)


async def _run(request: Request) -> Run:
    run = await blocklist_runs.get_run(services_of(request).db, path_id(request, "run_id"))
    if run is None or run.kind != IMPORT:
        raise NotFound("not_found")
    return run


async def _render_run(
    request: Request,
    run: Run,
    *,
    error: str | None = None,
    outcome: RevertOutcome | None = None,
    status_code: int = 200,
) -> Response:
    entries = imports.proposal_entries(run)
    proposal = run.proposal if isinstance(run.proposal, dict) else {}
    context = {
        "run": run,
        "groups": [(s, [e for e in entries if e.status == s]) for s in STATUSES],
        "selectable": (NEW, CHANGED),
        "row_errors": proposal.get("errors", []),
        "filename": proposal.get("filename", ""),
        "format": proposal.get("format", ""),
        "summary": run.summary if isinstance(run.summary, dict) else {},
        "outcome": outcome,
        "error": error,
    }
    return render_blocklist(request, "admin/block_import_run.html", context, status_code)


@requires(ADMIN)
async def run_page(request: Request) -> Response:
    return await _render_run(request, await _run(request))


def _selected(form: FormData) -> set[str] | None:
    """The ticked domains, or None for "apply all"."""
    if text_field(form, "scope") == "all":
        return None
    chosen = {value for value in form.getlist("domain") if isinstance(value, str)}
    if not chosen:
        raise Invalid("domains", "none")
    return chosen


@requires(ADMIN)
async def run_action(request: Request) -> Response:
    """apply | discard | revert, by the last path segment."""
    services = services_of(request)
    form = await checked_form(
        request, max_fields=FORM_MAX_FIELDS, max_part_bytes=FORM_MAX_PART_BYTES
    )
    run = await _run(request)
    action = str(request.path_params["action"])
    if action not in RUN_ACTIONS:
        raise NotFound("not_found")
    actor, now = admin_actor(request), utcnow()
    outcome = None
    try:
        if action == "apply":
            selected = _selected(form)
            await imports.apply_import(services.db, services.urls, run.id, actor, now, selected)
        elif action == "discard":
            await imports.discard_import(services.db, run.id, now)
        else:
            outcome = await imports.revert_import(services.db, services.urls, run.id, actor, now)
    except Invalid as error:
        status = 409 if error.field == "run" else 400
        return await _render_run(request, run, error=refusal(request, error), status_code=status)
    if outcome is not None:
        return await _render_run(request, await _run(request), outcome=outcome)
    return RedirectResponse(services.urls.admin_block_import_run(run.id), status_code=303)


@requires(ADMIN)
async def export_csv(request: Request) -> Response:
    """Our list as Mastodon writes its export (real domains, no private notes)."""
    blocks = await domain_blocks.list_blocks(services_of(request).db)
    rows = [(b.domain, values) for b in blocks if (values := values_of(b)) is not None]
    headers = {"Content-Disposition": 'attachment; filename="domain_blocks.csv"'}
    return Response(build_mastodon_csv(rows), media_type=CSV_TYPE, headers=headers)
