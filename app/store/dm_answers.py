"""A board's answers to posts sent by direct message (issue #13): what a `delete` reply to an
answer deletes, and, while a held post waits, where its approval or removal is answered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.db.engine import Db
from app.db.tables import dm_answers


@dataclass(frozen=True, slots=True)
class Recipient:
    """Whom a direct message goes to: the actor (addressed and mentioned) and its inbox."""

    actor: str
    handle: str
    inbox: str


@dataclass(frozen=True, slots=True)
class DmAnswer:
    id: str
    note_id: str
    sender_check: str
    board_id: str
    notify: Recipient | None
    created_at: datetime


def _answer(row: Mapping[str, Any]) -> DmAnswer:
    notify = None
    if row["notify_actor"] and row["notify_inbox"]:
        notify = Recipient(row["notify_actor"], row["notify_handle"] or "", row["notify_inbox"])
    return DmAnswer(
        id=row["id"],
        note_id=row["note_id"],
        sender_check=row["sender_check"],
        board_id=row["board_id"],
        notify=notify,
        created_at=row["created_at"],
    )


async def insert_answer(db: Db, answer: DmAnswer) -> None:
    notify = answer.notify
    await db.execute(
        dm_answers.insert().values(
            id=answer.id,
            note_id=answer.note_id,
            sender_check=answer.sender_check,
            board_id=answer.board_id,
            notify_actor=notify.actor if notify else None,
            notify_handle=notify.handle if notify else None,
            notify_inbox=notify.inbox if notify else None,
            created_at=answer.created_at,
        )
    )


async def get_answer(db: Db, answer_id: str) -> DmAnswer | None:
    row = await db.fetch_one(sa.select(dm_answers).where(dm_answers.c.id == answer_id))
    return None if row is None else _answer(row)


async def list_waiting_for_decision(db: Db, note_id: str) -> Sequence[DmAnswer]:
    """Answers of a held note whose sender is to hear the moderator's decision."""
    rows = await db.fetch_all(
        sa.select(dm_answers).where(
            dm_answers.c.note_id == note_id, dm_answers.c.notify_inbox.is_not(None)
        )
    )
    return [_answer(row) for row in rows]


async def forget_recipient(db: Db, answer_id: str) -> None:
    """The decision is answered: the row names nobody any more."""
    await db.execute(
        dm_answers.update()
        .where(dm_answers.c.id == answer_id)
        .values(notify_actor=None, notify_handle=None, notify_inbox=None)
    )


async def delete_for_notes(db: Db, note_ids: Sequence[str]) -> None:
    if note_ids:
        await db.execute(dm_answers.delete().where(dm_answers.c.note_id.in_(list(note_ids))))
