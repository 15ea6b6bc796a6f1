"""Admin sign-in: sessions, roles, CSRF and login limits; and a walk over every admin route
proving none answers without a session (or to a moderator, where it is for admins only)."""

from __future__ import annotations

import html
import re
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from starlette.routing import Mount, Route

from app.main import routes
from app.security.passwords import check_password, needs_rehash, parse_hash
from app.security.sessions import ADMIN_COOKIE, issue_session
from app.store import admins
from app.store.admins import get_admin_by_username
from app.web.messages import REASONS
from tests.conftest import make_settings
from tests.support.admin import PASSWORD, form_token, make_admin, sign_in, signed_in
from tests.support.app_client import RunningApp, running_app
from tests.support.forms import csrf_from
from tests.unit.app.security.test_passwords import old_style_hash

pytestmark = pytest.mark.anyio

PUBLIC_ADMIN_PATHS = {"/admin/login"}
ADMIN_ONLY = {
    "/admin/filters",
    "/admin/settings",
    "/admin/boards",
    "/admin/blocks",
    "/admin/tokens",
}
FIXED_NOW = datetime(2026, 5, 4, 12, 3, 20, tzinfo=UTC)


def admin_routes_walked() -> list[tuple[str, str, str]]:
    """(method, path with sample parameters, required role) for every admin route."""
    walked = []
    for route in routes():
        if isinstance(route, Mount) or not route.path.startswith("/admin"):
            continue
        assert isinstance(route, Route)
        if route.path in PUBLIC_ADMIN_PATHS:
            continue
        role = getattr(route.endpoint, "required_role", None)
        assert role in ("moderator", "admin"), f"{route.path} has no role check"
        path = re.sub(r"\{[^}]+\}", "main", route.path)
        for method in sorted(route.methods or ()):
            walked.append((method, path, role))
    return walked


def cookie_value(client: httpx.AsyncClient) -> str | None:
    return next((c.value for c in client.cookies.jar if c.name == ADMIN_COOKIE), None)


def test_admin_route_walk_covers_every_page_and_action() -> None:
    walked = admin_routes_walked()
    paths = {path for _, path, _ in walked}
    assert {"/admin/queue", "/admin/reports/main", "/admin/domains", "/admin/actors"} <= paths
    assert {"/admin/blocks", "/admin/blocks/import/main/main", "/admin/tokens/main/revoke"} <= paths
    for method, path, role in walked:
        if any(path.startswith(prefix) for prefix in ADMIN_ONLY):
            assert role == "admin", (method, path)
    assert all(method in ("GET", "HEAD", "POST") for method, _, _ in walked)


async def test_admin_route_walk_answers_401_without_a_session(instance: RunningApp) -> None:
    for method, path, _ in admin_routes_walked():
        answer = await instance.client.request(method, path)
        assert answer.status_code == 401, (method, path)
        if method == "GET":
            assert 'href="http://treehole.test/admin/login"' in answer.text
            assert REASONS["not_authenticated"] in html.unescape(answer.text)


async def test_admin_route_walk_answers_json_401_to_api_clients(instance: RunningApp) -> None:
    for method, path, _ in admin_routes_walked():
        answer = await instance.client.request(method, path, headers={"Accept": "application/json"})
        assert answer.status_code == 401, (method, path)
        if method != "HEAD":
            assert answer.json() == {"error": "not_authenticated"}


async def test_admin_route_walk_answers_403_to_a_moderator_on_admin_pages(
    instance: RunningApp,
) -> None:
    await signed_in(instance.client, instance.services.db, "mod", "moderator")
    token = await form_token(instance.client, "/admin/queue")
    for method, path, role in admin_routes_walked():
        if role != "admin":
            continue
        data = {"csrf_token": token} if method == "POST" else None
        answer = await instance.client.request(method, path, data=data)
        assert answer.status_code == 403, (method, path)
    for page in ("/admin/queue", "/admin/reports", "/admin/domains"):
        assert (await instance.client.get(page)).status_code == 200, page
    for page in ("/admin/filters", "/admin/settings", "/admin/boards"):
        assert (await instance.client.get(page)).status_code == 403, page


