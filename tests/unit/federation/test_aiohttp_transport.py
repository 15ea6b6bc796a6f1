"""The optional aiohttp transport keeps SafeClient's behaviour: fetches, posts, caps and the SSRF
guard (IP literals checked before the request, names at connect time)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from federation.aiohttp_transport import aiohttp_transport
from federation.client import SafeClient
from federation.errors import FetchBlocked, FetchTooLarge
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

    return Starlette(
        routes=[
            Route("/actor", actor),
            Route("/inbox", inbox, methods=["POST"]),
            Route("/huge", huge),
        ]
    )


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadServer]:
    with run_asgi_in_thread(_app()) as running:
        yield running


async def test_aiohttp_transport_fetches_and_posts_on_loopback(server: ThreadServer) -> None:
    async with SafeClient(
        allow_loopback=True, user_agent="t", timeout=2.0, transport=aiohttp_transport
    ) as client:
        assert (await client.get_json(f"{server.url}/actor"))["type"] == "Person"
        answer = await client.post(f"{server.url}/inbox", b"{}", {"Content-Type": AS2})
        assert answer.status_code == 202 and json.loads(answer.body) == {"got": 2}
        with pytest.raises(FetchTooLarge):
            await client.get(f"{server.url}/huge")


async def test_aiohttp_transport_refuses_loopback_unless_allowed(server: ThreadServer) -> None:
    """spec: ssrf-after-dns (aiohttp transport)"""
    async with SafeClient(
        allow_loopback=False, user_agent="t", timeout=2.0, transport=aiohttp_transport
    ) as client:
        with pytest.raises(FetchBlocked):
            await client.get(f"{server.url}/actor")


async def test_aiohttp_transport_refuses_names_resolving_to_private(server: ThreadServer) -> None:
    async def resolve(host: str, port: int) -> list[str]:
        return ["10.0.0.7"]

    kwargs: dict[str, Any] = {"resolver": resolve, "transport": aiohttp_transport}
    async with SafeClient(allow_loopback=True, user_agent="t", timeout=2.0, **kwargs) as client:
        with pytest.raises(FetchBlocked):
            await client.get(f"http://internal.example:{server.port}/actor")
