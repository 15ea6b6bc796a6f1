"""Group commit for the inbox: accepted activities from concurrent requests are stored together,
one transaction for all that arrived while the previous one was committing.

Each request waits for the commit that holds its row, so "stored, then 202" still holds: a row is
never answered before it is durable, and a crash loses only rows nobody was told about. Under no
load a batch is one row and nothing waits for a timer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from app.core.errors import DatabaseUnavailable
from app.db.engine import Db
from app.store import inbox_items
from app.store.inbox_items import NewItem

log = logging.getLogger("treehole.intake")

MAX_BATCH = 500


class InboxUnavailable(Exception):
    """The item could not be stored (the database failed): the sender should retry later."""


@dataclass(slots=True)
class InboxWriter:
    """Runs (`run`) for the life of the web app; `store` is what requests call. Not running (a
    process without the lifespan, or after shutdown), `store` writes the row itself."""

    db: Db
    max_batch: int = MAX_BATCH
    _waiting: list[tuple[NewItem, asyncio.Future[None]]] = field(default_factory=list)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _running: bool = False
    _stopping: bool = False

    async def store(self, item: NewItem) -> None:
        """Return once `item` is committed (or was already stored); `InboxUnavailable` if not."""
        if not self._running:
            await self._commit_alone(item)
            return
        done = asyncio.get_running_loop().create_future()
        self._waiting.append((item, done))
        self._wake.set()
        await done

    async def run(self) -> None:
        """Commit waiting rows until `stop`; everything accepted before `stop` is committed."""
        self._running = True
        try:
            while await self._rows_waiting():
                try:
                    # One connection held across batches: no pool round trip (and, on
                    # PostgreSQL, no connection reset) per batch. A fresh one after a failure.
                    async with self.db.connection():
                        await self._commit_while_healthy()
                except DatabaseUnavailable as error:  # the waiting rows get 503
                    log.warning("the inbox writer has no database connection (%s)", error)
                    self._fail_waiting("no database connection")
                except Exception:  # loop boundary: the waiting rows get 503
                    log.exception("the inbox writer failed")
                    self._fail_waiting("intake failed")
        finally:
            # Rows still waiting here were not stored (this task was cancelled).
            self._running = False
            self._fail_waiting("intake stopped")

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    @property
    def accepting(self) -> bool:
        """Running and not stopping: what `/readyz` reports."""
        return self._running and not self._stopping

    async def _rows_waiting(self) -> bool:
        """Wait for rows; False once stopping with none left."""
        while not self._waiting:
            if self._stopping:
                return False
            await self._wake.wait()
            self._wake.clear()
        return True

    async def _commit_while_healthy(self) -> None:
        while await self._rows_waiting():
            batch = self._waiting[: self.max_batch]
            del self._waiting[: self.max_batch]
            if not await self._commit(batch):
                return

    async def _commit(self, batch: Sequence[tuple[NewItem, asyncio.Future[None]]]) -> bool:
        """Store a batch and answer its requests; False if any row failed."""
        try:
            await inbox_items.insert_items(self.db, [item for item, _ in batch])
        except Exception as error:  # loop boundary: the rows' requests get the answer instead
            if isinstance(error, DatabaseUnavailable):
                # Every row would fail the same way: answer them all, and let `run` take a
                # fresh connection for the next batch.
                log.warning("storing inbox items failed: database unavailable (%s)", error)
                _settle(batch, InboxUnavailable("database unavailable"))
                return False
            if len(batch) == 1:
                log.exception("storing an inbox item failed")
                _settle(batch, InboxUnavailable("storing failed"))
                return False
            # One bad row must not fail the others: store them one by one.
            results = [await self._commit([one]) for one in batch]
            return all(results)
        _settle(batch, None)
        return True

    def _fail_waiting(self, reason: str) -> None:
        waiting, self._waiting = self._waiting, []
        _settle(waiting, InboxUnavailable(reason))

    async def _commit_alone(self, item: NewItem) -> None:
        try:
            await inbox_items.insert_items(self.db, [item])
        except DatabaseUnavailable as error:  # the request answers 503; the sender retries
            log.warning("storing an inbox item failed: database unavailable (%s)", error)
            raise InboxUnavailable("database unavailable") from error
        except Exception as error:  # the request answers 503; the sender retries
            log.exception("storing an inbox item failed")
            raise InboxUnavailable("storing failed") from error


def _settle(
    batch: Sequence[tuple[NewItem, asyncio.Future[None]]], error: InboxUnavailable | None
) -> None:
    for _, done in batch:
        if done.done():  # the request went away; its row is stored all the same
            continue
        if error is None:
            done.set_result(None)
        else:
            done.set_exception(error)
