"""Mastodon-compatible domain-block APIs, so FediBlockHole and other Mastodon tools can read our
list and push into it unmodified: the public list, the admin CRUD with bearer tokens and Link
paging, the measures call, and CSV exports. Shapes, status codes and paging follow Mastodon
(research/blocklists.md §1.3, §1.4, R1–R9); every write goes through app/blocklists/service.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.api.api_auth import (
    authenticated_token,
    bearer_token,
    request_body,
    token_actor,
    unprocessable,
)
from app.blocklists import service
from app.blocklists.changes import values_of
from app.blocklists.formats import (
    build_admin_entity,
    build_mastodon_csv,
    build_plain_csv,
    build_public_list,
    obfuscate_domain,
)
from app.blocklists.provenance import is_stricter_than
from app.core.clock import utcnow
from app.core.errors import Invalid
from app.moderation.domains import normalise_domain
from app.security.tokens import ADMIN_READ, READ_DOMAIN_BLOCKS, WRITE_DOMAIN_BLOCKS
from app.services import services_of
from app.store import blocklist_settings, domain_blocks, domain_follows
from app.store.domain_blocks import SEVERITIES, SILENCE, BlockValues, DomainBlock

DEFAULT_LIMIT = 100
MAX_LIMIT = 200
NOT_FOUND = {"error": "Record not found"}
BAD_SEVERITY = "Validation failed: Severity is not included in the list"
BAD_DOMAIN = "Validation failed: Domain is invalid"
BLANK_DOMAIN = "Validation failed: Domain can't be blank"
FLAGS = ("reject_media", "reject_reports", "obfuscate")
COMMENTS = ("private_comment", "public_comment")
CSV_TYPE = "text/csv; charset=utf-8"
TRUE_WORDS = frozenset({"true", "1", "on", "t", "yes"})
FALSE_WORDS = frozenset({"false", "0", "off", "f", "no", ""})


def entity(block: DomainBlock) -> dict[str, Any]:
    values = values_of(block)
    assert values is not None
    return build_admin_entity(block.id, block.domain, values, block.created_at)


async def _blocks(request: Request) -> list[tuple[str, BlockValues]]:
    blocks = await domain_blocks.list_blocks(services_of(request).db)
    return [(b.domain, v) for b in blocks if (v := values_of(b)) is not None]


async def _may_see(request: Request, key: str) -> bool:
    visibility = await blocklist_settings.get_visibility(services_of(request).db, key)
    if visibility == blocklist_settings.ALL:
        return True
    if visibility == blocklist_settings.USERS:
        return await bearer_token(request) is not None
    return False


async def public_list(request: Request) -> Response:
    """GET /api/v1/instance/domain_blocks (R1)."""
    db = services_of(request).db
    visibility = await blocklist_settings.get_visibility(db, blocklist_settings.SHOW_DOMAIN_BLOCKS)
    if visibility == blocklist_settings.DISABLED:
        return Response(status_code=404)
    if visibility == blocklist_settings.USERS and await bearer_token(request) is None:
        return JSONResponse({"error": "This API requires an authenticated user"}, 401)
    rationale = await _may_see(request, blocklist_settings.SHOW_DOMAIN_BLOCKS_RATIONALE)
    return JSONResponse(build_public_list(await _blocks(request), rationale))


async def public_csv(request: Request) -> Response:
    """The public list as Mastodon CSV (`?header=plain` for FediBlockHole's `csv` format);
    obfuscated domains stay obfuscated, comments only when the rationale is public."""
    if not await _may_see(request, blocklist_settings.SHOW_DOMAIN_BLOCKS):
        return Response(status_code=404)
    rationale = await _may_see(request, blocklist_settings.SHOW_DOMAIN_BLOCKS_RATIONALE)
    rows = [
        (
            obfuscate_domain(domain) if values.obfuscate else domain,
            values if rationale else BlockValues(**{**values.as_dict(), "public_comment": None}),
        )
        for domain, values in await _blocks(request)
    ]
    plain = request.query_params.get("header") == "plain"
    text = build_plain_csv(rows) if plain else build_mastodon_csv(rows)
    return Response(text, media_type=CSV_TYPE)


async def admin_csv(request: Request) -> Response:
    """GET /api/v1/admin/domain_blocks/export.csv: Mastodon's export, real domains (R4)."""
    await authenticated_token(request, READ_DOMAIN_BLOCKS)
    rows = await _blocks(request)
    plain = request.query_params.get("header") == "plain"
    text = build_plain_csv(rows) if plain else build_mastodon_csv(rows)
    headers = {"Content-Disposition": 'attachment; filename="domain_blocks.csv"'}
    return Response(text, media_type=CSV_TYPE, headers=headers)


def _limit(request: Request) -> int:
    raw = request.query_params.get("limit", "")
    if not raw.strip().isdigit():
        return DEFAULT_LIMIT
    return max(1, min(int(raw), MAX_LIMIT))


def _page_url(request: Request, **params: str) -> str:
    kept = {k: v for k, v in request.query_params.items() if k == "limit"}
    query = urlencode(sorted({**kept, **params}.items()))
    return f"{request.url.scheme}://{request.url.netloc}{request.url.path}?{query}"


def _link_header(request: Request, page: list[DomainBlock], limit: int) -> str | None:
    """Mastodon's Link: next (only on a full page) first, then prev (on any non-empty page)."""
    if not page:
        return None
    links = []
    if len(page) >= limit:
        links.append(f'<{_page_url(request, max_id=page[-1].id)}>; rel="next"')
    links.append(f'<{_page_url(request, min_id=page[0].id)}>; rel="prev"')
    return ", ".join(links)


def _cursor(request: Request, name: str) -> str | None:
    value = request.query_params.get(name)
    return value if value else None


async def admin_list(request: Request) -> Response:
    """GET /api/v1/admin/domain_blocks (R2, R3)."""
    await authenticated_token(request, READ_DOMAIN_BLOCKS)
    limit = _limit(request)
    page = list(
        await domain_blocks.list_blocks_page(
            services_of(request).db,
            limit,
            max_id=_cursor(request, "max_id"),
            since_id=_cursor(request, "since_id"),
            min_id=_cursor(request, "min_id"),
        )
    )
    response = JSONResponse([entity(block) for block in page])
    link = _link_header(request, page, limit)
    if link is not None:
        response.headers["Link"] = link
    return response


async def _block_or_404(request: Request) -> DomainBlock | None:
    block_id = request.path_params["block_id"]
    return await domain_blocks.get_block_by_id(services_of(request).db, block_id)


async def admin_show(request: Request) -> Response:
    await authenticated_token(request, READ_DOMAIN_BLOCKS)
    block = await _block_or_404(request)
    if block is None:
        return JSONResponse(NOT_FOUND, 404)
    return JSONResponse(entity(block))


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise Invalid("flag", "Validation failed: a flag is not a boolean")


def _comment(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise Invalid("comment", "Validation failed: a comment is not text")


def _values(body: Mapping[str, Any], base: BlockValues) -> BlockValues:
    """`base` overwritten by whatever the request sent."""
    fields = base.as_dict()
    if "severity" in body:
        if body["severity"] not in SEVERITIES:
            raise Invalid("severity", BAD_SEVERITY)
        fields["severity"] = body["severity"]
    for name in FLAGS:
        if name in body:
            fields[name] = _flag(body[name])
    for name in COMMENTS:
        if name in body:
            fields[name] = _comment(body[name])
    return BlockValues(**fields)


def _domain(raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise Invalid("domain", BLANK_DOMAIN)
    try:
        return normalise_domain(raw)
    except Invalid:
        raise Invalid("domain", BAD_DOMAIN) from None


def _conflict(existing: DomainBlock) -> Response:
    body = {
        "error": f"You have already imposed stricter limits on {existing.domain}.",
        "existing_domain_block": entity(existing),
    }
    return JSONResponse(body, 422)


async def admin_create(request: Request) -> Response:
    """POST /api/v1/admin/domain_blocks: 200 with the entity (R5), 422 on conflict (R6)."""
    token = await authenticated_token(request, WRITE_DOMAIN_BLOCKS)
    services = services_of(request)
    try:
        body = await request_body(request)
        domain = _domain(body.get("domain"))
        values = _values(body, BlockValues(severity=SILENCE))
    except Invalid as error:
        return unprocessable(error.reason)
    existing = await domain_blocks.block_for_host(services.db, domain)
    if existing is not None:
        existing_values = values_of(existing)
        assert existing_values is not None
        if existing.domain == domain or not is_stricter_than(values, existing_values):
            return _conflict(existing)
    change = await service.set_by_token(
        services.db, services.urls, domain, values, token_actor(token), utcnow()
    )
    assert change.block is not None
    return JSONResponse(entity(change.block))


async def admin_update(request: Request) -> Response:
    """PUT /api/v1/admin/domain_blocks/{id} (R7); the stored values come back unchanged (R8)."""
    token = await authenticated_token(request, WRITE_DOMAIN_BLOCKS)
    services = services_of(request)
    block = await _block_or_404(request)
    if block is None:
        return JSONResponse(NOT_FOUND, 404)
    current = values_of(block)
    assert current is not None
    try:
        body = await request_body(request)
        if "domain" in body and body["domain"] is not None:
            if _domain(body["domain"]) != block.domain:
                raise Invalid("domain", "Validation failed: Domain cannot be changed")
        values = _values(body, current)
    except Invalid as error:
        return unprocessable(error.reason)
    if values == current:
        return JSONResponse(entity(block))
    change = await service.set_by_token(
        services.db, services.urls, block.domain, values, token_actor(token), utcnow()
    )
    assert change.block is not None
    return JSONResponse(entity(change.block))


async def admin_delete(request: Request) -> Response:
    """DELETE /api/v1/admin/domain_blocks/{id}: lifts the block, 200 `{}`."""
    token = await authenticated_token(request, WRITE_DOMAIN_BLOCKS)
    services = services_of(request)
    block = await _block_or_404(request)
    if block is None:
        return JSONResponse(NOT_FOUND, 404)
    await service.lift(services.db, block.domain, token_actor(token), utcnow())
    return JSONResponse({})


def _measure_domain(body: Mapping[str, Any]) -> str:
    nested = body.get("instance_follows")
    raw = nested.get("domain") if isinstance(nested, dict) else body.get("instance_follows[domain]")
    return _domain(raw)


async def measures(request: Request) -> Response:
    """POST /api/v1/admin/measures (R9): `instance_follows` only; no start_at/end_at needed."""
    await authenticated_token(request, ADMIN_READ)
    try:
        body = await request_body(request)
        keys = body.get("keys") or body.get("keys[]") or []
        keys = [keys] if isinstance(keys, str) else keys
        if not isinstance(keys, list):
            raise Invalid("keys", "Validation failed: keys is not a list")
        results = []
        for key in keys:
            if key != "instance_follows":
                continue
            count = await domain_follows.count_follows_with_domain(
                services_of(request).db, _measure_domain(body)
            )
            results.append(
                {
                    "key": key,
                    "unit": None,
                    "total": str(count),
                    "previous_total": "0",
                    "data": [],
                }
            )
    except Invalid as error:
        return unprocessable(error.reason)
    return JSONResponse(results)
