"""Local actors' lifecycle: bootstrap of the instance and board actors, throwaway authors per
(poster, thread), the key pool, and retirement once nothing of an actor is left."""

from __future__ import annotations

from datetime import datetime

import anyio

from app.core.clock import floor_to
from app.core.ids import new_id
from app.core.states import DELETED, LIVE, RETIRING
from app.db.engine import Db
from app.store import interactions, keypool, local_actors, notes
from app.store.boards import Board, list_boards
from app.store.local_actors import BOARD, INSTANCE, THROWAWAY, LocalActor
from federation.keys import generate_rsa_keypair

ACTOR_PUBLISHED_GRANULARITY_SECONDS = 3600
KEYPOOL_BATCH = 5


async def _generate_pair() -> tuple[str, str]:
    pair = await anyio.to_thread.run_sync(generate_rsa_keypair)
    return pair.private_pem, pair.public_pem


async def take_or_generate_key(db: Db) -> tuple[str, str]:
    """A key from the pool; generated on the spot (~50 ms, off the event loop) if it is empty."""
    async with db.transaction():
        pair = await keypool.take_key(db)
    return pair if pair is not None else await _generate_pair()


async def refill_key_pool(db: Db, target: int, now: datetime) -> int:
    """Top the pool up to `target`, a few keys at a time; returns how many were added."""
    missing = target - await keypool.count_keys(db)
    if missing <= 0:
        return 0
    pairs = [await _generate_pair() for _ in range(min(missing, KEYPOOL_BATCH))]
    await keypool.insert_keys(db, pairs, now)
    return len(pairs)


async def ensure_instance_actor(db: Db, now: datetime) -> LocalActor:
    existing = await local_actors.get_instance_actor(db)
    if existing is not None:
        return existing
    private_pem, public_pem = await _generate_pair()
    actor = LocalActor(
        id=new_id(),
        kind=INSTANCE,
        username="treehole.instance",
        display_name="Treehole",
        board_id=None,
        thread_id=None,
        poster_tag=None,
        private_key_pem=private_pem,
        public_key_pem=public_pem,
        state=LIVE,
        published_at=floor_to(now, ACTOR_PUBLISHED_GRANULARITY_SECONDS),
        deleted_at=None,
    )
    await local_actors.insert_actor(db, actor)
    return actor


async def ensure_board_actor(db: Db, board: Board, now: datetime) -> LocalActor:
    existing = await local_actors.get_board_actor(db, board.id)
    if existing is not None:
        return existing
    private_pem, public_pem = await _generate_pair()
    actor = LocalActor(
        id=new_id(),
        kind=BOARD,
        username=board.slug,
        display_name=board.title,
        board_id=board.id,
        thread_id=None,
        poster_tag=None,
        private_key_pem=private_pem,
        public_key_pem=public_pem,
        state=LIVE,
        published_at=floor_to(board.created_at, ACTOR_PUBLISHED_GRANULARITY_SECONDS),
        deleted_at=None,
    )
    await local_actors.insert_actor(db, actor)
    return actor


async def ensure_bootstrap_actors(db: Db, now: datetime) -> LocalActor:
    """The instance actor and one actor per board exist; safe to run on every start."""
    instance = await ensure_instance_actor(db, now)
    for board in await list_boards(db):
        await ensure_board_actor(db, board, now)
    return instance


async def assign_thread_actor(
    db: Db, thread_id: str, tag: str, pseudonym: str, key: tuple[str, str] | None, now: datetime
) -> tuple[LocalActor, bool]:
    """The poster's actor in this thread, created with `key` if new. Call inside a transaction.
    Returns the actor and whether `key` was used (an unused key goes back to the pool)."""
    existing = await local_actors.get_thread_actor(db, thread_id, tag)
    if existing is not None and existing.state != DELETED:
        if existing.state == RETIRING:
            await local_actors.update_actor_state(db, existing.id, LIVE)
        return existing, False
    if key is None:
        key = await _generate_pair()
    actor = LocalActor(
        id=new_id(),
        kind=THROWAWAY,
        # Random, unrelated to the id: nothing in one actor's names points at another's.
        username=new_id(),
        display_name=pseudonym,
        board_id=None,
        thread_id=thread_id,
        poster_tag=tag,
        private_key_pem=key[0],
        public_key_pem=key[1],
        state=LIVE,
        published_at=floor_to(now, ACTOR_PUBLISHED_GRANULARITY_SECONDS),
        deleted_at=None,
    )
    await local_actors.insert_actor(db, actor)
    return actor, True


async def return_key(db: Db, key: tuple[str, str], now: datetime) -> None:
    await keypool.insert_keys(db, [key], now)


async def retire_if_unused(db: Db, actor_id: str) -> bool:
    """Mark a throwaway actor `retiring` once it has no notes left; True if it was."""
    actor = await local_actors.get_actor(db, actor_id)
    if actor is None or actor.kind != THROWAWAY or actor.state != LIVE:
        return False
    if await notes.count_live_notes_of_actor(db, actor_id) > 0:
        return False
    if await interactions.count_likes_by_local_actor(db, actor_id) > 0:
        return False
    await local_actors.update_actor_state(db, actor_id, RETIRING)
    return True
