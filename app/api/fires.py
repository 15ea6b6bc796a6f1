"""Our domain blocks as a FIRES dataset (research §4.1, B8): /datasets, the dataset, its snapshot
and its changes. Visible as the public domain-block list is (`show_domain_blocks`): disabled →
404, users → a bearer token, all → public. Obfuscated domains appear only as digests."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.api.api_auth import bearer_token
from app.blocklists import fires, publishing
from app.services import services_of
from app.store import blocklist_settings


async def _refusal(request: Request) -> Response | None:
    db = services_of(request).db
    visibility = await blocklist_settings.get_visibility(db, blocklist_settings.SHOW_DOMAIN_BLOCKS)
    if visibility == blocklist_settings.ALL:
        return None
    if visibility == blocklist_settings.USERS and await bearer_token(request) is not None:
        return None
    if visibility == blocklist_settings.USERS:
        return JSONResponse({"error": "This API requires an authenticated user"}, status_code=401)
    return Response(status_code=404)


def _document(request: Request, document: dict[str, Any]) -> Response:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Vary": "Accept, Authorization", "Cache-Control": "no-cache"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=fires.CONTENT_TYPE, headers=headers)


def _is_ours(request: Request) -> bool:
    urls = services_of(request).urls
    return request.path_params.get("dataset_id") == fires.dataset_id(urls.base)


async def datasets(request: Request) -> Response:
    refused = await _refusal(request)
    if refused is not None:
        return refused
    return _document(request, publishing.build_datasets(services_of(request).urls))


async def dataset(request: Request) -> Response:
    refused = await _refusal(request)
    if refused is not None or not _is_ours(request):
        return refused or JSONResponse({"error": "Record not found"}, status_code=404)
    return _document(request, publishing.build_dataset(services_of(request).urls))


async def snapshot(request: Request) -> Response:
    refused = await _refusal(request)
    if refused is not None or not _is_ours(request):
        return refused or JSONResponse({"error": "Record not found"}, status_code=404)
    services = services_of(request)
    return _document(request, await publishing.build_snapshot(services.db, services.urls))


async def changes(request: Request) -> Response:
    refused = await _refusal(request)
    if refused is not None or not _is_ours(request):
        return refused or JSONResponse({"error": "Record not found"}, status_code=404)
    services = services_of(request)
    since = request.query_params.get("since")
    if since is None:
        return _document(request, publishing.build_changes_index(services.urls))
    try:
        page = await publishing.build_changes_page(services.db, services.urls, since)
    except fires.CursorError:
        return JSONResponse({"error": "since is not a change id"}, status_code=400)
    return _document(request, page)
