"""Where outgoing HTTP may connect: the SSRF guard shared by every outgoing request.

Owns the address rules (which IPs are public), name resolution, and their enforcement at connect
time for both HTTP libraries we use: an httpcore network backend (httpx's fetches) and an aiohttp
resolver (deliveries). Every name is resolved here, refused when ANY address it resolves to is
refused, and the socket is opened to an address that was checked, so redirect hops and DNS
rebinding meet the same check (as Mastodon's `Request::Socket` does, mastodon-interop §8.1).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from typing import Final

import httpcore
from aiohttp.abc import AbstractResolver, ResolveResult

from federation.errors import FetchBlocked

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

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


def is_ip_literal(host: str) -> bool:
    try:
        _as_ip(host)
    except ValueError:
        return False
    return True


async def resolve_host(host: str, port: int) -> list[str]:
    """Resolve a host name to its addresses with the system resolver, in resolver order."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    return addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves, checks every address, then connects to a checked one.

    An httpcore network backend (the connection pool under httpx's fetches calls `connect_tcp`);
    `checked_addresses` serves any other library (`GuardedResolver`). `resolver` replaces the
    system resolver (tests simulate rebinding, the bench maps its fleet's names); `inner` is the
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

    async def checked_addresses(
        self, host: str, port: int, timeout: float | None = None
    ) -> list[str]:
        """The addresses `host` resolves to, once every one of them is allowed.

        Raises FetchBlocked when ANY address is refused (a name that mixes public and private
        answers is either misconfigured or a rebinding attempt), httpcore.ConnectTimeout or
        ConnectError when the name does not resolve in time or at all."""
        addresses = await self._addresses(host, port, timeout)
        for address in addresses:
            if not self.is_allowed(address):
                raise FetchBlocked(f"refused address for host {host}")
        return addresses

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self.checked_addresses(host, port, timeout)
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

    async def _addresses(self, host: str, port: int, timeout: float | None) -> list[str]:
        if is_ip_literal(host):
            return [str(_as_ip(host))]
        try:
            async with asyncio.timeout(timeout):
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


class GuardedResolver(AbstractResolver):
    """An aiohttp resolver that answers only with addresses the backend allows. aiohttp calls it
    for every new connection to a name; an IP literal never reaches a resolver, so callers check
    those themselves (`GuardedBackend.is_allowed`)."""

    def __init__(self, backend: GuardedBackend, timeout: float) -> None:
        self._backend = backend
        self._timeout = timeout

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        try:
            addresses = await self._backend.checked_addresses(host, port, self._timeout)
        except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
            # aiohttp reports an OSError from a resolver as a connection error.
            raise OSError(str(exc)) from exc
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
