"""Anonymous likes from the web: made by the poster's throwaway actor of that thread, so a like
links to nothing outside the thread. A like of a remote reply is sent to its author's server."""

from __future__ import annotations

from datetime import datetime

from app.core.errors import Gone, NotFound
from app.core.ids import new_id
from app.core.urls import Urls
from app.db.engine import Db
from app.fedi.outbound import store_and_enqueue
from app.notes import actors
from app.notes.pseudonyms import poster_tag, pseudonym_for
from app.store import interactions, remote_actors
from app.store import local_actors as local_store
from app.store import notes as note_store
from federation.builders import build_like


async def like_note(
    db: Db, urls: Urls, note_id: str, poster_secret: str | None, now: datetime
) -> bool:
    """Like a live note; False if this poster had liked it already."""
    note = await note_store.get_note(db, note_id)
    if note is None or note.state == "held":
        raise NotFound("note")
    if note.state == "deleted":
        raise Gone("gone")
    tag = poster_tag(poster_secret, note.thread_id)
    existing = await local_store.get_thread_actor(db, note.thread_id, tag)
    key = None if existing else await actors.take_or_generate_key(db)
    activity_id = new_id()
    async with db.transaction():
        actor, used = await actors.assign_thread_actor(
            db, note.thread_id, tag, pseudonym_for(tag), key, now
        )
        if key is not None and not used:
            await actors.return_key(db, key, now)
        like_url = urls.activity(activity_id)
        if not await interactions.insert_local_like(db, like_url, note.id, actor.id, now):
            return False
        author = None
        if note.remote_actor_id is not None:
            author = await remote_actors.get_remote_actor(db, note.remote_actor_id)
        if author is not None and note.ap_id and not author.blocks_us:
            like = build_like(
                activity_id=like_url, actor=urls.actor(actor.id), object_id=note.ap_id
            )
            await store_and_enqueue(
                db, urls, activity_id, like, actor, note.id, [author.inbox], now
            )
    return True
