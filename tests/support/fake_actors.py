"""A fake remote server that serves actor documents and records every request it gets, plus
hand-made HTTP signatures with a chosen coverage, for the inbox's negative tests.

The server runs with `run_asgi_in_thread`, so the test reads what it recorded directly. Its actors
share one real RSA key. Documents can be overridden per path, to serve a forged actor. The signers
here build the signature string themselves (with `federation`'s primitives) so a test can leave a
required header or component out, which our production signers never do.
"""

from __future__ import annotations

import base64
import contextlib
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from federation.digests import build_content_digest, build_digest
from federation.keys import KeyPair, generate_rsa_keypair, public_key_id
from federation.rfc9421 import LABEL, RSA_V1_5_SHA256, signature_base
from federation.signed_request import format_http_date, rsa_sign, split_url
from federation.structured_fields import InnerList, Item, serialize_inner_list
from federation.vocab import AS_CONTEXT
from tests.support.servers import run_asgi_in_thread

SECURITY_CONTEXT = "https://w3id.org/security/v1"
CAVAGE_FULL = ("(request-target)", "host", "date", "digest", "content-type")
RFC9421_FULL = ("@method", "@target-uri", "@authority", "host", "date", "content-digest")


@dataclass(frozen=True, slots=True)
class Recorded:
    method: str
    path: str


@dataclass(slots=True)
class FakeActors:
    """Control object of the fake server; `url` is set once it listens."""

    url: str = ""
    keypair: KeyPair = field(default_factory=generate_rsa_keypair)
    _documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    _requests: list[Recorded] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def actor_url(self, name: str) -> str:
        return f"{self.url}/users/{name}"

    def key_id(self, name: str) -> str:
        return public_key_id(self.actor_url(name))

    def add_actor(self, name: str) -> str:
        """Serve a well-formed Person at /users/NAME with the shared key; returns its id."""
        actor = self.actor_url(name)
        self.serve(f"/users/{name}", self.actor_document(actor, self.key_id(name)))
        return actor

    def actor_document(self, actor_id: str, key_id: str) -> dict[str, Any]:
        """A Person claiming `actor_id`, whose key `key_id` holds this server's public key."""
        return {
            "@context": [AS_CONTEXT, SECURITY_CONTEXT],
            "id": actor_id,
            "type": "Person",
            "preferredUsername": actor_id.rstrip("/").rsplit("/", 1)[-1],
            "inbox": f"{actor_id}/inbox",
            "publicKey": {"id": key_id, "owner": actor_id, "publicKeyPem": self.keypair.public_pem},
        }

    def serve(self, path: str, document: dict[str, Any]) -> None:
        with self._lock:
            self._documents[path] = document

    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._requests)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/{path:path}", self._any, methods=["GET", "POST"])])

    async def _any(self, request: Request) -> Response:
        with self._lock:
            self._requests.append(Recorded(request.method, request.url.path))
            document = self._documents.get(request.url.path)
        if request.method == "POST":
            return Response(status_code=202)
        if document is None:
            return Response(status_code=404)
        return JSONResponse(document, media_type="application/activity+json")


@contextlib.contextmanager
def run_fake_actors() -> Iterator[FakeActors]:
    fake = FakeActors()
    with run_asgi_in_thread(fake.app()) as server:
        fake.url = server.url
        yield fake


def sign_cavage_covering(
    url: str,
    body: bytes,
    key_id: str,
    private_pem: str,
    now: datetime,
    covered: Sequence[str] = CAVAGE_FULL,
) -> dict[str, str]:
    """Headers of a draft-cavage signed POST whose `headers=` list is exactly `covered`."""
    target = split_url(url)
    headers = {
        "Host": target.authority,
        "Date": format_http_date(now),
        "Digest": build_digest(body),
        "Content-Type": "application/activity+json",
    }
    values = {name.lower(): value for name, value in headers.items()}
    values["(request-target)"] = f"post {target.path_with_query}"
    signing_string = "\n".join(f"{name}: {values[name]}" for name in covered)
    signature = base64.b64encode(rsa_sign(private_pem, signing_string.encode())).decode()
    headers["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(covered)}",'
        f'signature="{signature}"'
    )
    return headers


def sign_rfc9421_covering(
    url: str,
    body: bytes,
    key_id: str,
    private_pem: str,
    now: datetime,
    covered: Sequence[str] = RFC9421_FULL,
) -> dict[str, str]:
    """Headers of an RFC 9421 signed POST whose covered components are exactly `covered`."""
    target = split_url(url)
    headers = {
        "Host": target.authority,
        "Date": format_http_date(now),
        "Content-Digest": build_content_digest(body),
        "Content-Type": "application/activity+json",
    }
    derived = {
        "@method": "POST",
        "@target-uri": target.uri,
        "@authority": target.authority,
        "@path": target.path_with_query.partition("?")[0],
        **{name.lower(): value for name, value in headers.items()},
    }
    params = (("alg", RSA_V1_5_SHA256), ("keyid", key_id), ("created", int(now.timestamp())))
    params_line = serialize_inner_list(InnerList(tuple(Item(name) for name in covered), params))
    base = signature_base([(name, derived[name]) for name in covered], params_line)
    headers["Signature-Input"] = f"{LABEL}={params_line}"
    headers["Signature"] = f"{LABEL}=:{base64.b64encode(rsa_sign(private_pem, base)).decode()}:"
    return headers
