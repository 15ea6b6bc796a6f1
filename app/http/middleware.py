"""Pure ASGI middleware: security headers on every answer, and one database connection per request
(SQLite otherwise opens a connection per query) except where a request must hold none."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AsyncExitStack

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import DatabaseUnavailable, PayloadTooLarge
from app.db.engine import Db

# No third-party origin anywhere; no inline script or style.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "X-Robots-Tag": "noindex, noarchive",
    "Permissions-Policy": "interest-cohort=(), browsing-topics=()",
}
SECURITY_HEADER_ITEMS = tuple(
    (name.lower().encode("latin-1"), value.encode("latin-1"))
    for name, value in SECURITY_HEADERS.items()
)


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_security_headers(message.get("headers", ()))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def with_security_headers(headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Raw header pairs plus every security header they lack. (Raw pairs: `MutableHeaders`
    rescans the list for each name, a measurable share of a small inbox answer.)"""
    raw = list(headers)
    present = {name.lower() for name, _ in raw}
    raw.extend(item for item in SECURITY_HEADER_ITEMS if item[0] not in present)
    return raw


# Health checks ask the database themselves, with a deadline, and must answer when it cannot.
UNCONNECTED_PATHS = frozenset({"/healthz", "/readyz"})


def _holds_no_connection(scope: Scope) -> bool:
    """Static files never touch the database. (Inbox POSTs never get here: app/api/inbox_route.py
    answers them ahead of this stack, holding no connection.)"""
    path: str = scope["path"]
    return path.startswith("/static/") or path in UNCONNECTED_PATHS


class ConnectionPerRequest:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        services = scope.get("state", {}).get("services")
        if scope["type"] != "http" or services is None or _holds_no_connection(scope):
            await self.app(scope, receive, send)
            return
        db: Db = services.db
        async with AsyncExitStack() as held:
            try:
                await held.enter_async_context(db.connection())
            except DatabaseUnavailable:
                # Served without one: a page that needs the database raises the same error
                # inside the app, whose handler answers it with a 503 page in the reader's
                # language (an error here would reach Starlette's plain-text 500).
                pass
            await self.app(scope, receive, send)


class BodyLimit:
    """Refuse request bodies over `max_bytes` with our own 413 answer.

    The check runs when the endpoint reads the body, so `PayloadTooLarge` surfaces through the
    app's exception handlers (a readable page for people, JSON for servers) and nothing is done.
    A declared Content-Length over the limit is refused before a byte is read."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.app(scope, limited_body(scope, receive, self.max_bytes), send)


def limited_body(scope: Scope, receive: Receive, max_bytes: int) -> Receive:
    """`receive`, raising PayloadTooLarge once the body is (or says it will be) over
    `max_bytes`: a declared Content-Length over it is refused before a byte is read."""
    declared = dict(scope.get("headers") or []).get(b"content-length", b"")
    too_long = declared.isdigit() and int(declared) > max_bytes
    seen = 0

    async def limited() -> Message:
        nonlocal seen
        if too_long:
            raise PayloadTooLarge("too_large")
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > max_bytes:
            raise PayloadTooLarge("too_large")
        return message

    return limited
