"""What the blocklist and token admin pages share: the admin as the audit log names it, the
page context with the blocklist labels, and the translated reason a form was refused."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from app.blocklists.changes import ChangeActor
from app.core.errors import Invalid, NotFound
from app.web.admin.blocklist_texts import INVALID, LABELS
from app.web.admin.render import admin_of, render_admin
from app.web.context import translate
from app.web.messages import TITLES

ID_MAX_CHARS = 32


def admin_actor(request: Request) -> ChangeActor:
    admin = admin_of(request)
    return ChangeActor("admin", admin.id, f"admin: {admin.username}")


def render_blocklist(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    full = {"block_texts": LABELS, **context}
    return render_admin(request, template, full, status_code=status_code)


def refusal(request: Request, error: Invalid) -> str:
    return translate(request, INVALID.get(str(error), TITLES[400]))


def path_id(request: Request, name: str) -> str:
    """A row id from the path; anything that cannot be one (ours are 26 base32 characters) is
    not found, before it reaches a query."""
    value = str(request.path_params[name])
    if not (value.isascii() and value.isalnum() and len(value) <= ID_MAX_CHARS):
        raise NotFound("not_found")
    return value
