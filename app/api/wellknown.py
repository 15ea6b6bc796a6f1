"""Discovery: WebFinger, host-meta, NodeInfo, and a minimal Mastodon-shaped instance API."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.core.errors import Gone, Invalid, NotFound
from app.core.local_refs import parse_local_url
from app.core.states import DELETED
from app.fedi.documents import actor_url
from app.services import services_of
from app.store import local_actors
from app.store import notes as note_store
from app.store.boards import get_board, get_board_by_slug, list_boards
from app.store.instance_profile import InstanceProfile, get_instance_profile
from app.store.local_actors import THROWAWAY, LocalActor
from federation.nodeinfo import build_nodeinfo, build_nodeinfo_index
from federation.origin import same_origin
from federation.webfinger import build_jrd, classify_resource, parse_acct

SOFTWARE = "treehole"
VERSION = "0.1.0"
JRD = "application/jrd+json"
CACHE = {"Cache-Control": "max-age=300", "Access-Control-Allow-Origin": "*"}


async def _actor_for_username(request: Request, username: str) -> LocalActor:
    services = services_of(request)
    hostname = urlsplit(services.settings.base_url).hostname or ""
    # Every username we make is lowercase; Mastodon's `find_local!` matches case-insensitively.
    username = username.lower()
    if username == hostname.lower():
        actor = await local_actors.get_instance_actor(services.db)
    else:
        actor = await local_actors.get_actor_by_username(services.db, username)
    return _live(actor)


def _live(actor: LocalActor | None) -> LocalActor:
    if actor is None:
        raise NotFound("not_found")
    if actor.state == DELETED:
        raise Gone("gone")
    return actor


async def _actor_for_url(request: Request, url: str) -> LocalActor:
    """The actor an `https://host/...` resource names: a board, a throwaway actor or the
    instance actor (Mastodon's WebfingerResource resolves its own account URLs the same way)."""
    services = services_of(request)
    ref = parse_local_url(services.urls, url)
    if ref is None or ref.kind == "note" or ref.kind == "thread":
        raise NotFound("not_found")
    if ref.kind == "instance":
        return _live(await local_actors.get_instance_actor(services.db))
    if ref.kind == "board":
        board = await get_board_by_slug(services.db, ref.key)
        actor = None if board is None else await local_actors.get_board_actor(services.db, board.id)
        return _live(actor)
    found = await local_actors.get_actor(services.db, ref.key)
    return _live(found if found is not None and found.kind == THROWAWAY else None)


async def webfinger(request: Request) -> Response:
    """JRD for `acct:user@host`, bare `user@host` or one of our actor URLs. A resource that is
    neither an http(s) URL nor an acct, or does not parse as one, is a bad request (400); one that
    parses but names nothing of ours is 404 (Mastodon well_known/webfinger_controller.rb)."""
    services = services_of(request)
    resource = request.query_params.get("resource")
    if not resource:
        raise Invalid("resource", "missing")
    kind = classify_resource(resource)
    if kind is None:
        raise Invalid("resource", "malformed")
    if kind == "url":
        if not same_origin(resource, services.urls.base):
            raise NotFound("not_found")
        actor = await _actor_for_url(request, resource)
    else:
        parsed = parse_acct(resource)
        assert parsed is not None
        username, host = parsed
        if host != services.settings.domain.lower():
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


DEFAULT_DESCRIPTION = "Anonymous notes that expire, federated."


def rules_of(profile: InstanceProfile) -> list[dict[str, str]]:
    """Mastodon's Rule entities: an id and the text (and an empty hint, as 4.3 serves)."""
    return [{"id": str(n), "text": rule, "hint": ""} for n, rule in enumerate(profile.rules, 1)]


async def instance_v1(request: Request) -> Response:
    services = services_of(request)
    domain = services.settings.domain
    profile = await get_instance_profile(services.db)
    description = profile.about or DEFAULT_DESCRIPTION
    return JSONResponse(
        {
            "uri": domain,
            "title": "Treehole",
            "short_description": description.split("\n\n", 1)[0],
            "description": description,
            "email": profile.contact_email,
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
            "rules": rules_of(profile),
        },
        headers=CACHE,
    )


async def instance_v2(request: Request) -> Response:
    services = services_of(request)
    boards = await list_boards(services.db)
    profile = await get_instance_profile(services.db)
    return JSONResponse(
        {
            "domain": services.settings.domain,
            "title": "Treehole",
            "version": f"4.0.0 (compatible; Treehole {VERSION})",
            "source_url": "",
            "description": profile.about or DEFAULT_DESCRIPTION,
            "usage": {"users": {"active_month": 0}},
            "languages": ["en", "zh"],
            "configuration": {
                "urls": {},
                "statuses": {"max_characters": services.settings.post_max_chars},
            },
            "registrations": {"enabled": False, "approval_required": False, "message": None},
            "contact": {"email": profile.contact_email, "account": None},
            "rules": rules_of(profile),
            "treehole": {"boards": [f"@{b.slug}@{services.settings.domain}" for b in boards]},
        },
        headers=CACHE,
    )
