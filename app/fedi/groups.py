"""Boards as FEP-1b12 groups, for Lemmy, Mbin and PieFed: which board an incoming post is made
in, whether it is public, and the board passing its members' activities on to its followers.

A post is made in a board when it names the board in `audience` (Lemmy, Mbin, PieFed) or
addresses it in `to`/`cc` (Mastodon addresses a Group it mentions, with its followers). Public
posts from the board's followers become threads, through moderation like every post (the inbound
service stores them); the board then Announces the member's Create embedded, and the post itself
too, as Lemmy does for Mastodon's sake (LemmyNet/lemmy crates/apub/src/activities/community/
announce.rs). Replies, edits, deletions and likes inside the board are passed on the same way.
A message addressed to the board alone (no public, no followers collection) is a direct message,
which may become an anonymous post (issue #13, app/fedi/direct_messages.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal

from app.core.ids import new_id
from app.core.local_refs import parse_local_url
from app.core.urls import Urls
from app.db.engine import Db
from app.fedi.outbound import enqueue_group_announce, store_and_enqueue
from app.store import followers, local_actors
from app.store import notes as note_store
from app.store.boards import Board, get_board
from app.store.local_actors import LocalActor
from app.store.notes import LOCAL
from federation.builders import build_announce
from federation.parse import IncomingActivity, RemoteNoteDoc
from federation.vocab import PUBLIC

Reach = Literal["public", "direct", "limited"]


def addressed_board(urls: Urls, activity: IncomingActivity, note: RemoteNoteDoc) -> str | None:
    """The slug of the board of ours the post is made in (its `audience`, else the first board
    it is addressed to), or None."""
    audience = [note.audience, _audience_of(activity.raw)]
    for url in (*audience, *note.to, *note.cc, *activity.to, *activity.cc):
        ref = parse_local_url(urls, url)
        if ref is not None and ref.kind == "board":
            return ref.key
    return None


def reach_of(activity: IncomingActivity, note: RemoteNoteDoc) -> Reach:
    """Public (as:Public anywhere in the addressing), limited (a followers collection, which
    every server we know names `.../followers`) or direct (only named actors)."""
    addresses = {*note.to, *note.cc, *activity.to, *activity.cc}
    if PUBLIC in addresses:
        return "public"
    if any(address.rstrip("/").endswith("/followers") for address in addresses):
        return "limited"
    return "direct"


def mentions_board(note: dict[str, Any], board_url: str) -> bool:
    """Whether the note carries a `Mention` tag of the board (how microblogs mention a board)."""
    tags = note.get("tag")
    tags = tags if isinstance(tags, list) else [tags]
    return any(
        isinstance(tag, dict) and tag.get("type") == "Mention" and tag.get("href") == board_url
        for tag in tags
    )


def _audience_of(raw: dict[str, Any]) -> str | None:
    audience = raw.get("audience")
    return audience if isinstance(audience, str) else None


async def is_member(db: Db, board_id: str, remote_actor_id: str) -> bool:
    """Whether the remote actor follows the board (who may start threads in it)."""
    board_actor = await local_actors.get_board_actor(db, board_id)
    if board_actor is None:
        return False
    return await followers.is_following_us(db, board_actor.id, remote_actor_id)


async def pass_on(
    db: Db,
    urls: Urls,
    board_id: str,
    activity: dict[str, Any],
    note_id: str | None,
    now: datetime,
    *,
    post_ids: Iterable[str] = (),
) -> bool:
    """The board Announces a member's activity to its followers (FEP-1b12); for a new post,
    also the post itself by id (`post_ids`), which microblogs show as a boost. Call inside a
    transaction."""
    board = await get_board(db, board_id)
    board_actor = await local_actors.get_board_actor(db, board_id)
    if board is None or board_actor is None:
        return False
    passed = await enqueue_group_announce(db, urls, board, board_actor, activity, note_id, now)
    for post_id in post_ids:
        await _boost(db, urls, board, board_actor, post_id, note_id, now)
    return passed


async def boost_approved_post(db: Db, urls: Urls, note_id: str, now: datetime) -> bool:
    """A post made in the board that waited for review goes out once approved: the board boosts
    it by id to every follower. (The member's own Create was not kept while it waited, so group
    servers get the boost too rather than the embedded Create.) Call inside a transaction."""
    note = await note_store.get_note(db, note_id)
    if note is None or note.origin == LOCAL or note.ap_id is None or note.id != note.thread_id:
        return False
    board = await get_board(db, note.board_id)
    board_actor = await local_actors.get_board_actor(db, note.board_id)
    if board is None or board_actor is None:
        return False
    return await _boost(db, urls, board, board_actor, note.ap_id, note.id, now)


async def _boost(
    db: Db,
    urls: Urls,
    board: Board,
    board_actor: LocalActor,
    post_id: str,
    note_id: str | None,
    now: datetime,
) -> bool:
    inboxes = await followers.list_follower_inboxes(db, board_actor.id)
    if not inboxes:
        return False
    announce_id = new_id()
    announce = build_announce(
        activity_id=urls.activity(announce_id),
        actor=urls.board(board.slug),
        note_id=post_id,
        followers=urls.board_followers(board.slug),
        published=now,
    )
    await store_and_enqueue(db, urls, announce_id, announce, board_actor, note_id, inboxes, now)
    return True
