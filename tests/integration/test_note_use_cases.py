"""The note use cases called directly, as a second way in (a direct message to a board, the CLI)
will call them: plain inputs, typed outcomes, and the same rules as the web form (which has its
own tests in test_posting.py, test_moderation_pipeline.py and test_rate_limit.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.db.tables import boards, moderation_decisions, notes, reports
from app.notes.deletion import delete_by_token
from app.notes.deps import NoteDeps, PosterLimits
from app.notes.likes import like
from app.notes.reporting import CATEGORIES, report
from app.notes.submission import (
    HOLD_FOR_REVIEW,
    Deleted,
    Draft,
    Held,
    InvalidInput,
    Liked,
    NeedsHelp,
    OverLimit,
    Poster,
    ProofOfWork,
    Published,
    Rejected,
    Reported,
    WrongToken,
)
from app.notes.submit import find_reply_target, reply, submit
from app.security.ratelimit import Limit
from app.store import filters as filter_store
from app.store.boards import Board, get_board_by_slug
from app.store.moderation import get_moderation_settings, update_moderation_settings
from app.store.notes import get_note
from app.web.messages import REPORT_CATEGORIES
from tests.support.app_client import RunningApp

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 5, 4, 12, 3, 20, tzinfo=UTC)
POSTER = Poster(secret="s" * 64, rate_key="a-digest-standing-for-one-client")
CALM = "The rain on the window tonight is calming."


async def main_board(instance: RunningApp) -> Board:
    board = await get_board_by_slug(instance.services.db, "main")
    assert board is not None
    return board


async def states(instance: RunningApp) -> dict[str, str]:
    rows = await instance.services.db.fetch_all(sa.select(notes.c.content, notes.c.state))
    return {row["content"]: row["state"] for row in rows}


def with_limits(deps: NoteDeps, count: int) -> NoteDeps:
    limit = Limit("post", count, 600)
    return replace(
        deps, limits=PosterLimits(post=limit, like=replace(limit, scope="like"), report=limit)
    )


async def test_submit_publishes_and_reply_keeps_the_pseudonym(instance: RunningApp) -> None:
    deps = instance.services.notes
    board = await main_board(instance)
    outcome = await submit(deps, board, Draft(CALM), POSTER, ProofOfWork(None), NOW)
    assert isinstance(outcome, Published)
    target = await find_reply_target(deps.db, outcome.posted.thread_id, None)
    answered = await reply(deps, target, Draft("and the tea is warm"), POSTER, None, NOW)
    assert isinstance(answered, Published)
    rows = await deps.db.fetch_all(sa.select(notes.c.pseudonym))
    assert len({row["pseudonym"] for row in rows}) == 1
    assert await states(instance) == {CALM: "live", "and the tea is warm": "live"}


async def test_submit_refuses_invalid_input_and_stores_nothing(instance: RunningApp) -> None:
    board = await main_board(instance)
    for draft, expected in (
        (Draft("   "), InvalidInput("text", "empty")),
        (Draft(CALM, ttl="7"), InvalidInput("ttl", "not_allowed")),
    ):
        outcome = await submit(instance.services.notes, board, draft, POSTER, None, NOW)
        assert outcome == expected
    assert await states(instance) == {}


async def test_proof_of_work_is_asked_only_of_ways_in_that_send_one(instance: RunningApp) -> None:
    deps = instance.services.notes
    await deps.db.execute(boards.update().values(pow_required=True))
    board = await main_board(instance)
    missing = await submit(deps, board, Draft(CALM), POSTER, ProofOfWork(None), NOW)
    assert missing == InvalidInput("pow", "missing")
    without = await submit(deps, board, Draft(CALM), POSTER, None, NOW)
    assert isinstance(without, Published)


async def test_rate_limit_is_an_outcome_counted_on_the_rate_key(instance: RunningApp) -> None:
    deps = with_limits(instance.services.notes, 1)
    board = await main_board(instance)
    assert isinstance(await submit(deps, board, Draft("one"), POSTER, None, NOW), Published)
    limited = await submit(deps, board, Draft("two"), POSTER, None, NOW)
    # 12:03:20 in the window 12:00–12:10.
    assert limited == OverLimit(retry_after=400)
    other = replace(POSTER, rate_key="another-client")
    assert isinstance(await submit(deps, board, Draft("three"), other, None, NOW), Published)
    assert set(await states(instance)) == {"one", "three"}


async def test_moderation_outcomes(instance: RunningApp) -> None:
    deps = instance.services.notes
    db = deps.db
    await filter_store.update_category(db, "hate", True, "reject", NOW)
    board = await main_board(instance)
    rejected = await submit(
        deps, board, Draft("they are all 死基佬, every one of them"), POSTER, None, NOW
    )
    assert rejected == Rejected("hate")
    recorded = await db.fetch_all(sa.select(moderation_decisions.c.subject_kind))
    assert [row["subject_kind"] for row in recorded] == ["submission"]

    await db.execute(boards.update().values(premoderation="threads"))
    held = await submit(deps, await main_board(instance), Draft(CALM), POSTER, None, NOW)
    assert isinstance(held, Held) and held.reason == "premoderation"
    assert await states(instance) == {CALM: "held"}


async def test_breaker_review_everything_holds_posts_without_proof_of_work(
    instance: RunningApp,
) -> None:
    deps = instance.services.notes
    settings = await get_moderation_settings(deps.db)
    under_attack = replace(
        settings, breaker_mode="review", under_attack_until=NOW + timedelta(minutes=5)
    )
    await update_moderation_settings(deps.db, under_attack)
    held = await submit(deps, await main_board(instance), Draft(CALM), POSTER, None, NOW)
    assert isinstance(held, Held) and held.reason == "under_attack"


async def test_self_harm_asks_first_or_holds(instance: RunningApp) -> None:
    deps = instance.services.notes
    board = await main_board(instance)
    text = "i want to kill myself tonight"
    assert await submit(deps, board, Draft(text), POSTER, None, NOW) == NeedsHelp()
    assert await states(instance) == {}
    held = await submit(deps, board, Draft(text), POSTER, None, NOW, self_harm=HOLD_FOR_REVIEW)
    assert isinstance(held, Held) and held.reason == "care"
    # Posted past the help page: a moderator reads it before the public does.
    other = "some nights i want to kill myself, then morning comes"
    seen = await submit(deps, board, Draft(other, help_seen=True), POSTER, None, NOW)
    assert isinstance(seen, Held) and seen.reason == "care"
    # Held with the warning readers will see if a moderator approves it.
    stored = await get_note(deps.db, seen.posted.note_id)
    assert stored is not None and stored.summary == "self-harm"
    assert stored.warning_labels is not None and "self_harm" in stored.warning_labels
    calm = await submit(deps, board, Draft(CALM, help_seen=True), POSTER, None, NOW)
    assert isinstance(calm, Published)


async def test_delete_by_token(instance: RunningApp) -> None:
    deps = instance.services.notes
    posted = await submit(deps, await main_board(instance), Draft(CALM), POSTER, None, NOW)
    assert isinstance(posted, Published)
    note_id = posted.posted.note_id
    assert await delete_by_token(deps, note_id, "not-the-token", NOW) == WrongToken()
    assert await states(instance) == {CALM: "live"}
    deleted = await delete_by_token(deps, note_id, posted.posted.token, NOW)
    assert deleted == Deleted((note_id,))
    rows = await deps.db.fetch_all(sa.select(notes.c.state))
    assert [row["state"] for row in rows] == ["deleted"]


async def test_like_once_per_poster_and_rate_limited(instance: RunningApp) -> None:
    deps = with_limits(instance.services.notes, 2)
    posted = await submit(deps, await main_board(instance), Draft(CALM), POSTER, None, NOW)
    assert isinstance(posted, Published)
    note_id, thread_id = posted.posted.note_id, posted.posted.thread_id
    assert await like(deps, note_id, POSTER, NOW) == Liked(note_id, thread_id, first=True)
    assert await like(deps, note_id, POSTER, NOW) == Liked(note_id, thread_id, first=False)
    assert await like(deps, note_id, POSTER, NOW) == OverLimit(retry_after=400)


async def test_report(instance: RunningApp) -> None:
    deps = instance.services.notes
    posted = await submit(deps, await main_board(instance), Draft(CALM), POSTER, None, NOW)
    assert isinstance(posted, Published)
    note_id = posted.posted.note_id
    refused = await report(deps, note_id, "boring", "", POSTER.rate_key, NOW)
    assert refused == InvalidInput("report", "invalid")
    too_long = await report(deps, note_id, "spam", "x" * 1001, POSTER.rate_key, NOW)
    assert too_long == InvalidInput("report", "invalid")
    assert await report(deps, note_id, "spam", " ads ", POSTER.rate_key, NOW) == Reported(note_id)
    rows = await deps.db.fetch_all(sa.select(reports.c.category, reports.c.comment))
    assert [(row["category"], row["comment"]) for row in rows] == [("spam", "ads")]


def test_every_report_category_has_a_label() -> None:
    assert tuple(REPORT_CATEGORIES) == CATEGORIES
