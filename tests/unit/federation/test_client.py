"""SafeClient against a real loopback server, plus the SSRF guard's address rules."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from urllib.parse import quote

import anyio
import httpcore
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from federation.client import GuardedBackend, SafeClient, is_json_content_type, is_public_address
from federation.errors import (
    FetchBlocked,
    FetchError,
    FetchGone,
    FetchNotFound,
    FetchStatusError,
    FetchTimeout,
    FetchTooLarge,
    ParseError,
)
from tests.support.ports import free_port
from tests.support.servers import ThreadServer, run_asgi_in_thread

AS2 = "application/activity+json"
UA = "Treehole-test/1.0"


class _Fake:
    """State of the fake remote: in-flight request counter for the per-host cap test."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.max_in_flight = 0


def _fake_remote(state: _Fake) -> Starlette:
    async def actor(request: Request) -> Response:
        body = {"@context": "https://www.w3.org/ns/activitystreams", "id": str(request.url)}
        return Response(json.dumps(body), media_type=AS2)

    async def typed(request: Request) -> Response:
        return Response(b'{"ok": true}', headers={"content-type": request.query_params["ct"]})

    async def raw(request: Request) -> Response:
        return Response(request.query_params["body"].encode(), media_type=AS2)

    async def status(request: Request) -> Response:
        return Response(b"", status_code=int(request.path_params["code"]))

    async def big(request: Request) -> Response:
        return Response(b"x" * 2_000_000, media_type=AS2)

    async def big_stream(request: Request) -> Response:
        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(40):
                yield b"y" * 65_536

        return StreamingResponse(chunks(), media_type=AS2)

    async def slow(request: Request) -> Response:
        await anyio.sleep(1.5)
        return Response(b"{}", media_type=AS2)

    async def trickle(request: Request) -> Response:
        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(8):
                await anyio.sleep(0.2)
                yield b" "

        return StreamingResponse(chunks(), media_type=AS2)

    async def redirect(request: Request) -> Response:
        return RedirectResponse(request.query_params["to"], status_code=302)

    async def loop(request: Request) -> Response:
        return RedirectResponse("/loop", status_code=302)

    async def echo(request: Request) -> Response:
        body = await request.body()
        return JSONResponse(
            {"method": request.method, "headers": dict(request.headers), "length": len(body)},
            status_code=202 if request.method == "POST" else 200,
            media_type=AS2,
        )

    async def big_answer(request: Request) -> Response:
        return Response(b"z" * 2_000_000, status_code=202)

    async def big_chunked_answer(request: Request) -> Response:
        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(40):
                yield b"z" * 65_536

        return StreamingResponse(chunks(), status_code=202)

    async def slow_answer(request: Request) -> Response:
        await anyio.sleep(1.5)
        return Response(b"", status_code=202)

    async def vary(request: Request) -> Response:
        answer = Response(b"{}", media_type=AS2)
        answer.raw_headers += [(b"vary", b"Accept"), (b"vary", b"Signature")]
        return answer

    async def concurrent(request: Request) -> Response:
        state.in_flight += 1
        state.max_in_flight = max(state.max_in_flight, state.in_flight)
        await anyio.sleep(0.2)
        state.in_flight -= 1
        return Response(b"{}", media_type=AS2)

    return Starlette(
        routes=[
            Route("/actor", actor),
            Route("/typed", typed),
            Route("/raw", raw),
            Route("/status/{code:int}", status, methods=["GET", "POST"]),
            Route("/big", big),
            Route("/big-stream", big_stream),
            Route("/slow", slow),
            Route("/trickle", trickle),
            Route("/redirect", redirect, methods=["GET", "POST"]),
            Route("/loop", loop),
            Route("/echo", echo, methods=["GET", "POST"]),
            Route("/concurrent", concurrent),
            Route("/big-answer", big_answer, methods=["POST"]),
            Route("/big-chunked-answer", big_chunked_answer, methods=["POST"]),
            Route("/slow-answer", slow_answer, methods=["POST"]),
            Route("/vary", vary),
        ]
    )


@pytest.fixture(scope="module")
def fake() -> _Fake:
    return _Fake()


