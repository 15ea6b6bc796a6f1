"""In-process inbox limits per remote actor and domain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.core.errors import RateLimited
from app.security.ratelimit import Limit, WindowCounter

NOW = datetime(2026, 11, 27, 12, 0, 10, tzinfo=UTC)


def test_window_counter_refuses_past_the_limit_per_key_and_resets() -> None:
    counter = WindowCounter(Limit("actor", 2, 60))
    counter.hit("a", NOW)
    counter.hit("a", NOW)
    counter.hit("b", NOW)
    with pytest.raises(RateLimited) as refused:
        counter.hit("a", NOW)
    assert refused.value.retry_after == 50
    counter.hit("a", NOW + timedelta(seconds=60))
