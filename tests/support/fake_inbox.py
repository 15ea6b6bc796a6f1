"""A fake remote ActivityPub server for delivery tests, run with `run_asgi_in_thread`.

It serves actors (one real RSA key shared by all of them, to keep start-up cheap) and WebFinger,
verifies the signatures of everything POSTed to it with `federation.httpsig` (our keys come from
`keys`, filled by the test, or are fetched over HTTP from the signer), records every arrival in
order, and answers each inbox path as told: 202, any status (with `Retry-After`), or a hang longer
than the client's timeout. The test drives the `FakeInbox` object directly: the server runs in a
thread of the test process, so every shared field sits behind one lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from federation.errors import SignatureError
from federation.httpsig import parse_signed_request, sign_request_cavage, verify_signed_request
from federation.keys import KeyPair, generate_rsa_keypair, public_key_id
from federation.vocab import AS_CONTEXT
from tests.support.servers import ThreadServer, run_asgi_in_thread

SHARED_INBOX_PATH = "/inbox"
SECURITY_CONTEXT = "https://w3id.org/security/v1"
HANG = 0  # an answer "status" meaning: say nothing for `hang_seconds`, then 202


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    retry_after: str | None = None


@dataclass(frozen=True, slots=True)
class Arrival:
    """One POST as the fake saw it, and what it answered."""

    order: int
    path: str
    activity_id: str | None
    type: str | None
    actor: str | None
    object: Any
    scheme: str | None
    key_id: str | None
    verified: bool
    reason: str | None
    status: int
    body: bytes = field(repr=False)

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300


@dataclass(slots=True)
class FakeInbox:
    """Control object of the fake server; `url` is set once the server listens."""

    slow_seconds: float = 0.0
    hang_seconds: float = 3.0
    fetch_keys: bool = True
    url: str = ""
    keypair: KeyPair = field(default_factory=generate_rsa_keypair)
    keys: dict[str, str] = field(default_factory=dict)
    now: datetime | None = None
    # Read once per POST when set (instead of `now` or the real time): a world whose time moves.
    clock: Callable[[], datetime] | None = None
    # Misskey's window (the http-signature parser's `clockSkew`, 300 s): a signature whose Date
    # or created time is further than this from the fake's time is refused.
    date_skew: timedelta | None = None
    refuse_unverified: bool = False  # answer 401 to a signature that does not verify, as peers do
    _shared: dict[str, bool] = field(default_factory=dict)
    _answers: dict[str, Answer] = field(default_factory=dict)
    _default: Answer = field(default_factory=lambda: Answer(202))
    _arrivals: list[Arrival] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- what the test configures -----------------------------------------------------------

    def add_actor(self, name: str, *, shared_inbox: bool = True) -> str:
        """Serve actor `name` at /users/name; returns its id."""
        with self._lock:
            self._shared[name] = shared_inbox
        return self.actor_url(name)

    def answer(self, path_or_url: str, status: int, retry_after: str | None = None) -> None:
        """From now on answer POSTs to this inbox with `status` (HANG: hang, then 202)."""
        with self._lock:
            self._answers[self._path(path_or_url)] = Answer(status, retry_after)

    def answer_all(self, status: int, retry_after: str | None = None) -> None:
        with self._lock:
            self._answers.clear()
            self._default = Answer(status, retry_after)

    def trust(self, key_id: str, public_key_pem: str) -> None:
        with self._lock:
            self.keys[key_id] = public_key_pem

    # --- URLs and signing, for building what the fake sends us ------------------------------

    def actor_url(self, name: str) -> str:
        return f"{self.url}/users/{name}"

    def inbox_url(self, name: str) -> str:
        return f"{self.actor_url(name)}/inbox"

    @property
    def shared_inbox_url(self) -> str:
        return self.url + SHARED_INBOX_PATH

    def delivery_inbox(self, name: str) -> str:
        """Where our fan-out goes for this actor: its shared inbox when it has one."""
        return self.shared_inbox_url if self._shared.get(name, True) else self.inbox_url(name)

    def signed_post(
        self, name: str, url: str, activity: dict[str, Any], now: datetime | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """Body and headers of a POST from actor `name`, signed as Mastodon does."""
        body = json.dumps(activity).encode()
        headers = sign_request_cavage(
            "POST",
            url,
            {"Content-Type": "application/activity+json"},
            body,
            public_key_id(self.actor_url(name)),
            self.keypair.private_pem,
            now or datetime.now(UTC),
        )
        return body, headers

    def follow(self, name: str, target: str, serial: str = "1") -> dict[str, Any]:
        return {
            "@context": AS_CONTEXT,
            "id": f"{self.actor_url(name)}/follows/{serial}",
            "type": "Follow",
            "actor": self.actor_url(name),
            "object": target,
        }

    # --- what the test reads -----------------------------------------------------------------

    def arrivals(
        self, *, type: str | None = None, path: str | None = None, activity_id: str | None = None
    ) -> list[Arrival]:
        wanted_path = None if path is None else self._path(path)
        with self._lock:
            return [
                a
                for a in self._arrivals
                if (type is None or a.type == type)
                and (wanted_path is None or a.path == wanted_path)
                and (activity_id is None or a.activity_id == activity_id)
            ]

    def accepted(self, **filters: str) -> list[Arrival]:
        return [a for a in self.arrivals(**filters) if a.accepted]

    def accepted_counts(self) -> Counter[tuple[str | None, str]]:
        """How many times each (activity id, inbox path) was accepted."""
        return Counter((a.activity_id, a.path) for a in self.arrivals() if a.accepted)

    def clear(self) -> None:
        with self._lock:
            self._arrivals.clear()

    def wait_for(
        self, predicate: Callable[[], bool], timeout: float = 10.0, message: str = ""
    ) -> None:
        """Bounded poll from a synchronous test."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() >= deadline:
                raise AssertionError(message or "condition not met in time")
            time.sleep(0.05)

    # --- the server ------------------------------------------------------------------------

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/.well-known/webfinger", self._webfinger),
                Route("/users/{name}", self._actor),
                Route("/{path:path}", self._inbox, methods=["POST"]),
            ]
        )

    async def _webfinger(self, request: Request) -> Response:
        resource = request.query_params.get("resource", "")
        name = resource.removeprefix("acct:").split("@", 1)[0]
        if name not in self._shared:
            return Response(status_code=404)
        link = {"rel": "self", "type": "application/activity+json", "href": self.actor_url(name)}
        return JSONResponse(
            {"subject": resource, "links": [link]}, media_type="application/jrd+json"
        )

    async def _actor(self, request: Request) -> Response:
        name = request.path_params["name"]
        with self._lock:
            shared = self._shared.get(name)
        if shared is None:
            return Response(status_code=404)
        actor = self.actor_url(name)
        document: dict[str, Any] = {
            "@context": [AS_CONTEXT, SECURITY_CONTEXT],
            "id": actor,
            "type": "Person",
            "preferredUsername": name,
            "inbox": self.inbox_url(name),
            "publicKey": {
                "id": public_key_id(actor),
                "owner": actor,
                "publicKeyPem": self.keypair.public_pem,
            },
        }
        if shared:
            document["endpoints"] = {"sharedInbox": self.shared_inbox_url}
        return JSONResponse(document, media_type="application/activity+json")

    async def _inbox(self, request: Request) -> Response:
        body = await request.body()
        path = request.url.path
        with self._lock:
            answer = self._answers.get(path, self._default)
        verdict = await self._verify(request, body)
        if self.refuse_unverified and not verdict[2]:
            answer = Answer(401)
        self._record(path, body, verdict, answer.status)
        if answer.status == HANG:
            await asyncio.sleep(self.hang_seconds)
            return Response(status_code=202)
        if self.slow_seconds:
            await asyncio.sleep(self.slow_seconds)
        headers = {"Retry-After": answer.retry_after} if answer.retry_after else None
        return Response(status_code=answer.status, headers=headers)

    async def _verify(
        self, request: Request, body: bytes
    ) -> tuple[str | None, str | None, bool, str | None]:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        now = self.clock() if self.clock is not None else (self.now or datetime.now(UTC))
        try:
            signed = parse_signed_request(
                "POST", target, request.headers, body, now, url_scheme="http"
            )
        except SignatureError as error:
            return None, None, False, error.reason
        if self.date_skew is not None and abs(signed.created - now) > self.date_skew:
            return signed.scheme, signed.key_id, False, "date skew"
        pem = await self._key(signed.key_id)
        if pem is None:
            return signed.scheme, signed.key_id, False, "unknown key"
        try:
            verify_signed_request(signed, pem)
        except SignatureError as error:
            return signed.scheme, signed.key_id, False, error.reason
        return signed.scheme, signed.key_id, True, None

    async def _key(self, key_id: str) -> str | None:
        with self._lock:
            known = self.keys.get(key_id)
        if known is not None or not self.fetch_keys:
            return known
        try:
            async with httpx.AsyncClient(timeout=5.0) as client:
                fetched = await client.get(
                    key_id.split("#", 1)[0], headers={"Accept": "application/activity+json"}
                )
            pem = fetched.json()["publicKey"]["publicKeyPem"]
        except (httpx.HTTPError, ValueError, KeyError, TypeError):
            return None
        self.trust(key_id, pem)
        return str(pem)

    def _record(
        self,
        path: str,
        body: bytes,
        verdict: tuple[str | None, str | None, bool, str | None],
        status: int,
    ) -> None:
        try:
            activity = json.loads(body)
        except ValueError:
            activity = {}
        if not isinstance(activity, dict):
            activity = {}
        scheme, key_id, verified, reason = verdict
        with self._lock:
            self._arrivals.append(
                Arrival(
                    order=len(self._arrivals),
                    path=path,
                    activity_id=activity.get("id"),
                    type=activity.get("type"),
                    actor=activity.get("actor"),
                    object=activity.get("object"),
                    scheme=scheme,
                    key_id=key_id,
                    verified=verified,
                    reason=reason,
                    status=status,
                    body=body,
                )
            )

    def _path(self, path_or_url: str) -> str:
        return path_or_url.removeprefix(self.url) or "/"


@contextlib.contextmanager
def run_fake_inbox(
    host: str = "127.0.0.1", **options: Any
) -> Iterator[tuple[FakeInbox, ThreadServer]]:
    """Start a fake remote server on a free loopback port; yields its control and server.

    `host` names it in URLs: "localhost" gives a second delivery domain on the same machine.
    """
    fake = FakeInbox(**options)
    with run_asgi_in_thread(fake.app()) as server:
        fake.url = f"http://{host}:{server.port}"
        yield fake, server
