"""The filter page shows what each category caught: counts per week, what happened, which check
matched, and holds a moderator then approved; from the moderation records only, never the text
of a post (spec: admin-filter-stats)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.core.clock import utcnow
from app.moderation import review
from app.moderation.filter_stats import week_start
from app.store import notes as note_store
from app.store.moderation import record_decision
from tests.support.admin import signed_in
from tests.support.app_client import RunningApp
from tests.support.forms import csrf_from

pytestmark = pytest.mark.anyio

HELD = "ring me on 555-0142 or mail ann@example.org tonight"
REJECTED = "they are all 死基佬 here"


def row_of(page: str, reason: str) -> list[str]:
    """The cells of a category's row, as text."""
    row = re.search(rf'<tr id="caught-{reason}">(.*?)</tr>', page, re.S)
    assert row, f"no row for {reason}"
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row.group(1), re.S)
    return [re.sub(r"\s+", " ", cell).strip() for cell in cells]


async def test_filter_page_counts_per_category_week_check_and_approval(
    instance: RunningApp,
) -> None:
    db, client = instance.services.db, instance.client
    await signed_in(client, db, "root", "admin")
    for text in (HELD, REJECTED):
        page = await client.get("/b/main")
        form = {"csrf_token": csrf_from(page.text), "text": text}
        answer = await client.post("/b/main/post", data=form)
        assert answer.status_code in (303, 400)
    held = await note_store.list_held_notes(db, 10)
    assert len(held) == 1
    now = utcnow()
    await review.approve_notes(db, [held[0].id], now)
    # Three weeks ago: counted in that week's column; ten weeks ago: past the page's weeks.
    three_weeks = now - timedelta(weeks=3)
    await record_decision(db, "a", "note", "filters", "hold", "sexual", three_weeks)
    await record_decision(db, "b", "note", "filters", "hold", "sexual", now - timedelta(weeks=10))
    # Decisions that are not the pipeline's catching anything: not counted.
    await record_decision(db, "c", "note", "filters", "publish", "", now)
    await record_decision(db, "d", "report", "moderator", "dismiss", "report dismiss", now)

    answer = await client.get("/admin/filters")
    assert answer.status_code == 200
    text = answer.text
    weeks = re.findall(r'<th scope="col" class="num">(\d\d-\d\d)</th>', text)
    assert len(weeks) == 8 and weeks[-1] == week_start(now.date()).strftime("%m-%d")

    contact = row_of(text, "contact")
    # Cells: the category, eight weeks (this one last), total, outcomes, checks, approved.
    assert contact[8] == "1" and contact[9] == "1" and contact[10] == "held 1"
    assert contact[11] == "links and contact details 1" and contact[12] == "1"
    hate = row_of(text, "hate")
    assert hate[8] == "1" and hate[10] == "rejected 1" and hate[11] == "word and pattern lists 1"
    assert hate[12] == "0"
    sexual = row_of(text, "sexual")
    column = weeks.index(week_start(three_weeks.date()).strftime("%m-%d"))
    assert sexual[1 + column] == "1" and sexual[9] == "1"
    # Every filter category has its row, even with nothing caught.
    assert row_of(text, "fraud")[9] == "0"
    # Counts and labels only: no post text, no matched word.
    for words in ("555-0142", "ann@example.org", "死基佬"):
        assert words not in text
