"""What the database layer's two reaches below `databases`' public API buy (app/db/internals.py):
the compiled-statement cache and, on SQLite, idle connections kept for the next task.

`.venv/bin/python -m bench.statements` (a few minutes; `BENCH_ENGINES=sqlite`, `POSTS`, `READS`,
`ROUNDS` to narrow it). Each variant posts through the `submit` use case (one connection held per
post, as the web's ConnectionPerRequest middleware does) and reads notes by id, on one database
per engine. It reports CPU time of this process per post and per read (process time, not wall
time: the figures hold on a shared machine), median of paired rounds whose order alternates, so
the database's growth over a run weighs on every variant alike.
"""

from __future__ import annotations

import asyncio
import gc
import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from databases.backends.postgres import PostgresBackend, PostgresConnection
from databases.backends.sqlite import SQLiteBackend, SQLiteConnection

from app.core.clock import utcnow
from app.core.urls import Urls
from app.db import internals
from app.db.engine import Db, connect, disconnect
from app.db.statements import StatementCache
from app.moderation.service import Moderator
from app.notes.deps import NoteDeps, PosterLimits
from app.notes.posting import PostPolicy
from app.notes.submission import Draft, Held, Poster, Published
from app.notes.submit import submit
from app.security.ratelimit import Limit
from app.store import boards, notes
from bench import seed
from bench.instance import post_text
from bench.keys import make_keypairs

POSTS = int(os.environ.get("POSTS", "100"))
READS = int(os.environ.get("READS", "2000"))
ROUNDS = int(os.environ.get("ROUNDS", "4"))


class _NoCacheSQLite(internals.CachingSQLiteBackend):
    """Idle connections kept, every statement compiled."""

    def connection(self) -> SQLiteConnection:
        return SQLiteConnection(self._pool, self._dialect)


class _NoReuseSQLite(SQLiteBackend):
    """Statements cached, a new connection whenever a task needs one (`databases`' own pool)."""

    def __init__(self, *args: Any, **options: Any) -> None:
        super().__init__(*args, **options)
        self.statements = StatementCache()

    def connection(self) -> SQLiteConnection:
        return internals._CachingSQLiteConnection(self._pool, self._dialect, self.statements)


class _NoCachePostgres(PostgresBackend):
    def connection(self) -> PostgresConnection:
        return PostgresConnection(self, self._dialect)


# variant name → backend class per engine (None: `databases` as shipped)
VARIANTS: dict[str, dict[str, str | None]] = {
    "as built": {"sqlite": None, "postgresql": None},
    "no statement cache": {"sqlite": "_NoCacheSQLite", "postgresql": "_NoCachePostgres"},
    "no idle connections": {"sqlite": "_NoReuseSQLite"},
    "databases as shipped": {
        "sqlite": "databases.backends.sqlite:SQLiteBackend",
        "postgresql": "databases.backends.postgres:PostgresBackend",
    },
}


@contextmanager
def backend(engine: str, variant: str) -> Iterator[None]:
    """Make `connect` build this variant's backend for the duration."""
    chosen = VARIANTS[variant].get(engine)
    saved = dict(internals.Database.SUPPORTED_BACKENDS)
    if chosen is not None:
        target = chosen if ":" in chosen else f"{__name__}:{chosen}"
        for scheme in ("sqlite",) if engine == "sqlite" else ("postgresql", "postgres"):
            internals.Database.SUPPORTED_BACKENDS[scheme] = target
    try:
        yield
    finally:
        internals.Database.SUPPORTED_BACKENDS.clear()
        internals.Database.SUPPORTED_BACKENDS.update(saved)


def _deps(db: Db) -> NoteDeps:
    unlimited = Limit("post", 10**9, 60)
    return NoteDeps(
        db=db,
        urls=Urls("http://bench.test"),
        moderator=Moderator(db),
        policy=PostPolicy(max_chars=2000, max_ttl=7 * 86400, publish_delay_max=0),
        limits=PosterLimits(unlimited, unlimited, unlimited),
        rng=random.Random(1),
        pow_key="bench-" + "k" * 40,
    )


async def _posts(db: Db, first: int) -> float:
    """CPU ms per post; the first post (models and filters loaded) is not timed."""
    deps = _deps(db)
    board = await boards.get_board_by_slug(db, seed.BOARD)
    assert board is not None
    for number in range(first, first + POSTS + 1):
        if number == first + 1:
            gc.collect()
            start = time.process_time()
        poster = Poster(f"{number:064d}", f"client-{number}")
        async with db.connection():
            outcome = await submit(deps, board, Draft(post_text(number)), poster, None, utcnow())
        assert isinstance(outcome, Published | Held), outcome
    return (time.process_time() - start) / POSTS * 1000


async def _reads(db: Db) -> float:
    """CPU ms per read of one note by id, on one held connection."""
    board = await boards.get_board_by_slug(db, seed.BOARD)
    assert board is not None
    ids = [note.id for note in await notes.list_board_threads(db, board.id, None, 50)]
    gc.collect()
    start = time.process_time()
    async with db.connection():
        for number in range(READS):
            await notes.get_note(db, ids[number % len(ids)])
    return (time.process_time() - start) / READS * 1000


async def _engine(engine: str, scratch: Path, pairs: list[Any]) -> None:
    url = await seed.create_database(engine, scratch)
    try:
        setup = await connect(url)
        await seed.board_and_actor(setup)
        await seed.fill_key_pool(setup, pairs, (POSTS + 1) * ROUNDS * len(VARIANTS) + 10)
        await disconnect(setup)
        names = [name for name, backends in VARIANTS.items() if engine in backends]
        per_post: dict[str, list[float]] = {name: [] for name in names}
        per_read: dict[str, list[float]] = {name: [] for name in names}
        first = 0
        for round_number in range(ROUNDS):
            for name in names if round_number % 2 == 0 else reversed(names):
                with backend(engine, name):
                    db = await connect(url)
                try:
                    per_post[name].append(await _posts(db, first))
                    per_read[name].append(await _reads(db))
                finally:
                    await disconnect(db)
                first += POSTS + 1
    finally:
        await seed.drop_database(url)
    print(f"\n{engine}: CPU ms per post / per read (median of {ROUNDS} paired rounds)")
    for name in names:
        posts, reads = per_post[name], per_read[name]
        print(
            f"  {name:22} {statistics.median(posts):6.2f} / {statistics.median(reads):5.3f}"
            f"   posts {[round(x, 1) for x in posts]}"
        )


async def main() -> None:
    engines = os.environ.get("BENCH_ENGINES", "sqlite,postgresql").split(",")
    if "postgresql" in engines:
        base = seed.postgres_base_url()
        if base is None or not await seed.postgres_reachable(base):
            engines.remove("postgresql")
    pairs = make_keypairs(2)
    with tempfile.TemporaryDirectory() as scratch:
        for engine in engines:
            await _engine(engine, Path(scratch), pairs)


if __name__ == "__main__":
    asyncio.run(main())