async def test_admin_every_post_without_csrf_answers_403(instance: RunningApp) -> None:
    await signed_in(instance.client, instance.services.db, "root", "admin")
    for method, path, _ in admin_routes_walked():
        if method != "POST":
            continue
        answer = await instance.client.post(path, data={"action": "dismiss", "term": "x"})
        assert answer.status_code == 403, path
        forged = await instance.client.post(path, data={"csrf_token": "forged"})
        assert forged.status_code == 403, path
    # The session survived all of that: nothing above signed the admin out.
    assert (await instance.client.get("/admin/queue")).status_code == 200


async def test_admin_login_sets_a_strict_http_only_session_and_logout_ends_it(
    instance: RunningApp,
) -> None:
    client = instance.client
    await make_admin(instance.services.db, "root")
    answer = await sign_in(client, "root")
    assert answer.status_code == 303
    assert answer.headers["location"] == "http://treehole.test/admin"
    set_cookie = answer.headers["set-cookie"].lower()
    assert set_cookie.startswith(f"{ADMIN_COOKIE}=")
    for attribute in ("httponly", "samesite=strict", "path=/admin", "max-age=43200"):
        assert attribute in set_cookie
    page = await client.get("/admin/queue")
    assert page.status_code == 200
    assert "root" in page.text
    token = await form_token(client, "/admin/queue")
    out = await client.post("/admin/logout", data={"csrf_token": token})
    assert out.status_code == 303
    assert cookie_value(client) is None
    assert (await client.get("/admin/queue")).status_code == 401


async def test_admin_login_session_is_secure_on_https(database_url: str, tmp_path: Path) -> None:
    settings = make_settings(
        database_url, tmp_path / "data", TREEHOLE_BASE_URL="https://treehole.test"
    )
    async with running_app(settings) as running:
        await make_admin(running.services.db, "root")
        answer = await sign_in(running.client, "root")
        assert answer.status_code == 303
        assert "secure" in answer.headers["set-cookie"].lower()


async def test_admin_login_refuses_a_wrong_password_or_unknown_user(instance: RunningApp) -> None:
    await make_admin(instance.services.db, "root")
    for username, password in (("root", "wrong"), ("nobody", PASSWORD), ("", "")):
        answer = await sign_in(instance.client, username, password)
        assert answer.status_code == 401
        assert "do not match" in answer.text
        assert cookie_value(instance.client) is None
    assert (await instance.client.get("/admin/queue")).status_code == 401


async def test_admin_login_without_csrf_answers_403(instance: RunningApp) -> None:
    await make_admin(instance.services.db, "root")
    answer = await instance.client.post(
        "/admin/login", data={"username": "root", "password": PASSWORD}
    )
    assert answer.status_code == 403
    assert cookie_value(instance.client) is None


