"""Inbox step: apply stored, verified activities; each id once, failures kept with their reason."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core.errors import DatabaseUnavailable
from app.core.states import DONE, FAILED, PENDING
from app.db.engine import Db
from app.fedi.inbound import Inbound
from app.store import inbox_items
from federation.errors import FederationError, ParseError

log = logging.getLogger("treehole.receive")

BATCH = 50
MAX_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class Receiver:
    db: Db
    inbound: Inbound
    worker: str

    async def run(self, now: datetime) -> int:
        items = await inbox_items.claim_due(self.db, self.worker, now, BATCH)
        for index, item in enumerate(items):
            try:
                await self.receive(item, now)
            except DatabaseUnavailable:
                await self._put_back(items[index:], now)
                raise
        return len(items)

    async def _put_back(self, items: Sequence[inbox_items.InboxItem], now: datetime) -> None:
        """Items this pass could not apply because the database stopped answering go back as
        they were, due now, if it answers that much; if not, their leases run out and they are
        claimed again. Either way none is lost or counted as a failed attempt."""
        for item in items:
            with contextlib.suppress(DatabaseUnavailable):
                await inbox_items.finish_item(
                    self.db, item.id, self.worker, PENDING, now, None, item.attempts, now
                )

    async def receive(self, item: inbox_items.InboxItem, now: datetime) -> None:
        try:
            outcome = await self.inbound.apply(json.loads(item.payload), now)
        except DatabaseUnavailable:
            raise  # not the item's fault: `run` puts it back
        except ParseError as error:
            # The activity (or a document it names) can never be read: the same bytes fail the
            # same way on every attempt, so settle it now instead of retrying.
            await inbox_items.finish_item(
                self.db, item.id, self.worker, FAILED, now, f"unparseable: {error}",
                item.attempts + 1,
            )  # fmt: skip
            return
        except FederationError as error:
            # A remote fetch failed or a document is unusable: try a few times, then give up.
            attempts = item.attempts + 1
            if attempts >= MAX_ATTEMPTS:
                await inbox_items.finish_item(
                    self.db, item.id, self.worker, FAILED, now, str(error), attempts
                )
            else:
                await inbox_items.finish_item(
                    self.db,
                    item.id,
                    self.worker,
                    PENDING,
                    now,
                    str(error),
                    attempts,
                    run_after=now + timedelta(seconds=30 * 2**attempts),
                )
            return
        except Exception as error:  # loop boundary: record the failure, keep going
            log.exception("inbox item %s failed", item.id)
            await inbox_items.finish_item(
                self.db,
                item.id,
                self.worker,
                FAILED,
                now,
                f"internal: {type(error).__name__}",
                item.attempts + 1,
            )
            return
        log.info("inbox item %s %s: %s", item.id, item.type, outcome)
        await inbox_items.finish_item(self.db, item.id, self.worker, DONE, now, outcome)
