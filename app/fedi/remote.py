"""Fetching remote actors and objects through the safe client, signed as our instance actor,
and caching actors (with their keys) in the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from app.core.clock import utcnow
from app.core.ids import new_id
from app.db.engine import Db
from app.fedi.key_fetches import KeyFetchGuard
from app.moderation.blocks import is_suspended_host
from app.store import followers, remote_actors
from app.store.remote_actors import RemoteActor
from federation.client import SafeClient
from federation.errors import FetchBlocked, FetchError, ParseError
from federation.httpsig import sign_request_cavage
from federation.nodeinfo import GROUP_SOFTWARE, nodeinfo_document_url, software_name
from federation.origin import host_of, same_origin
from federation.parse import RemoteActorDoc, key_owner, parse_actor


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
    key_fetches: KeyFetchGuard = field(default_factory=KeyFetchGuard)

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

    async def is_group_software(self, actor_id: str) -> bool:
        """Whether the actor's server reads FEP-1b12 group Announces, from its NodeInfo
        (unsigned, as every server serves it); remembered through its followers, so each
        server is asked once. Anything that fails counts as "no"."""
        domain = host_of(actor_id) or ""
        known = await followers.get_group_awareness_of_domain(self.db, domain)
        if known is not None:
            return known
        parts = urlsplit(actor_id)
        index_url = f"{parts.scheme}://{parts.netloc}/.well-known/nodeinfo"
        json_accept = "application/json"
        try:
            index = await self.client.get_json(index_url, accept=json_accept, allow_plain_json=True)
            document_url = nodeinfo_document_url(index)
            if document_url is None or not same_origin(document_url, index_url):
                return False
            document = await self.client.get_json(
                document_url, accept=json_accept, allow_plain_json=True
            )
        except (FetchError, ParseError):
            return False
        return software_name(document) in GROUP_SOFTWARE

    async def key_lookup(self, key_id: str, refetch: bool) -> str:
        """PEM for a keyId: cached, or fetched from the key's owner (refetch after rotation).

        The key URL may answer the owner's actor document (Mastodon's `#main-key`) or a stub
        naming the owner (GoToSocial's `/main-key`); then the owner is fetched, signed, and
        must list that key id back on its own origin before its key is trusted.
        """
        cached = await remote_actors.get_by_key_id(self.db, key_id)
        if not refetch and cached is not None and cached.public_key_pem:
            return cached.public_key_pem
        now = utcnow()
        guard = self.key_fetches
        if guard.is_marked(key_id, now):
            # Failed or refetched a moment ago: verify with what we have, fetch nothing.
            if cached is not None and cached.public_key_pem:
                return cached.public_key_pem
            raise FetchError("key fetched a moment ago without success")
        if refetch:
            guard.mark(key_id, now)
        try:
            return await self._fetch_key(key_id, now)
        except (FetchError, ParseError):
            guard.mark(key_id, now)
            raise

    async def _fetch_key(self, key_id: str, now: datetime) -> str:
        key_url = key_id.split("#", 1)[0]
        self.key_fetches.count_fetch(key_url, now)
        document = await self.fetch_json(key_url)
        owner = key_owner(document, key_id)
        if owner is not None:
            self.key_fetches.count_fetch(owner, now)
            document = await self.fetch_json(owner)
        doc = parse_actor(document, key_id)
        # The owner must be the document we asked for (a stub's owner, or the key URL itself).
        if doc.id != (owner or key_url) or not same_origin(doc.id, key_id):
            raise ParseError("the key's owner is another actor")
        if not doc.public_key_pem:
            raise ParseError("the key's owner lists no key")
        await remote_actors.upsert_remote_actor(self.db, _row(doc, now))
        return doc.public_key_pem