@pytest.fixture(scope="module")
def remote(fake: _Fake) -> Iterator[ThreadServer]:
    with run_asgi_in_thread(_fake_remote(fake)) as server:
        yield server


@pytest.fixture
async def client() -> AsyncIterator[SafeClient]:
    async with SafeClient(allow_loopback=True, user_agent=UA, timeout=2.0) as safe:
        yield safe


class _RecordingBackend(httpcore.AsyncNetworkBackend):
    """An inner backend that records connect attempts and never opens a socket."""

    def __init__(self) -> None:
        self.attempts: list[tuple[str, int]] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.attempts.append((host, port))
        raise httpcore.ConnectError("recording backend opens no sockets")


def _static_resolver(table: dict[str, list[str]]) -> Any:
    async def resolve(host: str, port: int) -> list[str]:
        return table[host]

    return resolve


# --- address rules ---

BLOCKED_ADDRESSES = [
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "127.0.0.1",
    "127.8.9.10",
    "0.0.0.0",
    "169.254.169.254",
    "100.64.0.1",
    "224.0.0.1",
    "255.255.255.255",
    "240.0.0.1",
    "198.18.0.1",
    "192.0.2.1",
    "::",
    "::1",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "::ffff:10.0.0.1",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
    "2001::1",  # Teredo
    "2001:db8::1",
    "not an address",
]
PUBLIC_ADDRESSES = ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111", "::ffff:93.184.215.14"]


@pytest.mark.parametrize("address", BLOCKED_ADDRESSES)
def test_is_public_address_refuses_internal_ranges(address: str) -> None:
    """spec: ssrf-private-ranges"""
    assert not is_public_address(address)


@pytest.mark.parametrize("address", PUBLIC_ADDRESSES)
def test_is_public_address_accepts_global_unicast(address: str) -> None:
    """spec: ssrf-private-ranges"""
    assert is_public_address(address)


def test_is_public_address_accepts_ip_objects() -> None:
    assert not is_public_address(ipaddress.ip_address("10.1.2.3"))
    assert is_public_address(ipaddress.ip_address("8.8.8.8"))


def test_guard_allows_only_plain_loopback_when_allowed() -> None:
    """spec: ssrf-loopback-setting"""
    guard = GuardedBackend(allow_loopback=True)
    assert guard.is_allowed("127.0.0.1")
    assert guard.is_allowed("::1")
    assert not guard.is_allowed("::ffff:127.0.0.1")
    assert not guard.is_allowed("0.0.0.0")
    assert not guard.is_allowed("10.0.0.1")
    assert not GuardedBackend(allow_loopback=False).is_allowed("127.0.0.1")


@pytest.mark.anyio
@pytest.mark.parametrize("host", ["10.0.0.1", "169.254.169.254", "::1", "0.0.0.0", "127.0.0.1"])
async def test_guard_refuses_before_any_connect_attempt(host: str) -> None:
    """spec: ssrf-after-dns — a refused literal address is never handed to the socket layer."""
    inner = _RecordingBackend()
    guard = GuardedBackend(allow_loopback=False, inner=inner)
    with pytest.raises(FetchBlocked):
        await guard.connect_tcp(host, 80)
    assert inner.attempts == []


@pytest.mark.anyio
async def test_guard_refuses_name_if_any_resolved_address_is_private() -> None:
    """spec: ssrf-after-dns — one private answer among public ones blocks the name."""
    inner = _RecordingBackend()
    resolver = _static_resolver({"mixed.test": ["93.184.215.14", "10.0.0.1"]})
    guard = GuardedBackend(allow_loopback=False, resolver=resolver, inner=inner)
    with pytest.raises(FetchBlocked):
        await guard.connect_tcp("mixed.test", 443)
    assert inner.attempts == []


@pytest.mark.anyio
async def test_guard_connects_to_the_checked_address_not_the_name() -> None:
    """spec: ssrf-after-dns — the socket goes to the resolved, checked IP (no second lookup)."""
    inner = _RecordingBackend()
    resolver = _static_resolver({"pub.test": ["93.184.215.14", "2606:4700:4700::1111"]})
    guard = GuardedBackend(allow_loopback=False, resolver=resolver, inner=inner)
    with pytest.raises(httpcore.ConnectError):
        await guard.connect_tcp("pub.test", 443)
    assert inner.attempts == [("93.184.215.14", 443), ("2606:4700:4700::1111", 443)]


