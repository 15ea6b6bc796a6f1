"""An httpx transport over aiohttp's connection pool, with the SSRF guard of `GuardedBackend`.

Owns moving one httpx request over aiohttp and mapping aiohttp's errors to httpx's, so
`SafeClient` keeps its caps, redirects and error handling unchanged. The guard is the same as the
default transport's: a name is resolved by our resolver and refused when ANY address is refused
(checked at connect time, inside aiohttp's connector, so every new connection is checked); an IP
literal, which aiohttp never hands to a resolver, is checked before the request. Besides being an
httpx transport it carries whole exchanges itself (`exchange`, used by SafeClient): httpx's request
and response objects cost more per delivery than aiohttp's request does. The default transport
(TREEHOLE_HTTP_TRANSPORT=aiohttp); see bench/README.md.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
import httpcore
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from federation.client import Fetched, GuardedBackend, read_capped
from federation.errors import FetchBlocked, FetchError, FetchTimeout

CHUNK_BYTES = 64 * 1024


class GuardedResolver(AbstractResolver):
    """aiohttp resolver that answers only with addresses the backend allows."""

    def __init__(self, backend: GuardedBackend) -> None:
        self._backend = backend

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        try:
            addresses = await self._backend.resolve(host, port)
        except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
            # aiohttp reports an OSError from a resolver as a connection error.
            raise OSError(str(exc)) from exc
        for address in addresses:
            if not self._backend.is_allowed(address):
                raise FetchBlocked(f"refused address for host {host}")
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in addresses
        ]

    async def close(self) -> None:
        return None


class _Body(httpx.AsyncByteStream):
    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_chunked(CHUNK_BYTES):
                yield chunk
        except TimeoutError as exc:
            raise httpx.ReadTimeout(str(exc) or "read timed out") from exc
        except aiohttp.ClientError as exc:
            raise httpx.ReadError(str(exc) or type(exc).__name__) from exc

    async def aclose(self) -> None:
        self._response.release()


class AiohttpTransport(httpx.AsyncBaseTransport):
    """HTTP/1.1 over one aiohttp session; at most `limits.max_connections` (None: unlimited)
    connections, and `per_host` per host. Redirects, proxies and decompression are left to httpx
    (i.e. not done here), as with httpx's own transport."""

    def __init__(self, backend: GuardedBackend, limits: httpx.Limits, per_host: int = 10) -> None:
        self._backend = backend
        self._limits = limits
        self._per_host = per_host
        self._session: aiohttp.ClientSession | None = None

    def _refuse_ip_literal(self, host: str) -> None:
        """aiohttp never hands an IP literal to the resolver, so it is checked here."""
        if _is_ip_literal(host) and not self._backend.is_allowed(host):
            raise FetchBlocked(f"refused address for host {host}")

    def _open(self) -> aiohttp.ClientSession:
        # Built on first use: aiohttp binds the session to the running event loop.
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self._limits.max_connections or 0,
                limit_per_host=self._per_host,
                keepalive_timeout=self._limits.keepalive_expiry or 15.0,
                resolver=GuardedResolver(self._backend),
                use_dns_cache=False,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                auto_decompress=False,
                trust_env=False,
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        self._refuse_ip_literal(host)
        timeouts: dict[str, Any] = request.extensions.get("timeout", {})
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=timeouts.get("connect"), sock_read=timeouts.get("read")
        )
        body = await request.aread()
        try:
            response = await self._open().request(
                request.method,
                URL(str(request.url), encoded=True),
                headers=list(request.headers.multi_items()),
                data=body or None,
                allow_redirects=False,
                timeout=timeout,
                # httpx already set these (or chose to leave them out); aiohttp adds none.
                skip_auto_headers=("Accept", "Accept-Encoding", "User-Agent", "Content-Type"),
            )
        except aiohttp.ConnectionTimeoutError as exc:
            raise httpx.ConnectTimeout(str(exc) or "connect timed out", request=request) from exc
        except TimeoutError as exc:
            raise httpx.ReadTimeout(str(exc) or "read timed out", request=request) from exc
        except aiohttp.ClientConnectorError as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc
        except aiohttp.ClientError as exc:
            raise httpx.RemoteProtocolError(str(exc), request=request) from exc
        return httpx.Response(
            status_code=response.status,
            headers=list(response.raw_headers),
            stream=_Body(response),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": b""},
        )

    async def exchange(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        content: bytes | None,
        max_bytes: int,
        timeout: httpx.Timeout,
    ) -> Fetched:
        """One exchange straight over aiohttp (`federation.client.DirectExchange`): no redirects
        followed, the body read up to `max_bytes`, every failure a FetchError."""
        target = URL(url, encoded=True)
        host = target.host or ""
        self._refuse_ip_literal(host)
        limits = aiohttp.ClientTimeout(
            total=None, sock_connect=timeout.connect, sock_read=timeout.read
        )
        try:
            async with self._open().request(
                method,
                target,
                headers=dict(headers),
                data=content or None,
                allow_redirects=False,
                timeout=limits,
                skip_auto_headers=("Accept", "Accept-Encoding", "User-Agent", "Content-Type"),
            ) as response:
                return Fetched(
                    status_code=response.status,
                    headers={k.lower(): v for k, v in response.headers.items()},
                    body=await read_capped(
                        response.content.iter_chunked(CHUNK_BYTES),
                        response.headers.get("Content-Length"),
                        max_bytes,
                    ),
                    url=url,
                )
        except aiohttp.ConnectionTimeoutError as exc:
            raise FetchTimeout(f"ConnectTimeout for host {host}") from exc
        except TimeoutError as exc:
            raise FetchTimeout(f"ReadTimeout for host {host}") from exc
        except aiohttp.ClientConnectorError as exc:
            raise FetchError(f"ConnectError for host {host}") from exc
        except aiohttp.ClientError as exc:
            raise FetchError(f"{type(exc).__name__} for host {host}") from exc

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _is_ip_literal(host: str) -> bool:
    try:
        socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
    except OSError:
        return False
    return True


def aiohttp_transport(backend: GuardedBackend, limits: httpx.Limits) -> httpx.AsyncBaseTransport:
    """A `SafeClient(transport=...)` factory."""
    return AiohttpTransport(backend, limits)
