"""Fetching remote actors and objects through the safe client, signed as our instance actor,
and caching actors (with their keys) in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.core.clock import utcnow
from app.core.ids import new_id
from app.db.engine import Db
from app.moderation.blocks import is_suspended_host
from app.store import remote_actors
from app.store.remote_actors import RemoteActor
from federation.client import SafeClient
from federation.errors import FetchBlocked, FetchError, SignatureError
from federation.httpsig import sign_request_cavage
from federation.origin import host_of
from federation.parse import RemoteActorDoc, parse_actor


@dataclass(frozen=True, slots=True)
class InstanceSigner:
    """Signs our outgoing GETs as the instance actor (secure-mode servers require it)."""

    key_id: str
    private_key_pem: str

    def __call__(self, method: str, url: str, headers: dict[str, str]) -> dict[str, str]:
        return sign_request_cavage(
            method, url, headers, None, self.key_id, self.private_key_pem, utcnow()
        )


def _row(doc: RemoteActorDoc, now: datetime) -> RemoteActor:
    return RemoteActor(
        id=new_id(),
        ap_id=doc.id,
        domain=(host_of(doc.id) or "").lower(),
        preferred_username=doc.preferred_username,
        name=doc.name,
        url=doc.url,
        inbox=doc.inbox,
        shared_inbox=doc.shared_inbox,
        key_id=doc.key_id,
        public_key_pem=doc.public_key_pem,
        blocks_us=False,
        suspended=False,
        silenced=False,
        fetched_at=now,
    )


@dataclass(frozen=True, slots=True)
class RemoteFetcher:
    db: Db
    client: SafeClient
    signer: InstanceSigner

    async def fetch_json(self, url: str) -> dict[str, Any]:
        """GET an AS2 document, signed; never from a suspended domain."""
        if await is_suspended_host(self.db, host_of(url)):
            raise FetchBlocked("domain suspended")
        return await self.client.get_json(url, sign=self.signer)

    async def fetch_actor(self, ap_id: str) -> RemoteActor:
        """Fetch and cache an actor document (refreshing a cached one)."""
        doc = parse_actor(await self.fetch_json(ap_id))
        if doc.id != ap_id.split("#", 1)[0]:
            raise FetchError("actor id does not match the URL it was fetched from")
        return await remote_actors.upsert_remote_actor(self.db, _row(doc, utcnow()))

    async def get_actor(self, ap_id: str) -> RemoteActor:
        """A cached actor, fetched on first sight."""
        cached = await remote_actors.get_by_ap_id(self.db, ap_id)
        return cached if cached is not None else await self.fetch_actor(ap_id)

    async def key_lookup(self, key_id: str, refetch: bool) -> str:
        """PEM for a keyId: cached, or fetched from the key's owner (refetch after rotation)."""
        if not refetch:
            cached = await remote_actors.get_by_key_id(self.db, key_id)
            if cached is not None and cached.public_key_pem:
                return cached.public_key_pem
        document = await self.fetch_json(key_id.split("#", 1)[0])
        owner = document.get("owner") if "inbox" not in document else None
        if isinstance(owner, str):
            document = await self.fetch_json(owner)
        doc = parse_actor(document)
        if doc.key_id != key_id or not doc.public_key_pem:
            raise SignatureError("unknown key")
        if host_of(doc.id) != host_of(key_id):
            raise SignatureError("unknown key")
        await remote_actors.upsert_remote_actor(self.db, _row(doc, utcnow()))
        return doc.public_key_pem
