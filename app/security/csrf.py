"""Signed, time-limited form tokens (itsdangerous): a page we served is the only way to a form."""

from __future__ import annotations

import secrets

from itsdangerous import BadData, URLSafeTimedSerializer

from app.core.errors import Forbidden

CSRF_MAX_AGE_SECONDS = 6 * 3600


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="treehole.csrf")


def issue_csrf_token(secret_key: str) -> str:
    return _serializer(secret_key).dumps(secrets.token_hex(8))


def check_csrf_token(secret_key: str, token: str | None) -> None:
    if not token:
        raise Forbidden("csrf_missing")
    try:
        _serializer(secret_key).loads(token, max_age=CSRF_MAX_AGE_SECONDS)
    except BadData:
        raise Forbidden("csrf_invalid") from None
