"""The self-harm help page in a real browser (Debian's headless Chromium) against a real
`treehole serve`, while the circuit breaker asks every poster for proof of work: the browser
solves the puzzle, the post shows the help page, "Post my note" posts it as written (text,
content warning, lifetime) with the same solved puzzle, and it waits for a moderator.

Plain sync test: Playwright's sync API refuses to run inside an asyncio loop.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.core.clock import utcnow
from app.db.engine import connect, disconnect
from app.db.tables import moderation_decisions, notes
from app.store.moderation import get_moderation_settings, update_moderation_settings
from tests.support.browser import chromium_page
from tests.support.dbquery import fetch_all
from tests.support.instance import run_treehole

pytestmark = pytest.mark.e2e

TEXT = "i counted the pills again tonight. i want to kill myself before the exams"
WARNING = "heavy night"


async def _trip_breaker(url: str) -> None:
    """The breaker tripped in its default mode: every post needs proof of work for a while."""
    db = await connect(url)
    try:
        settings = await get_moderation_settings(db)
        until = utcnow() + timedelta(minutes=30)
        await update_moderation_settings(db, replace(settings, under_attack_until=until))
    finally:
        await disconnect(db)


def test_browser_posts_past_the_help_page_with_proof_of_work_on(
    database_url: str, tmp_path: Path
) -> None:
    asyncio.run(_trip_breaker(database_url))
    with run_treehole(database_url, tmp_path / "data") as server, chromium_page() as page:
        page.goto(f"{server.url}/b/main")
        assert page.locator(".pow").count() == 1
        page.get_by_text("Ready to post.").wait_for()  # pow.js solved the puzzle
        page.get_by_label("Your note").fill(TEXT)
        page.get_by_label("Content warning (optional)").fill(WARNING)
        lifetime = page.get_by_label("Disappears after")
        choices = lifetime.locator("option").evaluate_all("options => options.map(o => o.value)")
        chosen = next(value for value in choices if value != lifetime.input_value())
        lifetime.select_option(chosen)
        with page.expect_navigation():
            page.get_by_role("button", name="Post anonymously").click()
        assert page.locator("h1").inner_text() == "You are not alone"

        with page.expect_navigation() as posted:
            page.get_by_role("button", name="Post my note").click()
        assert posted.value is not None and posted.value.status == 200
        assert "/posted/" in page.url, page.content()
        assert page.get_by_text("A person here reads it before anyone else does").is_visible()

    rows = fetch_all(
        database_url,
        sa.select(notes.c.state, notes.c.content, notes.c.summary, notes.c.created_at,
                  notes.c.expires_at),
    )  # fmt: skip
    assert len(rows) == 1  # the help page stored nothing
    note = rows[0]
    assert note["state"] == "held" and note["summary"] == WARNING
    assert "i counted the pills again tonight" in note["content"]
    lifetime_seconds = (note["expires_at"] - note["created_at"]).total_seconds()
    assert abs(lifetime_seconds - int(chosen)) <= 600  # published time is floored to 10 minutes
    reasons = fetch_all(database_url, sa.select(moderation_decisions.c.reason))
    assert "care" in [row["reason"] for row in reasons]
