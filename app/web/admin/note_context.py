"""What a moderator needs beside a note to judge it: its board, the thread it is in, the note it
answers, and for a note from another server, that server (with suspend and silence one click
away) and the account."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from app.core.states import DELETED
from app.db.engine import Db
from app.store import boards as board_store
from app.store import notes as note_store
from app.store import remote_actors
from app.store.boards import Board
from app.store.notes import Note
from app.store.remote_actors import RemoteActor


@dataclass(frozen=True, slots=True)
class NoteContext:
    boards: dict[str, Board] = field(default_factory=dict)  # by board id
    parents: dict[str, Note] = field(default_factory=dict)  # by the replying note's id
    roots: dict[str, Note] = field(default_factory=dict)  # by thread id
    authors: dict[str, RemoteActor] = field(default_factory=dict)  # by the remote note's id


async def load_note_context(db: Db, notes: Iterable[Note]) -> NoteContext:
    context = NoteContext(boards={board.id: board for board in await board_store.list_boards(db)})
    for note in notes:
        if note.in_reply_to_id:
            parent = await note_store.get_note(db, note.in_reply_to_id)
            if parent is not None and parent.state != DELETED:
                context.parents[note.id] = parent
        if not note.is_root and note.thread_id not in context.roots:
            root = await note_store.get_note(db, note.thread_id)
            if root is not None:
                context.roots[note.thread_id] = root
        if note.remote_actor_id:
            author = await remote_actors.get_remote_actor(db, note.remote_actor_id)
            if author is not None:
                context.authors[note.id] = author
    return context
