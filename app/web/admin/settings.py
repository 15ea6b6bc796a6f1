"""Instance moderation settings (admins only): classifier thresholds, link allowlist, proof of
work, and the "under attack" circuit breaker."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.core.errors import Invalid
from app.moderation import admin_input
from app.store import moderation
from app.store.moderation import BREAKER_MODES, ModerationSettings
from app.web.admin.auth import ADMIN, checked_form, requires, text_field
from app.web.admin.render import invalid_message, render_admin
from app.web.context import services_of

FIELDS = (
    "classifier_warn",
    "classifier_hold",
    "classifier_reject",
    "link_allowlist",
    "pow_enabled",
    "breaker_posts_per_minute",
    "breaker_mode",
)


def _shown(settings: ModerationSettings) -> dict[str, str]:
    return {
        "classifier_warn": str(settings.classifier_warn),
        "classifier_hold": str(settings.classifier_hold),
        "classifier_reject": str(settings.classifier_reject),
        "link_allowlist": "\n".join(settings.link_allowlist),
        "pow_enabled": "on" if settings.pow_enabled else "",
        "breaker_posts_per_minute": str(settings.breaker_posts_per_minute),
        "breaker_mode": settings.breaker_mode,
    }


def _context(settings: ModerationSettings, values: dict[str, str]) -> dict[str, Any]:
    # The breaker's state is the banner every admin page shows while it is on (admin/nav.py).
    return {"values": values, "modes": BREAKER_MODES}


@requires(ADMIN)
async def settings_page(request: Request) -> Response:
    settings = await moderation.get_moderation_settings(services_of(request).db)
    return render_admin(request, "admin/settings.html", _context(settings, _shown(settings)))


@requires(ADMIN)
async def update_settings(request: Request) -> Response:
    services = services_of(request)
    form = await checked_form(request)
    current = await moderation.get_moderation_settings(services.db)
    entered: dict[str, str | None] = {name: text_field(form, name) for name in FIELDS}
    try:
        chosen = admin_input.parse_moderation_settings(entered, current)
    except Invalid as error:
        values = {name: value or "" for name, value in entered.items()}
        context = {**_context(current, values), "error": invalid_message(request, error)}
        return render_admin(request, "admin/settings.html", context, status_code=400)
    await moderation.update_moderation_settings(services.db, chosen)
    return RedirectResponse(services.urls.admin_settings(), status_code=303)
