"""Discovery: WebFinger, host-meta, NodeInfo, and a minimal Mastodon-shaped instance API."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.core.errors import Gone, Invalid, NotFound
from app.fedi.documents import actor_url
from app.services import services_of
from app.store import local_actors
from app.store import notes as note_store
from app.store.boards import get_board, list_boards
from app.store.local_actors import LocalActor
from federation.nodeinfo import build_nodeinfo, build_nodeinfo_index
from federation.webfinger import build_jrd, parse_acct

SOFTWARE = "treehole"
VERSION = "0.1.0"
JRD = "application/jrd+json"
CACHE = {"Cache-Control": "max-age=300", "Access-Control-Allow-Origin": "*"}


async def _actor_for_username(request: Request, username: str) -> LocalActor:
    services = services_of(request)
    hostname = urlsplit(services.settings.base_url).hostname or ""
    if username.lower() == hostname.lower():
        actor = await local_actors.get_instance_actor(services.db)
    else:
        actor = await local_actors.get_actor_by_username(services.db, username)
    if actor is None:
        raise NotFound("not_found")
    if actor.state == "deleted":
        raise Gone("gone")
    return actor


async def webfinger(request: Request) -> Response:
    services = services_of(request)
    resource = request.query_params.get("resource")
    if not resource:
        raise Invalid("resource", "missing")
    parsed = parse_acct(resource)
    if parsed is None:
        raise NotFound("not_found")
    username, host = parsed
    if host.lower() != services.settings.domain.lower():
        raise NotFound("not_found")
    actor = await _actor_for_username(request, username)
    board = await get_board(services.db, actor.board_id) if actor.board_id else None
    url = actor_url(services.urls, actor, board)
    profile = services.urls.board(board.slug) if board else None
    jrd = build_jrd(f"acct:{actor.username}@{services.settings.domain}", [url], url, profile)
    return JSONResponse(jrd, media_type=JRD, headers=CACHE)


async def host_meta(request: Request) -> Response:
    template = services_of(request).urls.webfinger() + "?resource={uri}"
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" type="application/xrd+xml" template="{template}"/>\n'
        "</XRD>\n"
    )
    return Response(body, media_type="application/xrd+xml", headers=CACHE)


async def nodeinfo_index(request: Request) -> Response:
    services = services_of(request)
    return JSONResponse(
        build_nodeinfo_index(services.urls.base, services.urls.instance_actor()), headers=CACHE
    )


async def nodeinfo(request: Request) -> Response:
    version = request.path_params["version"]
    if version not in ("2.0", "2.1"):
        raise NotFound("not_found")
    services = services_of(request)
    document = build_nodeinfo(
        version,
        SOFTWARE,
        VERSION,
        open_registrations=False,
        users_total=0,
        local_posts=await note_store.count_live_local_notes(services.db),
        metadata={"nodeName": "Treehole", "anonymous": True},
    )
    profile = f"http://nodeinfo.diaspora.software/ns/schema/{version}#"
    return JSONResponse(
        document, media_type=f'application/json; profile="{profile}"', headers=CACHE
    )


async def instance_v1(request: Request) -> Response:
    services = services_of(request)
    domain = services.settings.domain
    return JSONResponse(
        {
            "uri": domain,
            "title": "Treehole",
            "short_description": "Anonymous notes that expire, federated.",
            "description": "Anonymous notes that expire, federated.",
            "email": "",
            "version": f"4.0.0 (compatible; Treehole {VERSION})",
            "urls": {},
            "stats": {
                "user_count": 0,
                "status_count": await note_store.count_live_local_notes(services.db),
                "domain_count": 0,
            },
            "languages": ["en", "zh"],
            "registrations": False,
            "approval_required": False,
            "invites_enabled": False,
            "configuration": {"statuses": {"max_characters": services.settings.post_max_chars}},
            "contact_account": None,
            "rules": [],
        },
        headers=CACHE,
    )


async def instance_v2(request: Request) -> Response:
    services = services_of(request)
    boards = await list_boards(services.db)
    return JSONResponse(
        {
            "domain": services.settings.domain,
            "title": "Treehole",
            "version": f"4.0.0 (compatible; Treehole {VERSION})",
            "source_url": "",
            "description": "Anonymous notes that expire, federated.",
            "usage": {"users": {"active_month": 0}},
            "languages": ["en", "zh"],
            "configuration": {
                "urls": {},
                "statuses": {"max_characters": services.settings.post_max_chars},
            },
            "registrations": {"enabled": False, "approval_required": False, "message": None},
            "contact": {"email": "", "account": None},
            "rules": [],
            "treehole": {"boards": [f"@{b.slug}@{services.settings.domain}" for b in boards]},
        },
        headers=CACHE,
    )
