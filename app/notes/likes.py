"""Anonymous likes: made by the poster's throwaway actor of that thread, so a like links to
nothing outside the thread. A like of a remote reply is sent to its author's server."""

from __future__ import annotations

from datetime import datetime

from app.core.errors import RateLimited
from app.core.ids import new_id
from app.core.urls import Urls
from app.db.engine import Db
from app.fedi import groups
from app.fedi.outbound import store_and_enqueue
from app.notes import actors
from app.notes.deps import NoteDeps
from app.notes.posting import live_note
from app.notes.pseudonyms import poster_tag, pseudonym_for
from app.notes.submission import Liked, OverLimit, Poster
from app.security.ratelimit import enforce_limit
from app.store import interactions, remote_actors
from app.store import local_actors as local_store
from app.store.boards import get_board
from app.store.notes import REMOTE, Note
from federation.builders import build_like


async def like(deps: NoteDeps, note_id: str, poster: Poster, now: datetime) -> Liked | OverLimit:
    """The use case: like a live note (`NotFound`/`Gone` if there is none), rate limited per
    poster like posts."""
    try:
        await enforce_limit(deps.db, deps.limits.like, poster.rate_key, now)
    except RateLimited as limited:
        return OverLimit(limited.retry_after)
    note = await live_note(deps.db, note_id)
    first = await _like(deps.db, deps.urls, note, poster.secret, now)
    return Liked(note.id, note.thread_id, first)


async def _like(db: Db, urls: Urls, note: Note, poster_secret: str, now: datetime) -> bool:
    """Like `note` by the poster's actor of its thread; False if they had liked it already."""
    tag = poster_tag(poster_secret, note.thread_id)
    board = await get_board(db, note.board_id)
    language = board.language if board is not None else "en"
    existing = await local_store.get_thread_actor(db, note.thread_id, tag)
    key = None if existing else await actors.take_or_generate_key(db)
    activity_id = new_id()
    async with db.transaction():
        actor, used = await actors.assign_thread_actor(
            db, note.thread_id, tag, pseudonym_for(tag, language), key, now
        )
        if key is not None and not used:
            await actors.return_key(db, key, now)
        like_url = urls.activity(activity_id)
        if not await interactions.insert_local_like(db, like_url, note.id, actor.id, now):
            return False
        author = None
        if note.remote_actor_id is not None:
            author = await remote_actors.get_remote_actor(db, note.remote_actor_id)
        like = build_like(
            activity_id=like_url,
            actor=urls.actor(actor.id),
            object_id=note.ap_id if note.origin == REMOTE and note.ap_id else urls.note(note.id),
        )
        if author is not None and note.ap_id and not author.blocks_us:
            await store_and_enqueue(
                db, urls, activity_id, like, actor, note.id, [author.inbox], now
            )
        # Votes in a group are passed on by the group (FEP-1b12), to the servers that read them.
        await groups.pass_on(db, urls, note.board_id, like, None, now)
    return True
