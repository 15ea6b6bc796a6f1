"""Admin sessions and login limits.

The session is a signed, timed cookie (`th_admin`) holding the admin's id, role and a random
per-login nonce; the role in the database wins over the one in the cookie. The cookie is sent only
to /admin pages (path), only from this site (SameSite=Strict), never to scripts (HttpOnly).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from itsdangerous import BadData, URLSafeTimedSerializer

from app.db.engine import Db
from app.security.ratelimit import Limit, count_hit, refuse_if_spent

ADMIN_COOKIE = "th_admin"
ADMIN_COOKIE_PATH = "/admin"
SESSION_MAX_AGE_SECONDS = 12 * 3600
LOGIN_CLIENT_LIMIT = Limit("login", 5, 15 * 60)
# Per username too, so one account cannot be guessed at from many addresses.
LOGIN_USER_LIMIT = Limit("login_user", 10, 15 * 60)
USERNAME_KEY_MAX_CHARS = 64


@dataclass(frozen=True, slots=True)
class AdminSession:
    admin_id: str
    role: str
    nonce: str


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="treehole.admin")


def issue_session(secret_key: str, admin_id: str, role: str) -> str:
    """A fresh session cookie value for this login."""
    return str(_serializer(secret_key).dumps([admin_id, role, secrets.token_hex(16)]))


def read_session(secret_key: str, raw: str | None) -> AdminSession | None:
    """The session in the cookie; None if absent, forged, malformed or older than 12 hours."""
    if not raw:
        return None
    try:
        value: Any = _serializer(secret_key).loads(raw, max_age=SESSION_MAX_AGE_SECONDS)
    except BadData:
        return None
    if not (isinstance(value, list) and len(value) == 3 and all(isinstance(v, str) for v in value)):
        return None
    return AdminSession(admin_id=value[0], role=value[1], nonce=value[2])


def session_cookie_options(secure: bool) -> dict[str, Any]:
    return {
        "max_age": SESSION_MAX_AGE_SECONDS,
        "path": ADMIN_COOKIE_PATH,
        "httponly": True,
        "samesite": "strict",
        "secure": secure,
    }


def clear_cookie_options(secure: bool) -> dict[str, Any]:
    return {"path": ADMIN_COOKIE_PATH, "httponly": True, "samesite": "strict", "secure": secure}


def _username_key(username: str) -> str:
    return username.strip().lower()[:USERNAME_KEY_MAX_CHARS]


async def refuse_if_too_many_failures(
    db: Db, client_key: str, username: str, now: datetime
) -> None:
    """`RateLimited` once this client, or this username, has failed to sign in too often in the
    window. Only failures count: an admin who signs in often is never locked out."""
    await refuse_if_spent(db, LOGIN_CLIENT_LIMIT, client_key, now)
    await refuse_if_spent(db, LOGIN_USER_LIMIT, _username_key(username), now)


async def count_failed_login(db: Db, client_key: str, username: str, now: datetime) -> None:
    await count_hit(db, LOGIN_CLIENT_LIMIT, client_key, now)
    await count_hit(db, LOGIN_USER_LIMIT, _username_key(username), now)
