"""A form post is one transaction: the note, its author, its fingerprint, its moderation record
and the breaker's count commit together or not at all; and concurrent copies of one text are
caught as near-duplicates (they used to slip through together, which is why the flood breaker
tripped on SQLite under the posting benchmark and not on PostgreSQL)."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from app.db.tables import content_fingerprints, counters, local_actors, moderation_decisions, notes
from app.notes import submit
from app.store.keypool import count_keys
from tests.support.app_client import RunningApp
from tests.support.forms import csrf_from

pytestmark = pytest.mark.anyio

FLOOD = "Benchmark post: what a quiet evening it is, the tea went cold on the balcony again."


async def _post(instance: RunningApp, text: str) -> int:
    page = await instance.client.get("/b/main")
    form = {"csrf_token": csrf_from(page.text), "text": text}
    return (await instance.client.post("/b/main/post", data=form)).status_code


async def _count(instance: RunningApp, table: sa.Table) -> int:
    return int(await instance.services.db.fetch_val(sa.select(sa.func.count()).select_from(table)))


async def test_concurrent_copies_are_held_as_duplicates(instance: RunningApp) -> None:
    """spec: moderation-near-duplicates"""
    statuses = await asyncio.gather(*(_post(instance, f"{FLOOD} #{n}") for n in range(8)))
    assert statuses == [303] * 8
    rows = await instance.services.db.fetch_all(sa.select(notes.c.state))
    states = sorted(row["state"] for row in rows)
    assert states == ["held"] * 7 + ["live"]
    reasons = await instance.services.db.fetch_all(
        sa.select(moderation_decisions.c.reason).where(moderation_decisions.c.action == "hold")
    )
    assert [row["reason"] for row in reasons] == ["duplicate"] * 7


async def test_failure_mid_post_stores_nothing(
    instance: RunningApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = instance.services.db
    keys_before = await count_keys(db)
    actors_before = await _count(instance, local_actors)

    async def failing_record(*args: object) -> None:
        raise RuntimeError("the decision record could not be written")

    # The failure comes after the note, its author and its fingerprint were written.
    monkeypatch.setattr(submit, "record_moderation", failing_record)
    with pytest.raises(RuntimeError):
        await _post(instance, "a perfectly ordinary evening post about tea")
    assert await _count(instance, notes) == 0
    assert await _count(instance, content_fingerprints) == 0
    assert await _count(instance, moderation_decisions) == 0
    assert await _count(instance, counters) == 0
    assert await _count(instance, local_actors) == actors_before
    assert await count_keys(db) == keys_before
