"""Admin sign-in: the session cookie, the role check every admin route goes through, the login
and logout forms. Authentication comes before anything else a route does, so an admin route
answers 401 (no or bad session) or 403 (moderator on an admin-only page) before reading a form."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

import anyio
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.core.clock import utcnow
from app.core.errors import Forbidden, Invalid, NotAuthenticated, RateLimited, TreeholeError
from app.security.passwords import check_password, hash_password, needs_rehash
from app.security.sessions import (
    ADMIN_COOKIE,
    clear_cookie_options,
    count_failed_login,
    issue_session,
    read_session,
    refuse_if_too_many_failures,
    session_cookie_options,
)
from app.store import admins as admin_store
from app.store.admins import Admin
from app.web.admin.nav import load_admin_nav
from app.web.context import check_admin_origin, check_form_token, render_page, services_of

MODERATOR = "moderator"
ADMIN = "admin"
ROLE_RANK = {MODERATOR: 1, ADMIN: 2}
ADMIN_FORM_MAX_FIELDS = 400
ADMIN_FORM_MAX_PART_BYTES = 64 * 1024
USERNAME_MAX_CHARS = 64
PASSWORD_MAX_CHARS = 1024
# Checked against when the username is unknown, so both answers take as long (today's
# parameters, as every hash has after its owner's next login).
DUMMY_HASH = (
    "scrypt$131072$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
)

Endpoint = Callable[[Request], Awaitable[Response]]


async def current_admin(request: Request) -> Admin | None:
    """The signed-in admin, or None (no cookie, forged, expired, or the login is gone)."""
    services = services_of(request)
    session = read_session(services.secret_key, request.cookies.get(ADMIN_COOKIE))
    if session is None:
        return None
    admin = await admin_store.get_admin(services.db, session.admin_id)
    # The stored role wins: a demoted admin's old cookie carries no more than the new role.
    if admin is None or admin.role not in ROLE_RANK or admin.role != session.role:
        return None
    return admin


async def require(request: Request, role: str = MODERATOR) -> Admin:
    admin = await current_admin(request)
    if admin is None:
        raise NotAuthenticated("not_authenticated")
    if ROLE_RANK[admin.role] < ROLE_RANK[role]:
        raise Forbidden("not_permitted")
    return admin


def requires(role: str) -> Callable[[Endpoint], Endpoint]:
    """Guard an admin endpoint; the role is kept on it for the route-walk test."""

    def guard(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            request.state.admin = await require(request, role)
            request.state.admin_nav = await load_admin_nav(services_of(request).db, utcnow())
            return await endpoint(request)

        guarded.required_role = role  # type: ignore[attr-defined]
        return guarded

    return guard


async def checked_form(
    request: Request,
    *,
    max_fields: int = ADMIN_FORM_MAX_FIELDS,
    max_part_bytes: int = ADMIN_FORM_MAX_PART_BYTES,
) -> FormData:
    """The posted form after its CSRF token checked out (bigger limits for a blocklist import)."""
    try:
        form = await request.form(max_fields=max_fields, max_part_size=max_part_bytes)
    except HTTPException as error:
        if error.status_code == 400:
            raise Invalid("form", "malformed") from error
        raise
    except TreeholeError:
        raise
    except Exception as error:  # the multipart parser's errors are malformed input, not bugs
        raise Invalid("form", "malformed") from error
    try:
        # PostgreSQL refuses NUL in text with an error; no admin field has a use for one.
        if any(isinstance(value, str) and "\x00" in value for _, value in form.multi_items()):
            raise Invalid("form", "malformed")
        check_admin_origin(request)
        token = form.get("csrf_token")
        check_form_token(request, token if isinstance(token, str) else None)
    except TreeholeError:
        await form.close()  # an uploaded file's temporary file goes with the refused form
        raise
    return form


def text_field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


async def login_page(request: Request) -> Response:
    return render_page(request, "admin/login.html", {"username": ""})


def _login_again(request: Request, username: str, message: str, status: int) -> Response:
    context = {"username": username, "error": message}
    return render_page(request, "admin/login.html", context, status_code=status)


async def login(request: Request) -> Response:
    services = services_of(request)
    form = await checked_form(request)
    username = text_field(form, "username").strip()[:USERNAME_MAX_CHARS]
    password = text_field(form, "password")[:PASSWORD_MAX_CHARS]
    # The address is hashed with today's salt for the count and dropped: never stored or logged.
    client_key = request.client.host if request.client else "unknown"
    try:
        await refuse_if_too_many_failures(services.db, client_key, username, utcnow())
    except RateLimited as error:
        response = _login_again(request, username, "rate_limited", 429)
        response.headers["Retry-After"] = str(error.retry_after)
        return response
    row = await admin_store.get_admin_by_username(services.db, username) if username else None
    stored = row["password_hash"] if row is not None else DUMMY_HASH
    slots = services.password_slots
    matches = await anyio.to_thread.run_sync(check_password, password, stored, limiter=slots)
    if row is None or not matches:
        await count_failed_login(services.db, client_key, username, utcnow())
        return _login_again(request, username, "wrong", 401)
    if needs_rehash(stored):
        # The password is known to be right only now: store it at today's parameters.
        upgraded = await anyio.to_thread.run_sync(hash_password, password, limiter=slots)
        await admin_store.update_password_hash(services.db, row["id"], upgraded)
    response = RedirectResponse(services.urls.admin(), status_code=303)
    value = issue_session(services.secret_key, row["id"], row["role"])
    response.set_cookie(ADMIN_COOKIE, value, **session_cookie_options(services.cookies.secure))
    return response


@requires(MODERATOR)
async def logout(request: Request) -> Response:
    services = services_of(request)
    await checked_form(request)
    response = RedirectResponse(services.urls.admin_login(), status_code=303)
    response.delete_cookie(ADMIN_COOKIE, **clear_cookie_options(services.cookies.secure))
    return response
