"""A lean HTTP/1.1 client transport: keep-alive connections per origin on asyncio protocols,
answers parsed by httptools (uvicorn's C parser), and the SSRF guard of `GuardedBackend`.

Why it exists: a fan-out is thousands of small signed POSTs, and per POST aiohttp's request path
costs the event loop about as much as the RSA signature does (bench/README.md). This transport
does only what `SafeClient` asks of one: send one request, read one answer up to a byte cap, keep
the connection for the next request to the same origin. Redirects, the deadline and per-host caps
stay in SafeClient; there is no compression (SafeClient asks for identity), no HTTP/2, no proxy,
no cookies. Every name is resolved by the backend's resolver and refused when ANY address is
refused, and the socket is opened to an address that was checked.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import time
from collections.abc import Mapping
from typing import Final, cast
from urllib.parse import urlsplit

import httpcore
import httptools
import httpx

from federation.client import Fetched, GuardedBackend
from federation.errors import FetchBlocked, FetchError, FetchTimeout, FetchTooLarge

IDLE_PER_ORIGIN: Final = 16
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}
_HANDOVER_MAX_BYTES: Final = 8 * 1_048_576  # only for the httpx interface, which SafeClient skips
# Written by this module from the request itself; a caller's copy would contradict it.
_FRAMING_HEADERS: Final = frozenset({"host", "content-length", "transfer-encoding", "connection"})
_LINE_BREAK: Final = re.compile(r"[\r\n\x00]")


class _Failure(Exception):
    """Why an exchange on one connection ended without an answer; `clean` when the peer closed
    before sending a byte, so a reused connection may be retried on a fresh one."""

    def __init__(self, error: FetchError, clean: bool = False) -> None:
        super().__init__(str(error))
        self.error = error
        self.clean = clean


class _Connection(asyncio.Protocol):
    """One TCP (or TLS) connection carrying one exchange at a time."""

    def __init__(self, host: str) -> None:
        self.host = host
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.idle_since = 0.0
        self._parser = httptools.HttpResponseParser(self)
        self._answer: asyncio.Future[Fetched] | None = None
        self._url = ""
        self._max_bytes = 0
        self._status = 0
        self._headers: dict[str, str] = {}
        self._body = bytearray()
        self._framed = False  # Content-Length or chunked: the body's end is known
        self._headers_done = False
        self._got_bytes = False
        self._keep_alive = False
        self._read_timeout = 0.0
        self._timer: asyncio.TimerHandle | None = None

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if self._answer is None or self._answer.done():
            self.close()  # bytes nobody asked for: the connection is out of step
            return
        self._got_bytes = True
        self._rearm()  # the read timeout counts silence, as httpx's and aiohttp's do
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail(FetchError(f"unexpected upgrade from host {self.host}"))
        except httptools.HttpParserError:
            self._fail(FetchError(f"malformed answer from host {self.host}"))

    def eof_received(self) -> bool:
        self._ended()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._ended()

    # httptools callbacks

    def on_header(self, name: bytes, value: bytes) -> None:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        self._headers[key] = f"{self._headers[key]}, {text}" if key in self._headers else text

    def on_headers_complete(self) -> None:
        status = self._parser.get_status_code()
        if 100 <= status < 200:  # informational (103 Early Hints): the real answer follows
            self._headers = {}
            return
        self._status, self._headers_done = status, True
        declared = self._headers.get("content-length")
        chunked = "chunked" in self._headers.get("transfer-encoding", "").lower()
        self._framed = declared is not None or chunked
        if declared is not None and declared.isdigit() and int(declared) > self._max_bytes:
            self._fail(FetchTooLarge(f"declared {declared} bytes"))

    def on_body(self, body: bytes) -> None:
        self._body += body
        if len(self._body) > self._max_bytes:
            self._fail(FetchTooLarge(f"more than {self._max_bytes} bytes"))

    def on_message_complete(self) -> None:
        if not self._headers_done:
            return  # the end of an informational answer
        self._keep_alive = self._parser.should_keep_alive()
        self._finish()

    # the exchange

    async def exchange(
        self, request: bytes, url: str, max_bytes: int, read_timeout: float
    ) -> Fetched:
        """Send `request` and wait for its answer; raises _Failure. Afterwards `reusable` says
        whether another exchange may follow on this connection."""
        if self.closed or self.transport is None or self.transport.is_closing():
            raise _Failure(FetchError(f"ConnectError for host {self.host}"), clean=True)
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Fetched] = loop.create_future()
        self._answer = answer
        self._url, self._max_bytes = url, max_bytes
        self._status, self._headers, self._body = 0, {}, bytearray()
        self._framed = self._headers_done = self._got_bytes = self._keep_alive = False
        self._read_timeout = read_timeout
        self._timer = loop.call_later(read_timeout, self._time_out)
        try:
            self.transport.write(request)
            return await answer
        except asyncio.CancelledError:
            self.close()
            raise
        finally:
            self._timer.cancel()
            self._timer = None

    def _rearm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = asyncio.get_running_loop().call_later(self._read_timeout, self._time_out)

    @property
    def reusable(self) -> bool:
        return self._keep_alive and not self.closed and self._answer is not None

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def _time_out(self) -> None:
        self._fail(FetchTimeout(f"ReadTimeout for host {self.host}"))

    def _ended(self) -> None:
        """The peer closed: the answer ends here if its length was not framed."""
        if self._answer is None or self._answer.done():
            return
        if self._headers_done and not self._framed:
            self._keep_alive = False
            self._finish()
            return
        clean = not self._got_bytes
        self._fail(FetchError(f"connection closed by host {self.host}"), clean=clean)

    def _finish(self) -> None:
        assert self._answer is not None
        if not self._answer.done():
            fetched = Fetched(self._status, self._headers, bytes(self._body), self._url)
            self._answer.set_result(fetched)
        if not self._keep_alive:
            self.close()

    def _fail(self, error: FetchError, clean: bool = False) -> None:
        self._keep_alive = False
        if self._answer is not None and not self._answer.done():
            self._answer.set_exception(_Failure(error, clean))
        self.close()


Origin = tuple[str, str, int]  # scheme, host, port


class Http1Transport(httpx.AsyncBaseTransport):
    """HTTP/1.1 over pooled asyncio connections (`federation.client.DirectExchange`). Idle
    connections are kept per origin (at most IDLE_PER_ORIGIN) for `keepalive_expiry` seconds;
    SafeClient bounds how many exchanges, hence connections, a host gets at once."""

    def __init__(
        self, backend: GuardedBackend, limits: httpx.Limits, tls: ssl.SSLContext | None = None
    ) -> None:
        self._backend = backend
        self._expiry = limits.keepalive_expiry or 15.0
        self._idle: dict[Origin, list[_Connection]] = {}
        self._swept_at = time.monotonic()
        self._tls = tls  # None: httpx's (certifi's) trust store, built on first https use

    async def exchange(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        content: bytes | None,
        max_bytes: int,
        timeout: httpx.Timeout,
    ) -> Fetched:
        """One exchange: no redirects followed, the body read up to `max_bytes`, every failure a
        FetchError. A kept connection the server closed meanwhile is replaced once."""
        origin, request = build_request(method, url, headers, content)
        read_timeout = timeout.read if timeout.read is not None else 30.0
        for _ in range(2):
            connection, reused = await self._acquire(origin, timeout)
            try:
                fetched = await connection.exchange(request, url, max_bytes, read_timeout)
            except _Failure as failure:
                if reused and failure.clean:
                    continue
                raise failure.error from None
            self._release(origin, connection)
            return fetched
        raise FetchError(f"ConnectError for host {origin[1]}")

    async def _acquire(self, origin: Origin, timeout: httpx.Timeout) -> tuple[_Connection, bool]:
        idle = self._idle.get(origin)
        now = time.monotonic()
        while idle:
            connection = idle.pop()
            if connection.closed or now - connection.idle_since > self._expiry:
                connection.close()
                continue
            return connection, True
        return await self._connect(origin, timeout), False

    def _release(self, origin: Origin, connection: _Connection) -> None:
        now = time.monotonic()
        if now - self._swept_at > self._expiry:
            self._sweep(now)
        if not connection.reusable:
            connection.close()
            return
        idle = self._idle.setdefault(origin, [])
        if len(idle) >= IDLE_PER_ORIGIN:
            connection.close()
            return
        connection.idle_since = now
        idle.append(connection)

    def _sweep(self, now: float) -> None:
        """Close connections idle past the expiry and forget origins with none left: a fan-out
        reaches thousands of origins, most of which are not written to again for a while."""
        self._swept_at = now
        for origin, idle in list(self._idle.items()):
            kept = [c for c in idle if not c.closed and now - c.idle_since <= self._expiry]
            for connection in idle:
                if connection not in kept:
                    connection.close()
            if kept:
                self._idle[origin] = kept
            else:
                del self._idle[origin]

    async def _connect(self, origin: Origin, timeout: httpx.Timeout) -> _Connection:
        scheme, host, port = origin
        try:
            addresses = await self._backend.resolve(host, port, timeout.connect)
        except httpcore.ConnectTimeout as exc:
            raise FetchTimeout(f"ConnectTimeout for host {host}") from exc
        except httpcore.ConnectError as exc:
            raise FetchError(f"ConnectError for host {host}") from exc
        # Refuse when ANY address is refused: a name that mixes public and private answers is
        # either misconfigured or a rebinding attempt.
        for address in addresses:
            if not self._backend.is_allowed(address):
                raise FetchBlocked(f"refused address for host {host}")
        tls = self._tls_context() if scheme == "https" else None
        loop = asyncio.get_running_loop()
        for address in addresses:
            try:
                async with asyncio.timeout(timeout.connect):
                    _, connection = await loop.create_connection(
                        lambda: _Connection(host),
                        address,
                        port,
                        ssl=tls,
                        server_hostname=host if tls is not None else None,
                    )
            except TimeoutError as exc:
                raise FetchTimeout(f"ConnectTimeout for host {host}") from exc
            except (OSError, ssl.SSLError):
                continue
            return connection
        raise FetchError(f"ConnectError for host {host}")

    def _tls_context(self) -> ssl.SSLContext:
        if self._tls is None:
            # The same trust store as httpx's transport (certifi), whatever the system has.
            self._tls = httpx.create_ssl_context(trust_env=False)
            self._tls.set_alpn_protocols(["http/1.1"])
        return self._tls

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """The httpx interface, for completeness: SafeClient uses `exchange` directly."""
        timeouts = request.extensions.get("timeout", {})
        timeout = httpx.Timeout(timeouts.get("read", 10.0), connect=timeouts.get("connect", 5.0))
        body = await request.aread()
        try:
            fetched = await self.exchange(
                request.method, str(request.url), dict(request.headers), body or None,
                _HANDOVER_MAX_BYTES, timeout,
            )  # fmt: skip
        except FetchTimeout as exc:
            raise httpx.ReadTimeout(str(exc), request=request) from exc
        except FetchError as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc
        return httpx.Response(
            fetched.status_code, headers=list(fetched.headers.items()), content=fetched.body
        )

    async def aclose(self) -> None:
        for idle in self._idle.values():
            for connection in idle:
                connection.close()
        self._idle.clear()


def build_request(
    method: str, url: str, headers: Mapping[str, str], content: bytes | None
) -> tuple[Origin, bytes]:
    """The origin to connect to and the request's bytes (pure: no I/O)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError("invalid URL") from exc
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in _DEFAULT_PORTS or not host or not url.isascii():
        raise FetchError("invalid URL")  # SafeClient hands over checked, ASCII URLs only
    port = port or _DEFAULT_PORTS[scheme]
    target = parts.path or "/"
    if parts.query:
        target = f"{target}?{parts.query}"
    # The Host a signature covers is the one sent: the caller's (a signer sets it), else the
    # authority as signers and httpx write it (lowercase, no default port).
    bracketed = f"[{host}]" if ":" in host else host  # an IPv6 literal
    authority = bracketed if port == _DEFAULT_PORTS[scheme] else f"{bracketed}:{port}"
    given_host = next((v for k, v in headers.items() if k.lower() == "host"), None)
    lines = [f"{method} {target} HTTP/1.1", f"Host: {given_host or authority}"]
    for name, value in headers.items():
        if _LINE_BREAK.search(name) or _LINE_BREAK.search(value):
            raise FetchError("header with a line break")  # no header injection
        if name.lower() in _FRAMING_HEADERS:
            continue
        lines.append(f"{name}: {value}")
    if content is not None or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(content or b'')}")
    lines.append("\r\n")
    try:
        head = "\r\n".join(lines).encode("latin-1")
    except UnicodeEncodeError as exc:
        raise FetchError("header not Latin-1") from exc
    return (scheme, host, port), head + (content or b"")


def http1_transport(backend: GuardedBackend, limits: httpx.Limits) -> httpx.AsyncBaseTransport:
    """A `SafeClient(transport=...)` factory."""
    return Http1Transport(backend, limits)
