"""Both direct-exchange transports (http1, the default, and aiohttp) keep SafeClient's behaviour:
fetches, posts, caps, redirects, timeouts and the SSRF guard (IP literals and resolved names)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from federation.aiohttp_transport import aiohttp_transport
from federation.client import SafeClient, TransportFactory
from federation.errors import FetchBlocked, FetchTimeout, FetchTooLarge
from federation.http1 import http1_transport
from tests.support.servers import ThreadServer, run_asgi_in_thread

pytestmark = pytest.mark.anyio
AS2 = "application/activity+json"


def _app() -> Starlette:
    async def actor(request: Request) -> Response:
        return JSONResponse({"id": "x", "type": "Person"}, media_type=AS2)

    async def inbox(request: Request) -> Response:
        body = await request.body()
        return JSONResponse({"got": len(body)}, status_code=202)

    async def huge(request: Request) -> Response:
        return Response(b"x" * 2_000_000, media_type=AS2)

    async def huge_chunked(request: Request) -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(40):
                yield b"x" * 65_536

        return StreamingResponse(chunks(), media_type=AS2)

    async def echo(request: Request) -> Response:
        return JSONResponse(
            {
                "user_agent": request.headers.get("user-agent"),
                "encoding": request.headers.get("accept-encoding"),
                "signature": request.headers.get("signature"),
            },
            media_type=AS2,
        )

    async def moved(request: Request) -> Response:
        return RedirectResponse("/echo", status_code=302)

    async def slow(request: Request) -> Response:
        await anyio.sleep(3)
        return Response(b"late")

    return Starlette(
        routes=[
            Route("/actor", actor),
            Route("/inbox", inbox, methods=["POST"]),
            Route("/huge", huge),
            Route("/huge-chunked", huge_chunked),
            Route("/echo", echo),
            Route("/moved", moved, methods=["GET", "POST"]),
            Route("/slow", slow),
        ]
    )


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadServer]:
    with run_asgi_in_thread(_app()) as running:
        yield running


@pytest.fixture(params=[http1_transport, aiohttp_transport], ids=["http1", "aiohttp"])
def transport(request: pytest.FixtureRequest) -> TransportFactory:
    factory: TransportFactory = request.param
    return factory


async def test_direct_transport_fetches_and_posts_on_loopback(
    server: ThreadServer, transport: TransportFactory
) -> None:
    async with SafeClient(
        allow_loopback=True, user_agent="t", timeout=2.0, transport=transport
    ) as client:
        assert (await client.get_json(f"{server.url}/actor"))["type"] == "Person"
        answer = await client.post(f"{server.url}/inbox", b"{}", {"Content-Type": AS2})
        assert answer.status_code == 202 and json.loads(answer.body) == {"got": 2}
        with pytest.raises(FetchTooLarge):
            await client.get(f"{server.url}/huge")


async def test_direct_transport_refuses_loopback_unless_allowed(
    server: ThreadServer, transport: TransportFactory
) -> None:
    """spec: ssrf-after-dns (direct transports)"""
    async with SafeClient(
        allow_loopback=False, user_agent="t", timeout=2.0, transport=transport
    ) as client:
        with pytest.raises(FetchBlocked):
            await client.get(f"{server.url}/actor")


async def test_direct_transport_refuses_names_resolving_to_private(
    server: ThreadServer, transport: TransportFactory
) -> None:
    async def resolve(host: str, port: int) -> list[str]:
        return ["10.0.0.7"]

    kwargs: dict[str, Any] = {"resolver": resolve, "transport": transport}
    async with SafeClient(allow_loopback=True, user_agent="t", timeout=2.0, **kwargs) as client:
        with pytest.raises(FetchBlocked):
            await client.get(f"http://internal.example:{server.port}/actor")


def _client(transport: TransportFactory, **kwargs: Any) -> SafeClient:
    return SafeClient(
        allow_loopback=True, user_agent="TreeholeTest/1", transport=transport, **kwargs
    )


async def test_direct_exchange_sends_default_headers_and_caps_chunked_bodies(
    server: ThreadServer, transport: TransportFactory
) -> None:
    async with _client(transport, timeout=2.0) as client:
        seen = json.loads((await client.get(f"{server.url}/echo")).body)
        assert seen["user_agent"] == "TreeholeTest/1" and seen["encoding"] == "identity"
        with pytest.raises(FetchTooLarge):
            await client.get(f"{server.url}/huge-chunked")


async def test_direct_exchange_follows_get_redirects_signing_each_hop_but_never_posts_on(
    server: ThreadServer, transport: TransportFactory
) -> None:
    hops: list[str] = []

    def sign(method: str, url: str, headers: dict[str, str]) -> dict[str, str]:
        hops.append(url)
        return {"Signature": f"for {url}"}

    async with _client(transport, timeout=2.0) as client:
        document = await client.get_json(f"{server.url}/moved", sign=sign)
        assert hops == [f"{server.url}/moved", f"{server.url}/echo"]
        assert document["signature"] == f"for {server.url}/echo"
        answer = await client.post(f"{server.url}/moved", b"{}", {"Content-Type": AS2})
        assert answer.status_code == 302


async def test_direct_exchange_times_out_as_a_fetch_error(
    server: ThreadServer, transport: TransportFactory
) -> None:
    async with _client(transport, timeout=0.5) as client:
        with pytest.raises(FetchTimeout):
            await client.get(f"{server.url}/slow")
