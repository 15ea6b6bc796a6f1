"""How many key fetches an inbox POST may cause: any unsigned stranger can name a keyId on any
host, so a key fetch is an amplifier (issue #14) unless it is capped before it happens.

One guard per process (owned by `RemoteFetcher`, built with the services). It caps the fetches
to one host per minute (a sender over the cap is answered 429 and retries later, as Mastodon
retries a 429), and remembers for a short while each keyId whose fetch failed or was refetched
after a signature did not verify with it: such a keyId is not fetched again until the mark
expires, so a stream of forged requests naming a victim's key costs the victim at most one
refetch per `RECENT_TTL`. A first fetch leaves no mark, so a key rotated after the first contact
is still picked up at once by one refetch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from app.security.ratelimit import Limit, WindowCounter
from federation.origin import host_of

FETCHES_PER_HOST_PER_MINUTE: Final = 60
RECENT_TTL: Final = timedelta(minutes=2)
MAX_REMEMBERED: Final = 10_000


@dataclass(slots=True)
class KeyFetchGuard:
    per_host: WindowCounter = field(
        default_factory=lambda: WindowCounter(
            Limit("key_fetch_host", FETCHES_PER_HOST_PER_MINUTE, 60)
        )
    )
    recent: dict[str, datetime] = field(default_factory=dict)

    def is_marked(self, key_id: str, now: datetime) -> bool:
        """Whether this keyId failed or was refetched a moment ago (so it is not fetched now)."""
        until = self.recent.get(key_id)
        if until is None:
            return False
        if until > now:
            return True
        del self.recent[key_id]
        return False

    def count_fetch(self, url: str, now: datetime) -> None:
        """Count one fetch from `url`'s host; RateLimited once the host's minute is used up."""
        self.per_host.hit(host_of(url) or "", now)

    def mark(self, key_id: str, now: datetime) -> None:
        """Remember a failed fetch or a refetch of `key_id` for `RECENT_TTL`."""
        self.recent.pop(key_id, None)
        if len(self.recent) >= MAX_REMEMBERED:
            del self.recent[next(iter(self.recent))]  # the oldest mark
        self.recent[key_id] = now + RECENT_TTL
