"""The key pool: the refill job tops it up to TREEHOLE_KEYPOOL_SIZE; a new author takes a key
from it, and posting still works when it is empty."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.db.tables import key_pool, local_actors, notes
from tests.conftest import make_settings
from tests.support.app_client import RunningApp, running_app
from tests.support.forms import post_note
from tests.support.snapshots import count_rows

pytestmark = pytest.mark.anyio

POOL_SIZE = 7


@pytest.fixture
async def pooled(database_url: str, tmp_path: Path) -> AsyncIterator[RunningApp]:
    settings = make_settings(database_url, tmp_path / "data", TREEHOLE_KEYPOOL_SIZE=str(POOL_SIZE))
    async with running_app(settings) as running:
        yield running


async def pool_size(instance: RunningApp) -> int:
    return await count_rows(instance.services.db, key_pool)


async def author_key(instance: RunningApp, note_id: str) -> str:
    query = (
        sa.select(local_actors.c.public_key_pem)
        .select_from(notes.join(local_actors, notes.c.local_actor_id == local_actors.c.id))
        .where(notes.c.id == note_id)
    )
    return str(await instance.services.db.fetch_val(query))


async def test_refill_job_fills_the_pool_to_its_size(pooled: RunningApp) -> None:
    assert await pool_size(pooled) == 0
    await pooled.work()
    assert await pool_size(pooled) == POOL_SIZE
    await pooled.worker.run_once(force=True)
    assert await pool_size(pooled) == POOL_SIZE, "a full pool is left alone"


async def test_posting_takes_a_key_from_the_pool(pooled: RunningApp) -> None:
    await pooled.work()
    pooled_keys = {
        row["public_key_pem"]
        for row in await pooled.services.db.fetch_all(sa.select(key_pool.c.public_key_pem))
    }
    posted = await post_note(pooled.client, "a new author")
    assert await pool_size(pooled) == POOL_SIZE - 1
    assert await author_key(pooled, posted.note_id) in pooled_keys
    # The same author replying in its thread needs no new key.
    await post_note(pooled.client, "same author again", thread=posted.note_id)
    assert await pool_size(pooled) == POOL_SIZE - 1


async def test_posting_works_with_an_empty_pool(pooled: RunningApp) -> None:
    assert await pool_size(pooled) == 0
    posted = await post_note(pooled.client, "no pooled key left")
    assert (await author_key(pooled, posted.note_id)).startswith("-----BEGIN PUBLIC KEY-----")
    assert await pool_size(pooled) == 0
