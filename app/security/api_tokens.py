"""Issuing and revoking admin API tokens: the token is returned once and only its hash kept."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from app.core.errors import Invalid
from app.db.engine import Db
from app.security.tokens import hash_api_token, new_api_token, parse_scopes
from app.store import api_tokens

NAME_MAX_CHARS = 100


async def issue_api_token(
    db: Db, name: str, scopes: Iterable[str], created_by: str | None, now: datetime
) -> tuple[str, str]:
    """(token id, the token itself); `Invalid` for an empty name or unknown scopes."""
    clean = name.strip()
    if not clean or len(clean) > NAME_MAX_CHARS:
        raise Invalid("name", "invalid")
    try:
        granted = parse_scopes(scopes)
    except ValueError:
        raise Invalid("scopes", "invalid") from None
    token = new_api_token()
    token_id = await api_tokens.insert_token(
        db, clean, hash_api_token(token), granted, created_by, now
    )
    return token_id, token
