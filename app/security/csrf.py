"""Form tokens and the same-origin check on state-changing requests.

A form token (itsdangerous, signed and timed) is bound to whoever the page was served to: the
admin session's nonce on admin pages, the poster's cookie secret on public pages ("" for a
browser that has neither yet). A token is accepted only from the same session or browser, so a
token lifted from one page (the anonymous board page, another admin's session) opens no other
form. Only a keyed digest of the binding is in the token: the page shows nothing of the secret.

`check_same_origin` refuses a request a browser says came from another site
(`Sec-Fetch-Site`), or, from browsers that do not send that, whose `Origin` is not ours; clients
that send neither (scripts, tests) are left to the token, as Go's CrossOriginProtection does.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping

from itsdangerous import BadData, URLSafeTimedSerializer

from app.core.errors import Forbidden

CSRF_MAX_AGE_SECONDS = 6 * 3600
# `none`: typed in or a bookmark (a browser sends no form from one, but it is no attack).
SAME_ORIGIN_SITES = frozenset({"same-origin", "none"})


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="treehole.csrf")


def binding_digest(secret_key: str, binding: str) -> str:
    """A keyed digest of a token's binding: what the token carries of it."""
    key = hashlib.sha256(f"treehole.csrf-binding:{secret_key}".encode()).digest()
    return hmac.new(key, binding.encode(), hashlib.sha256).hexdigest()[:32]


def issue_csrf_token(secret_key: str, binding: str) -> str:
    """A token for a page served to `binding` (a session nonce, a poster secret, or "")."""
    return _serializer(secret_key).dumps(
        [secrets.token_hex(8), binding_digest(secret_key, binding)]
    )


def check_csrf_token(secret_key: str, token: str | None, binding: str) -> None:
    """`Forbidden` unless `token` is ours, fresh, and was issued to `binding`."""
    if not token:
        raise Forbidden("csrf_missing")
    try:
        value = _serializer(secret_key).loads(token, max_age=CSRF_MAX_AGE_SECONDS)
    except BadData:
        raise Forbidden("csrf_invalid") from None
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[1], str)):
        raise Forbidden("csrf_invalid")
    if not hmac.compare_digest(value[1], binding_digest(secret_key, binding)):
        raise Forbidden("csrf_invalid")


SAME, CROSS, UNKNOWN = "same", "cross", "unknown"


def request_site(headers: Mapping[str, str], origin: str) -> str:
    """Where a browser says the request came from, relative to `origin` (`scheme://host[:port]`
    as browsers write it): SAME, CROSS, or UNKNOWN (a client that says nothing)."""
    site = headers.get("sec-fetch-site")
    if site is not None:
        return SAME if site.strip().lower() in SAME_ORIGIN_SITES else CROSS
    sent = headers.get("origin")
    if sent is None:
        return UNKNOWN
    return SAME if sent.strip().rstrip("/").lower() == origin.lower() else CROSS


def check_same_origin(headers: Mapping[str, str], origin: str) -> None:
    """`Forbidden("cross_site")` for a request a browser says came from another site."""
    if request_site(headers, origin) == CROSS:
        raise Forbidden("cross_site")
