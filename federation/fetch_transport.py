"""The httpx transport of our fetches: httpcore's connection pool over the SSRF-guarded backend.

httpx takes no network backend, but httpcore's pool does (its documented extension point), and
httpx takes any transport. So this module hands httpx's request to an `httpcore.AsyncConnectionPool`
whose sockets are opened by `GuardedBackend`, and turns httpcore's errors into ours. Answers are
parsed by h11, whose limits hold here: a status line and header block of at most 100 KiB
(httpcore's `MAX_INCOMPLETE_EVENT_SIZE`), so a header bomb is refused before it grows anything.
HTTP/1.1 only; no proxies, no environment, no compression (SafeClient asks for identity).
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterable, AsyncIterator

import httpcore
import httpx

from federation.errors import FetchError, FetchTimeout
from federation.netguard import GuardedBackend


def _mapped(exc: Exception, host: str) -> FetchError:
    name = type(exc).__name__
    if isinstance(exc, httpcore.TimeoutException):
        return FetchTimeout(f"{name} for host {host}")
    return FetchError(f"{name} for host {host}")


class _Body(httpx.AsyncByteStream):
    def __init__(self, stream: AsyncIterable[bytes], host: str) -> None:
        self._stream = stream
        self._host = host

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._stream:
                yield chunk
        except httpcore.TimeoutException as exc:
            raise _mapped(exc, self._host) from exc
        except (httpcore.NetworkError, httpcore.ProtocolError) as exc:
            raise _mapped(exc, self._host) from exc

    async def aclose(self) -> None:
        closing = getattr(self._stream, "aclose", None)
        if closing is not None:
            await closing()


class GuardedFetchTransport(httpx.AsyncBaseTransport):
    """An httpx transport whose connections are opened only where `backend` allows; raises
    FetchError (FetchTimeout, FetchBlocked) rather than httpx's errors."""

    def __init__(
        self,
        backend: GuardedBackend,
        tls: ssl.SSLContext,
        *,
        max_keepalive: int,
        keepalive_expiry: float,
    ) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=tls,
            max_connections=None,
            max_keepalive_connections=max_keepalive,
            keepalive_expiry=keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=backend,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        host = request.url.host
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        try:
            answer = await self._pool.handle_async_request(core_request)
        except (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError) as exc:
            raise _mapped(exc, host) from exc
        except httpcore.UnsupportedProtocol as exc:
            raise FetchError(f"unsupported protocol for host {host}") from exc
        assert isinstance(answer.stream, AsyncIterable)
        return httpx.Response(
            status_code=answer.status,
            headers=answer.headers,
            stream=_Body(answer.stream, host),
            extensions=answer.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()
