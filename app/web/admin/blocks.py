"""The effective domain blocks with their sources (admins only): add or edit a manual block,
lift one, the allowlist and local excludes, and the audit log with undo. Thin adapters over
`app.blocklists.service`; provenance and undo rules live there."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.blocklists import service
from app.blocklists.block_input import (
    parse_block_form,
    parse_cursor,
    parse_domain,
    parse_shield_form,
)
from app.blocklists.changes import values_of
from app.core.clock import utcnow
from app.core.errors import Invalid, NotFound
from app.db.engine import Db
from app.store import (
    api_tokens,
    block_assertions,
    block_audit,
    blocklist_runs,
    blocklist_sources,
    domain_blocks,
    domain_shields,
)
from app.store.block_assertions import IMPORT, SUBSCRIPTION, TOKEN, Assertion
from app.store.block_audit import AuditEntry
from app.store.domain_blocks import SEVERITIES
from app.web.admin.auth import ADMIN, checked_form, requires, text_field
from app.web.admin.blocklist_render import admin_actor, refusal, render_blocklist
from app.web.admin.blocklist_texts import UNDO_SKIPPED
from app.web.context import services_of, translate

BLOCKS_PER_PAGE = 100
AUDIT_PER_PAGE = 50
BLOCK_FIELDS = (
    "domain",
    "severity",
    "reject_media",
    "reject_reports",
    "public_comment",
    "private_comment",
    "obfuscate",
)
SHIELD_FIELDS = ("domain", "kind", "change")


async def source_labels(db: Db, assertions: Sequence[Assertion]) -> dict[tuple[str, str], str]:
    """A name for each asserting source: the token's name, the subscription's, the import's file."""
    labels: dict[tuple[str, str], str] = {}
    kinds = {a.source_kind for a in assertions}
    if TOKEN in kinds:
        for token in await api_tokens.list_tokens(db):
            labels[(TOKEN, token.id)] = token.name
    if SUBSCRIPTION in kinds:
        for source in await blocklist_sources.list_sources(db):
            labels[(SUBSCRIPTION, source.id)] = source.name
    for run_id in {a.source_id for a in assertions if a.source_kind == IMPORT}:
        run = await blocklist_runs.get_run(db, run_id)
        proposal = run.proposal if run is not None and isinstance(run.proposal, dict) else {}
        labels[(IMPORT, run_id)] = str(proposal.get("filename", ""))
    return labels


def _page_number(request: Request) -> int:
    return parse_cursor(request.query_params.get("page"), "page") or 1


async def _edit_values(db: Db, request: Request) -> dict[str, Any]:
    """The form prefilled from the block named by `?edit=`, if there is one."""
    block = await domain_blocks.get_block(db, request.query_params.get("edit", ""))
    values = values_of(block)
    if block is None or values is None:
        return {}
    return {"domain": block.domain, **values.as_dict()}


async def _context(request: Request, page: int = 1) -> dict[str, Any]:
    db = services_of(request).db
    every = await domain_blocks.list_blocks(db)
    shown = every[(page - 1) * BLOCKS_PER_PAGE : page * BLOCKS_PER_PAGE]
    assertions = await block_assertions.list_assertions_for(db, [b.domain for b in shown])
    by_domain: dict[str, list[Assertion]] = {}
    for assertion in assertions:
        by_domain.setdefault(assertion.domain, []).append(assertion)
    return {
        "blocks": shown,
        "sources": by_domain,
        "labels": await source_labels(db, assertions),
        "page": page,
        "has_next": len(every) > page * BLOCKS_PER_PAGE,
        "total": len(every),
        "allows": await domain_shields.list_allows(db),
        "excludes": await domain_shields.list_excludes(db),
        "severities": tuple(reversed(SEVERITIES)),
        "values": await _edit_values(db, request),
    }


@requires(ADMIN)
async def blocks_page(request: Request) -> Response:
    try:
        page = _page_number(request)
    except Invalid as error:
        context = {**await _context(request), "error": refusal(request, error)}
        return render_blocklist(request, "admin/blocks.html", context, status_code=400)
    return render_blocklist(request, "admin/blocks.html", await _context(request, page))


