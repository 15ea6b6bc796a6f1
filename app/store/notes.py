"""Notes (local posts, local replies and remote replies), threads, expiry and content purge."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.core.states import DELETED, HELD, LIVE, NOTE_STATES
from app.db.engine import Db
from app.db.tables import moderation_decisions, notes
from app.store.transitions import may_become

LOCAL = "local"
REMOTE = "remote"
ID_MAX_CHARS = 32


@dataclass(frozen=True, slots=True)
class Note:
    id: str
    board_id: str
    thread_id: str
    in_reply_to_id: str | None
    origin: str
    ap_id: str | None
    local_actor_id: str | None
    remote_actor_id: str | None
    pseudonym: str
    is_op: bool
    content: str | None
    content_format: str
    summary: str | None
    url: str | None
    state: str
    deletion_token_hash: str | None
    created_at: datetime
    published_at: datetime
    expires_at: datetime
    federate_after: datetime | None
    deleted_at: datetime | None
    deletion_reason: str | None
    # Codes of automatic content warnings, comma-separated (app/notes/warnings.py).
    warning_labels: str | None = None

    @property
    def is_root(self) -> bool:
        return self.id == self.thread_id


def _note(row: Mapping[str, Any]) -> Note:
    return Note(**{name: row[name] for name in Note.__slots__})


async def insert_note(db: Db, note: Note) -> None:
    await db.execute(notes.insert().values({name: getattr(note, name) for name in Note.__slots__}))


def is_possible_id(value: str) -> bool:
    """Whether `value` could name a row: PostgreSQL refuses NUL in text outright (an error, not
    "no row"), and nothing longer than the column was ever stored."""
    return len(value) <= ID_MAX_CHARS and "\x00" not in value


async def get_note(db: Db, note_id: str) -> Note | None:
    if not is_possible_id(note_id):
        return None
    row = await db.fetch_one(sa.select(notes).where(notes.c.id == note_id))
    return None if row is None else _note(row)


async def get_note_by_ap_id(db: Db, ap_id: str) -> Note | None:
    row = await db.fetch_one(sa.select(notes).where(notes.c.ap_id == ap_id))
    return None if row is None else _note(row)


async def list_thread(db: Db, thread_id: str) -> Sequence[Note]:
    """Live notes of a thread, oldest first (the root first)."""
    rows = await db.fetch_all(
        sa.select(notes)
        .where(notes.c.thread_id == thread_id, notes.c.state == LIVE)
        .order_by(notes.c.created_at, notes.c.id)
    )
    return [_note(row) for row in rows]


async def list_board_threads(
    db: Db, board_id: str, before: tuple[datetime, str] | None, limit: int
) -> Sequence[Note]:
    """Live thread roots of a board, newest first, after a keyset cursor (created_at, id)."""
    query = sa.select(notes).where(
        notes.c.board_id == board_id, notes.c.state == LIVE, notes.c.in_reply_to_id.is_(None)
    )
    if before is not None:
        moment, note_id = before
        query = query.where(
            sa.or_(
                notes.c.created_at < moment,
                sa.and_(notes.c.created_at == moment, notes.c.id < note_id),
            )
        )
    rows = await db.fetch_all(
        query.order_by(notes.c.created_at.desc(), notes.c.id.desc()).limit(limit)
    )
    return [_note(row) for row in rows]


async def count_replies(db: Db, thread_ids: Sequence[str]) -> dict[str, int]:
    if not thread_ids:
        return {}
    rows = await db.fetch_all(
        sa.select(notes.c.thread_id, sa.func.count().label("replies"))
        .where(
            notes.c.thread_id.in_(thread_ids),
            notes.c.state == LIVE,
            notes.c.in_reply_to_id.is_not(None),
        )
        .group_by(notes.c.thread_id)
    )
    return {row["thread_id"]: int(row["replies"]) for row in rows}


async def get_random_live_root(db: Db, pivot: str) -> Note | None:
    """Ids are uniformly random, so the first live root at or after a random pivot is a fair
    pick that needs one index range scan, not a full-table ORDER BY random()."""
    live_roots = sa.select(notes).where(notes.c.state == LIVE, notes.c.in_reply_to_id.is_(None))
    row = await db.fetch_one(live_roots.where(notes.c.id >= pivot).order_by(notes.c.id).limit(1))
    if row is None:
        row = await db.fetch_one(live_roots.order_by(notes.c.id).limit(1))
    return None if row is None else _note(row)


async def list_expired_note_ids(db: Db, now: datetime, limit: int) -> Sequence[str]:
    rows = await db.fetch_all(
        sa.select(notes.c.id)
        .where(notes.c.state.in_((LIVE, HELD)), notes.c.expires_at <= now)
        .order_by(notes.c.expires_at)
        .limit(limit)
    )
    return [row["id"] for row in rows]


async def list_thread_note_ids(db: Db, thread_id: str) -> Sequence[str]:
    """Every note of a thread that still has content."""
    rows = await db.fetch_all(
        sa.select(notes.c.id).where(notes.c.thread_id == thread_id, notes.c.state != DELETED)
    )
    return [row["id"] for row in rows]


async def purge_note(db: Db, note_id: str, reason: str, now: datetime) -> bool:
    """Delete the content, keeping only what a 410 answer needs. True if it had content."""
    purged = await db.fetch_val(
        notes.update()
        .where(notes.c.id == note_id, may_become(notes.c.state, NOTE_STATES, DELETED))
        .values(
            state=DELETED,
            content=None,
            summary=None,
            pseudonym="",
            url=None,
            federate_after=None,
            deleted_at=now,
            deletion_reason=reason,
        )
        .returning(notes.c.id)
    )
    return purged is not None


async def count_live_notes_of_actor(db: Db, local_actor_id: str) -> int:
    return int(
        await db.fetch_val(
            sa.select(sa.func.count())
            .select_from(notes)
            .where(notes.c.local_actor_id == local_actor_id, notes.c.state != DELETED)
        )
    )


async def list_notes_due_for_federation(db: Db, now: datetime, limit: int) -> Sequence[Note]:
    rows = await db.fetch_all(
        sa.select(notes)
        .where(
            notes.c.state == LIVE,
            notes.c.origin == LOCAL,
            notes.c.federate_after.is_not(None),
            notes.c.federate_after <= now,
        )
        .order_by(notes.c.federate_after)
        .limit(limit)
    )
    return [_note(row) for row in rows]


async def mark_federated(db: Db, note_id: str) -> bool:
    """Clear the publication mark; True for the caller that won it (safe with many workers)."""
    won = await db.fetch_val(
        notes.update()
        .where(notes.c.id == note_id, notes.c.state == LIVE, notes.c.federate_after.is_not(None))
        .values(federate_after=None)
        .returning(notes.c.id)
    )
    return won is not None


async def mark_op_if_author(db: Db, note_id: str, op_actor_id: str) -> None:
    """A reply by the thread starter's own actor is marked OP."""
    await db.execute(
        notes.update()
        .where(notes.c.id == note_id, notes.c.local_actor_id == op_actor_id)
        .values(is_op=True)
    )


