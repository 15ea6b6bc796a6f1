"""The http1 transport against a scripted server that writes exact bytes: keep-alive reuse, a
kept connection the server dropped, every way an answer's body can end, informational answers,
malformed and oversized answers, header injection, timeouts and TLS."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import ipaddress
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from federation.client import GuardedBackend, SafeClient
from federation.errors import FetchBlocked, FetchError, FetchTimeout, FetchTooLarge
from federation.http1 import Http1Transport, build_request, http1_transport
from federation.httpsig import sign_request_cavage
from federation.keys import generate_rsa_keypair

pytestmark = pytest.mark.anyio

OK = b"HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok"
HANG = b""  # the server reads the request and never answers
DROP = None  # the server reads the request and closes without a byte
TIMEOUT = httpx.Timeout(2.0, connect=2.0)


@dataclass
class Script:
    """Answers in order, one per request, whatever connection it came on. An answer ending in
    `Connection: close` semantics is followed by closing that connection (`close_after`)."""

    answers: list[bytes | None]
    close_after: set[int] = field(default_factory=set)  # indexes of answers followed by a close
    requests: list[tuple[int, bytes]] = field(default_factory=list)  # (connection, raw request)
    connections: int = 0
    closed_by_client: int = 0  # connections the client closed (EOF while waiting for a request)


async def _read_request(reader: asyncio.StreamReader) -> bytes | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    return head + await reader.readexactly(length)


@asynccontextmanager
async def scripted(script: Script, tls: ssl.SSLContext | None = None) -> AsyncIterator[int]:
    handlers: set[asyncio.Task[None]] = set()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        handlers.add(task)
        script.connections += 1
        number = script.connections
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    script.closed_by_client += 1
                    break
                index = len(script.requests)
                script.requests.append((number, request))
                answer = script.answers[index]
                if answer is None:
                    break
                if answer == HANG:
                    await asyncio.sleep(30)
                writer.write(answer)
                await writer.drain()
                if index in script.close_after:
                    break
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=tls)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        for handler in handlers:
            handler.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        await server.wait_closed()


@pytest.fixture
async def transports() -> AsyncIterator[list[Http1Transport]]:
    """Transports a test makes, closed after it (kept connections included)."""
    made: list[Http1Transport] = []
    yield made
    for transport in made:
        await transport.aclose()


@pytest.fixture
def transport(transports: list[Http1Transport]) -> Http1Transport:
    made = Http1Transport(GuardedBackend(allow_loopback=True), httpx.Limits())
    transports.append(made)
    return made


async def _post(transport: Http1Transport, url: str, max_bytes: int = 1 << 20) -> int:
    headers = {"Content-Type": "application/activity+json", "Signature": "sig"}
    fetched = await transport.exchange("POST", url, headers, b"{}", max_bytes, TIMEOUT)
    return fetched.status_code


async def test_http1_keeps_one_connection_for_consecutive_requests(
    transport: Http1Transport,
) -> None:
    """spec: transport-http1-keep-alive"""
    script = Script([OK, OK])
    async with scripted(script) as port:
        assert await _post(transport, f"http://127.0.0.1:{port}/inbox") == 202
        assert await _post(transport, f"http://127.0.0.1:{port}/inbox?x=1") == 202
    assert script.connections == 1
    first = script.requests[0][1]
    assert first.startswith(b"POST /inbox HTTP/1.1\r\nHost: 127.0.0.1:")
    assert b"\r\nContent-Length: 2\r\n" in first and first.endswith(b"\r\n\r\n{}")
    assert b"\r\nSignature: sig\r\n" in first
    assert script.requests[1][1].startswith(b"POST /inbox?x=1 HTTP/1.1\r\n")


async def test_http1_replaces_a_kept_connection_the_server_dropped(
    transport: Http1Transport,
) -> None:
    """spec: transport-http1-keep-alive"""
    script = Script([OK, DROP, OK])
    async with scripted(script) as port:
        assert await _post(transport, f"http://127.0.0.1:{port}/inbox") == 202
        assert await _post(transport, f"http://127.0.0.1:{port}/inbox") == 202
    assert [number for number, _ in script.requests] == [1, 1, 2]


async def test_http1_reports_a_fresh_connection_closed_without_an_answer(
    transport: Http1Transport,
) -> None:
    """spec: transport-http1-keep-alive"""
    script = Script([DROP])
    async with scripted(script) as port:
        with pytest.raises(FetchError, match="closed"):
            await _post(transport, f"http://127.0.0.1:{port}/inbox")
    assert len(script.requests) == 1  # not retried: nothing says the server did not act on it


async def test_http1_reads_close_delimited_and_chunked_bodies(transport: Http1Transport) -> None:
    """spec: transport-http1-framing-and-caps"""
    close_delimited = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end"
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    )
    script = Script([close_delimited, chunked], close_after={0})
    async with scripted(script) as port:
        url = f"http://127.0.0.1:{port}/"
        first = await transport.exchange("GET", url, {}, None, 1000, TIMEOUT)
        second = await transport.exchange("GET", url, {}, None, 1000, TIMEOUT)
    assert first.body == b"until the end" and second.body == b"hello world"
    assert script.connections == 2  # the first answer said close
    assert b"Content-Length" not in script.requests[0][1]  # a GET without a body


async def test_http1_skips_informational_answers_and_joins_repeated_headers(
    transport: Http1Transport,
) -> None:
    """spec: transport-http1-framing-and-caps"""
    answer = (
        b"HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n"
        b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 30\r\nVary: Accept\r\n"
        b"Vary: Signature\r\nContent-Length: 0\r\n\r\n"
    )
    async with scripted(Script([answer])) as port:
        fetched = await transport.exchange(
            "POST", f"http://127.0.0.1:{port}/inbox", {}, b"{}", 1000, TIMEOUT
        )
    assert fetched.status_code == 429
    assert fetched.headers["retry-after"] == "30"
    assert fetched.headers["vary"] == "Accept, Signature"
    assert "link" not in fetched.headers


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + b"x" * 5000,
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1388\r\n" + b"x" * 5000 + b"\r\n",
    ],
    ids=["declared", "close-delimited", "chunked"],
)
async def test_http1_refuses_bodies_over_the_cap(transport: Http1Transport, answer: bytes) -> None:
    """spec: transport-http1-framing-and-caps"""
    async with scripted(Script([answer], close_after={0})) as port:
        with pytest.raises(FetchTooLarge):
            await transport.exchange("GET", f"http://127.0.0.1:{port}/", {}, None, 1000, TIMEOUT)


async def test_http1_refuses_a_malformed_answer(transport: Http1Transport) -> None:
    """spec: transport-http1-framing-and-caps"""
    async with scripted(Script([b"HTTP/1.1 two hundred\r\n\r\n"])) as port:
        with pytest.raises(FetchError, match="malformed"):
            await _post(transport, f"http://127.0.0.1:{port}/inbox")


@pytest.mark.parametrize(
    "headers",
    [{"X-Evil": "a\r\nInjected: yes"}, {"X-Evil\r\nInjected": "yes"}, {"X-Evil": "a\nb"}],
)
async def test_http1_refuses_header_injection_before_sending(
    transport: Http1Transport, headers: dict[str, str]
) -> None:
    """spec: transport-http1-framing-and-caps"""
    script = Script([OK])
    async with scripted(script) as port:
        with pytest.raises(FetchError, match="line break"):
            await transport.exchange(
                "POST", f"http://127.0.0.1:{port}/inbox", headers, b"{}", 1000, TIMEOUT
            )
    assert script.connections == 0


async def test_http1_times_out_when_no_answer_comes(transport: Http1Transport) -> None:
    async with scripted(Script([HANG])) as port:
        quick = httpx.Timeout(0.3, connect=1.0)
        with pytest.raises(FetchTimeout):
            await transport.exchange("GET", f"http://127.0.0.1:{port}/", {}, None, 100, quick)


async def test_http1_reports_refused_connections_and_blocked_addresses(
    transport: Http1Transport, transports: list[Http1Transport]
) -> None:
    """spec: transport-http1-tls-and-guard, ssrf-after-dns"""
    async with scripted(Script([])) as port:
        pass  # closed again: nothing listens on that port now
    with pytest.raises(FetchError, match="ConnectError"):
        await _post(transport, f"http://127.0.0.1:{port}/inbox")
    strict = Http1Transport(GuardedBackend(allow_loopback=False), httpx.Limits())
    transports.append(strict)
    with pytest.raises(FetchBlocked):
        await _post(strict, f"http://127.0.0.1:{port}/inbox")

    async def private(host: str, port: int) -> list[str]:
        return ["127.0.0.1", "10.1.2.3"]

    rebinding = Http1Transport(
        GuardedBackend(allow_loopback=True, resolver=private), httpx.Limits()
    )
    with pytest.raises(FetchBlocked):
        await _post(rebinding, f"http://mixed.example:{port}/inbox")


def _self_signed(directory: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context for `localhost` and a client context that trusts only it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client


async def test_http1_speaks_tls_and_refuses_an_untrusted_certificate(
    tmp_path: Path, transports: list[Http1Transport]
) -> None:
    """spec: transport-http1-tls-and-guard"""
    server_tls, client_tls = _self_signed(tmp_path)

    async def localhost(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    script = Script([OK, OK])
    async with scripted(script, tls=server_tls) as port:
        backend = GuardedBackend(allow_loopback=True, resolver=localhost)
        trusting = Http1Transport(backend, httpx.Limits(), tls=client_tls)
        transports.append(trusting)
        assert await _post(trusting, f"https://localhost:{port}/inbox") == 202
        await trusting.aclose()
        # The default trust store (certifi's, as httpx uses) does not know this certificate.
        async with SafeClient(
            allow_loopback=True, user_agent="t", transport=http1_transport, resolver=localhost
        ) as client:
            with pytest.raises(FetchError):
                await client.post(f"https://localhost:{port}/inbox", b"{}", {})
    assert len(script.requests) == 1


async def test_http1_serves_safe_client_through_httpx_interface_too(
    transport: Http1Transport,
) -> None:
    async with scripted(Script([OK])) as port:
        async with httpx.AsyncClient(transport=transport) as client:
            response = await client.post(f"http://127.0.0.1:{port}/inbox", content=b"{}")
        assert response.status_code == 202 and response.content == b"ok"


async def test_http1_read_timeout_counts_silence_not_the_whole_answer(
    transport: Http1Transport,
) -> None:
    pieces = [b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n", b"a", b"b", b"c", b"d"]
    finished = asyncio.Event()

    async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        for piece in pieces:  # 4 x 0.15 s in all, never 0.3 s of silence
            await asyncio.sleep(0.15 if piece != pieces[0] else 0)
            writer.write(piece)
            await writer.drain()
        writer.close()
        await writer.wait_closed()
        finished.set()

    server = await asyncio.start_server(trickle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        quick = httpx.Timeout(0.3, connect=1.0)
        fetched = await transport.exchange("GET", f"http://127.0.0.1:{port}/", {}, None, 100, quick)
        assert fetched.body == b"abcd"
        await finished.wait()
    finally:
        server.close()
        await server.wait_closed()


async def test_http1_closes_connections_idle_past_the_expiry(
    transports: list[Http1Transport],
) -> None:
    """A kept connection is closed once idle past `keepalive_expiry`, even when its origin is
    never written to again (a fan-out touches thousands of origins once)."""
    transport = Http1Transport(
        GuardedBackend(allow_loopback=True), httpx.Limits(keepalive_expiry=0.2)
    )
    transports.append(transport)
    first, second = Script([OK]), Script([OK])
    async with scripted(first) as port_a, scripted(second) as port_b:
        assert await _post(transport, f"http://127.0.0.1:{port_a}/inbox") == 202
        await asyncio.sleep(0.3)
        assert first.closed_by_client == 0  # still kept: nothing has swept yet
        assert await _post(transport, f"http://127.0.0.1:{port_b}/inbox") == 202
        await asyncio.sleep(0.05)
        assert first.closed_by_client == 1 and second.closed_by_client == 0


@pytest.mark.parametrize(
    ("url", "headers", "host"),
    [
        ("https://example.org/inbox", {}, "example.org"),
        ("https://Example.ORG:443/inbox", {}, "example.org"),
        ("http://example.org:8080/inbox", {}, "example.org:8080"),
        ("http://[2001:db8::1]:8080/inbox", {}, "[2001:db8::1]:8080"),
        ("https://example.org:443/inbox", {"host": "example.org"}, "example.org"),
        ("https://example.org/inbox", {"Host": "signed.example"}, "signed.example"),
    ],
)
def test_http1_sends_the_host_a_signature_covers(
    url: str, headers: dict[str, str], host: str
) -> None:
    """spec: transport-http1-framing-and-caps (Host as signed: the signer's own, else the
    authority written as signers write it)"""
    _, raw = build_request("POST", url, headers, b"{}")
    head = raw.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    assert head[0] == "POST /inbox HTTP/1.1"
    assert [line for line in head if line.lower().startswith("host:")] == [f"Host: {host}"]


def test_http1_host_matches_what_cavage_signing_covers() -> None:
    pair = generate_rsa_keypair()
    url = "https://Example.ORG:443/users/a/inbox?x=1"
    signed = sign_request_cavage(
        "POST", url, {"Content-Type": "application/activity+json"}, b"{}", "k", pair.private_pem,
        dt.datetime.now(dt.UTC),
    )  # fmt: skip
    _, raw = build_request("POST", url, signed, b"{}")
    assert b"\r\nHost: example.org\r\n" in raw and raw.startswith(b"POST /users/a/inbox?x=1 ")
