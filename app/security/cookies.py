"""Browser-held state, signed so the server can trust what it gave out and nothing else.

- the poster secret: a random value from which per-thread pseudonyms are derived;
- own notes: deletion tokens of the poster's recent notes, so their pages can offer "delete";
- the flash: the token of the note just posted, shown once.
All are HttpOnly and SameSite=Lax; `Secure` when the instance is served over https.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadData, URLSafeSerializer, URLSafeTimedSerializer

from app.core.errors import Invalid

POSTER_COOKIE = "th_poster"
OWN_COOKIE = "th_own"
FLASH_COOKIE = "th_flash"
LANG_COOKIE = "th_lang"
OWN_NOTES_KEPT = 30
FLASH_MAX_AGE_SECONDS = 600
YEAR_SECONDS = 365 * 86400


class ForgedCookie(Invalid):
    def __init__(self, name: str) -> None:
        super().__init__(name, "forged_cookie")


@dataclass(frozen=True, slots=True)
class CookieJar:
    """Reads and writes our signed cookies with the instance's secret key."""

    secret_key: str
    secure: bool

    def _plain(self, purpose: str) -> URLSafeSerializer:
        return URLSafeSerializer(self.secret_key, salt=f"treehole.{purpose}")

    def _timed(self, purpose: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret_key, salt=f"treehole.{purpose}")

    def read_poster_secret(self, raw: str | None) -> str | None:
        """The poster's secret, None without a cookie; `ForgedCookie` if we did not sign it."""
        if raw is None:
            return None
        try:
            value = self._plain("poster").loads(raw)
        except BadData:
            raise ForgedCookie(POSTER_COOKIE) from None
        if not isinstance(value, str) or len(value) < 32:
            raise ForgedCookie(POSTER_COOKIE)
        return value

    def new_poster_secret(self) -> tuple[str, str]:
        """A fresh secret and its cookie value."""
        value = secrets.token_hex(32)
        return value, str(self._plain("poster").dumps(value))

    def read_own_tokens(self, raw: str | None) -> dict[str, str]:
        """Own notes' tokens; an unreadable cookie counts as empty (it only offers buttons)."""
        if raw is None:
            return {}
        try:
            value: Any = self._plain("own").loads(raw)
        except BadData:
            return {}
        if not isinstance(value, dict):
            return {}
        return {str(k): str(v) for k, v in value.items()}

    def dump_own_tokens(self, tokens: dict[str, str]) -> str:
        kept = dict(list(tokens.items())[-OWN_NOTES_KEPT:])
        return str(self._plain("own").dumps(kept))

    def dump_flash(self, note_id: str, token: str) -> str:
        return str(self._timed("flash").dumps([note_id, token]))

    def read_flash(self, raw: str | None, note_id: str) -> str | None:
        if raw is None:
            return None
        try:
            value: Any = self._timed("flash").loads(raw, max_age=FLASH_MAX_AGE_SECONDS)
        except BadData:
            return None
        if isinstance(value, list) and len(value) == 2 and value[0] == note_id:
            return str(value[1])
        return None

    def options(self, max_age: int | None) -> dict[str, Any]:
        return {"max_age": max_age, "httponly": True, "samesite": "lax", "secure": self.secure}
