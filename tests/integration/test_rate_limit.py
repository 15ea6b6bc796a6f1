"""Posting rate limit: per client, counted under a salted hash whose salt rotates daily and is
forgotten; the limit answers 429 with Retry-After and stores nothing."""

from __future__ import annotations

import hashlib
import html
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.core.errors import RateLimited
from app.db.tables import rate_counts, rate_salts
from app.security.ratelimit import Limit, enforce_limit
from tests.conftest import make_settings
from tests.support.app_client import CLIENT_ADDRESS, RunningApp, running_app
from tests.support.forms import csrf_from, post_note
from tests.support.snapshots import count_posted

pytestmark = pytest.mark.anyio

# Mid-window, so the three posts of a test can never straddle a window boundary.
FIXED_NOW = datetime(2026, 5, 4, 12, 3, 20, tzinfo=UTC)


@pytest.fixture
async def limited(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[RunningApp]:
    monkeypatch.setattr("app.web.forms.utcnow", lambda: FIXED_NOW)
    settings = make_settings(database_url, tmp_path / "data", TREEHOLE_POST_RATE_LIMIT="2/600")
    async with running_app(settings) as running:
        yield running


async def test_post_rate_limit_answers_429_with_retry_after(limited: RunningApp) -> None:
    client = limited.client
    await post_note(client, "first")
    await post_note(client, "second")
    page = await client.get("/b/main")
    before = await count_posted(limited.services.db)
    answer = await client.post(
        "/b/main/post",
        data={"csrf_token": csrf_from(page.text), "text": "third, worth keeping", "summary": "cw"},
    )
    assert answer.status_code == 429
    assert answer.headers["content-type"].startswith("text/html")
    # 12:03:20 in the window 12:00–12:10: 400 s, said as "7 minutes".
    assert answer.headers["Retry-After"] == "400"
    shown = html.unescape(answer.text)
    assert "try again in 7 minutes" in shown
    # The poster is not stranded: the form comes back with what they wrote.
    assert ">third, worth keeping</textarea>" in shown
    assert 'value="cw"' in shown
    assert await count_posted(limited.services.db) == before


async def test_post_rate_limit_ignores_rejected_input(limited: RunningApp) -> None:
    """Bad input is refused before the limit is counted: a typo does not use up the allowance."""
    page = await limited.client.get("/b/main")
    for _ in range(3):
        answer = await limited.client.post(
            "/b/main/post", data={"csrf_token": csrf_from(page.text), "text": " "}
        )
        assert answer.status_code == 400
    await post_note(limited.client, "still allowed")


async def _stored_hashes(limited: RunningApp) -> list[str]:
    rows = await limited.services.db.fetch_all(sa.select(rate_counts.c.key_hash))
    return [row["key_hash"] for row in rows]


async def test_rate_limit_key_hash_is_not_the_address_and_changes_daily(
    limited: RunningApp,
) -> None:
    db = limited.services.db
    limit = Limit("post", 5, 600)
    day_one = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    await enforce_limit(db, limit, CLIENT_ADDRESS, day_one)
    await enforce_limit(db, limit, "192.0.2.1", day_one)
    first, other = await _stored_hashes(limited)
    assert first != other
    for stored in (first, other):
        assert CLIENT_ADDRESS not in stored
        assert stored != hashlib.sha256(CLIENT_ADDRESS.encode()).hexdigest()

    await enforce_limit(db, limit, CLIENT_ADDRESS, day_one + timedelta(days=1))
    hashes = await _stored_hashes(limited)
    assert len(hashes) == 3
    assert len(set(hashes)) == 3, "the same address hashes differently on another day"
    salts = await db.fetch_all(sa.select(rate_salts.c.day))
    assert sorted(row["day"] for row in salts) == ["2026-05-04", "2026-05-05"]


async def test_rate_limit_counts_per_window(limited: RunningApp) -> None:
    db = limited.services.db
    limit = Limit("post", 2, 600)
    start = datetime(2026, 5, 4, 9, 0, 5, tzinfo=UTC)
    await enforce_limit(db, limit, CLIENT_ADDRESS, start)
    await enforce_limit(db, limit, CLIENT_ADDRESS, start + timedelta(seconds=60))
    with pytest.raises(RateLimited) as refused:
        await enforce_limit(db, limit, CLIENT_ADDRESS, start + timedelta(seconds=120))
    assert refused.value.retry_after == 600 - 125
    await enforce_limit(db, limit, "192.0.2.1", start + timedelta(seconds=120))
    await enforce_limit(db, limit, CLIENT_ADDRESS, start + timedelta(seconds=600))


async def test_forget_salts_job_deletes_salts_and_counts_before_yesterday(
    limited: RunningApp,
) -> None:
    db = limited.services.db
    limit = Limit("post", 5, 600)
    now = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
    for days_ago in (3, 2, 1, 0):
        await enforce_limit(db, limit, CLIENT_ADDRESS, now - timedelta(days=days_ago, hours=1))

    await limited.worker.run_once(now=now, force=True)

    salts = await db.fetch_all(sa.select(rate_salts.c.day))
    assert sorted(row["day"] for row in salts) == ["2026-05-09", "2026-05-10"]
    windows = await db.fetch_all(sa.select(rate_counts.c.window_start))
    # Counts older than a day go too: yesterday's salt stays only for today's early windows.
    assert [row["window_start"] for row in windows] == [now - timedelta(hours=1)]