@pytest.mark.anyio
async def test_guard_maps_resolution_failure_to_connect_error() -> None:
    async def failing(host: str, port: int) -> list[str]:
        raise OSError("no such host")

    guard = GuardedBackend(allow_loopback=False, resolver=failing, inner=_RecordingBackend())
    with pytest.raises(httpcore.ConnectError):
        await guard.connect_tcp("nowhere.test", 443)


@pytest.mark.anyio
async def test_guard_refuses_unix_sockets() -> None:
    """spec: ssrf-after-dns"""
    with pytest.raises(FetchBlocked):
        await GuardedBackend(allow_loopback=True).connect_unix_socket("/run/docker.sock")


# --- SafeClient over loopback ---


@pytest.mark.anyio
async def test_get_json_fetches_activity_json_from_loopback(
    remote: ThreadServer, client: SafeClient
) -> None:
    """spec: ssrf-loopback-setting — loopback works only because the test allows it."""
    document = await client.get_json(f"{remote.url}/actor")
    assert document["id"] == f"{remote.url}/actor"


@pytest.mark.anyio
async def test_get_sends_user_agent_and_as2_accept(
    remote: ThreadServer, client: SafeClient
) -> None:
    document = await client.get_json(f"{remote.url}/echo")
    headers = document["headers"]
    assert headers["user-agent"] == UA
    assert headers["accept"].startswith("application/activity+json")
    assert headers["accept-encoding"] == "identity"


@pytest.mark.anyio
async def test_get_refuses_loopback_when_not_allowed(remote: ThreadServer) -> None:
    """spec: ssrf-after-dns"""
    async with SafeClient(allow_loopback=False, user_agent=UA) as safe:
        with pytest.raises(FetchBlocked):
            await safe.get(f"{remote.url}/actor")
        with pytest.raises(FetchBlocked):
            await safe.get(f"http://localhost:{remote.port}/actor")


@pytest.mark.anyio
@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://0.0.0.0/",
    ],
)
async def test_get_refuses_internal_targets_without_traffic(target: str) -> None:
    """spec: ssrf-after-dns — refused at connect time, so nothing is sent."""
    async with SafeClient(allow_loopback=False, user_agent=UA, timeout=1.0) as safe:
        with pytest.raises(FetchBlocked):
            await safe.get(target)


@pytest.mark.anyio
@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://0.0.0.0:{port}/actor",  # would reach the test server on Linux if unchecked
        "http://[::ffff:127.0.0.1]:{port}/actor",  # likewise, through the mapped form
    ],
)
async def test_redirect_to_internal_address_is_refused(
    remote: ThreadServer, client: SafeClient, location: str
) -> None:
    """spec: ssrf-redirect-recheck"""
    target = location.format(port=remote.port)
    with pytest.raises(FetchBlocked):
        await client.get(f"{remote.url}/redirect?to={target}")


@pytest.mark.anyio
async def test_redirect_to_name_resolving_to_metadata_ip_is_refused(remote: ThreadServer) -> None:
    """spec: ssrf-redirect-recheck — each hop's name is resolved and checked again."""
    resolver = _static_resolver({"first.test": ["127.0.0.1"], "rebound.test": ["169.254.169.254"]})
    async with SafeClient(allow_loopback=True, user_agent=UA, resolver=resolver) as safe:
        fetched = await safe.get(f"http://first.test:{remote.port}/echo")
        assert fetched.status_code == 200
        with pytest.raises(FetchBlocked):
            await safe.get(
                f"http://first.test:{remote.port}/redirect?to=http://rebound.test:{remote.port}/"
            )


@pytest.mark.anyio
async def test_resolved_name_keeps_its_host_header(remote: ThreadServer) -> None:
    """spec: ssrf-after-dns — connecting to the checked IP does not change the Host we send."""
    resolver = _static_resolver({"remote.test": ["127.0.0.1"]})
    async with SafeClient(allow_loopback=True, user_agent=UA, resolver=resolver) as safe:
        document = await safe.get_json(f"http://remote.test:{remote.port}/echo")
    assert document["headers"]["host"] == f"remote.test:{remote.port}"


