"""One delivery attempt against a real Starlette inbox that verifies with our verifier."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from federation.delivery import (
    Outgoing,
    PostFn,
    RequestSigner,
    deliver,
    deliver_once,
    parse_retry_after,
)
from federation.errors import (
    FetchBlocked,
    FetchGone,
    FetchStatusError,
    FetchTimeout,
    SignatureError,
)
from federation.httpsig import format_http_date, parse_signed_request, verify_signed_request
from federation.keys import KeyPair

NOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
INBOX = "https://remote.example/inbox"
KEY_ID = "https://local.example/actor#main-key"
BODY = b'{"type":"Announce","id":"https://local.example/announces/1"}'


class FakeInbox:
    """A remote inbox: verifies signatures with `public_pem`, records what arrived."""

    def __init__(
        self,
        public_pem: str,
        *,
        reject_cavage: bool = False,
        status: int = 202,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.public_pem = public_pem
        self.reject_cavage = reject_cavage
        self.status = status
        self.headers = headers or {}
        self.received: list[tuple[str, str, bytes]] = []
        self.app = Starlette(routes=[Route("/inbox", self.inbox, methods=["POST"])])

    async def inbox(self, request: Request) -> Response:
        body = await request.body()
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        try:
            signed = parse_signed_request(
                request.method, target, request.headers, body, NOW, url_scheme=request.url.scheme
            )
            verify_signed_request(signed, self.public_pem)
        except SignatureError as exc:
            self.received.append(("rejected", exc.reason, body))
            return PlainTextResponse(exc.reason, status_code=401)
        self.received.append((signed.scheme, "verified", body))
        if self.reject_cavage and signed.scheme == "draft-cavage":
            return PlainTextResponse("rfc9421 please", status_code=401)
        return Response(status_code=self.status, headers=self.headers)


def _poster(inbox: FakeInbox) -> PostFn:
    async def post(url: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
        transport = httpx.ASGITransport(app=inbox.app)
        async with httpx.AsyncClient(transport=transport) as client:
            return await client.post(url, content=body, headers=headers)

    return post


def _raising(exc: Exception) -> PostFn:
    async def post(url: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
        raise exc

    return post


@pytest.mark.anyio
async def test_deliver_once_cavage_is_accepted(keypair: KeyPair) -> None:
    """spec: delivery-signed-cavage"""
    inbox = FakeInbox(keypair.public_pem)
    outcome = await deliver_once(_poster(inbox), INBOX, BODY, KEY_ID, keypair.private_pem, NOW)
    assert (outcome.status, outcome.scheme, outcome.error) == (202, "draft-cavage", None)
    assert inbox.received == [("draft-cavage", "verified", BODY)]


@pytest.mark.anyio
async def test_deliver_once_double_knocks_with_rfc9421_after_401(keypair: KeyPair) -> None:
    """spec: delivery-double-knock"""
    inbox = FakeInbox(keypair.public_pem, reject_cavage=True)
    outcome = await deliver_once(_poster(inbox), INBOX, BODY, KEY_ID, keypair.private_pem, NOW)
    assert (outcome.status, outcome.scheme) == (202, "rfc9421")
    assert inbox.received == [
        ("draft-cavage", "verified", BODY),
        ("rfc9421", "verified", BODY),
    ]


@pytest.mark.anyio
async def test_each_knock_is_signed_with_the_time_it_is_sent(keypair: KeyPair) -> None:
    """spec: delivery-signed-at-send-time — the RFC 9421 retry carries the time of the retry, not
    of the first knock: Misskey refuses a Date more than 5 minutes off."""
    clock = [NOW]
    sent: list[dict[str, str]] = []

    async def slow_to_refuse(url: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
        sent.append(headers)
        clock[0] += timedelta(minutes=6)  # the server takes its time to answer
        return httpx.Response(202 if "Signature-Input" in headers else 401)

    outgoing = Outgoing(INBOX, BODY, KEY_ID, keypair.private_pem)
    outcome = await deliver(slow_to_refuse, outgoing, RequestSigner(clock=lambda: clock[0]))
    assert (outcome.status, outcome.scheme) == (202, "rfc9421")
    later = NOW + timedelta(minutes=6)
    assert sent[0]["Date"] == format_http_date(NOW)
    assert sent[1]["Date"] == format_http_date(later)
    assert f"created={int(later.timestamp())}" in sent[1]["Signature-Input"]


@pytest.mark.anyio
async def test_deliver_once_reports_second_knock_failure(
    keypair: KeyPair, other_keypair: KeyPair
) -> None:
    inbox = FakeInbox(other_keypair.public_pem)
    outcome = await deliver_once(_poster(inbox), INBOX, BODY, KEY_ID, keypair.private_pem, NOW)
    assert (outcome.status, outcome.scheme) == (401, "rfc9421")
    assert [entry[:2] for entry in inbox.received] == [
        ("rejected", "bad signature"),
        ("rejected", "bad signature"),
    ]


@pytest.mark.anyio
@pytest.mark.parametrize("status", [403, 404, 410, 500, 503])
async def test_deliver_once_knocks_once_for_other_statuses(keypair: KeyPair, status: int) -> None:
    inbox = FakeInbox(keypair.public_pem, status=status)
    outcome = await deliver_once(_poster(inbox), INBOX, BODY, KEY_ID, keypair.private_pem, NOW)
    assert (outcome.status, outcome.scheme) == (status, "draft-cavage")
    assert len(inbox.received) == 1


@pytest.mark.anyio
async def test_deliver_once_reads_retry_after_seconds(keypair: KeyPair) -> None:
    """spec: delivery-retry-after"""
    inbox = FakeInbox(keypair.public_pem, status=503, headers={"Retry-After": "120"})
    outcome = await deliver_once(_poster(inbox), INBOX, BODY, KEY_ID, keypair.private_pem, NOW)
    assert (outcome.status, outcome.retry_after) == (503, 120.0)


@pytest.mark.anyio
async def test_deliver_once_reads_retry_after_http_date(keypair: KeyPair) -> None:
    """spec: delivery-retry-after"""
    when = format_http_date(NOW + timedelta(seconds=90))
    inbox = FakeInbox(keypair.public_pem, status=429, headers={"Retry-After": when})
    outcome = await deliver_once(_poster(inbox), INBOX, BODY, KEY_ID, keypair.private_pem, NOW)
    assert (outcome.status, outcome.retry_after) == (429, 90.0)


@pytest.mark.anyio
async def test_deliver_once_reports_connection_error(keypair: KeyPair) -> None:
    """spec: delivery-network-error"""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/inbox"

    async def post(url: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
        async with httpx.AsyncClient(trust_env=False, timeout=5.0) as client:
            return await client.post(url, content=body, headers=headers)

    outcome = await deliver_once(post, url, BODY, KEY_ID, keypair.private_pem, NOW)
    assert outcome.status is None
    assert outcome.error is not None and outcome.error.startswith("ConnectError")
    assert not outcome.permanent


@pytest.mark.anyio
async def test_deliver_once_reports_timeout(keypair: KeyPair) -> None:
    post = _raising(FetchTimeout("read timed out"))
    outcome = await deliver_once(post, INBOX, BODY, KEY_ID, keypair.private_pem, NOW)
    assert (outcome.status, outcome.error) == (None, "FetchTimeout: read timed out")


@pytest.mark.anyio
async def test_deliver_once_marks_blocked_target_permanent(keypair: KeyPair) -> None:
    post = _raising(FetchBlocked("private address"))
    outcome = await deliver_once(post, INBOX, BODY, KEY_ID, keypair.private_pem, NOW)
    assert (outcome.status, outcome.permanent) == (None, True)


@pytest.mark.anyio
async def test_deliver_once_maps_status_exceptions(keypair: KeyPair) -> None:
    gone = await deliver_once(
        _raising(FetchGone("gone")), INBOX, BODY, KEY_ID, keypair.private_pem, NOW
    )
    assert gone.status == 410
    unauthorized = await deliver_once(
        _raising(FetchStatusError(401)), INBOX, BODY, KEY_ID, keypair.private_pem, NOW
    )
    assert (unauthorized.status, unauthorized.scheme) == (401, "rfc9421")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("0", 0.0),
        ("3600", 3600.0),
        ("-5", None),
        ("soon", None),
        ("Thu, 01 May 2025 11:00:00 GMT", 0.0),
        ("Thu, 01 May 2025 12:01:00 GMT", 60.0),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected
