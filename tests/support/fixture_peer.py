"""A fixture peer that answers and signs the way Mastodon, GoToSocial, Misskey or Lemmy do.

Each server is one `ServerRules` table, taken from that server's source (the file is named above
the table; learned from, never copied). The peer runs on loopback with `run_asgi_in_thread`:
it serves its actors (and GoToSocial's key stub), the objects it made, and an inbox that checks
our signatures the way that server does, with its own date window. That check is written here
independently of `federation/` (its own signing string, `cryptography` directly), so a bug in our
signer cannot hide behind the same bug in our verifier. The peer signs what it sends us by its
rules too: GoToSocial's `hs2019` with a `/main-key` keyId, Misskey's header order, Lemmy's
`(created)`/`(expires)`. The instance under test runs in-process and cannot be fetched by the
peer; the test hands it our public keys (`trust`) and, where a server would dereference one of
our URLs (Misskey resolving an Undo), passes the peer a fetch function that asks the app.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import itertools
import json
import re
import threading
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from federation.keys import KeyPair, generate_rsa_keypair
from tests.support.servers import run_asgi_in_thread

AS = "https://www.w3.org/ns/activitystreams"
PUBLIC = AS + "#Public"
SECURITY = "https://w3id.org/security/v1"
ACTIVITY_JSON = "application/activity+json"


@dataclass(frozen=True, slots=True)
class ServerRules:
    """What one server software does on the wire, as far as these tests need."""

    name: str
    actor_path: str  # where its people live, "{name}" filled in
    key_suffix: str  # appended to the actor id to make the keyId
    key_stub: bool  # the key URL answers a minimal stub naming the owner
    algorithm: str
    post_headers: tuple[str, ...]  # what it signs on a POST, in its order
    max_age: timedelta  # how old a signature it accepts
    max_ahead: timedelta  # how far in the future
    shared_inbox: bool
    signed_gets_only: bool  # answers 401 to unsigned GETs
    resolves_undo_objects: bool
    announces_activities: bool  # FEP-1b12: a Group's Announce wraps an activity
    post_type: str = "Note"


# mastodon/mastodon app/lib/request.rb (signs `(request-target) host date digest content-type`,
# rsa-sha256, keyId `#main-key`), app/lib/signed_request.rb (verifies: about an hour back, an hour
# ahead), app/lib/activitypub/activity/announce.rb (boosts of Notes).
MASTODON = ServerRules(
    name="mastodon",
    actor_path="/users/{name}",
    key_suffix="#main-key",
    key_stub=False,
    algorithm="rsa-sha256",
    post_headers=("(request-target)", "host", "date", "digest", "content-type"),
    max_age=timedelta(minutes=65),
    max_ahead=timedelta(hours=1),
    shared_inbox=True,
    signed_gets_only=False,
    resolves_undo_objects=False,
    announces_activities=False,
)

# superseriousbusiness/gotosocial internal/transport/signing.go (POST signs
# `(request-target) host date digest`), docs/federation/federating_with_gotosocial/
# http_signatures.md (keyId `.../main-key`, every GET signed), internal/typeutils/internaltoas.go
# `AccountToASMinimal`
# (the key URL answers id, type, preferredUsername and publicKey only), docs/federation/actors.md
# (no shared inbox).
GOTOSOCIAL = ServerRules(
    name="gotosocial",
    actor_path="/users/{name}",
    key_suffix="/main-key",
    key_stub=True,
    algorithm="hs2019",
    post_headers=("(request-target)", "host", "date", "digest"),
    max_age=timedelta(hours=1),
    max_ahead=timedelta(hours=1),
    shared_inbox=False,
    signed_gets_only=True,
    resolves_undo_objects=False,
    announces_activities=False,
)

# misskey-dev/misskey packages/backend/src/core/activitypub/ApRequestService.ts (signs
# `(request-target) date host digest`), the inbox's `http-signature` clockSkew of 300 s
# (packages/backend/src/server/ActivityPubServerService.ts), ApInboxService.ts `undo` (resolves
# the Undo's object: a bare id is fetched, and a 404 fails the Undo).
MISSKEY = ServerRules(
    name="misskey",
    actor_path="/users/{name}",
    key_suffix="#main-key",
    key_stub=False,
    algorithm="rsa-sha256",
    post_headers=("(request-target)", "date", "host", "digest"),
    max_age=timedelta(minutes=5),
    max_ahead=timedelta(minutes=5),
    shared_inbox=True,
    signed_gets_only=False,
    resolves_undo_objects=True,
    announces_activities=False,
)

# LemmyNet/activitypub-federation-rust src/http_signatures.rs (hs2019 with `(created)` and
# `(expires)` an hour apart, `EXPIRES_AFTER`), LemmyNet/lemmy crates/apub/src/activities/community/
# announce.rs (a community Announces its members' activities, FEP-1b12; posts are `Page`s with
# `audience`).
LEMMY = ServerRules(
    name="lemmy",
    actor_path="/u/{name}",
    key_suffix="#main-key",
    key_stub=False,
    algorithm="hs2019",
    post_headers=("(request-target)", "(created)", "(expires)", "content-type", "digest", "host"),
    max_age=timedelta(hours=1),
    max_ahead=timedelta(hours=1),
    shared_inbox=True,
    signed_gets_only=False,
    resolves_undo_objects=False,
    announces_activities=True,
    post_type="Page",
)

SERVERS = {rules.name: rules for rules in (MASTODON, GOTOSOCIAL, MISSKEY, LEMMY)}


@dataclass(frozen=True, slots=True)
class Arrival:
    """One POST to the peer's inboxes, and what the peer made of its signature."""

    path: str
    activity: dict[str, Any]
    key_id: str | None
    verified: bool
    reason: str | None
    status: int

    @property
    def type(self) -> str | None:
        kind = self.activity.get("type")
        return kind if isinstance(kind, str) else None