@pytest.mark.anyio
@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "gopher://a/"])
async def test_get_refuses_non_http_schemes(client: SafeClient, url: str) -> None:
    """spec: ssrf-schemes"""
    with pytest.raises(FetchBlocked):
        await client.get(url)


@pytest.mark.anyio
async def test_redirect_to_file_scheme_is_refused(remote: ThreadServer, client: SafeClient) -> None:
    """spec: ssrf-schemes"""
    with pytest.raises(FetchBlocked):
        await client.get(f"{remote.url}/redirect?to=file:///etc/passwd")


@pytest.mark.anyio
async def test_get_follows_redirects_and_reports_final_url(
    remote: ThreadServer, client: SafeClient
) -> None:
    fetched = await client.get(f"{remote.url}/redirect?to=/actor")
    assert fetched.status_code == 200
    assert fetched.url == f"{remote.url}/actor"
    assert fetched.headers["content-type"] == AS2


@pytest.mark.anyio
async def test_get_gives_up_after_max_redirects(remote: ThreadServer, client: SafeClient) -> None:
    """spec: ssrf-redirect-cap"""
    with pytest.raises(FetchError, match="too many redirects"):
        await client.get(f"{remote.url}/loop")


@pytest.mark.anyio
async def test_get_json_resigns_every_redirect_hop(
    remote: ThreadServer, client: SafeClient
) -> None:
    """spec: signed-fetch — the signature covers the URL actually requested."""
    calls: list[tuple[str, str]] = []

    def sign(method: str, url: str, headers: dict[str, str]) -> dict[str, str]:
        calls.append((method, url))
        return {"Signature": f"for {url}"}

    document = await client.get_json(f"{remote.url}/redirect?to=/echo", sign=sign)
    assert calls == [("GET", f"{remote.url}/redirect?to=/echo"), ("GET", f"{remote.url}/echo")]
    assert document["headers"]["signature"] == f"for {remote.url}/echo"


@pytest.mark.anyio
async def test_oversized_declared_body_raises_too_large(remote: ThreadServer) -> None:
    """spec: fetch-size-cap"""
    async with SafeClient(allow_loopback=True, user_agent=UA, max_bytes=1_000_000) as safe:
        with pytest.raises(FetchTooLarge):
            await safe.get(f"{remote.url}/big")


@pytest.mark.anyio
async def test_oversized_streamed_body_raises_too_large(remote: ThreadServer) -> None:
    """spec: fetch-size-cap — no Content-Length: the cap is counted while streaming."""
    async with SafeClient(allow_loopback=True, user_agent=UA, max_bytes=1_000_000) as safe:
        with pytest.raises(FetchTooLarge):
            await safe.get(f"{remote.url}/big-stream")


@pytest.mark.anyio
async def test_slow_response_raises_timeout(remote: ThreadServer) -> None:
    """spec: fetch-timeouts"""
    async with SafeClient(allow_loopback=True, user_agent=UA, timeout=0.3) as safe:
        with pytest.raises(FetchTimeout):
            await safe.get(f"{remote.url}/slow")


@pytest.mark.anyio
async def test_trickling_response_hits_the_overall_deadline(remote: ThreadServer) -> None:
    """spec: fetch-timeouts — each byte beats the read timeout; the whole exchange does not."""
    async with SafeClient(allow_loopback=True, user_agent=UA, timeout=0.3) as safe:
        with pytest.raises(FetchTimeout):
            await safe.get(f"{remote.url}/trickle")


@pytest.mark.anyio
async def test_connection_refused_is_a_fetch_error(client: SafeClient) -> None:
    with pytest.raises(FetchError) as caught:
        await client.get(f"http://127.0.0.1:{free_port()}/")
    assert type(caught.value) is FetchError


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("code", "error"),
    [(410, FetchGone), (404, FetchNotFound), (500, FetchStatusError), (401, FetchStatusError)],
)
async def test_get_json_maps_statuses(
    remote: ThreadServer, client: SafeClient, code: int, error: type[Exception]
) -> None:
    """spec: fetch-status-classes"""
    with pytest.raises(error):
        await client.get_json(f"{remote.url}/status/{code}")


