"""The only outgoing HTTP client: SSRF-guarded, size-, header-, time- and redirect-capped.

Owns every byte Treehole sends to another server, through maintained libraries: fetches (GETs,
redirects followed) on httpx, over httpcore's pool and h11's parser (`federation.fetch_transport`);
deliveries (POSTs) on aiohttp, whose request path costs a fan-out's event loop a fifth of httpx's
(`federation.aiohttp_transport`). Both connect only through the SSRF guard of `federation.netguard`
(every resolved address checked, the socket opened to a checked one), both refuse oversized
header blocks and bodies, and every exchange, redirects included, has one deadline. It must not
know about accounts, keys or settings: signing is an injected callable and every limit is a
constructor argument.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urljoin, urlsplit

import httpx

from federation.aiohttp_transport import AiohttpExchange
from federation.answers import Fetched, header_dict, read_capped
from federation.errors import (
    FetchBlocked,
    FetchError,
    FetchGone,
    FetchNotFound,
    FetchStatusError,
    FetchTimeout,
)
from federation.fetch_transport import GuardedFetchTransport
from federation.netguard import GuardedBackend, Resolver, is_public_address
from federation.origin import same_origin
from federation.parse import load_json
from federation.vocab import AS2_ACCEPT, AS_CONTEXT

__all__ = [
    "CREDENTIALS",
    "Fetched",
    "GuardedBackend",
    "SafeClient",
    "Signer",
    "default_tls",
    "is_json_content_type",
    "is_public_address",
    "raise_for_status",
]

Signer = Callable[[str, str, dict[str, str]], dict[str, str]]

_REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
_ALLOWED_SCHEMES: Final = frozenset({"http", "https"})
KEEPALIVE_SECONDS: Final = 30.0

CREDENTIALS = frozenset({"authorization", "cookie", "proxy-authorization"})


def default_tls() -> ssl.SSLContext:
    """Certificate and hostname checks against certifi's trust store, as httpx does by default,
    whatever the system has; the same context for both HTTP paths."""
    return httpx.create_ssl_context(trust_env=False)


@dataclass(slots=True)
class _HostSlot:
    limiter: asyncio.Semaphore
    users: int = 0


class SafeClient:
    """Outgoing HTTP with SSRF protection and caps; one per process, closed with `aclose()`.

    `timeout` bounds each connect/read/write; a whole exchange, redirects included, gets three
    times that (Mastodon: read 10 s, deadline 30 s), so a server dripping bytes just faster than
    the read timeout is still cut off. `resolver` replaces the system resolver and `tls` the
    trust store (certifi's; the bench passes one that trusts its own CA).
    """

    def __init__(
        self,
        *,
        allow_loopback: bool,
        user_agent: str,
        timeout: float = 10.0,
        max_bytes: int = 1_048_576,
        max_redirects: int = 3,
        max_connections_per_host: int = 10,
        resolver: Resolver | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self._max_bytes = max_bytes
        self._max_redirects = max_redirects
        self._deadline = timeout * 3
        self._read_timeout = timeout
        self._per_host = max_connections_per_host
        self._slots: dict[str, _HostSlot] = {}
        backend = GuardedBackend(allow_loopback=allow_loopback, resolver=resolver)
        trust = tls if tls is not None else default_tls()
        connect_timeout = min(timeout, 5.0)
        # identity keeps memory bounded: a compressed body is inflated a whole chunk at a time
        # before the size cap can see it.
        self._default_headers = {"User-Agent": user_agent, "Accept-Encoding": "identity"}
        self._fetches = httpx.AsyncClient(
            transport=GuardedFetchTransport(
                backend,
                trust,
                max_keepalive=max(20, max_connections_per_host * 4),
                keepalive_expiry=KEEPALIVE_SECONDS,
            ),
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            follow_redirects=False,
            trust_env=False,
            headers=self._default_headers,
        )
        self._posts = AiohttpExchange(
            backend,
            trust,
            per_host=max_connections_per_host,
            keepalive_expiry=KEEPALIVE_SECONDS,
            connect_timeout=connect_timeout,
        )

    async def __aenter__(self) -> SafeClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close pooled connections."""
        await self._fetches.aclose()
        await self._posts.aclose()

    async def get(self, url: str, *, headers: Mapping[str, str] | None = None) -> Fetched:
        """GET `url`, following up to `max_redirects` redirects, each hop re-checked."""
        base = dict(headers or {})
        return await self._with_deadline(self._get(url, base, None))

    async def post(self, url: str, content: bytes, headers: Mapping[str, str]) -> Fetched:
        """POST `content` to `url` once; any status is returned, redirects are not followed."""
        return await self._with_deadline(self._post(url, content, headers))

    async def get_json(
        self,
        url: str,
        *,
        accept: str = AS2_ACCEPT,
        sign: Signer | None = None,
        allow_plain_json: bool = False,
    ) -> dict[str, Any]:
        """GET a JSON document, optionally signed, and return it parsed.

        `sign(method, url, headers)` returns headers to add; it is called again for every redirect
        hop, since a signature covers the target. The content type must be AS2
        (`application/activity+json`, or `application/ld+json` with the AS profile, as Mastodon
        requires); `allow_plain_json` also admits `application/json` and other `+json` types (for
        WebFinger). Raises FetchGone (410), FetchNotFound (404), FetchStatusError (other non-2xx),
        FetchError (content type) or ParseError (body).
        """
        fetched = await self._with_deadline(self._get(url, {"Accept": accept}, sign))
        raise_for_status(fetched.status_code)
        content_type = fetched.headers.get("content-type", "")
        if not is_json_content_type(content_type, allow_plain_json=allow_plain_json):
            raise FetchError(f"unexpected content type {content_type.split(';')[0]!r}")
        return load_json(fetched.body, max_bytes=self._max_bytes)

    async def _with_deadline(self, exchange: Awaitable[Fetched]) -> Fetched:
        # asyncio's own timeout and semaphores on this path: anyio's look up the running
        # backend on every call, a tenth of a fan-out's event loop (bench/README.md).
        try:
            async with asyncio.timeout(self._deadline):
                return await exchange
        except TimeoutError as exc:
            raise FetchTimeout("deadline exceeded") from exc

    async def _get(self, url: str, headers: dict[str, str], sign: Signer | None) -> Fetched:
        for _ in range(self._max_redirects + 1):
            hop_headers = dict(headers)
            if sign is not None:
                hop_headers.update(sign("GET", url, dict(hop_headers)))
            fetched = await self._fetch(url, hop_headers)
            location = fetched.headers.get("location")
            if fetched.status_code not in _REDIRECT_STATUSES or not location:
                return fetched
            target = urljoin(url, location)
            if not same_origin(url, target):
                # Credentials given for one server are never replayed to another.
                headers = {k: v for k, v in headers.items() if k.lower() not in CREDENTIALS}
            url = target
        raise FetchError("too many redirects")

    async def _fetch(self, url: str, headers: dict[str, str]) -> Fetched:
        target, netloc = _checked_url(url)
        async with self._host_slot(netloc):
            try:
                async with self._fetches.stream("GET", target, headers=headers) as response:
                    body = await read_capped(
                        response.aiter_raw(), response.headers.get("content-length"),
                        self._max_bytes,
                    )  # fmt: skip
                    return Fetched(
                        status_code=response.status_code,
                        headers=header_dict(response.headers.multi_items()),
                        body=body,
                        url=str(response.url),
                    )
            except httpx.TimeoutException as exc:
                raise FetchTimeout(f"{type(exc).__name__} for host {netloc}") from exc
            except httpx.HTTPError as exc:
                raise FetchError(f"{type(exc).__name__} for host {netloc}") from exc

    async def _post(self, url: str, content: bytes, headers: Mapping[str, str]) -> Fetched:
        target, netloc = _checked_url(url)
        given = {name.lower() for name in headers}
        merged = {k: v for k, v in self._default_headers.items() if k.lower() not in given}
        merged.update(headers)
        async with self._host_slot(netloc):
            return await self._posts.exchange(
                "POST", target, merged, content, self._max_bytes, self._read_timeout
            )

    @asynccontextmanager
    async def _host_slot(self, host: str) -> AsyncIterator[None]:
        # A per-host semaphore bounds concurrent exchanges, hence connections, on both paths.
        # Slots are dropped when unused so the dict does not grow forever.
        slot = self._slots.get(host)
        if slot is None:
            slot = self._slots[host] = _HostSlot(asyncio.Semaphore(self._per_host))
        slot.users += 1
        try:
            async with slot.limiter:
                yield
        finally:
            slot.users -= 1
            if slot.users == 0:
                del self._slots[host]


def _checked_url(url: str) -> tuple[str, str]:
    """The URL to request and its host[:port], once its scheme and host are checked. An ASCII URL
    (nearly every inbox) is only split, which costs a fraction of httpx's full parse; anything
    else is normalised by httpx (IDNA hosts, percent-encoding)."""
    if url.isascii():
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 (raises ValueError for a malformed port)
        except ValueError as exc:
            raise FetchError("invalid URL") from exc
        scheme, host = parts.scheme.lower(), parts.hostname
        netloc = parts.netloc.rpartition("@")[2].lower()
    else:
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise FetchError("invalid URL") from exc
        url, scheme, host = str(parsed), parsed.scheme, parsed.host
        netloc = parsed.netloc.decode("ascii")
    if scheme not in _ALLOWED_SCHEMES:
        raise FetchBlocked(f"scheme {scheme!r} is not allowed")
    if not host:
        raise FetchError("URL has no host")
    return url, netloc


def raise_for_status(status: int) -> None:
    """Raise the fetch error matching a non-2xx status; return quietly for 2xx."""
    if 200 <= status < 300:
        return
    if status == 410:
        raise FetchGone("status 410")
    if status == 404:
        raise FetchNotFound("status 404")
    raise FetchStatusError(status)


def is_json_content_type(content_type: str, *, allow_plain_json: bool = False) -> bool:
    """Tell whether a response Content-Type is acceptable for an AS2 (or plain JSON) document."""
    media_type, _, params = content_type.partition(";")
    media_type = media_type.strip().lower()
    if media_type == "application/activity+json":
        return True
    if media_type == "application/ld+json":
        profile = _param(params, "profile")
        if profile is not None and AS_CONTEXT in profile.split():
            return True
    if not allow_plain_json:
        return False
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def _param(params: str, name: str) -> str | None:
    for piece in params.split(";"):
        key, sep, value = piece.partition("=")
        if sep and key.strip().lower() == name:
            return value.strip().strip('"')
    return None