async def list_remote_participants(db: Db, thread_id: str) -> Sequence[str]:
    """Remote actors (row ids) with a live note in the thread."""
    rows = await db.fetch_all(
        sa.select(notes.c.remote_actor_id)
        .where(
            notes.c.thread_id == thread_id,
            notes.c.state == LIVE,
            notes.c.remote_actor_id.is_not(None),
        )
        .distinct()
    )
    return [row["remote_actor_id"] for row in rows]


async def list_remote_authors_in_thread(db: Db, thread_id: str) -> Sequence[str]:
    """Remote actors (row ids) that wrote in the thread, whether or not their note is still
    there: their servers took part in it and hold copies."""
    rows = await db.fetch_all(
        sa.select(notes.c.remote_actor_id)
        .where(notes.c.thread_id == thread_id, notes.c.remote_actor_id.is_not(None))
        .distinct()
    )
    return [row["remote_actor_id"] for row in rows]


async def list_note_ids_of_remote_actor(db: Db, remote_actor_id: str) -> Sequence[str]:
    rows = await db.fetch_all(
        sa.select(notes.c.id).where(
            notes.c.remote_actor_id == remote_actor_id, notes.c.state != DELETED
        )
    )
    return [row["id"] for row in rows]


async def update_remote_content(db: Db, note_id: str, content: str, summary: str | None) -> None:
    await db.execute(
        notes.update()
        .where(notes.c.id == note_id, notes.c.state != DELETED)
        .values(content=content, summary=summary)
    )


