"""Inbox POSTs (shared and per actor): check, verify, store, answer 202. Applying happens in the
worker. Every refusal is a clear 4xx with a reason, is counted, and stores nothing."""

from __future__ import annotations

import codecs
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.core.clock import utcnow
from app.core.errors import RETRY_AFTER_UNAVAILABLE_SECONDS, RateLimited
from app.fedi.inbox_refusals import (
    BAD_SIGNATURE,
    DROPPED,
    FOREIGN_ID,
    FOREIGN_OBJECT,
    KEY_UNUSABLE,
    MALFORMED,
    REFUSED_KIND,
    REFUSED_STATUS,
    RELAYED,
    SUSPENDED,
    TOO_MANY,
)
from app.fedi.inbox_writer import InboxUnavailable
from app.services import Services, services_of
from app.store import counters, remote_actors
from app.store.inbox_items import NewItem
from app.store.remote_actors import RemoteActor
from federation.errors import FetchError, ParseError, SignatureError
from federation.httpsig import parse_signed_request
from federation.keyfetch import KeyLookup, verify_with_key_lookup
from federation.origin import host_of, object_belongs_to_actor, signer_owns_activity
from federation.parse import load_json, parse_activity

log = logging.getLogger("treehole.inbox")

INBOX_MAX_BODY_BYTES = 1024 * 1024
TYPE_COLUMN_CHARS = 32  # inbox_items.type; longer types are none we handle, kept for the record

KEY_ID = re.compile(r'keyid="([^"]+)"', re.IGNORECASE)


def refuse(status: int, reason: str) -> Response:
    return JSONResponse({"error": reason}, status_code=status)


async def _refuse_counted(request: Request, status: int, kind: str, reason: str) -> Response:
    services = services_of(request)
    names = (f"{REFUSED_STATUS}{status}", f"{REFUSED_KIND}{kind}")
    await counters.count_events(services.db, names, utcnow())
    log.info("inbox refused %s: %s", status, reason)
    return refuse(status, reason)


async def _too_many(request: Request, limited: RateLimited) -> Response:
    response = await _refuse_counted(request, 429, TOO_MANY, "too many activities")
    response.headers["Retry-After"] = str(limited.retry_after)
    return response


def _key_id_host(headers: Mapping[str, str]) -> str | None:
    """The host named by a draft-cavage or RFC 9421 keyId, read without verifying anything."""
    raw = headers.get("signature-input") or headers.get("signature") or ""
    match = KEY_ID.search(raw)
    return host_of(match.group(1)) if match else None


def _target_of(request: Request) -> str:
    """The request target as the sender wrote (and signed) it: raw path and query, without
    building Starlette's URL."""
    raw: bytes | None = request.scope.get("raw_path")
    # ASGI's raw_path is the path alone; httpx's test transport appends the query to it.
    path = raw.partition(b"?")[0].decode("latin-1") if raw else str(request.scope["path"])
    query: bytes = request.scope.get("query_string", b"")
    return f"{path}?{query.decode('latin-1')}" if query else path


def _stored_text(body: bytes, document: dict[str, Any]) -> str:
    """The activity as the worker will read it: the body as received when it is plain UTF-8
    (valid JSON, so no NUL or bare control character), else re-serialised (a byte-order mark,
    UTF-16 or UTF-32, all of which json.loads accepts from bytes but not from text)."""
    if not body.startswith(codecs.BOM_UTF8):
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return json.dumps(document, separators=(",", ":"))


def _scheme_of(base_url: str) -> str:
    return "https" if base_url.startswith("https:") else "http"


async def _suspended(
    services: Services, actor_id: str, headers: Mapping[str, str], now: datetime
) -> tuple[bool, RemoteActor | None]:
    """Checked before any fetch or verification: a suspended domain costs us nothing. Also
    returns the actor as we know it, which usually holds the key the request is signed with.
    Both answers may be a few seconds old (app/fedi/door_cache.py)."""
    door, db = services.door, services.db
    for host in dict.fromkeys((host_of(actor_id), _key_id_host(headers))):
        if host and await door.is_suspended_host(db, host, now):
            return True, None
    known = await door.actor(db, actor_id, now)
    return known is not None and known.suspended, known


