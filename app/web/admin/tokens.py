"""Admin API tokens (admins only): create a named token with scopes, shown once and then kept
only as a hash; list and revoke. Thin adapters over `app.security.api_tokens` and
`app.store.api_tokens`."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.core.clock import utcnow
from app.core.errors import Invalid, NotFound
from app.security.api_tokens import issue_api_token
from app.security.tokens import KNOWN_SCOPES
from app.store import api_tokens
from app.web.admin.auth import ADMIN, checked_form, requires, text_field
from app.web.admin.blocklist_render import path_id, refusal, render_blocklist
from app.web.admin.render import admin_of
from app.web.context import services_of


async def _context(request: Request, **extra: Any) -> dict[str, Any]:
    tokens = await api_tokens.list_tokens(services_of(request).db)
    return {"tokens": tokens, "scopes": KNOWN_SCOPES, "values": {}, **extra}


@requires(ADMIN)
async def tokens_page(request: Request) -> Response:
    return render_blocklist(request, "admin/tokens.html", await _context(request))


@requires(ADMIN)
async def create_token(request: Request) -> Response:
    db = services_of(request).db
    form = await checked_form(request)
    name = text_field(form, "name")
    scopes = [value for value in form.getlist("scopes") if isinstance(value, str)]
    try:
        token_id, token = await issue_api_token(db, name, scopes, admin_of(request).id, utcnow())
    except Invalid as error:
        values = {"name": name, "scopes": scopes}
        context = await _context(request, values=values, error=refusal(request, error))
        return render_blocklist(request, "admin/tokens.html", context, status_code=400)
    # Shown on this answer only: it is not stored, and the page is never cached (no-store).
    context = await _context(request, new_token=token, new_token_id=token_id)
    return render_blocklist(request, "admin/tokens.html", context)


@requires(ADMIN)
async def revoke_token(request: Request) -> Response:
    services = services_of(request)
    await checked_form(request)
    token_id = path_id(request, "token_id")
    if await api_tokens.get_token(services.db, token_id) is None:
        raise NotFound("not_found")
    await api_tokens.revoke_token(services.db, token_id, utcnow())
    return RedirectResponse(services.urls.admin_tokens(), status_code=303)
