"""Blocklist subscriptions (admins only): add, edit, remove and fetch sources; merge and breaker
settings; a run's diff with its impact, and approve, discard or revert it. Thin adapters over
`app.blocklists.subscriptions` and `app.blocklists.service`."""

from __future__ import annotations

from typing import Any

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.blocklists import service, subscriptions
from app.blocklists.merge import MERGEPLANS, THRESHOLD_TYPES
from app.blocklists.service import ChangeActor
from app.blocklists.source_input import parse_settings_form, parse_source_form
from app.blocklists.sources import AUTH_KINDS, KINDS
from app.core.clock import utcnow
from app.core.errors import Invalid, NotFound
from app.core.states import APPLIED
from app.http.middleware import BodyLimit
from app.store import blocklist_runs, blocklist_sources
from app.store.block_assertions import SUBSCRIPTION
from app.store.domain_blocks import SEVERITIES
from app.store.subscription_settings import (
    get_subscription_settings,
    update_subscription_settings,
)
from app.web.admin.auth import ADMIN, checked_form, requires, text_field
from app.web.admin.render import admin_of, render_admin
from app.web.context import services_of, translate
from app.web.messages import N_

FORM_MAX_BODY_BYTES = 64 * 1024
SOURCE_FIELDS = (
    "name",
    "kind",
    "url",
    "auth_kind",
    "auth_secret",
    "trust",
    "max_severity",
    "priority",
    "mode",
    "enabled",
    "fetch_every_seconds",
)
SETTING_FIELDS = (
    "mergeplan",
    "threshold",
    "threshold_type",
    "max_changes",
    "max_share_pct",
    "share_floor",
)
REFUSED = N_("Check the highlighted value: %(field)s is not acceptable.")
RUN_REFUSED = N_("That run is not waiting for review any more.")


def _actor(request: Request) -> ChangeActor:
    admin = admin_of(request)
    return ChangeActor("admin", admin.id, f"admin: {admin.username}")


async def _context(request: Request, error: str | None = None) -> dict[str, Any]:
    db = services_of(request).db
    settings = await get_subscription_settings(db)
    return {
        "sources": await blocklist_sources.list_sources(db),
        "runs": await blocklist_sources.list_subscription_runs(db),
        "settings": settings,
        "kinds": KINDS,
        "auth_kinds": AUTH_KINDS,
        "severities": SEVERITIES,
        "modes": subscriptions.MODES,
        "mergeplans": MERGEPLANS,
        "threshold_types": THRESHOLD_TYPES,
        "error": error,
    }


def _refusal(request: Request, error: Invalid) -> str:
    return translate(request, REFUSED) % {"field": error.field}


def _back(request: Request) -> Response:
    return RedirectResponse(services_of(request).urls.admin_subscriptions(), status_code=303)


@requires(ADMIN)
async def subscriptions_page(request: Request) -> Response:
    return render_admin(request, "admin/subscriptions.html", await _context(request))


async def _page_refused(request: Request, error: Invalid) -> Response:
    context = await _context(request, _refusal(request, error))
    return render_admin(request, "admin/subscriptions.html", context, status_code=400)


@requires(ADMIN)
async def add_source(request: Request) -> Response:
    form = await checked_form(request)
    try:
        values = parse_source_form({n: text_field(form, n) for n in SOURCE_FIELDS}, None)
    except Invalid as error:
        return await _page_refused(request, error)
    await blocklist_sources.insert_source(services_of(request).db, values, utcnow())
    return _back(request)


@requires(ADMIN)
async def update_settings(request: Request) -> Response:
    form = await checked_form(request)
    try:
        chosen = parse_settings_form({n: text_field(form, n) for n in SETTING_FIELDS})
    except Invalid as error:
        return await _page_refused(request, error)
    await update_subscription_settings(services_of(request).db, chosen)
    return _back(request)


async def _source_id(request: Request) -> str:
    source_id = str(request.path_params["source_id"])
    if await blocklist_sources.get_source(services_of(request).db, source_id) is None:
        raise NotFound("source")
    return source_id


@requires(ADMIN)
async def source_action(request: Request) -> Response:
    """edit | fetch | remove, by the last path segment."""
    services = services_of(request)
    form = await checked_form(request)
    source_id = await _source_id(request)
    action = request.path_params["action"]
    now = utcnow()
    if action == "edit":
        current = await blocklist_sources.get_source(services.db, source_id)
        try:
            values = parse_source_form({n: text_field(form, n) for n in SOURCE_FIELDS}, current)
        except Invalid as error:
            return await _page_refused(request, error)
        await blocklist_sources.update_source(services.db, source_id, values)
    elif action == "fetch":
        client = services.fetcher.client
        await subscriptions.sync_source(services.db, client, services.urls, source_id, now)
    elif action == "remove":
        await subscriptions.remove_source(
            services.db, services.urls, source_id, _actor(request), now
        )
    else:
        raise NotFound("action")
    return _back(request)


@requires(ADMIN)
async def run_page(request: Request) -> Response:
    db = services_of(request).db
    run = await blocklist_runs.get_run(db, str(request.path_params["run_id"]))
    if run is None or run.kind != SUBSCRIPTION:
        raise NotFound("run")
    source = (
        None if run.source_id is None else await blocklist_sources.get_source(db, run.source_id)
    )
    proposal = run.proposal if isinstance(run.proposal, dict) else {}
    context = {
        "run": run,
        "source": source,
        "items": proposal.get("items", []),
        "summary": run.summary if isinstance(run.summary, dict) else {},
    }
    return render_admin(request, "admin/subscription_run.html", context)


@requires(ADMIN)
async def run_action(request: Request) -> Response:
    """approve | discard | revert, by the last path segment."""
    services = services_of(request)
    await checked_form(request)
    run_id = str(request.path_params["run_id"])
    action = request.path_params["action"]
    now = utcnow()
    run = await blocklist_runs.get_run(services.db, run_id)
    if run is None or run.kind != SUBSCRIPTION:
        raise NotFound("run")
    try:
        if action == "approve":
            await subscriptions.approve_run(
                services.db, services.urls, run_id, _actor(request), now
            )
        elif action == "discard":
            await subscriptions.discard_run(services.db, run_id, now)
        elif action == "revert" and run.state == APPLIED:
            await service.revert_run(services.db, services.urls, run_id, _actor(request), now)
        elif action != "revert":
            raise NotFound("action")
        else:
            raise Invalid("run", "not_applied")
    except Invalid:
        context = await _context(request, translate(request, RUN_REFUSED))
        return render_admin(request, "admin/subscriptions.html", context, status_code=409)
    return RedirectResponse(services.urls.admin_subscription_run(run_id), status_code=303)


def subscription_routes() -> list[Route]:
    limit = [Middleware(BodyLimit, max_bytes=FORM_MAX_BODY_BYTES)]
    base = "/admin/subscriptions"
    return [
        Route(base, subscriptions_page),
        Route(base, add_source, methods=["POST"], middleware=limit),
        Route(f"{base}/settings", update_settings, methods=["POST"], middleware=limit),
        Route(base + "/runs/{run_id}", run_page),
        Route(base + "/runs/{run_id}/{action}", run_action, methods=["POST"], middleware=limit),
        Route(base + "/{source_id}/{action}", source_action, methods=["POST"], middleware=limit),
    ]
