"""The single delete path, used by expiry, the poster's token and moderators.

Deleting a note purges its content at once (the row keeps only what a 410 answer needs). Deleting a
thread's root deletes the whole thread. Authors left with nothing are retired.
"""

from __future__ import annotations

import hmac
from datetime import datetime

from app.core.errors import Gone, NotFound
from app.core.states import DELETED
from app.core.urls import Urls
from app.db.engine import Db
from app.fedi import outbound
from app.notes import actors
from app.notes.deps import NoteDeps
from app.notes.posting import hash_token
from app.notes.submission import Deleted, WrongToken
from app.store import boards as board_store
from app.store import dm_answers, fingerprints, interactions
from app.store import notes as note_store
from app.store.notes import Note

EXPIRED = "expired"
BY_POSTER = "poster"
BY_MODERATOR = "moderator"
BY_REMOTE = "remote"


async def delete_note(db: Db, urls: Urls, note_id: str, reason: str, now: datetime) -> list[Note]:
    """Purge a note (its whole thread, if it is a root) and queue the Deletes that tell every
    server that was meant to get it; returns the notes as they were before."""
    note = await note_store.get_note(db, note_id)
    if note is None or note.state == DELETED:
        return []
    ids = await note_store.list_thread_note_ids(db, note.id) if note.is_root else [note.id]
    purged: list[Note] = []
    likers = await interactions.list_local_likers(db, ids)
    async with db.transaction():
        for each_id in ids:
            before = await note_store.get_note(db, each_id)
            if before is None or not await note_store.purge_note(db, each_id, reason, now):
                continue
            # Before its likes and boosts go: their servers get the Delete too.
            await outbound.enqueue_note_deletion(db, urls, before, now)
            await interactions.delete_for_note(db, each_id)
            purged.append(before)
        await fingerprints.delete_for_subjects(db, [note.id for note in purged])
        await dm_answers.delete_for_notes(db, [note.id for note in purged])
        for author in {n.local_actor_id for n in purged if n.local_actor_id} | set(likers):
            await actors.retire_if_unused(db, author)
    return purged


async def delete_by_token(
    deps: NoteDeps, note_id: str, token: str, now: datetime
) -> Deleted | WrongToken:
    """The use case of a poster deleting their own note: the token's hash must match the stored
    one. `NotFound`/`Gone` if there is no such note any more."""
    note = await note_store.get_note(deps.db, note_id)
    if note is None:
        raise NotFound("note")
    if note.state == DELETED:
        raise Gone("note")
    stored = note.deletion_token_hash
    if not token or stored is None or not hmac.compare_digest(stored, hash_token(token)):
        return WrongToken()
    purged = await delete_note(deps.db, deps.urls, note_id, BY_POSTER, now)
    return Deleted(tuple(each.id for each in purged))


async def delete_expired(db: Db, urls: Urls, now: datetime, batch: int = 100) -> int:
    """Delete notes whose time is up; cost follows the number expired, not the table size."""
    count = 0
    for note_id in await note_store.list_expired_note_ids(db, now, batch):
        count += len(await delete_note(db, urls, note_id, EXPIRED, now))
    return count


SELF_DESTRUCT = "self_destruct"


async def self_destruct_quiet_boards(db: Db, urls: Urls, now: datetime) -> int:
    """Boards set to self-destruct after N quiet hours lose every note (federated as deletes)."""
    count = 0
    for board in await board_store.list_boards_due_to_self_destruct(db, now):
        for thread_id in await note_store.list_board_thread_ids(db, board.id):
            count += len(await delete_note(db, urls, thread_id, SELF_DESTRUCT, now))
    return count
