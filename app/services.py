"""What request handlers and workers are given: built once per process, passed explicitly."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import anyio

from app.core.settings import Settings
from app.core.urls import Urls
from app.db.engine import Db
from app.fedi.door_cache import DoorCache
from app.fedi.inbound import Inbound
from app.fedi.inbox_writer import InboxWriter
from app.fedi.remote import RemoteFetcher
from app.moderation.service import Moderator
from app.notes.posting import PostPolicy
from app.security.cookies import CookieJar
from app.security.passwords import CONCURRENT_HASHES
from app.security.ratelimit import Limit, WindowCounter
from app.web.templates import Templates
from federation.aiohttp_transport import aiohttp_transport
from federation.client import SafeClient, TransportFactory
from federation.http1 import http1_transport


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
    templates: Templates
    cookies: CookieJar
    policy: PostPolicy
    rng: random.Random
    fetcher: RemoteFetcher
    moderator: Moderator
    inbox_writer: InboxWriter
    inbox_limits: InboxLimits = field(default_factory=lambda: InboxLimits())
    door: DoorCache = field(default_factory=DoorCache)
    # Password hashes computed at once (each holds 128 MiB while it runs).
    password_slots: anyio.CapacityLimiter = field(
        default_factory=lambda: anyio.CapacityLimiter(CONCURRENT_HASHES)
    )

    @property
    def inbound(self) -> Inbound:
        return Inbound(self.db, self.urls, self.fetcher, self.moderator)

    @property
    def secret_key(self) -> str:
        return self.settings.secret_key.value


def post_policy(settings: Settings) -> PostPolicy:
    return PostPolicy(
        max_chars=settings.post_max_chars,
        max_ttl=settings.max_ttl,
        publish_delay_max=settings.publish_delay_max,
    )


USER_AGENT = "Treehole/0.1 (+anonymous notes; ActivityPub)"


# http1 by default: per delivery it costs the event loop about a third of what aiohttp does, and
# aiohttp about a third of httpx (bench/README.md); the others stay as fallbacks (None: httpx).
TRANSPORTS: dict[str, TransportFactory | None] = {
    "http1": http1_transport,
    "aiohttp": aiohttp_transport,
    "httpx": None,
}


def build_client(settings: Settings) -> SafeClient:
    transport = TRANSPORTS[settings.http_transport]
    return SafeClient(
        allow_loopback=settings.allow_loopback, user_agent=USER_AGENT, transport=transport
    )