@pytest.mark.anyio
async def test_get_json_status_error_carries_status(
    remote: ThreadServer, client: SafeClient
) -> None:
    with pytest.raises(FetchStatusError) as caught:
        await client.get_json(f"{remote.url}/status/503")
    assert caught.value.status == 503


@pytest.mark.anyio
@pytest.mark.parametrize(
    "content_type",
    ["text/html", "application/json", "application/ld+json", 'application/ld+json; profile="x"'],
)
async def test_get_json_refuses_non_as2_content_types(
    remote: ThreadServer, client: SafeClient, content_type: str
) -> None:
    """spec: fetch-content-type — Mastodon's CVE-2024-23832 rule."""
    with pytest.raises(FetchError, match="content type"):
        await client.get_json(f"{remote.url}/typed?ct={quote(content_type)}")


@pytest.mark.anyio
@pytest.mark.parametrize(
    "content_type",
    [
        "application/activity+json",
        "application/activity+json; charset=utf-8",
        'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
    ],
)
async def test_get_json_accepts_as2_content_types(
    remote: ThreadServer, client: SafeClient, content_type: str
) -> None:
    """spec: fetch-content-type"""
    assert await client.get_json(f"{remote.url}/typed?ct={quote(content_type)}") == {"ok": True}


@pytest.mark.anyio
async def test_get_json_plain_json_only_when_allowed(
    remote: ThreadServer, client: SafeClient
) -> None:
    url = f"{remote.url}/typed?ct=application/jrd%2Bjson"
    assert await client.get_json(url, allow_plain_json=True) == {"ok": True}
    with pytest.raises(FetchError):
        await client.get_json(url)


@pytest.mark.anyio
@pytest.mark.parametrize("body", ["not json{", "[1, 2]", '"string"'])
async def test_get_json_refuses_garbage(
    remote: ThreadServer, client: SafeClient, body: str
) -> None:
    with pytest.raises(ParseError):
        await client.get_json(f"{remote.url}/raw?body={quote(body)}")


@pytest.mark.anyio
async def test_post_sends_body_and_returns_any_status(
    remote: ThreadServer, client: SafeClient
) -> None:
    fetched = await client.post(f"{remote.url}/echo", b'{"a": 1}', {"Content-Type": AS2})
    assert fetched.status_code == 202
    assert json.loads(fetched.body)["length"] == 8
    gone = await client.post(f"{remote.url}/status/410", b"{}", {"Content-Type": AS2})
    assert gone.status_code == 410


@pytest.mark.anyio
async def test_post_does_not_follow_redirects(remote: ThreadServer, client: SafeClient) -> None:
    fetched = await client.post(f"{remote.url}/redirect?to=/echo", b"{}", {})
    assert fetched.status_code == 302


@pytest.mark.anyio
async def test_post_refuses_internal_target() -> None:
    """spec: ssrf-after-dns"""
    async with SafeClient(allow_loopback=False, user_agent=UA) as safe:
        with pytest.raises(FetchBlocked):
            await safe.post("http://169.254.169.254/inbox", b"{}", {})


@pytest.mark.anyio
async def test_post_sends_default_headers_unless_given(
    remote: ThreadServer, client: SafeClient
) -> None:
    seen = json.loads((await client.post(f"{remote.url}/echo", b"{}", {})).body)["headers"]
    assert seen["user-agent"] == UA and seen["accept-encoding"] == "identity"
    assert "content-type" not in seen  # none given, none invented
    given = {"User-Agent": "Other/1", "Content-Type": AS2}
    seen = json.loads((await client.post(f"{remote.url}/echo", b"{}", given)).body)["headers"]
    assert seen["user-agent"] == "Other/1" and seen["content-type"] == AS2


@pytest.mark.anyio
@pytest.mark.parametrize("path", ["/big-answer", "/big-chunked-answer"])
async def test_post_answer_over_the_cap_raises_too_large(remote: ThreadServer, path: str) -> None:
    """spec: fetch-size-cap (deliveries' answers too)"""
    async with SafeClient(allow_loopback=True, user_agent=UA, max_bytes=1_000_000) as safe:
        with pytest.raises(FetchTooLarge):
            await safe.post(f"{remote.url}{path}", b"{}", {})