Fetch = Callable[[str], Awaitable[tuple[int, Any]]]


@dataclass(slots=True)
class FixturePeer:
    """A server of one kind on loopback; `url` is set once it listens."""

    rules: ServerRules
    url: str = ""
    keypair: KeyPair = field(default_factory=generate_rsa_keypair)
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _trusted: dict[str, str] = field(default_factory=dict)
    _objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    _arrivals: list[Arrival] = field(default_factory=list)
    _gets: list[tuple[str, bool]] = field(default_factory=list)
    _serial: Iterator[int] = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- identities ---------------------------------------------------------------------

    def actor_id(self, name: str) -> str:
        return self.url + self.rules.actor_path.format(name=name)

    def key_id(self, name: str) -> str:
        return self.actor_id(name) + self.rules.key_suffix

    def inbox(self, name: str) -> str:
        return self.actor_id(name) + "/inbox"

    def delivery_inbox(self, name: str) -> str:
        """Where a server that prefers shared inboxes delivers for `name`."""
        return self.url + "/inbox" if self.rules.shared_inbox else self.inbox(name)

    def actor_document(self, name: str, kind: str = "Person") -> dict[str, Any]:
        actor = self.actor_id(name)
        document: dict[str, Any] = {
            "@context": [AS, SECURITY],
            "id": actor,
            "type": kind,
            "preferredUsername": name,
            "name": name.title(),
            "inbox": self.inbox(name),
            "outbox": actor + "/outbox",
            "followers": actor + "/followers",
            "publicKey": {
                "id": self.key_id(name),
                "owner": actor,
                "publicKeyPem": self.keypair.public_pem,
            },
        }
        if self.rules.shared_inbox:
            document["endpoints"] = {"sharedInbox": self.url + "/inbox"}
        return document

    def key_stub(self, name: str) -> dict[str, Any]:
        """GoToSocial's answer at the key URL: who owns the key, and nothing to deliver to."""
        full = self.actor_document(name)
        return {k: full[k] for k in ("@context", "id", "type", "preferredUsername", "publicKey")}

    def trust(self, key_id: str, public_pem: str) -> None:
        with self._lock:
            self._trusted[key_id] = public_pem

    # --- what the peer makes -------------------------------------------------------------

    def new_id(self, name: str, kind: str) -> str:
        return f"{self.actor_id(name)}/{kind}/{next(self._serial)}"

    def serve(self, document: dict[str, Any], path: str | None = None) -> dict[str, Any]:
        """Answer GETs of `path` (by default the document's id) with `document`."""
        with self._lock:
            self._objects[path or urlsplit(document["id"]).path] = document
        return document

    def post(
        self,
        name: str,
        content: str,
        *,
        in_reply_to: str | None = None,
        to: Sequence[str] = (PUBLIC,),
        cc: Sequence[str] = (),
        audience: str | None = None,
        tags: Sequence[dict[str, Any]] = (),
        title: str | None = None,
    ) -> dict[str, Any]:
        """A post of this server's type (Lemmy: a Page with a title), served at its id."""
        obj: dict[str, Any] = {
            "id": self.new_id(name, "objects"),
            "type": self.rules.post_type,
            "attributedTo": self.actor_id(name),
            "content": content,
            "published": format_iso(self.now()),
            "to": list(to),
            "cc": list(cc) or [self.actor_id(name) + "/followers"],
        }
        if in_reply_to is not None:
            obj["inReplyTo"] = in_reply_to
        if audience is not None:
            obj["audience"] = audience
        if tags:
            obj["tag"] = list(tags)
        if title is not None or self.rules.post_type == "Page":
            obj["name"] = title or content[:40]
        return self.serve({"@context": AS, **obj})

    def activity(self, name: str, kind: str, obj: Any, **extra: Any) -> dict[str, Any]:
        """An activity by `name` (served at its id, as Lemmy serves its activities)."""
        document: dict[str, Any] = {
            "@context": AS,
            "id": self.new_id(name, "activities"),
            "type": kind,
            "actor": self.actor_id(name),
            "object": obj,
            **extra,
        }
        return self.serve(document)

    def create(self, name: str, obj: dict[str, Any]) -> dict[str, Any]:
        inner = {k: v for k, v in obj.items() if k != "@context"}
        extra = {"to": inner.get("to", []), "cc": inner.get("cc", [])}
        if "audience" in inner:
            extra["audience"] = inner["audience"]
        return self.activity(name, "Create", inner, **extra)

    # --- signing what it sends us ----------------------------------------------------------

    def signed_post(
        self,
        name: str,
        url: str,
        activity: Mapping[str, Any],
        at: datetime | None = None,
        key: KeyPair | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """Body and headers of a POST from `name`, signed by this server's rules (with another
        `key` under `name`'s keyId, for a forgery)."""
        body = json.dumps(activity).encode()
        moment = at or self.now()
        parts = urlsplit(url)
        headers = {
            "Host": parts.netloc,
            "Date": format_datetime(moment, usegmt=True),
            "Digest": "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode(),
            "Content-Type": ACTIVITY_JSON,
        }
        created = int(moment.timestamp())
        pseudo = {"(created)": str(created), "(expires)": str(created + 3600)}
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        lines = []
        for header in self.rules.post_headers:
            if header == "(request-target)":
                lines.append(f"{header}: post {target}")
            elif header in pseudo:
                lines.append(f"{header}: {pseudo[header]}")
            else:
                lines.append(f"{header}: {_lookup(headers, header)}")
        private = serialization.load_pem_private_key(
            (key or self.keypair).private_pem.encode(), None
        )
        assert isinstance(private, rsa.RSAPrivateKey)
        signature = private.sign("\n".join(lines).encode(), padding.PKCS1v15(), hashes.SHA256())
        params = [
            f'keyId="{self.key_id(name)}"',
            f'algorithm="{self.rules.algorithm}"',
            f'headers="{" ".join(self.rules.post_headers)}"',
        ]
        if "(created)" in self.rules.post_headers:
            params += [f"created={pseudo['(created)']}", f"expires={pseudo['(expires)']}"]
        params.append(f'signature="{base64.b64encode(signature).decode()}"')
        headers["Signature"] = ",".join(params)
        return body, headers

    # --- what the test reads ----------------------------------------------------------------

    def arrivals(self, kind: str | None = None) -> list[Arrival]:
        with self._lock:
            return [a for a in self._arrivals if kind is None or a.type == kind]

    def gets(self) -> list[tuple[str, bool]]:
        """(path, signed and verified) of every GET served."""
        with self._lock:
            return list(self._gets)

    def clear(self) -> None:
        with self._lock:
            self._arrivals.clear()
            self._gets.clear()

    async def resolve_undo(self, arrival: Arrival, fetch: Fetch) -> dict[str, Any]:
        """What Misskey does with an Undo: take an embedded object, or fetch a bare id (a 404
        fails the Undo); returns the object it would undo."""
        assert self.rules.resolves_undo_objects, self.rules.name
        inner = arrival.activity.get("object")
        if isinstance(inner, dict):
            return inner
        status, document = await fetch(str(inner))
        if status != 200 or not isinstance(document, dict):
            raise LookupError(f"Undo object {inner} answered {status}")
        return document

    def announced_activity(self, arrival: Arrival) -> dict[str, Any] | None:
        """What Lemmy reads from a Group's Announce: the embedded activity (FEP-1b12), or None
        when the Announce wraps a bare object id (Lemmy expects an activity there)."""
        assert self.rules.announces_activities, self.rules.name
        inner = arrival.activity.get("object")
        if isinstance(inner, dict) and isinstance(inner.get("actor"), str):
            return inner
        return None

    # --- the server ------------------------------------------------------------------------

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/.well-known/webfinger", self._webfinger),
                Route("/.well-known/nodeinfo", self._nodeinfo_index),
                Route("/nodeinfo/2.1", self._nodeinfo),
                Route("/{path:path}", self._inbox, methods=["POST"]),
                Route("/{path:path}", self._get, methods=["GET"]),
            ]
        )

    async def _webfinger(self, request: Request) -> Response:
        resource = request.query_params.get("resource", "")
        name = resource.removeprefix("acct:").split("@", 1)[0]
        link = {"rel": "self", "type": ACTIVITY_JSON, "href": self.actor_id(name)}
        return JSONResponse({"subject": resource, "links": [link]})

    async def _nodeinfo_index(self, request: Request) -> Response:
        rel = "http://nodeinfo.diaspora.software/ns/schema/2.1"
        return JSONResponse({"links": [{"rel": rel, "href": self.url + "/nodeinfo/2.1"}]})

    async def _nodeinfo(self, request: Request) -> Response:
        software = {"name": self.rules.name, "version": "fixture"}
        return JSONResponse({"version": "2.1", "software": software, "protocols": ["activitypub"]})

    async def _get(self, request: Request) -> Response:
        path = request.url.path
        verified = self._verify(request, b"", "get")[1]
        with self._lock:
            self._gets.append((path, verified))
            document = self._objects.get(path)
        if self.rules.signed_gets_only and not verified:
            return JSONResponse({"error": "signature required"}, status_code=401)
        document = document or self._actor_or_stub(path)
        if document is None:
            return Response(status_code=404)
        return JSONResponse(document, media_type=ACTIVITY_JSON)

    def _actor_or_stub(self, path: str) -> dict[str, Any] | None:
        pattern = re.escape(self.rules.actor_path).replace(r"\{name\}", "(?P<name>[a-z0-9_]+)")
        match = re.fullmatch(pattern + "(?P<key>/main-key)?", path)
        if match is None:
            return None
        if match.group("key"):
            return self.key_stub(match.group("name")) if self.rules.key_stub else None
        return self.actor_document(match.group("name"))

    async def _inbox(self, request: Request) -> Response:
        body = await request.body()
        key_id, verified, reason = self._verify(request, body, "post")
        try:
            activity = json.loads(body)
        except ValueError:
            activity = {}
        status = 202 if verified else 401
        with self._lock:
            self._arrivals.append(
                Arrival(request.url.path, activity, key_id, verified, reason, status)
            )
        return Response(status_code=status)

    def _verify(self, request: Request, body: bytes, method: str) -> tuple[str | None, bool, str]:
        """An independent draft-cavage check: coverage, digest, this server's window, RSA."""
        params = dict(re.findall(r'(\w+)="([^"]*)"', request.headers.get("signature", "")))
        key_id = params.get("keyId")
        if not key_id:
            return None, False, "unsigned"
        covered = params.get("headers", "date").split()
        required = {"(request-target)", "host"} | ({"digest"} if method == "post" else set())
        if not required <= set(covered) or not {"date", "(created)"} & set(covered):
            return key_id, False, "coverage"
        if method == "post":
            digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
            if request.headers.get("digest", "").partition("=")[2] != digest:
                return key_id, False, "digest"
        try:
            sent = parsedate_to_datetime(request.headers["date"])
        except (KeyError, TypeError, ValueError):
            return key_id, False, "date"
        now = self.now()
        if sent < now - self.rules.max_age or sent > now + self.rules.max_ahead:
            return key_id, False, "date outside window"
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        lines = [
            f"{name}: {method} {target}"
            if name == "(request-target)"
            else f"{name}: {request.headers.get(name, '')}"
            for name in covered
        ]
        with self._lock:
            pem = self._trusted.get(key_id)
        if pem is None:
            return key_id, False, "unknown key"
        public = serialization.load_pem_public_key(pem.encode())
        assert isinstance(public, rsa.RSAPublicKey)
        try:
            public.verify(
                base64.b64decode(params.get("signature", "")),
                "\n".join(lines).encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except (InvalidSignature, ValueError):
            return key_id, False, "bad signature"
        return key_id, True, ""


def format_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _lookup(headers: Mapping[str, str], name: str) -> str:
    return next(value for key, value in headers.items() if key.lower() == name)


@contextlib.contextmanager
def run_fixture_peer(rules: ServerRules, host: str = "127.0.0.1") -> Iterator[FixturePeer]:
    """Start a peer of kind `rules` on a free loopback port (`host` names it in URLs)."""
    peer = FixturePeer(rules)
    with run_asgi_in_thread(peer.app()) as server:
        peer.url = f"http://{host}:{server.port}"
        yield peer
