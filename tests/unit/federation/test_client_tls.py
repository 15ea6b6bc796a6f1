"""SafeClient over TLS on both paths (httpx's fetches, aiohttp's deliveries): certificates are
checked against the trust store and the host name, a trust store of our own is used only where
it is passed, and the default one (certifi's) refuses a certificate it does not know."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from federation.client import SafeClient
from federation.errors import FetchError
from tests.support.raw_server import raw_server, read_request
from tests.support.tls import LocalCA

pytestmark = pytest.mark.anyio
OK = b"HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok"


async def _answer_ok(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while await read_request(reader) is not None:
        writer.write(OK)
        await writer.drain()


async def _loopback(host: str, port: int) -> list[str]:
    return ["127.0.0.1"]


@pytest.fixture(scope="module")
def ca() -> LocalCA:
    return LocalCA()


@pytest.fixture
async def tls_port(ca: LocalCA, tmp_path: Path) -> AsyncIterator[int]:
    context = ca.issue(["inbox.test"]).server_context(tmp_path)
    async with raw_server(_answer_ok, tls=context) as port:
        yield port


async def test_both_paths_speak_tls_with_the_trust_store_given(ca: LocalCA, tls_port: int) -> None:
    """spec: transport-tls-verified"""
    url = f"https://inbox.test:{tls_port}/inbox"
    async with SafeClient(
        allow_loopback=True, user_agent="t", resolver=_loopback, tls=ca.client_context()
    ) as client:
        assert (await client.get(url)).status_code == 202
        assert (await client.post(url, b"{}", {})).status_code == 202


async def test_default_trust_store_refuses_an_unknown_certificate(tls_port: int) -> None:
    """spec: transport-tls-verified"""
    url = f"https://inbox.test:{tls_port}/inbox"
    async with SafeClient(allow_loopback=True, user_agent="t", resolver=_loopback) as client:
        with pytest.raises(FetchError):
            await client.get(url)
        with pytest.raises(FetchError):
            await client.post(url, b"{}", {})


async def test_a_certificate_for_another_name_is_refused(ca: LocalCA, tls_port: int) -> None:
    """spec: transport-tls-verified"""
    url = f"https://other.test:{tls_port}/inbox"
    async with SafeClient(
        allow_loopback=True, user_agent="t", resolver=_loopback, tls=ca.client_context()
    ) as client:
        with pytest.raises(FetchError):
            await client.get(url)
        with pytest.raises(FetchError):
            await client.post(url, b"{}", {})
