"""Raw asyncio servers on 127.0.0.1 that answer with whatever bytes a test writes: the way to meet
a server that misbehaves below HTTP (endless headers, dripped bodies), which no ASGI app can be.

`raw_server(handle)` runs in the test's own event loop and calls `handle(reader, writer)` for each
connection, after which the connection is closed; `read_request` reads one request's head and
body.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def read_request(reader: asyncio.StreamReader) -> bytes | None:
    """One request (head and Content-Length body), or None when the client went away."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        return None
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    try:
        return head + await reader.readexactly(length)
    except (asyncio.IncompleteReadError, ConnectionError):
        return None


@asynccontextmanager
async def raw_server(handle: Handler, tls: ssl.SSLContext | None = None) -> AsyncIterator[int]:
    """Serve `handle` on a free loopback port (TLS with `tls`); yields the port."""
    handlers: set[asyncio.Task[None]] = set()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        handlers.add(task)
        try:
            await handle(reader, writer)
        except (ConnectionError, ssl.SSLError):
            pass  # the client gave up on us: what a misbehaving server expects
        except asyncio.CancelledError:
            pass  # the server is closing (asyncio would log a cancelled handler as an error)
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
            handlers.discard(task)

    server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=tls)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        for handler in list(handlers):
            handler.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        await server.wait_closed()
