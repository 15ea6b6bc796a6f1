"""Word and pattern filters (admins only): categories on or off with their action, admin terms
and regular expressions per category, the allowlist of words never to flag, and what each
category caught over the last weeks (app/moderation/filter_stats.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.core.clock import utcnow
from app.core.errors import Invalid
from app.moderation import admin_input
from app.moderation.filter_stats import category_stats
from app.store import filters as filter_store
from app.web.admin.auth import ADMIN, checked_form, requires, text_field
from app.web.admin.render import invalid_message, render_admin
from app.web.context import services_of


async def _context(request: Request) -> dict[str, Any]:
    db = services_of(request).db
    categories = await filter_store.list_categories(db)
    weeks, caught = await category_stats(db, utcnow(), [c.name for c in categories])
    return {
        "categories": categories,
        "weeks": weeks,
        "caught": caught,
        "terms": await filter_store.list_terms(db),
        "allowlist": await filter_store.list_allowlist(db),
        "actions": filter_store.ACTIONS,
        "kinds": filter_store.KINDS,
        "values": {},
    }


@requires(ADMIN)
async def filters_page(request: Request) -> Response:
    return render_admin(request, "admin/filters.html", await _context(request))


async def _apply(request: Request, change: Callable[[FormData], Awaitable[None]]) -> Response:
    """Validate and apply one change; a refused form re-renders the page with why (400)."""
    form = await checked_form(request)
    try:
        await change(form)
    except Invalid as error:
        values = {name: text_field(form, name) for name in ("category", "kind", "term")}
        context = {
            **await _context(request),
            "error": invalid_message(request, error),
            "values": values,
        }
        return render_admin(request, "admin/filters.html", context, status_code=400)
    return RedirectResponse(services_of(request).urls.admin_filters(), status_code=303)


@requires(ADMIN)
async def update_categories(request: Request) -> Response:
    db = services_of(request).db

    async def change(form: FormData) -> None:
        chosen = []
        for category in await filter_store.list_categories(db):
            action = admin_input.parse_action(text_field(form, f"action_{category.name}"))
            enabled = text_field(form, f"enabled_{category.name}") == "on"
            chosen.append((category.name, enabled, action))
        now = utcnow()
        for name, enabled, action in chosen:
            await filter_store.update_category(db, name, enabled, action, now)

    return await _apply(request, change)


@requires(ADMIN)
async def add_term(request: Request) -> Response:
    db = services_of(request).db

    async def change(form: FormData) -> None:
        category = admin_input.parse_category(text_field(form, "category"))
        kind, term = admin_input.parse_term(text_field(form, "kind"), text_field(form, "term"))
        await filter_store.insert_term(db, category, term, kind, utcnow())

    return await _apply(request, change)


@requires(ADMIN)
async def delete_term(request: Request) -> Response:
    db = services_of(request).db
    term_id = request.path_params["term_id"]

    async def change(form: FormData) -> None:
        await filter_store.delete_term(db, term_id, utcnow())

    return await _apply(request, change)


@requires(ADMIN)
async def add_allowlist_term(request: Request) -> Response:
    db = services_of(request).db

    async def change(form: FormData) -> None:
        term = admin_input.parse_allowlist_term(text_field(form, "term"))
        await filter_store.insert_allowlist_term(db, term, utcnow())

    return await _apply(request, change)


@requires(ADMIN)
async def delete_allowlist_term(request: Request) -> Response:
    db = services_of(request).db

    async def change(form: FormData) -> None:
        await filter_store.delete_allowlist_term(db, text_field(form, "term"), utcnow())

    return await _apply(request, change)