async def _refused(request: Request, error: Invalid, form: FormData) -> Response:
    values: dict[str, Any] = {name: text_field(form, name) for name in BLOCK_FIELDS}
    for flag in ("reject_media", "reject_reports", "obfuscate"):
        values[flag] = values[flag] == "on"
    context = {**await _context(request), "values": values, "error": refusal(request, error)}
    return render_blocklist(request, "admin/blocks.html", context, status_code=400)


def _back(request: Request) -> Response:
    return RedirectResponse(services_of(request).urls.admin_blocks(), status_code=303)


@requires(ADMIN)
async def save_block(request: Request) -> Response:
    services = services_of(request)
    form = await checked_form(request)
    try:
        domain, values = parse_block_form({n: text_field(form, n) for n in BLOCK_FIELDS})
    except Invalid as error:
        return await _refused(request, error, form)
    await service.set_manual(
        services.db, services.urls, domain, values, admin_actor(request), utcnow()
    )
    return _back(request)


@requires(ADMIN)
async def remove_block(request: Request) -> Response:
    services = services_of(request)
    form = await checked_form(request)
    try:
        domain = parse_domain(text_field(form, "domain"))
    except Invalid as error:
        return await _refused(request, error, form)
    await service.lift(services.db, domain, admin_actor(request), utcnow(), reason="removed")
    return _back(request)


@requires(ADMIN)
async def change_shield(request: Request) -> Response:
    services = services_of(request)
    form = await checked_form(request)
    try:
        change = parse_shield_form({n: text_field(form, n) for n in SHIELD_FIELDS})
    except Invalid as error:
        return await _refused(request, error, form)
    await service.set_shield(
        services.db,
        services.urls,
        change.domain,
        allow=change.allow,
        on=change.on,
        actor=admin_actor(request),
        now=utcnow(),
    )
    return _back(request)


async def _run_kinds(db: Db, entries: Sequence[AuditEntry]) -> dict[str, str]:
    kinds = {}
    for run_id in {e.run_id for e in entries if e.run_id is not None}:
        run = await blocklist_runs.get_run(db, run_id)
        if run is not None:
            kinds[run_id] = run.kind
    return kinds


async def _audit_context(request: Request, before: int | None) -> dict[str, Any]:
    db = services_of(request).db
    entries = await block_audit.list_audit(db, AUDIT_PER_PAGE + 1, before)
    shown = entries[:AUDIT_PER_PAGE]
    return {
        "entries": shown,
        "run_kinds": await _run_kinds(db, shown),
        "next_before": shown[-1].id if len(entries) > AUDIT_PER_PAGE else None,
        "before": before,
    }


@requires(ADMIN)
async def audit_page(request: Request) -> Response:
    try:
        before = parse_cursor(request.query_params.get("before"), "before")
    except Invalid as error:
        context = {**await _audit_context(request, None), "error": refusal(request, error)}
        return render_blocklist(request, "admin/block_audit.html", context, status_code=400)
    context = await _audit_context(request, before)
    return render_blocklist(request, "admin/block_audit.html", context)


@requires(ADMIN)
async def undo(request: Request) -> Response:
    services = services_of(request)
    await checked_form(request)
    try:
        audit_id = parse_cursor(str(request.path_params["audit_id"]), "audit")
    except Invalid:
        raise NotFound("not_found") from None
    entry = None if audit_id is None else await block_audit.get_audit(services.db, audit_id)
    if audit_id is None or entry is None:
        raise NotFound("not_found")
    done = await service.undo_change(
        services.db, services.urls, audit_id, admin_actor(request), utcnow()
    )
    if done:
        return RedirectResponse(services.urls.admin_block_audit(), status_code=303)
    message = translate(request, UNDO_SKIPPED) % {"id": audit_id, "domain": entry.domain}
    context = {**await _audit_context(request, None), "error": message}
    return render_blocklist(request, "admin/block_audit.html", context, status_code=409)
