"""Instance moderation settings (admins only): the English classifier and its thresholds, the
n-gram model's thresholds, link allowlist, proof of
work, the "under attack" circuit breaker, and who may read the public domain-block list."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.core.errors import Invalid
from app.moderation import admin_input, instance_settings
from app.moderation.classifier import Classifier
from app.moderation.model import CARE, STOP, shipped_threshold
from app.store import moderation
from app.store.blocklist_settings import (
    SHOW_DOMAIN_BLOCKS,
    SHOW_DOMAIN_BLOCKS_RATIONALE,
    VISIBILITIES,
)
from app.store.moderation import BREAKER_MODES
from app.web.admin.auth import ADMIN, checked_form, requires, text_field
from app.web.admin.render import invalid_message, render_admin
from app.web.context import services_of

FIELDS = (
    "classifier_warn",
    "classifier_hold",
    "classifier_reject",
    "english_classifier",
    "model_hold",
    "model_help",
    "link_allowlist",
    "pow_enabled",
    "breaker_posts_per_minute",
    "breaker_mode",
)
VISIBILITY_FIELDS = (SHOW_DOMAIN_BLOCKS, SHOW_DOMAIN_BLOCKS_RATIONALE)


def _context(values: dict[str, str], visibility: dict[str, str]) -> dict[str, Any]:
    # The breaker's state is the banner every admin page shows while it is on (admin/nav.py).
    return {
        "values": values,
        # Whether the optional classifier's package is there: found, never imported.
        "classifier_installed": Classifier().available(),
        "model_stop": shipped_threshold(STOP),
        "model_care": shipped_threshold(CARE),
        "modes": BREAKER_MODES,
        "visibility": visibility,
        "visibilities": VISIBILITIES,
    }


async def _page(
    request: Request,
    values: dict[str, str] | None = None,
    visibility: dict[str, str] | None = None,
    error: Invalid | None = None,
) -> Response:
    """The page with the stored values, or with what was entered in a refused form."""
    db = services_of(request).db
    settings = await moderation.get_moderation_settings(db)
    context = _context(
        values or instance_settings.shown_moderation_settings(settings),
        visibility or await instance_settings.VISIBILITY.read(db),
    )
    if error is None:
        return render_admin(request, "admin/settings.html", context)
    context["error"] = invalid_message(request, error)
    return render_admin(request, "admin/settings.html", context, status_code=400)


@requires(ADMIN)
async def settings_page(request: Request) -> Response:
    return await _page(request)


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
        return await _page(request, values=values, error=error)
    await moderation.update_moderation_settings(services.db, chosen)
    return RedirectResponse(services.urls.admin_settings(), status_code=303)


@requires(ADMIN)
async def update_domain_block_visibility(request: Request) -> Response:
    """Who may read the public domain-block list and its reasons (Mastodon's
    `show_domain_blocks` and `show_domain_blocks_rationale`)."""
    services = services_of(request)
    form = await checked_form(request)
    entered = {name: text_field(form, name) for name in VISIBILITY_FIELDS}
    try:
        await instance_settings.VISIBILITY.write(services.db, entered)
    except Invalid as error:
        return await _page(request, visibility=entered, error=error)
    return RedirectResponse(services.urls.admin_settings(), status_code=303)