@pytest.mark.anyio
async def test_post_times_out_as_a_fetch_error(remote: ThreadServer) -> None:
    """spec: fetch-timeouts (deliveries too)"""
    async with SafeClient(allow_loopback=True, user_agent=UA, timeout=0.3) as safe:
        with pytest.raises(FetchTimeout):
            await safe.post(f"{remote.url}/slow-answer", b"{}", {})


@pytest.mark.anyio
async def test_post_refuses_names_resolving_to_private(remote: ThreadServer) -> None:
    """spec: ssrf-after-dns (deliveries resolve through the same guard)"""
    resolver = _static_resolver(
        {"inbox.test": ["127.0.0.1"], "mixed.test": ["127.0.0.1", "10.0.0.7"]}
    )
    async with SafeClient(allow_loopback=True, user_agent=UA, resolver=resolver) as safe:
        ok = await safe.post(f"http://inbox.test:{remote.port}/echo", b"{}", {})
        assert ok.status_code == 202
        assert json.loads(ok.body)["headers"]["host"] == f"inbox.test:{remote.port}"
        with pytest.raises(FetchBlocked):
            await safe.post(f"http://mixed.test:{remote.port}/echo", b"{}", {})
    async with SafeClient(allow_loopback=False, user_agent=UA, resolver=resolver) as strict:
        with pytest.raises(FetchBlocked):
            await strict.post(f"http://inbox.test:{remote.port}/echo", b"{}", {})
        with pytest.raises(FetchBlocked):
            await strict.post(f"{remote.url}/echo", b"{}", {})


@pytest.mark.anyio
async def test_repeated_headers_are_joined(remote: ThreadServer, client: SafeClient) -> None:
    fetched = await client.get(f"{remote.url}/vary")
    assert fetched.headers["vary"] == "Accept, Signature"


@pytest.mark.anyio
async def test_per_host_cap_bounds_concurrent_requests(remote: ThreadServer, fake: _Fake) -> None:
    fake.max_in_flight = 0
    async with SafeClient(allow_loopback=True, user_agent=UA, max_connections_per_host=2) as safe:
        async with anyio.create_task_group() as group:
            for _ in range(5):
                group.start_soon(safe.get, f"{remote.url}/concurrent")
    assert fake.max_in_flight == 2


def test_is_json_content_type_rules() -> None:
    assert is_json_content_type("Application/Activity+JSON")
    assert not is_json_content_type("application/json")
    assert is_json_content_type("application/json; charset=utf-8", allow_plain_json=True)
    assert not is_json_content_type("text/json", allow_plain_json=True)


def _echo_authorization() -> Starlette:
    async def echo(request: Request) -> JSONResponse:
        return JSONResponse({"authorization": request.headers.get("authorization")})

    return Starlette(routes=[Route("/echo", echo)])


def _redirect_to(target: str) -> Starlette:
    async def hop(request: Request) -> Response:
        return Response(status_code=302, headers={"location": target})

    async def echo(request: Request) -> JSONResponse:
        return JSONResponse({"authorization": request.headers.get("authorization")})

    return Starlette(routes=[Route("/hop", hop), Route("/echo", echo)])


@pytest.mark.anyio
async def test_get_drops_credentials_on_redirect_to_another_origin(client: SafeClient) -> None:
    """spec: ssrf-redirect-recheck — a token for one server is never sent to another."""
    with run_asgi_in_thread(_echo_authorization()) as other:
        with run_asgi_in_thread(_redirect_to(f"{other.url}/echo")) as first:
            fetched = await client.get(
                f"{first.url}/hop", headers={"Authorization": "Bearer secret-for-first"}
            )
    assert fetched.status_code == 200
    assert json.loads(fetched.body) == {"authorization": None}


@pytest.mark.anyio
async def test_get_keeps_credentials_on_same_origin_redirect(client: SafeClient) -> None:
    with run_asgi_in_thread(_redirect_to("/echo")) as first:
        fetched = await client.get(
            f"{first.url}/hop", headers={"Authorization": "Bearer secret-for-first"}
        )
    assert json.loads(fetched.body) == {"authorization": "Bearer secret-for-first"}
