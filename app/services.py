"""What request handlers and workers are given: built once per process, passed explicitly."""

from __future__ import annotations

import random
from dataclasses import dataclass

from app.db.engine import Db
from app.posting import PostPolicy
from app.security.cookies import CookieJar
from app.settings import Settings
from app.urls import Urls
from app.web.templates import Templates


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    db: Db
    urls: Urls
    templates: Templates
    cookies: CookieJar
    policy: PostPolicy
    rng: random.Random

    @property
    def secret_key(self) -> str:
        return self.settings.secret_key.value


def post_policy(settings: Settings) -> PostPolicy:
    return PostPolicy(
        max_chars=settings.post_max_chars,
        max_ttl=settings.max_ttl,
        publish_delay_max=settings.publish_delay_max,
    )
