"""What the instance says about itself (admins only): the about text, the rules and how to reach
the admins. Shown on /about and in the footer of every page, and served in Mastodon's
/api/v1/instance and /api/v2/instance."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.core.errors import Invalid
from app.moderation import admin_input
from app.store.instance_profile import get_instance_profile, update_instance_profile
from app.web.admin.auth import ADMIN, checked_form, requires, text_field
from app.web.admin.render import invalid_message, render_admin
from app.web.context import services_of

FIELDS = ("about", "rules", "contact")


@requires(ADMIN)
async def instance_page(request: Request) -> Response:
    profile = await get_instance_profile(services_of(request).db)
    values = {"about": profile.about, "rules": "\n".join(profile.rules), "contact": profile.contact}
    return render_admin(request, "admin/instance.html", {"values": values})


@requires(ADMIN)
async def update_instance(request: Request) -> Response:
    services = services_of(request)
    form = await checked_form(request)
    entered = {name: text_field(form, name) for name in FIELDS}
    try:
        profile = admin_input.parse_instance_profile(entered)
    except Invalid as error:
        context = {"values": entered, "error": invalid_message(request, error)}
        return render_admin(request, "admin/instance.html", context, status_code=400)
    await update_instance_profile(services.db, profile)
    return RedirectResponse(services.urls.admin_instance(), status_code=303)
