"""What the note use cases are given: built once by the wiring (`app/services.py`), passed
explicitly to each call."""

from __future__ import annotations

import random
from dataclasses import dataclass

from app.core.urls import Urls
from app.db.engine import Db
from app.moderation.service import Moderator
from app.notes.posting import PostPolicy
from app.security.ratelimit import Limit


@dataclass(frozen=True, slots=True)
class PosterLimits:
    """Rate limits per poster (per `Poster.rate_key`)."""

    post: Limit
    like: Limit
    report: Limit


@dataclass(frozen=True, slots=True)
class NoteDeps:
    db: Db
    urls: Urls
    moderator: Moderator
    policy: PostPolicy
    limits: PosterLimits
    rng: random.Random
    # The instance's secret key: signs and checks proof-of-work challenges.
    pow_key: str
