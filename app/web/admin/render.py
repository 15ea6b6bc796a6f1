"""Rendering of admin pages: the signed-in admin and the admin nav in every page's context, and
the translated reason when a form was refused."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from app.core.errors import Invalid
from app.store.admins import Admin
from app.web.admin.blocklist_texts import LABELS as BLOCK_LABELS
from app.web.admin.texts import INVALID, LABELS
from app.web.context import render_page, translate
from app.web.messages import TITLES


def admin_of(request: Request) -> Admin:
    """The admin that `requires` let through."""
    admin: Admin = request.state.admin
    return admin


def render_admin(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    full = {
        "admin": admin_of(request),
        "texts": LABELS,
        "block_texts": BLOCK_LABELS,
        "nav": getattr(request.state, "admin_nav", None),
        **context,
    }
    return render_page(request, template, full, status_code=status_code)


def invalid_message(request: Request, error: Invalid) -> str:
    return translate(request, INVALID.get(str(error), TITLES[400]))
