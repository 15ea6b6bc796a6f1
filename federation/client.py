"""The only outgoing HTTP client: SSRF-guarded, size-, time- and redirect-capped.

Owns every byte Treehole sends to another server. The SSRF guard runs after DNS resolution, inside
the connection pool's network backend, so redirect hops and DNS rebinding go through the same check
and the socket is opened to the very address that was checked (as Mastodon's `Request::Socket` does,
mastodon-interop §8.1). It must not know about accounts, keys or settings: signing is an injected
callable and every limit is a constructor argument.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Final, Protocol, runtime_checkable
from urllib.parse import urljoin, urlsplit

import anyio
import httpcore
import httpx

from federation.errors import (
    FetchBlocked,
    FetchError,
    FetchGone,
    FetchNotFound,
    FetchStatusError,
    FetchTimeout,
    FetchTooLarge,
)
from federation.origin import same_origin
from federation.parse import load_json
from federation.vocab import AS2_ACCEPT, AS_CONTEXT

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]
Signer = Callable[[str, str, dict[str, str]], dict[str, str]]

_REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
_ALLOWED_SCHEMES: Final = frozenset({"http", "https"})

# Ranges that `ipaddress`'s flags miss or that differ between Python patch releases; listed so the
# verdict does not drift with the interpreter.
_BLOCKED_NETWORKS: Final = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches localhost on Linux
        "10.0.0.0/8",
        "100.64.0.0/10",  # CGNAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, cloud metadata (169.254.169.254)
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # TEST-NET-1
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # TEST-NET-2
        "203.0.113.0/24",  # TEST-NET-3
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, incl. broadcast
        "::/128",
        "::1/128",
        "::/96",  # deprecated IPv4-compatible addresses
        "100::/64",  # discard-only
        "2001::/32",  # Teredo: tunnels to an embedded IPv4 address
        "2001:db8::/32",  # documentation
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # deprecated site-local
        "ff00::/8",  # multicast
    )
)
# IPv6 prefixes that embed an IPv4 address the packet may end up at.
_NAT64: Final = ipaddress.IPv6Network("64:ff9b::/96")
_SIX_TO_FOUR: Final = ipaddress.IPv6Network("2002::/16")


CREDENTIALS = frozenset({"authorization", "cookie", "proxy-authorization"})


@dataclass(frozen=True, slots=True)
class Fetched:
    """One HTTP answer: status, headers with lowercased names, the (capped) body and its URL."""

    status_code: int
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)
    url: str = field(repr=False)


def _as_ip(ip: str | IPAddress) -> IPAddress:
    if isinstance(ip, str):
        return ipaddress.ip_address(ip.split("%", 1)[0])
    return ip


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    return None


def is_public_address(ip: str | IPAddress) -> bool:
    """Tell whether an address is globally routable unicast, i.e. safe to connect to.

    Refuses private, loopback, link-local, multicast, reserved, unspecified, CGNAT, documentation
    and unique-local ranges, and IPv6 forms that embed such an IPv4 address (mapped, NAT64, 6to4).
    A string that is not an IP address is not public.
    """
    try:
        address = _as_ip(ip)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public_address(embedded)
    if any(address in net for net in _BLOCKED_NETWORKS if net.version == address.version):
        return False
    flags = (
        address.is_private,
        address.is_loopback,
        address.is_link_local,
        address.is_multicast,
        address.is_reserved,
        address.is_unspecified,
    )
    return not any(flags)


def _is_plain_loopback(address: IPAddress) -> bool:
    # Only 127.0.0.0/8 and ::1: a loopback allowance must not open mapped or tunnelled forms.
    return address.is_loopback and not (
        isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None
    )


async def resolve_host(host: str, port: int) -> list[str]:
    """Resolve a host name to its addresses with the system resolver, in resolver order."""
    infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    return addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend that resolves, checks every address, then connects to a checked one.

    `resolver` replaces the system resolver (tests use it to simulate rebinding); `inner` is the
    backend that opens sockets.
    """

    def __init__(
        self,
        *,
        allow_loopback: bool,
        resolver: Resolver | None = None,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._allow_loopback = allow_loopback
        self._resolver = resolver if resolver is not None else resolve_host
        self._inner = inner if inner is not None else httpcore.AnyIOBackend()

    def is_allowed(self, ip: str | IPAddress) -> bool:
        """Tell whether this backend would connect to `ip`."""
        try:
            address = _as_ip(ip)
        except ValueError:
            return False
        if self._allow_loopback and _is_plain_loopback(address):
            return True
        return is_public_address(address)

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._addresses(host, port, timeout)
        # Refuse when ANY address is refused: a name that mixes public and private answers is
        # either misconfigured or a rebinding attempt.
        for address in addresses:
            if not self.is_allowed(address):
                raise FetchBlocked(f"refused address for host {host}")
        last_error: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    async def resolve(self, host: str, port: int, timeout: float | None = None) -> list[str]:
        """The addresses `host` resolves to, unchecked (an IP literal is its own answer)."""
        return await self._addresses(host, port, timeout)

    async def _addresses(self, host: str, port: int, timeout: float | None) -> list[str]:
        try:
            return [str(_as_ip(host))]
        except ValueError:
            pass
        try:
            with anyio.fail_after(timeout):
                addresses = await self._resolver(host, port)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from exc
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}") from exc
        if not addresses:
            raise httpcore.ConnectError(f"no address for {host}")
        return addresses

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise FetchBlocked("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx transport whose connection pool opens sockets through a GuardedBackend.

    httpx 0.28 takes no `network_backend` argument, so the pool it builds is replaced by one that
    has ours; `handle_async_request` and exception mapping are httpx's own.
    """

    def __init__(self, backend: GuardedBackend, limits: httpx.Limits) -> None:
        super().__init__(limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=backend,
        )


TransportFactory = Callable[[GuardedBackend, httpx.Limits], httpx.AsyncBaseTransport]


@runtime_checkable
class DirectExchange(Protocol):
    """A transport that also carries a whole exchange itself, capped at `max_bytes`, without
    httpx's request and response objects: per delivery those cost more than the aiohttp request
    beneath them (bench/README.md). It must keep the transport's SSRF guard and raise only
    FetchError and its subclasses."""

    async def exchange(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        content: bytes | None,
        max_bytes: int,
        timeout: httpx.Timeout,
    ) -> Fetched: ...


@dataclass(slots=True)
class _HostSlot:
    limiter: asyncio.Semaphore
    users: int = 0


class SafeClient:
    """Outgoing HTTP with SSRF protection and caps; one per process, closed with `aclose()`.

    `timeout` bounds each connect/read/write; a whole exchange, redirects included, gets three
    times that (Mastodon: read 10 s, deadline 30 s). `resolver` replaces the system resolver.
    `transport(backend, limits)` builds the HTTP transport (default: httpx's pool over the guarded
    backend); another one must connect only where `backend` allows, as
    `federation.aiohttp_transport` does.
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
        transport: TransportFactory | None = None,
    ) -> None:
        self._max_bytes = max_bytes
        self._max_redirects = max_redirects
        self._deadline = timeout * 3
        self._per_host = max_connections_per_host
        self._slots: dict[str, _HostSlot] = {}
        backend = GuardedBackend(allow_loopback=allow_loopback, resolver=resolver)
        limits = httpx.Limits(
            max_connections=None,
            max_keepalive_connections=max(20, max_connections_per_host * 4),
            keepalive_expiry=30.0,
        )
        make_transport = transport if transport is not None else _GuardedTransport
        built = make_transport(backend, limits)
        self._direct = built if isinstance(built, DirectExchange) else None
        self._timeout = httpx.Timeout(timeout, connect=min(timeout, 5.0))
        # identity keeps memory bounded: a compressed body is inflated a whole chunk at a time
        # before the size cap can see it.
        self._default_headers = {"User-Agent": user_agent, "Accept-Encoding": "identity"}
        self._http = httpx.AsyncClient(
            transport=built,
            timeout=self._timeout,
            follow_redirects=False,
            trust_env=False,
            headers=self._default_headers,
        )

    async def __aenter__(self) -> SafeClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close pooled connections."""
        await self._http.aclose()

    async def get(self, url: str, *, headers: Mapping[str, str] | None = None) -> Fetched:
        """GET `url`, following up to `max_redirects` redirects, each hop re-checked."""
        base = dict(headers or {})
        return await self._with_deadline(self._get(url, base, None))

    async def post(self, url: str, content: bytes, headers: Mapping[str, str]) -> Fetched:
        """POST `content` to `url` once; any status is returned, redirects are not followed."""
        return await self._with_deadline(self._exchange("POST", url, dict(headers), content))

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
            fetched = await self._exchange("GET", url, hop_headers, None)
            location = fetched.headers.get("location")
            if fetched.status_code not in _REDIRECT_STATUSES or not location:
                return fetched
            target = urljoin(url, location)
            if not same_origin(url, target):
                # Credentials given for one server are never replayed to another.
                headers = {k: v for k, v in headers.items() if k.lower() not in CREDENTIALS}
            url = target
        raise FetchError("too many redirects")

    async def _exchange(
        self, method: str, url: str, headers: dict[str, str], content: bytes | None
    ) -> Fetched:
        target, netloc = _checked_url(url)
        async with self._host_slot(netloc):
            if self._direct is not None:
                given = {name.lower() for name in headers}
                merged = {k: v for k, v in self._default_headers.items() if k.lower() not in given}
                merged.update(headers)
                return await self._direct.exchange(
                    method, target, merged, content, self._max_bytes, self._timeout
                )
            try:
                async with self._http.stream(
                    method, target, headers=headers, content=content
                ) as response:
                    body = await read_capped(
                        response.aiter_bytes(), response.headers.get("content-length"),
                        self._max_bytes,
                    )  # fmt: skip
                    return Fetched(
                        status_code=response.status_code,
                        headers={k.lower(): v for k, v in response.headers.items()},
                        body=body,
                        url=str(response.url),
                    )
            except httpx.TimeoutException as exc:
                raise FetchTimeout(f"{type(exc).__name__} for host {netloc}") from exc
            except httpx.HTTPError as exc:
                raise FetchError(f"{type(exc).__name__} for host {netloc}") from exc

    @asynccontextmanager
    async def _host_slot(self, host: str) -> AsyncIterator[None]:
        # httpx has no per-host connection cap; a per-host semaphore bounds concurrent exchanges,
        # hence connections. Slots are dropped when unused so the dict does not grow forever.
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


async def read_capped(chunks: AsyncIterable[bytes], declared: str | None, max_bytes: int) -> bytes:
    """A response body, refused (FetchTooLarge) once it is, or says it will be, over
    `max_bytes`: a declared length is checked before anything is read."""
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise FetchTooLarge(f"declared {declared} bytes")
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > max_bytes:
            raise FetchTooLarge(f"more than {max_bytes} bytes")
    return bytes(body)


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
