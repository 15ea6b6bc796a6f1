"""Domain blocks and remote actors under moderation (moderators may act): list, add or edit a
block, remove one, suspend, silence or lift an actor. Blocks go through the one blocklist write
path (`app.blocklists.service`: audited, enforced at once); actors through
`app.moderation.domains`."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.blocklists import service
from app.core.clock import utcnow
from app.core.errors import Invalid
from app.moderation import domains
from app.store import domain_blocks, moderated
from app.store.domain_blocks import SEVERITIES, BlockValues
from app.store.moderation import ACTOR, DOMAIN, record_decision
from app.web.admin.auth import MODERATOR, checked_form, requires, text_field
from app.web.admin.blocklist_render import admin_actor
from app.web.admin.render import invalid_message, render_admin
from app.web.context import services_of

CHECK = "moderator"
COMMENT_MAX_CHARS = 1000
ACTOR_ACTIONS = {
    "suspend": (True, False),
    "silence": (False, True),
    "lift": (False, False),
}
BLOCK_FIELDS = ("domain", "severity", "public_comment", "private_comment")


async def _context(request: Request, values: dict[str, str] | None = None) -> dict[str, Any]:
    db = services_of(request).db
    return {
        "blocks": await domain_blocks.list_blocks(db),
        "actors": await moderated.list_moderated_actors(db),
        "severities": tuple(reversed(SEVERITIES)),  # strictest first
        "values": values or {},
    }


@requires(MODERATOR)
async def domains_page(request: Request) -> Response:
    return render_admin(request, "admin/domains.html", await _context(request))


async def _refused(request: Request, error: Invalid, form: FormData) -> Response:
    values = {name: text_field(form, name) for name in (*BLOCK_FIELDS, "actor")}
    context = {**await _context(request, values), "error": invalid_message(request, error)}
    return render_admin(request, "admin/domains.html", context, status_code=400)


def _comment(form: FormData, name: str) -> str:
    return text_field(form, name).strip()[:COMMENT_MAX_CHARS]


def _block_input(form: FormData) -> tuple[str, BlockValues]:
    severity = text_field(form, "severity")
    if severity not in SEVERITIES:
        raise Invalid("severity", "invalid")
    domain = domains.normalise_domain(text_field(form, "domain"))
    return domain, BlockValues(
        severity=severity,
        reject_media=text_field(form, "reject_media") == "on",
        reject_reports=text_field(form, "reject_reports") == "on",
        public_comment=_comment(form, "public_comment"),
        private_comment=_comment(form, "private_comment"),
        obfuscate=text_field(form, "obfuscate") == "on",
    )


@requires(MODERATOR)
async def set_block(request: Request) -> Response:
    services = services_of(request)
    form = await checked_form(request)
    try:
        domain, values = _block_input(form)
    except Invalid as error:
        return await _refused(request, error, form)
    now = utcnow()
    # The same write path as /admin/blocks: a manual assertion, audited, enforced at once.
    await service.set_manual(services.db, services.urls, domain, values, admin_actor(request), now)
    stored = await domain_blocks.get_block(services.db, domain)
    if stored is not None:  # decisions name the block by its id: domains outgrow the column
        await record_decision(
            services.db, stored.id, DOMAIN, CHECK, values.severity, "domain block set", now
        )
    return RedirectResponse(services.urls.admin_domains(), status_code=303)


@requires(MODERATOR)
async def remove_block(request: Request) -> Response:
    services = services_of(request)
    form = await checked_form(request)
    try:
        domain = domains.normalise_domain(text_field(form, "domain"))
    except Invalid as error:
        return await _refused(request, error, form)
    now = utcnow()
    stored = await domain_blocks.get_block(services.db, domain)
    await service.lift(services.db, domain, admin_actor(request), now, reason="removed")
    if stored is not None:
        await record_decision(
            services.db, stored.id, DOMAIN, CHECK, "unblock", "domain block removed", now
        )
    return RedirectResponse(services.urls.admin_domains(), status_code=303)


@requires(MODERATOR)
async def moderate_actor(request: Request) -> Response:
    services = services_of(request)
    form = await checked_form(request)
    action = text_field(form, "moderation")
    actor_id = await moderated.get_actor_id_by_ap_id(services.db, text_field(form, "actor").strip())
    if action not in ACTOR_ACTIONS:
        return await _refused(request, Invalid("moderation", "unknown"), form)
    if actor_id is None:
        return await _refused(request, Invalid("actor", "unknown"), form)
    suspended, silenced = ACTOR_ACTIONS[action]
    now = utcnow()
    await domains.set_actor_moderation(
        services.db, services.urls, actor_id, suspended=suspended, silenced=silenced, now=now
    )
    await record_decision(services.db, actor_id, ACTOR, CHECK, action, "actor moderation", now)
    return RedirectResponse(services.urls.admin_domains(), status_code=303)
