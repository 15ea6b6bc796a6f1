"""Bearer tokens for the Mastodon-compatible admin API (pure): generation, hashing, scopes.

Only the SHA-256 of a token is stored; the token itself is shown once. Scopes follow Mastodon:
`admin:read` covers every `admin:read:*` scope and `admin:write` every `admin:write:*`.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

TOKEN_PREFIX = "th_"
READ_DOMAIN_BLOCKS = "admin:read:domain_blocks"
WRITE_DOMAIN_BLOCKS = "admin:write:domain_blocks"
ADMIN_READ = "admin:read"
ADMIN_WRITE = "admin:write"
KNOWN_SCOPES = (READ_DOMAIN_BLOCKS, WRITE_DOMAIN_BLOCKS, ADMIN_READ, ADMIN_WRITE)


def new_api_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_api_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def parse_scopes(raw: Iterable[str]) -> list[str]:
    """Known scopes, each once, in KNOWN_SCOPES order; ValueError for anything else or none."""
    wanted = {item.strip() for item in raw if item.strip()}
    unknown = wanted.difference(KNOWN_SCOPES)
    if unknown or not wanted:
        raise ValueError("scopes")
    return [scope for scope in KNOWN_SCOPES if scope in wanted]


def has_scope(granted: Iterable[str], required: str) -> bool:
    """`admin:read:domain_blocks` is granted by itself or by its umbrella `admin:read`."""
    umbrella = required.rsplit(":", 1)[0] if required.count(":") >= 2 else required
    return any(scope in (required, umbrella) for scope in granted)
