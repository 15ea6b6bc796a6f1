"""What request handlers are given: one `Services` per process, built by the wiring
(`app/main.py`) and put in the lifespan state, where `services_of` finds it for a request.

It sits between the domain packages and the adapters: it names the domain's services and holds
nothing of the web (the web's templates travel in the lifespan state beside it)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import anyio
from starlette.requests import Request

from app.core.settings import RateLimit, Settings
from app.core.urls import Urls
from app.db.engine import Db
from app.fedi.direct_messages import DirectDeps
from app.fedi.door_cache import DoorCache
from app.fedi.inbound import Inbound
from app.fedi.inbox_writer import InboxWriter
from app.fedi.remote import RemoteFetcher
from app.moderation.service import Moderator
from app.notes.deps import NoteDeps
from app.notes.posting import PostPolicy
from app.security.cookies import CookieJar
from app.security.passwords import CONCURRENT_HASHES
from app.security.ratelimit import Limit, WindowCounter


@dataclass(frozen=True, slots=True)
class InboxLimits:
    """Activities accepted per remote actor and per remote domain, per 5 minutes."""

    actor: WindowCounter = field(default_factory=lambda: WindowCounter(Limit("actor", 300, 300)))
    domain: WindowCounter = field(default_factory=lambda: WindowCounter(Limit("domain", 3000, 300)))


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    db: Db
    urls: Urls
    cookies: CookieJar
    policy: PostPolicy
    rng: random.Random
    fetcher: RemoteFetcher
    moderator: Moderator
    inbox_writer: InboxWriter
    # What the note use cases (app/notes/) are given.
    notes: NoteDeps
    inbox_limits: InboxLimits = field(default_factory=lambda: InboxLimits())
    door: DoorCache = field(default_factory=DoorCache)
    # Password hashes computed at once (each holds 128 MiB while it runs).
    password_slots: anyio.CapacityLimiter = field(
        default_factory=lambda: anyio.CapacityLimiter(CONCURRENT_HASHES)
    )

    @property
    def inbound(self) -> Inbound:
        direct = DirectDeps(
            notes=self.notes,
            secret=self.secret_key,
            sender_limit=_limit("dm", self.settings.dm_rate_limit),
            domain_limit=_limit("dm_domain", self.settings.dm_domain_rate_limit),
        )
        return Inbound(self.db, self.urls, self.fetcher, self.moderator, direct)

    @property
    def secret_key(self) -> str:
        return self.settings.secret_key.value


def _limit(scope: str, limit: RateLimit) -> Limit:
    return Limit(scope, limit.count, limit.window_seconds)


def services_of(request: Request) -> Services:
    services: Services = request.state.services
    return services
