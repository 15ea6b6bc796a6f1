"""What we send, and to whom: every activity is stored, then one delivery row per inbox.

- A new local note: Create by its throwaway author, sent only where it is related (remote
  authors in its thread); Announce by the board, sent to the board's followers (one request per
  shared inbox). Mastodon drops a Create from an author nobody there follows, so the Announce is
  what reaches home feeds.
- A deleted local note: Delete(Tombstone) signed by its author and Undo(Announce) by the board,
  to every inbox that was ever meant to get the note, failing ones included.
- A retired throwaway actor: Delete(actor), once its other deliveries settled.
Nothing here touches the network; the delivery worker does.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from app.core.clock import utcnow
from app.core.ids import new_id
from app.core.states import DELETING, RETIRING
from app.core.urls import Urls
from app.db.engine import Db
from app.fedi.board_profile import BoardProfile
from app.fedi.documents import (
    Mentioned,
    ReplyTarget,
    build_actor_document,
    build_note_document,
)
from app.moderation.blocks import is_suspended_host
from app.store import (
    activities,
    deliveries,
    followers,
    interactions,
    local_actors,
    remote_actors,
)
from app.store import notes as note_store
from app.store.activities import StoredActivity
from app.store.boards import Board, get_board
from app.store.local_actors import LocalActor
from app.store.notes import LOCAL, Note
from federation.builders import (
    activity_size_ok,
    build_accept,
    build_announce,
    build_create,
    build_delete,
    build_delete_actor,
    build_group_announce,
    build_reject,
    build_undo,
    build_update_actor,
)
from federation.origin import host_of
from federation.vocab import AS_CONTEXT

NOTE_TYPES = ("Create", "Announce")
log = logging.getLogger("treehole.outbound")


def serialise(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


async def store_and_enqueue(
    db: Db,
    urls: Urls,
    activity_id: str,
    document: dict[str, Any],
    actor: LocalActor,
    note_id: str | None,
    inboxes: Sequence[str],
    now: datetime,
    signing_key_pem: str | None = None,
) -> bool:
    """Write the activity and its deliveries (never to a suspended domain); call inside the
    caller's transaction. An activity over the size every peer's inbox takes (Misskey: 64 KiB)
    is not written at all: False (logged), so nothing is sent that would only be refused."""
    payload = serialise(document)
    if not activity_size_ok(payload.encode("utf-8")):
        log.warning(
            "activity %s of type %s too large to send: skipped", activity_id, document["type"]
        )
        return False
    await activities.insert_activity(
        db,
        StoredActivity(
            id=activity_id,
            ap_id=document["id"],
            type=document["type"],
            local_actor_id=actor.id,
            note_id=note_id,
            payload=payload,
            signing_key_pem=signing_key_pem,
            created_at=now,
        ),
    )
    await deliveries.enqueue(db, activity_id, note_id, await deliverable(db, inboxes), now)
    return True


async def deliverable(db: Db, inboxes: Sequence[str]) -> list[str]:
    """The inboxes whose server is not suspended (asked once per host, not per inbox: a board's
    followers share few servers)."""
    hosts = {host_of(inbox) for inbox in inboxes}
    suspended = {host for host in hosts if await is_suspended_host(db, host)}
    return [inbox for inbox in inboxes if host_of(inbox) not in suspended]


async def related_inboxes(db: Db, thread_id: str) -> list[str]:
    """Inboxes of remote authors in the thread: a reply is related to them."""
    inboxes: list[str] = []
    for remote_id in await note_store.list_remote_participants(db, thread_id):
        actor = await remote_actors.get_remote_actor(db, remote_id)
        if actor is not None and not actor.blocks_us:
            inboxes.append(actor.delivery_inbox)
    return sorted(set(inboxes))


async def reply_target(db: Db, urls: Urls, note: Note) -> ReplyTarget | None:
    """What a reply points at; for a remote parent, its author too, to be mentioned."""
    if note.in_reply_to_id is None:
        return None
    parent = await note_store.get_note(db, note.in_reply_to_id)
    if parent is None:
        return None
    if parent.origin == LOCAL or parent.ap_id is None:
        return ReplyTarget(urls.note(parent.id))
    author = await remote_actors.get_remote_actor(db, parent.remote_actor_id or "")
    if author is None or not author.preferred_username:
        return ReplyTarget(parent.ap_id)
    # The host as the actor's server names itself (with a port, if any, as WebFinger would).
    handle = f"@{author.preferred_username}@{urlsplit(author.ap_id).netloc.lower()}"
    return ReplyTarget(parent.ap_id, Mentioned(author.ap_id, handle, author.url or author.ap_id))


async def publish_note(db: Db, urls: Urls, note: Note, now: datetime) -> bool:
    """Federate a live local note once (safe with many workers); False if someone else did."""
    board = await get_board(db, note.board_id)
    author = await local_actors.get_actor(db, note.local_actor_id or "")
    board_actor = await local_actors.get_board_actor(db, note.board_id)
    if board is None or author is None or board_actor is None:
        return False
    document = build_note_document(urls, note, author, board, await reply_target(db, urls, note))
    create_id, announce_id = new_id(), new_id()
    create = build_create(
        activity_id=urls.activity(create_id), actor=urls.actor(author.id), note=document
    )
    announce = build_announce(
        activity_id=urls.activity(announce_id),
        actor=urls.board(board.slug),
        note_id=urls.note(note.id),
        followers=urls.board_followers(board.slug),
        published=note.published_at,
    )
    async with db.transaction():
        if not await note_store.mark_federated(db, note.id):
            return False
        related = await related_inboxes(db, note.thread_id)
        audience = await followers.list_follower_inboxes(db, board_actor.id)
        await store_and_enqueue(db, urls, create_id, create, author, note.id, related, now)
        await store_and_enqueue(
            db, urls, announce_id, announce, board_actor, note.id, audience, now
        )
        await enqueue_group_announce(db, urls, board, board_actor, create, note.id, now)
    return True


async def enqueue_group_announce(
    db: Db,
    urls: Urls,
    board: Board,
    board_actor: LocalActor,
    activity: dict[str, Any],
    note_id: str | None,
    now: datetime,
) -> bool:
    """The board Announces one of its members' activities (a Create, Update, Delete or Like
    in it), embedded, as FEP-1b12 groups do, to its followers on servers that read those (the
    others get the Announce of the note, and would only fetch this one to ignore it); call
    inside a transaction. False when it is too large to send or nobody is to get it."""
    inboxes = await followers.list_follower_inboxes(db, board_actor.id, group_aware_only=True)
    if not inboxes:
        return False
    announce_id = new_id()
    announce = build_group_announce(
        activity_id=urls.activity(announce_id),
        group=urls.board(board.slug),
        activity=activity,
        followers=urls.board_followers(board.slug),
        published=now,
    )
    return await store_and_enqueue(
        db, urls, announce_id, announce, board_actor, note_id, inboxes, now
    )


async def publish_due_notes(db: Db, urls: Urls, now: datetime, limit: int = 50) -> int:
    published = 0
    for note in await note_store.list_notes_due_for_federation(db, now, limit):
        published += int(await publish_note(db, urls, note, now))
    return published


async def holders_of_copies(db: Db, note: Note) -> list[str]:
    """Inboxes of remote actors whose servers fetched the note: those that liked or boosted it
    and those that took part in its thread. Mastodon sends its own Deletes to these too
    (app/lib/status_reach_finder.rb: reblogs, favourites, replies, mentions)."""
    actor_ids = {
        *await interactions.list_remote_actors_of_note(db, note.id),
        *await note_store.list_remote_authors_in_thread(db, note.thread_id),
    }
    inboxes = []
    for actor_id in sorted(actor_ids):
        actor = await remote_actors.get_remote_actor(db, actor_id)
        if actor is not None and not actor.blocks_us:
            inboxes.append(actor.delivery_inbox)
    return inboxes


async def enqueue_note_deletion(db: Db, urls: Urls, note: Note, now: datetime) -> None:
    """Tell every server that has or was meant to get a copy of the note that it is gone. Call
    inside the deletion transaction, with the note as it was before its content was purged and
    before its likes and boosts are forgotten."""
    if note.origin != LOCAL:
        return
    sent = await activities.list_note_activities(db, note.id)
    await deliveries.cancel_pending_for_note(db, note.id, NOTE_TYPES)
    await activities.forget_payloads_of_note(db, note.id, NOTE_TYPES)
    if not sent:
        return
    author = await local_actors.get_actor(db, note.local_actor_id or "")
    board_actor = await local_actors.get_board_actor(db, note.board_id)
    board = await get_board(db, note.board_id)
    meant = await deliveries.list_inboxes_for_note(db, note.id, NOTE_TYPES)
    everyone = sorted({*meant, *await holders_of_copies(db, note)})
    if author is not None and everyone:
        delete_id = new_id()
        delete = build_delete(
            activity_id=urls.activity(delete_id),
            actor=urls.actor(author.id),
            object_id=urls.note(note.id),
            former_type="Note",
        )
        await store_and_enqueue(db, urls, delete_id, delete, author, note.id, everyone, now)
        if board_actor is not None and board is not None:
            # Groups that follow FEP-1b12 hear of a member's deletion from the group too. Kept
            # off the note's ledger (note_id None): it is the board passing the Delete on.
            await enqueue_group_announce(db, urls, board, board_actor, delete, None, now)
    # The board's Announce of the note itself (not its FEP-1b12 Announce of the Create).
    announced = [
        a
        for a in sent
        if a.type == "Announce" and isinstance(json.loads(a.payload).get("object"), str)
    ]
    if board_actor is not None and board is not None and announced:
        announce_inboxes = await deliveries.list_inboxes_for_note(db, note.id, ("Announce",))
        undo_id = new_id()
        # The Announce goes in whole (it holds no text of the note): Misskey resolves an Undo's
        # object and fails on a bare id whose document is gone (ApInboxService.ts `undo`).
        undo = build_undo(
            activity_id=urls.activity(undo_id),
            actor=urls.board(board.slug),
            activity=json.loads(announced[0].payload),
        )
        await store_and_enqueue(
            db, urls, undo_id, undo, board_actor, note.id, announce_inboxes, now
        )


async def enqueue_follow_answer(
    db: Db,
    urls: Urls,
    answering: str,
    actor: LocalActor,
    follow: dict[str, Any],
    inbox: str,
    accept: bool,
    now: datetime,
) -> None:
    """Accept or Reject a Follow, by the actor that was followed (`answering` is its URL):
    Mastodon settles the request by the signer and the embedded Follow (activity/accept.rb,
    activity/reject.rb)."""
    answer_id = new_id()
    builder = build_accept if accept else build_reject
    document = builder(activity_id=urls.activity(answer_id), actor=answering, follow=follow)
    await store_and_enqueue(db, urls, answer_id, document, actor, None, [inbox], now)


async def enqueue_follow(
    db: Db,
    urls: Urls,
    board: Board,
    board_actor: LocalActor,
    target: str,
    inbox: str,
    now: datetime,
) -> str:
    """Our board follows a remote actor (e.g. another Treehole board); returns the Follow id."""
    follow_id = new_id()
    document = {
        "@context": AS_CONTEXT,
        "id": urls.activity(follow_id),
        "type": "Follow",
        "actor": urls.board(board.slug),
        "object": target,
    }
    await store_and_enqueue(db, urls, follow_id, document, board_actor, None, [inbox], now)
    return str(document["id"])


async def enqueue_profile_update(
    db: Db, urls: Urls, domain: str, board: Board, actor: LocalActor, profile: BoardProfile
) -> int:
    """Tell the board's followers its new name, description or rules with an Update of its actor
    (Mastodon shows a remote profile from its cache until one arrives or a day passes). Returns
    how many inboxes it goes to."""
    now = utcnow()
    document = build_actor_document(urls, domain, actor, board, profile=profile)
    update_id = new_id()
    update = build_update_actor(
        activity_id=urls.activity(update_id), actor_document=document, published=now
    )
    inboxes = await followers.list_follower_inboxes(db, actor.id)
    if inboxes:
        await store_and_enqueue(db, urls, update_id, update, actor, None, inboxes, now)
    return len(inboxes)


async def enqueue_key_rotation(
    db: Db,
    urls: Urls,
    domain: str,
    board: Board,
    actor: LocalActor,
    new_key: tuple[str, str],
    profile: BoardProfile | None = None,
) -> bool:
    """Replace a board's key and tell followers with an Update signed by the old key, so they
    can verify it and learn the new one (until a server has it, the worker keeps signing what
    goes there with the old key: app/workers/deliver.py). False, and nothing changed, while a
    previous rotation's Update is still being delivered to a server that is not parked as dead:
    its old key is still in use."""
    if await rotation_in_progress(db, actor.id):
        return False
    now = utcnow()
    old_private = actor.private_key_pem
    document = build_actor_document(
        urls, domain, actor, board, public_key_pem=new_key[1], profile=profile
    )
    update_id = new_id()
    update = build_update_actor(
        activity_id=urls.activity(update_id), actor_document=document, published=now
    )
    async with db.transaction():
        await local_actors.update_actor_keys(db, actor.id, new_key[0], new_key[1])
        inboxes = await followers.list_follower_inboxes(db, actor.id)
        # With nobody to tell, nothing is ever signed with the old key: it is not kept.
        old_key = old_private if inboxes else None
        await store_and_enqueue(
            db, urls, update_id, update, actor, None, inboxes, now, signing_key_pem=old_key
        )
    return True


async def rotation_in_progress(db: Db, actor_id: str) -> bool:
    """Whether the actor's latest key rotation still has its Update to deliver somewhere other
    than a domain parked as dead (those get it, old key and all, if they ever come back)."""
    latest = await activities.get_key_rotation(db, actor_id)
    if latest is None:
        return False
    pending = await deliveries.count_pending_by_domain(db, latest.id)
    return bool(set(pending) - await deliveries.list_dead_domains(db, pending))


async def retire_actors(db: Db, urls: Urls, now: datetime, limit: int = 50) -> int:
    """Advance throwaway actors with nothing left: once every Delete they signed has settled,
    send Delete(actor); once that has settled too, destroy the key (the actor then answers 410)."""
    changed = 0
    for actor in await local_actors.list_actors_in_state(db, RETIRING, limit):
        if await deliveries.count_unsettled_for_actor(db, actor.id):
            continue
        inboxes = await deliveries.list_inboxes_for_actor(db, actor.id)
        async with db.transaction():
            if not inboxes:
                await local_actors.mark_actor_deleted(db, actor.id, now)
            else:
                delete_id = new_id()
                document = build_delete_actor(
                    activity_id=urls.activity(delete_id), actor=urls.actor(actor.id)
                )
                await store_and_enqueue(db, urls, delete_id, document, actor, None, inboxes, now)
                await local_actors.update_actor_state(db, actor.id, DELETING)
        changed += 1
    for actor in await local_actors.list_actors_in_state(db, DELETING, limit):
        if await deliveries.count_unsettled_for_actor(db, actor.id) == 0:
            await local_actors.mark_actor_deleted(db, actor.id, now)
            changed += 1
    return changed
