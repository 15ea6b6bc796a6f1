"""Fresh databases for the benchmarks, migrated and seeded directly (no HTTP).

SQLite: a file in the run's scratch folder. PostgreSQL (BENCH_DATABASE_URL, else
TEST_DATABASE_URL): a database of its own per run (`<name>_bench_<pid>_<n>`), dropped afterwards,
so the benchmarks never meet a test session's data.
"""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

import asyncpg

from app.core.clock import utcnow
from app.core.ids import new_id
from app.db.engine import Db, connect, disconnect
from app.db.migrate import upgrade_to_head
from app.db.tables import followers, key_pool, notes, remote_actors
from app.notes.actors import ensure_bootstrap_actors
from app.store import followers as follower_store
from app.store import local_actors
from app.store import remote_actors as remote_store
from app.store.boards import Board, get_board_by_slug
from app.store.local_actors import LocalActor
from app.store.remote_actors import RemoteActor
from bench.activities import FakeActor
from federation.keys import KeyPair

BOARD = "main"
BULK = 1000
_numbers = itertools.count(1)


def postgres_base_url() -> str | None:
    for name in ("BENCH_DATABASE_URL", "TEST_DATABASE_URL"):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None


def _dsn(url: str) -> str:
    return url.split("?", 1)[0].replace("postgresql+asyncpg://", "postgresql://")


async def postgres_reachable(url: str) -> bool:
    try:
        connection = await asyncio.wait_for(asyncpg.connect(_dsn(url)), 5)
    except Exception:  # any failure means "skip PostgreSQL"; the run says so
        return False
    await connection.close()
    return True


async def create_database(engine: str, scratch: Path) -> str:
    """A new, migrated database; returns its Treehole URL."""
    number = next(_numbers)
    if engine == "sqlite":
        url = f"sqlite:///{scratch / f'bench-{number}.db'}"
    else:
        base = postgres_base_url()
        assert base is not None
        head, _, query = base.partition("?")
        root, _, name = head.rpartition("/")
        database = f"{name}_bench_{os.getpid()}_{number}"
        admin = await asyncpg.connect(_dsn(base))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{database}"')
        finally:
            await admin.close()
        url = f"{root}/{database}" + (f"?{query}" if query else "")
    await asyncio.to_thread(upgrade_to_head, url)
    return url


async def drop_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    base = postgres_base_url()
    assert base is not None
    database = _dsn(url).rpartition("/")[2]
    admin = await asyncpg.connect(_dsn(base))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        await admin.close()


async def board_and_actor(db: Db) -> tuple[Board, LocalActor]:
    await ensure_bootstrap_actors(db, utcnow())
    board = await get_board_by_slug(db, BOARD)
    assert board is not None, "the migration seeds the main board"
    actor = await local_actors.get_board_actor(db, board.id)
    assert actor is not None
    return board, actor


def remote_actor(number: int, inbox: str, key: FakeActor | None = None) -> RemoteActor:
    host = inbox.split("/")[2]
    ap_id = key.ap_id if key else f"http://{host}/users/follower{number}"
    values: dict[str, object] = {
        "id": new_id(),
        "ap_id": ap_id,
        "domain": host.split(":")[0],
        "preferred_username": f"follower{number}",
        "name": None,
        "url": None,
        "inbox": f"{ap_id}/inbox",
        "shared_inbox": inbox,
        "key_id": key.key_id if key else f"{ap_id}#main-key",
        "public_key_pem": key.public_pem if key else None,
        "blocks_us": False,
        "fetched_at": utcnow(),
    }
    # Moderation flags (suspended, silenced, …) are all off for these actors.
    flags = {name: False for name in RemoteActor.__slots__ if name not in values}
    return RemoteActor(**values, **flags)  # type: ignore[arg-type]


async def add_followers_with_store(db: Db, board_actor: LocalActor, inboxes: Sequence[str]) -> None:
    """Remote actors and their follows through the store functions (as the inbox would)."""
    now = utcnow()
    async with db.connection():
        for number, inbox in enumerate(inboxes):
            actor = await remote_store.upsert_remote_actor(db, remote_actor(number, inbox))
            await follower_store.insert_follower(
                db, board_actor.id, actor.id, f"{actor.ap_id}/follows/1", now
            )


async def add_followers_bulk(
    db: Db, board_actor: LocalActor, count: int, inbox_for: Callable[[int], str]
) -> None:
    """Many followers at once (same rows as `add_followers_with_store`, batched)."""
    now = utcnow()
    for start in range(0, count, BULK):
        actors = [remote_actor(n, inbox_for(n)) for n in range(start, min(count, start + BULK))]
        async with db.transaction():
            await db.execute_many(
                remote_actors.insert(),
                [{n: getattr(a, n) for n in RemoteActor.__slots__} for a in actors],
            )
            await db.execute_many(
                followers.insert(),
                [
                    {
                        "id": new_id(),
                        "local_actor_id": board_actor.id,
                        "remote_actor_id": a.id,
                        "follow_ap_id": f"{a.ap_id}/follows/1",
                        "created_at": now,
                    }
                    for a in actors
                ],
            )


async def add_notes_bulk(db: Db, board: Board, author: LocalActor, count: int) -> None:
    """Live, already-federated threads on the board."""
    now = utcnow()
    for start in range(0, count, BULK):
        rows = []
        for _ in range(start, min(count, start + BULK)):
            note_id = new_id()
            rows.append(
                {
                    "id": note_id,
                    "board_id": board.id,
                    "thread_id": note_id,
                    "in_reply_to_id": None,
                    "origin": "local",
                    "ap_id": None,
                    "local_actor_id": author.id,
                    "remote_actor_id": None,
                    "pseudonym": "Seeded Sparrow",
                    "is_op": True,
                    "content": "A seeded note for the growth check. " * 8,
                    "content_format": "text",
                    "summary": None,
                    "url": None,
                    "state": "live",
                    "deletion_token_hash": None,
                    "created_at": now,
                    "published_at": now,
                    "expires_at": now + timedelta(days=7),
                    "federate_after": None,
                    "deleted_at": None,
                    "deletion_reason": None,
                }
            )
        async with db.transaction():
            await db.execute_many(notes.insert(), rows)


async def add_signers(db: Db, signers: Sequence[FakeActor]) -> None:
    """Remote actors whose keys are cached, so the inbox never fetches a key."""
    for number, signer in enumerate(signers):
        host = signer.ap_id.split("/")[2]
        await remote_store.upsert_remote_actor(
            db, remote_actor(number, f"http://{host}/inbox", signer)
        )


async def fill_key_pool(db: Db, pairs: Sequence[KeyPair], count: int) -> None:
    """`count` pool entries cycling over a few real pairs (making thousands would take minutes)."""
    now = utcnow()
    rows = [
        {"private_key_pem": p.private_pem, "public_key_pem": p.public_pem, "created_at": now}
        for p in itertools.islice(itertools.cycle(pairs), count)
    ]
    async with db.transaction():
        await db.execute_many(key_pool.insert(), rows)


async def open_db(url: str) -> Db:
    return await connect(url)


async def close_db(db: Db) -> None:
    await disconnect(db)
