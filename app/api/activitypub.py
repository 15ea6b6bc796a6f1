"""ActivityStreams documents of our actors, notes, threads, activities and collections.

Every URL serves people HTML and servers AS2 JSON, chosen by the Accept header (for a board, a
note and a thread, the wiring sends people to the page in app/web/pages.py). Gone things:
a deleted actor (and its key URL) answers 410; a deleted note's JSON answers 404, which is what
Mastodon answers for its own deleted statuses and the only code on which its refetch drops a copy
(its HTML page answers 410).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.core.clock import utcnow
from app.core.errors import Gone, NotFound
from app.core.states import DELETED, LIVE
from app.fedi.board_profile import load_board_profile
from app.fedi.documents import build_actor_document, build_note_document
from app.fedi.outbound import reply_target
from app.services import services_of
from app.store import activities, followers, local_actors
from app.store import notes as note_store
from app.store.boards import get_board, get_board_by_slug
from app.store.local_actors import THROWAWAY
from federation.builders import build_ordered_collection, build_tombstone
from federation.conneg import wants_activity_json
from federation.vocab import ACTIVITY_JSON

AS_HEADERS = {"Vary": "Accept", "Cache-Control": "max-age=60"}


def activity_json(document: dict[str, Any], status_code: int = 200) -> Response:
    return Response(
        json.dumps(document, ensure_ascii=False),
        status_code=status_code,
        media_type=ACTIVITY_JSON,
        headers=AS_HEADERS,
    )


def wants_as(request: Request) -> bool:
    return wants_activity_json(request.headers.get("accept"))


async def instance_actor(request: Request) -> Response:
    """Fetchable without a signature: secure-mode servers fetch it to check our signed GETs."""
    services = services_of(request)
    actor = await local_actors.get_instance_actor(services.db)
    if actor is None:
        raise NotFound("not_found")
    if not wants_as(request):
        return RedirectResponse(services.urls.home(), status_code=303)
    return activity_json(build_actor_document(services.urls, services.settings.domain, actor, None))


async def board(request: Request) -> Response:
    """The board's Group actor."""
    services = services_of(request)
    found = await get_board_by_slug(services.db, request.path_params["slug"])
    actor = None if found is None else await local_actors.get_board_actor(services.db, found.id)
    if found is None or actor is None:
        raise NotFound("board")
    profile = await load_board_profile(
        services.db, services.urls, found, services.notes.translations, utcnow()
    )
    return activity_json(
        build_actor_document(services.urls, services.settings.domain, actor, found, profile=profile)
    )


async def throwaway_actor(request: Request) -> Response:
    services = services_of(request)
    actor = await local_actors.get_actor(services.db, request.path_params["actor_id"])
    if actor is None or actor.kind != THROWAWAY:
        raise NotFound("not_found")
    url = services.urls.actor(actor.id)
    if actor.state == DELETED:
        if wants_as(request):
            return activity_json(build_tombstone(object_id=url, former_type="Person"), 410)
        raise Gone("gone")
    if not wants_as(request):
        # People see the thread the actor wrote in; the actor itself has no page.
        return RedirectResponse(services.urls.thread(actor.thread_id or ""), status_code=303)
    return activity_json(build_actor_document(services.urls, services.settings.domain, actor, None))


async def note(request: Request) -> Response:
    """A live local note."""
    services = services_of(request)
    found = await note_store.get_note(services.db, request.path_params["note_id"])
    if found is not None and found.state == DELETED and found.origin == "local":
        # 404 (the only code on which Mastodon's refetch drops its copy), in the media type a
        # server asked for, with the Tombstone that says why (decision 0002).
        tombstone = build_tombstone(object_id=services.urls.note(found.id), former_type="Note")
        return activity_json(tombstone, 404)
    if found is None or found.state != LIVE or found.origin != "local":
        raise NotFound("note")
    author = await local_actors.get_actor(services.db, found.local_actor_id or "")
    board_row = await get_board(services.db, found.board_id)
    if author is None or board_row is None:
        raise NotFound("note")
    reply_to = await reply_target(services.db, services.urls, found)
    return activity_json(build_note_document(services.urls, found, author, board_row, reply_to))


async def thread(request: Request) -> Response:
    """The thread as a collection of its notes' ids (the `context` of each note)."""
    services = services_of(request)
    thread_id = request.path_params["thread_id"]
    root = await note_store.get_note(services.db, thread_id)
    if root is None or root.state != LIVE or not root.is_root:
        raise NotFound("thread")
    items = [
        n.ap_id if n.origin != "local" else services.urls.note(n.id)
        for n in await note_store.list_thread(services.db, thread_id)
    ]
    return activity_json(
        build_ordered_collection(
            collection_id=services.urls.thread(thread_id), total_items=len(items), items=items
        )
    )


async def activity(request: Request) -> Response:
    services = services_of(request)
    stored = await activities.get_activity(services.db, request.path_params["activity_id"])
    if stored is None or stored.payload == "{}" or stored.signing_key_pem is not None:
        raise NotFound("not_found")
    return Response(stored.payload, media_type=ACTIVITY_JSON, headers=AS_HEADERS)


async def board_collection(request: Request) -> Response:
    """Outbox, followers and following of a board: counts only (no follower list is exposed)."""
    services = services_of(request)
    found = await get_board_by_slug(services.db, request.path_params["slug"])
    actor = None if found is None else await local_actors.get_board_actor(services.db, found.id)
    if found is None or actor is None:
        raise NotFound("board")
    which = request.url.path.rsplit("/", 1)[1]
    if which == "followers":
        total = await followers.count_followers(services.db, actor.id)
    elif which == "outbox":
        total = await note_store.count_announced_notes(services.db, found.id)
    else:
        total = 0
    return activity_json(
        build_ordered_collection(collection_id=str(request.url), total_items=total)
    )


async def actor_collection(request: Request) -> Response:
    services = services_of(request)
    actor = await local_actors.get_actor(services.db, request.path_params["actor_id"])
    if actor is None or actor.kind != THROWAWAY:
        raise NotFound("not_found")
    if actor.state == DELETED:
        raise Gone("gone")
    return activity_json(build_ordered_collection(collection_id=str(request.url), total_items=0))


async def instance_collection(request: Request) -> Response:
    return activity_json(build_ordered_collection(collection_id=str(request.url), total_items=0))