@dataclass(slots=True)
class _KnownKeyLookup:
    """The fetcher's key lookup, answered from the actor already read for this request when its
    key is the one asked for (the same row `get_by_key_id` would return). `used_fetcher` tells
    whether that row may have changed since (a refetch after a key rotation)."""

    known: RemoteActor | None
    fetcher: KeyLookup
    used_fetcher: bool = False

    async def __call__(self, key_id: str, refetch: bool) -> str:
        known = self.known
        if not refetch and known is not None and known.key_id == key_id and known.public_key_pem:
            return known.public_key_pem
        self.used_fetcher = True
        return await self.fetcher(key_id, refetch)

    def signer(self, key_id: str) -> RemoteActor | None:
        """The actor owning `key_id`, if known without another query."""
        if self.used_fetcher or self.known is None or self.known.key_id != key_id:
            return None
        return self.known


async def receive(request: Request) -> Response:
    services = services_of(request)
    now = utcnow()
    body = await request.body()
    try:
        document = load_json(body)
        activity = parse_activity(document)
    except ParseError as error:
        return await _refuse_counted(request, 400, MALFORMED, f"malformed activity: {error}")
    # Once, as a plain dict: Starlette's Headers scan the raw list on every lookup.
    headers = dict(request.headers.items())
    suspended, known = await _suspended(services, activity.actor, headers, now)
    if suspended:
        return await _refuse_counted(request, 403, SUSPENDED, "domain or actor suspended")
    if activity.type == "Delete" and activity.object_id == activity.actor and known is None:
        # Every server that ever saw an account sends these; unknown ones need no work at all.
        return Response(status_code=202)
    claimed_host = _key_id_host(headers) or host_of(activity.actor) or ""
    try:
        # Per domain before anything is verified or fetched: a keyId names the server whose key
        # we would fetch, so a flood naming one host costs that host (and us) nothing more.
        services.inbox_limits.domain.hit(claimed_host, now)
    except RateLimited as limited:
        return await _too_many(request, limited)
    lookup = _KnownKeyLookup(known, services.fetcher.key_lookup)
    try:
        signed = parse_signed_request(
            request.method, _target_of(request), headers, body, now,
            url_scheme=_scheme_of(services.settings.base_url),
        )  # fmt: skip
        await verify_with_key_lookup(signed, lookup)
    except SignatureError as error:
        return await _refuse_counted(request, 401, BAD_SIGNATURE, f"signature: {error.reason}")
    except (FetchError, ParseError) as error:
        return await _refuse_counted(
            request, 401, KEY_UNUSABLE, f"signature: key not usable ({error})"
        )
    except RateLimited as limited:  # too many key fetches from that host this minute
        return await _too_many(request, limited)
    if lookup.used_fetcher:
        services.door.forget_actor(activity.actor)  # its key was (re)fetched just now
    signer = lookup.signer(signed.key_id) or await remote_actors.get_by_key_id(
        services.db, signed.key_id
    )
    if signer is None or signer.ap_id != activity.actor:
        # A relayed activity (Mastodon `different_actor?`): without an LD signature or proof we
        # do not check, it is dropped. Answered 202, as Mastodon does: a 401 would be retried.
        await counters.count_event(services.db, f"{DROPPED}{RELAYED}", now)
        return Response(status_code=202)
    if not signer_owns_activity(signer.ap_id, document):
        # Ids are the replay key: a foreign id could pre-empt (and so drop) the real activity.
        return await _refuse_counted(
            request, 401, FOREIGN_ID, "activity id is not on the signer's origin"
        )
    if not object_belongs_to_actor(document):
        return await _refuse_counted(
            request, 401, FOREIGN_OBJECT, "object does not belong to the actor"
        )
    domain = (host_of(signer.ap_id) or "").lower()
    try:
        # Per actor: one noisy account cannot flood the queue.
        services.inbox_limits.actor.hit(signer.ap_id, now)
    except RateLimited as limited:
        return await _too_many(request, limited)
    await services.door.record_domain_alive(services.db, domain, now)
    item = NewItem(
        activity.id, activity.type[:TYPE_COLUMN_CHARS], activity.actor,
        _stored_text(body, document), now,
    )  # fmt: skip
    try:
        # Committed (with the rows of concurrent requests) before the 202; an id already
        # received is skipped and answered the same.
        await services.inbox_writer.store(item)
    except InboxUnavailable:
        response = refuse(503, "temporarily unable to store the activity")
        response.headers["Retry-After"] = str(RETRY_AFTER_UNAVAILABLE_SECONDS)
        return response
    return Response(status_code=202)
