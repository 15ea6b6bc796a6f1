"""What request handlers and workers are given: built once per process, passed explicitly."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from app.core.settings import Settings
from app.core.urls import Urls
from app.db.engine import Db
from app.fedi.door_cache import DoorCache
from app.fedi.inbound import Inbound
from app.fedi.inbox_writer import InboxWriter
from app.fedi.remote import RemoteFetcher
from app.moderation.service import Moderator
from app.notes.deps import NoteDeps, PosterLimits
from app.notes.posting import PostPolicy
from app.security.cookies import CookieJar
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

    @property
    def inbound(self) -> Inbound:
        return Inbound(self.db, self.urls, self.fetcher, self.moderator)

    @property
    def notes(self) -> NoteDeps:
        return NoteDeps(
            db=self.db,
            urls=self.urls,
            moderator=self.moderator,
            policy=self.policy,
            limits=poster_limits(self.settings),
            rng=self.rng,
            pow_key=self.secret_key,
        )

    @property
    def secret_key(self) -> str:
        return self.settings.secret_key.value


def post_policy(settings: Settings) -> PostPolicy:
    return PostPolicy(
        max_chars=settings.post_max_chars,
        max_ttl=settings.max_ttl,
        publish_delay_max=settings.publish_delay_max,
    )


REPORT_LIMIT = Limit("report", 10, 600)


def poster_limits(settings: Settings) -> PosterLimits:
    """Likes cost less than posts: three times the posting allowance; reports a fixed one."""
    post = settings.post_rate_limit
    return PosterLimits(
        post=Limit("post", post.count, post.window_seconds),
        like=Limit("like", post.count * 3, post.window_seconds),
        report=REPORT_LIMIT,
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