@pytest.fixture
async def fixed_clock(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[RunningApp]:
    # Mid-window, so a test's attempts never straddle a 15-minute window.
    monkeypatch.setattr("app.web.admin.auth.utcnow", lambda: FIXED_NOW)
    async with running_app(make_settings(database_url, tmp_path / "data")) as running:
        yield running


async def test_admin_login_limit_per_client_answers_429(fixed_clock: RunningApp) -> None:
    await make_admin(fixed_clock.services.db, "root")
    for _ in range(5):
        assert (await sign_in(fixed_clock.client, "root", "wrong")).status_code == 401
    answer = await sign_in(fixed_clock.client, "root")
    assert answer.status_code == 429
    assert int(answer.headers["Retry-After"]) > 0
    assert "Too many sign-in attempts" in answer.text
    assert cookie_value(fixed_clock.client) is None


async def test_admin_login_limit_counts_only_failed_sign_ins(fixed_clock: RunningApp) -> None:
    """Three successful sign-ins once locked an admin out: successes never count."""
    await make_admin(fixed_clock.services.db, "root")
    for _ in range(12):
        assert (await sign_in(fixed_clock.client, "root")).status_code == 303
    for _ in range(4):
        assert (await sign_in(fixed_clock.client, "root", "wrong")).status_code == 401
    assert (await sign_in(fixed_clock.client, "root")).status_code == 303
    assert (await sign_in(fixed_clock.client, "root", "wrong")).status_code == 401
    assert (await sign_in(fixed_clock.client, "root")).status_code == 429


def client_at(running: RunningApp, address: str) -> httpx.AsyncClient:
    """Another browser, from another address, on the same running app."""
    asgi = running.client._transport.app  # type: ignore[attr-defined]
    transport = httpx.ASGITransport(app=asgi, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://treehole.test")


async def test_admin_login_limit_per_username_spans_addresses(fixed_clock: RunningApp) -> None:
    await make_admin(fixed_clock.services.db, "root")
    for attempt in range(10):
        async with client_at(fixed_clock, f"198.51.100.{attempt + 1}") as other:
            assert (await sign_in(other, "root", "wrong")).status_code == 401
    async with client_at(fixed_clock, "198.51.100.200") as fresh:
        assert (await sign_in(fresh, "root")).status_code == 429
        # Another username from that address is still let through.
        await make_admin(fixed_clock.services.db, "other")
        assert (await sign_in(fresh, "other")).status_code == 303


async def test_admin_session_forged_cookie_answers_401_and_is_cleared(
    instance: RunningApp,
) -> None:
    admin_id = await make_admin(instance.services.db, "root")
    forged = issue_session("not-the-secret-key", admin_id, "admin")
    instance.client.cookies.set(ADMIN_COOKIE, forged, domain="treehole.test", path="/admin")
    answer = await instance.client.get("/admin/queue")
    assert answer.status_code == 401
    assert f'{ADMIN_COOKIE}=""' in answer.headers["set-cookie"]


async def test_admin_session_expired_cookie_answers_401(instance: RunningApp) -> None:
    admin_id = await make_admin(instance.services.db, "root")

    class ThirteenHoursAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 13 * 3600

    secret = instance.services.secret_key
    signed_long_ago = URLSafeTimedSerializer(secret, salt="treehole.admin", signer=ThirteenHoursAgo)
    old = signed_long_ago.dumps([admin_id, "admin", "n" * 32])
    fresh = issue_session(secret, admin_id, "admin")
    for value, expected in ((old, 401), (fresh, 200)):
        instance.client.cookies.set(ADMIN_COOKIE, value, domain="treehole.test", path="/admin")
        assert (await instance.client.get("/admin/queue")).status_code == expected


async def test_admin_session_role_comes_from_the_database(instance: RunningApp) -> None:
    """A moderator cannot promote itself by editing its cookie: it is signed; and a signed
    cookie whose role no longer matches the login (demoted) is no session at all."""
    db = instance.services.db
    await make_admin(db, "mod", "moderator")
    row = await get_admin_by_username(db, "mod")
    assert row is not None
    promoted = issue_session(instance.services.secret_key, row["id"], "admin")
    instance.client.cookies.set(ADMIN_COOKIE, promoted, domain="treehole.test", path="/admin")
    assert (await instance.client.get("/admin/settings")).status_code == 401


async def test_admin_login_upgrades_an_old_password_hash(instance: RunningApp) -> None:
    """A hash made at N = 2^15 still lets its admin in; that login stores a new hash at today's
    parameters, which verifies the same password. A wrong password changes nothing."""
    db = instance.services.db
    old = old_style_hash(PASSWORD)
    await admins.insert_admin(db, "root", old, "admin", datetime.now(UTC))
    refused = await sign_in(instance.client, "root", "wrong password")
    assert refused.status_code == 401
    row = await get_admin_by_username(db, "root")
    assert row is not None and row["password_hash"] == old
    answer = await sign_in(instance.client, "root")
    assert answer.status_code == 303
    row = await get_admin_by_username(db, "root")
    assert row is not None
    upgraded = row["password_hash"]
    parsed = parse_hash(upgraded)
    assert parsed is not None and parsed.n >= 2**17
    assert check_password(PASSWORD, upgraded) and not needs_rehash(upgraded)


def another_browser(instance: RunningApp) -> httpx.AsyncClient:
    """A second browser on the same app: its own cookies."""
    return httpx.AsyncClient(transport=instance.client._transport, base_url="http://treehole.test")


async def change_breaker(
    client: httpx.AsyncClient, token: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    """An admin action that changes something (the breaker's threshold), with `token`."""
    form = {
        "classifier_warn": "0.6", "classifier_hold": "0.8", "classifier_reject": "0.97",
        "link_allowlist": "", "breaker_mode": "pow", "breaker_posts_per_minute": "31",
    }  # fmt: skip
    return await client.post(
        "/admin/settings", data={**form, "csrf_token": token}, headers=headers or {}
    )


async def test_admin_form_refuses_a_token_from_a_public_page(instance: RunningApp) -> None:
    """A token lifted from the anonymous board page opens no admin form."""
    client = instance.client
    await signed_in(client, instance.services.db, "root", "admin")
    public = csrf_from((await client.get("/b/main")).text)
    refused = await change_breaker(client, public)
    assert refused.status_code == 403 and REASONS["csrf_invalid"] in html.unescape(refused.text)
    own = await form_token(client, "/admin/settings")
    assert (await change_breaker(client, own)).status_code == 303


async def test_admin_form_token_is_bound_to_its_session(instance: RunningApp) -> None:
    """A token from one admin's session does not work in another's, nor in the same admin's
    next session."""
    db = instance.services.db
    await signed_in(instance.client, db, "root", "admin")
    roots = await form_token(instance.client, "/admin/settings")
    async with another_browser(instance) as other:
        await signed_in(other, db, "kestrel", "admin")
        assert (await change_breaker(other, roots)).status_code == 403
        assert (
            await change_breaker(other, await form_token(other, "/admin/settings"))
        ).status_code == 303
    # Signed in again: a new session, whose pages carry new tokens.
    assert (await sign_in(instance.client, "root")).status_code == 303
    assert (await change_breaker(instance.client, roots)).status_code == 403


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Sec-Fetch-Site": "cross-site"}, 403),
        ({"Sec-Fetch-Site": "same-site"}, 403),
        ({"Sec-Fetch-Site": "same-origin"}, 303),
        ({"Sec-Fetch-Site": "same-origin", "Origin": "https://evil.example"}, 303),
        ({"Origin": "https://evil.example"}, 403),
        ({"Origin": "null"}, 403),
        ({"Origin": "http://treehole.test"}, 303),
        ({}, 303),  # a client that is no browser: the session-bound token decides
    ],
)
async def test_admin_post_from_another_site_is_refused(
    instance: RunningApp, headers: dict[str, str], status: int
) -> None:
    client = instance.client
    await signed_in(client, instance.services.db, "root", "admin")
    token = await form_token(client, "/admin/settings")
    answer = await change_breaker(client, token, headers)
    assert answer.status_code == status, answer.text
    if status == 403:
        assert REASONS["cross_site"] in html.unescape(answer.text)


async def test_admin_login_from_another_site_is_refused(instance: RunningApp) -> None:
    await make_admin(instance.services.db, "root")
    page = await instance.client.get("/admin/login")
    form = {"csrf_token": csrf_from(page.text), "username": "root", "password": PASSWORD}
    answer = await instance.client.post(
        "/admin/login", data=form, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert answer.status_code == 403 and cookie_value(instance.client) is None
