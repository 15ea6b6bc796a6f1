"""Per-client rate limits without remembering who the client is.

The client address is hashed with a salt that rotates daily and is deleted afterwards; the address
itself never reaches the database or a log.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime

from app.core.clock import floor_to
from app.core.errors import RateLimited
from app.db.engine import Db
from app.store import ratelimits


@dataclass(frozen=True, slots=True)
class Limit:
    scope: str
    count: int
    window_seconds: int


def rate_key_for_address(address: str) -> str:
    """The rate-limit key of a web client: a digest of its address, so that nothing below the web
    layer ever holds the address. `enforce_limit` salts it with the day's salt before storing."""
    return hashlib.sha256(f"treehole.client:{address}".encode()).hexdigest()


def salted_hash(salt: str, client_key: str) -> str:
    return hmac.new(salt.encode(), client_key.encode(), hashlib.sha256).hexdigest()


async def enforce_limit(db: Db, limit: Limit, client_key: str, now: datetime) -> None:
    """Count one hit for this client; raise `RateLimited` past the limit."""
    window_start = floor_to(now, limit.window_seconds)
    salt = await ratelimits.get_or_create_salt(db, now.date().isoformat())
    hits = await ratelimits.count_hit(db, limit.scope, salted_hash(salt, client_key), window_start)
    if hits > limit.count:
        elapsed = int((now - window_start).total_seconds())
        raise RateLimited(retry_after=max(1, limit.window_seconds - elapsed))


@dataclass(slots=True)
class WindowCounter:
    """Fixed-window counts kept in this process: for remote actors and domains at the inbox,
    where a database round trip per activity would cost more than the check is worth. With
    several web processes each counts its own share, so the effective limit is per process."""

    limit: Limit
    window_start: datetime | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def hit(self, key: str, now: datetime) -> None:
        start = floor_to(now, self.limit.window_seconds)
        if start != self.window_start:
            self.window_start, self.counts = start, {}
        self.counts[key] = self.counts.get(key, 0) + 1
        if self.counts[key] > self.limit.count:
            elapsed = int((now - start).total_seconds())
            raise RateLimited(retry_after=max(1, self.limit.window_seconds - elapsed))
