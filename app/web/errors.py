"""Where exceptions become HTTP answers: a small page for people, JSON for machines."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.core.errors import (
    RETRY_AFTER_UNAVAILABLE_SECONDS,
    DatabaseUnavailable,
    Invalid,
    NotAuthenticated,
    RateLimited,
    TreeholeError,
)
from app.security.cookies import POSTER_COOKIE, ForgedCookie
from app.security.sessions import ADMIN_COOKIE, clear_cookie_options
from app.web.context import render_page, services_of, translate
from app.web.messages import REASONS, TITLES

log = logging.getLogger("treehole.web")

HTTP_REASONS = {404: "not_found", 405: "method", 413: "too_large", 410: "gone"}


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return request.url.path.startswith(("/api/", "/.well-known/", "/nodeinfo/")) or (
        "json" in accept and "text/html" not in accept
    )


def _answer(request: Request, status: int, reason: str, login: str | None = None) -> Response:
    if wants_json(request):
        return JSONResponse({"error": reason}, status_code=status)
    title = translate(request, TITLES.get(status, TITLES[400]))
    # A 410 says "gone" whatever was deleted; "There is no such thread" would be untrue.
    shown = "gone" if status == 410 else reason
    message = translate(
        request, REASONS.get(shown, REASONS["not_found"] if status == 404 else shown)
    )
    return render_page(
        request,
        "error.html",
        {"title": title, "message": message, "back": None, "login": login},
        status_code=status,
    )


async def treehole_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, TreeholeError)
    reason = str(error) if isinstance(error, Invalid) else (error.message or "not_found")
    if isinstance(error, RateLimited):
        reason = "rate_limited"
    if isinstance(error, NotAuthenticated):
        return _not_authenticated(request, reason)
    response = _answer(request, error.status, reason)
    if isinstance(error, RateLimited):
        response.headers["Retry-After"] = str(error.retry_after)
    if isinstance(error, ForgedCookie):
        response.delete_cookie(POSTER_COOKIE, httponly=True, samesite="lax")
    return response


def _not_authenticated(request: Request, reason: str) -> Response:
    """401 with a way in; a stale or forged session cookie is cleared on the way."""
    services = services_of(request)
    response = _answer(request, 401, reason, login=services.urls.admin_login())
    if request.cookies.get(ADMIN_COOKIE) is not None:
        response.delete_cookie(ADMIN_COOKIE, **clear_cookie_options(services.cookies.secure))
    return response


async def http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code < 400:
        return Response(status_code=error.status_code, headers=error.headers)
    reason = HTTP_REASONS.get(error.status_code, "not_found")
    response = _answer(request, error.status_code, reason)
    for name, value in (error.headers or {}).items():
        response.headers[name] = value
    return response


async def database_unavailable(request: Request, error: Exception) -> Response:
    """The instance's own page (JSON for machines) in the reader's language, 503 with
    `Retry-After`: the request was fine, the database did not answer."""
    log.warning("%s %s: database unavailable (%s)", request.method, request.url.path, error)
    response = _answer(request, 503, "unavailable")
    response.headers["Retry-After"] = str(RETRY_AFTER_UNAVAILABLE_SECONDS)
    return response


async def answer_known_error(request: Request, error: Exception) -> Response:
    """The answer to one of the errors below, outside Starlette's handlers (the inbox route)."""
    if isinstance(error, DatabaseUnavailable):
        return await database_unavailable(request, error)
    return await treehole_error(request, error)


EXCEPTION_HANDLERS = {
    TreeholeError: treehole_error,
    HTTPException: http_error,
    DatabaseUnavailable: database_unavailable,
}
