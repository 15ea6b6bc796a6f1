"""The delivery ledger of one note, for its poster: which servers received it and which have
acknowledged its deletion. Servers by domain only; nothing about anyone else."""

from __future__ import annotations

import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.core.errors import Forbidden, NotFound
from app.core.states import CANCELLED, DELIVERED, FAILED, GONE, PENDING
from app.db.engine import Db
from app.notes.posting import hash_token
from app.store import deliveries
from app.store import notes as note_store

NOTE_TYPES = ("Create", "Announce")
DELETE_TYPES = ("Delete", "Undo")
FETCHED = "fetched"


@dataclass(frozen=True, slots=True)
class LedgerLine:
    domain: str
    received: str  # a delivery state, or "fetched" (it only fetched the note)
    deletion: str  # "", "acknowledged", "pending", "failed"


def _summary(states: set[str]) -> str:
    for state in (DELIVERED, PENDING, FAILED, GONE, CANCELLED):
        if state in states:
            return state
    return ""


def build_ledger(rows: Sequence[Mapping[str, Any]]) -> list[LedgerLine]:
    received: dict[str, set[str]] = {}
    deleted: dict[str, set[str]] = {}
    for row in rows:
        bucket = received if row["type"] in NOTE_TYPES else deleted
        if row["type"] in NOTE_TYPES or row["type"] in DELETE_TYPES:
            bucket.setdefault(row["domain"], set()).add(row["state"])
    domains = sorted(set(received) | set(deleted))
    return [
        LedgerLine(
            domain,
            # Never sent the note, but told of its deletion: a server that fetched it because
            # one of its people liked, boosted or replied.
            _summary(received[domain]) if domain in received else FETCHED,
            _summary(deleted.get(domain, set())),
        )
        for domain in domains
    ]


async def ledger_for_poster(db: Db, note_id: str, token: str) -> list[LedgerLine]:
    note = await note_store.get_note(db, note_id)
    if note is None or note.origin != "local":
        raise NotFound("note")
    stored = note.deletion_token_hash
    if not token or stored is None or not hmac.compare_digest(stored, hash_token(token)):
        raise Forbidden("bad_token")
    return build_ledger(await deliveries.ledger_for_note(db, note_id))
