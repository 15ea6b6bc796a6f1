"""Inbox POSTs answered straight from ASGI: the busiest route by far, ahead of Starlette's
middleware stack, router and route middleware, which cost a fifth of an inbox request
(bench/README.md). What that stack does for an inbox is done here the same way: the body limit
(a 413 answered by the app's own exception handler), the security headers, and an unexpected
error logged and answered 500 as ServerErrorMiddleware would. No database connection is held: a
request holding a pooled one while it waits for the inbox writer, which needs one too, could
starve the PostgreSQL pool. Other methods on these paths (a 405) go the usual way."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Final

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from app.api.inbox import INBOX_MAX_BODY_BYTES
from app.api.inbox import receive as receive_activity
from app.core.errors import DatabaseUnavailable, TreeholeError
from app.http.middleware import limited_body, with_security_headers

log = logging.getLogger("treehole.inbox")

# /inbox, /actor/inbox, /b/{slug}/inbox, /a/{actor_id}/inbox (as the routes in app/main.py)
INBOX_PATH: Final = re.compile(r"/(?:actor/|[ab]/[^/]+/)?inbox")


def is_inbox_post(scope: Scope) -> bool:
    return (
        scope["type"] == "http"
        and scope["method"] == "POST"
        and INBOX_PATH.fullmatch(scope["path"]) is not None
    )


ErrorAnswer = Callable[[Request, Exception], Awaitable[Response]]


async def answer_inbox_post(
    scope: Scope, receive: Receive, send: Send, answer_error: ErrorAnswer
) -> None:
    """`answer_error`: the app's handler of `TreeholeError`s and `DatabaseUnavailable` (the
    wiring passes it)."""
    request = Request(scope, limited_body(scope, receive, INBOX_MAX_BODY_BYTES))
    try:
        response = await receive_activity(request)
    # The body limit, and the database not answering (503 with Retry-After: the sender
    # retries later), answered as everywhere else.
    except (TreeholeError, DatabaseUnavailable) as error:
        response = await answer_error(request, error)
    except Exception:  # what ServerErrorMiddleware does for every other route
        log.exception("inbox request failed")
        response = PlainTextResponse("Internal Server Error", status_code=500)
    await _send(response, scope, receive, send)


async def _send(response: Response, scope: Scope, receive: Receive, send: Send) -> None:
    response.raw_headers[:] = with_security_headers(response.raw_headers)
    await response(scope, receive, send)