async def count_live_local_notes(db: Db) -> int:
    return int(
        await db.fetch_val(
            sa.select(sa.func.count())
            .select_from(notes)
            .where(notes.c.state == LIVE, notes.c.origin == LOCAL)
        )
    )


async def count_announced_notes(db: Db, board_id: str) -> int:
    return int(
        await db.fetch_val(
            sa.select(sa.func.count())
            .select_from(notes)
            .where(
                notes.c.board_id == board_id,
                notes.c.state == LIVE,
                notes.c.origin == LOCAL,
                notes.c.federate_after.is_(None),
            )
        )
    )


async def list_held_notes(db: Db, limit: int, first_reason: str | None = None) -> Sequence[Note]:
    """Notes waiting for a moderator, local and remote, newest first; those held with
    `first_reason` (a moderation decision's reason) before all others."""
    flagged = (
        sa.exists()
        .where(
            moderation_decisions.c.subject_id == notes.c.id,
            moderation_decisions.c.action == "hold",
            moderation_decisions.c.reason == first_reason,
        )
        .correlate(notes)
    )
    # NOT EXISTS is false, so sorts first, for the flagged ones (on both engines).
    first = [sa.not_(flagged)] if first_reason is not None else []
    rows = await db.fetch_all(
        sa.select(notes)
        .where(notes.c.state == HELD)
        .order_by(*first, notes.c.created_at.desc(), notes.c.id.desc())
        .limit(limit)
    )
    return [_note(row) for row in rows]


async def count_board_notes_since(db: Db, board_id: str, since: datetime) -> int:
    """Notes written on a board since `since`, whatever became of them."""
    return int(
        await db.fetch_val(
            sa.select(sa.func.count())
            .select_from(notes)
            .where(notes.c.board_id == board_id, notes.c.created_at >= since)
        )
    )


async def count_held_notes(db: Db) -> int:
    return int(
        await db.fetch_val(
            sa.select(sa.func.count()).select_from(notes).where(notes.c.state == HELD)
        )
    )


async def approve_held_note(db: Db, note_id: str, federate_after: datetime | None) -> bool:
    """Make a held note live (local ones marked for federation); True if it was held."""
    if not is_possible_id(note_id):
        return False
    approved = await db.fetch_val(
        notes.update()
        .where(notes.c.id == note_id, may_become(notes.c.state, NOTE_STATES, LIVE))
        .values(state=LIVE, federate_after=federate_after)
        .returning(notes.c.id)
    )
    return approved is not None


async def list_board_thread_ids(db: Db, board_id: str) -> Sequence[str]:
    """Roots of the board's threads that still have content."""
    rows = await db.fetch_all(
        sa.select(notes.c.id).where(
            notes.c.board_id == board_id,
            notes.c.in_reply_to_id.is_(None),
            notes.c.state != DELETED,
        )
    )
    return [row["id"] for row in rows]


async def list_live_notes_containing(db: Db, needle: str, limit: int) -> Sequence[Note]:
    """Live notes whose text contains `needle` (case folded), newest first: the candidates of a
    tag page, which the caller narrows to notes that really carry the tag."""
    rows = await db.fetch_all(
        sa.select(notes)
        .where(
            notes.c.state == LIVE,
            sa.func.lower(notes.c.content).contains(needle.lower(), autoescape=True),
        )
        .order_by(notes.c.created_at.desc(), notes.c.id.desc())
        .limit(limit)
    )
    return [_note(row) for row in rows]
