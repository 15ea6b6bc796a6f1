"""How deliveries travel: single exchanges over one aiohttp session, behind the SSRF guard.

A fan-out is thousands of small signed POSTs, and per POST aiohttp costs the event loop about a
fifth of what httpx does (bench/README.md), so `SafeClient.post` goes through here while fetches
stay on httpx. Owns moving one request and its answer over aiohttp within limits: aiohttp's
parser refuses a status or header line over `MAX_LINE_BYTES` and more than `MAX_HEADERS` header
lines (so a header bomb costs at most ~1 MiB), the body is read up to a byte cap, and every new
connection goes through `GuardedResolver` (an IP literal, which aiohttp never resolves, is checked
here). Redirects are never followed, cookies never kept, nothing is decompressed or proxied.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from typing import Final

import aiohttp
from yarl import URL

from federation.answers import Fetched, header_dict, read_capped
from federation.errors import FetchBlocked, FetchError, FetchTimeout
from federation.netguard import GuardedBackend, GuardedResolver, is_ip_literal

CHUNK_BYTES: Final = 64 * 1024
MAX_LINE_BYTES: Final = 8190  # aiohttp's default, stated: a status line or one header field
MAX_HEADERS: Final = 128  # aiohttp's default, stated
# aiohttp sets these itself unless told not to; the caller's (or none) are the ones sent.
_NOT_ADDED: Final = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")


class AiohttpExchange:
    """Exchanges over one aiohttp session with at most `per_host` connections per host (each
    one opened to an address `backend` allows, with `tls` for https); close with `aclose`."""

    def __init__(
        self,
        backend: GuardedBackend,
        tls: ssl.SSLContext,
        *,
        per_host: int,
        keepalive_expiry: float,
        connect_timeout: float,
    ) -> None:
        self._backend = backend
        self._tls = tls
        self._per_host = per_host
        self._keepalive = keepalive_expiry
        self._connect_timeout = connect_timeout
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        # Built on first use: aiohttp binds the session to the running event loop.
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=0,  # SafeClient bounds exchanges per host, hence connections
                limit_per_host=self._per_host,
                keepalive_timeout=self._keepalive,
                resolver=GuardedResolver(self._backend, self._connect_timeout),
                use_dns_cache=False,
                ssl=self._tls,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                auto_decompress=False,
                trust_env=False,
                cookie_jar=aiohttp.DummyCookieJar(),
                max_line_size=MAX_LINE_BYTES,
                max_field_size=MAX_LINE_BYTES,
                max_headers=MAX_HEADERS,
            )
        return self._session

    async def exchange(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        content: bytes | None,
        max_bytes: int,
        read_timeout: float,
    ) -> Fetched:
        """One exchange: no redirects followed, the body read up to `max_bytes`, every failure a
        FetchError (FetchBlocked for a refused address, FetchTimeout for silence)."""
        target = URL(url, encoded=True)
        host = target.host or ""
        if is_ip_literal(host) and not self._backend.is_allowed(host):
            raise FetchBlocked(f"refused address for host {host}")
        limits = aiohttp.ClientTimeout(
            total=None, connect=self._connect_timeout, sock_read=read_timeout
        )
        try:
            async with self._open().request(
                method,
                target,
                headers=dict(headers),
                data=content,
                allow_redirects=False,
                timeout=limits,
                skip_auto_headers=_NOT_ADDED,
            ) as response:
                return Fetched(
                    status_code=response.status,
                    headers=header_dict(response.headers.items()),
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
