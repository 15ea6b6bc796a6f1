"""Applying verified incoming activities, idempotently (the inbox stored each id once).

One handler per activity type, chosen from a table; each is a short function of the activity,
its (verified) sender and `now`. Unsolicited content is dropped: a Create is kept only when it
replies into one of our threads, or comes from an actor one of our boards follows.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.core.ids import new_id
from app.core.local_refs import parse_local_url
from app.core.states import HELD, LIVE
from app.core.urls import Urls
from app.db.engine import Db
from app.fedi import follows, groups
from app.fedi.direct_messages import DirectDeps, receive_direct_message, refuse_public_mention
from app.fedi.remote import RemoteFetcher
from app.moderation.blocks import is_silenced, is_suspended_host, refuses_reports
from app.moderation.decision import HOLD, PUBLISH_WITH_WARNING, REJECT
from app.moderation.pipeline import Content
from app.moderation.service import Moderator
from app.moderation.service import record as record_moderation
from app.notes import deletion
from app.notes.warnings import encode_labels
from app.store import followers, interactions, local_actors, remote_actors, reports
from app.store import notes as note_store
from app.store.boards import Board, get_board, get_board_by_slug
from app.store.notes import REMOTE, Note
from app.store.remote_actors import RemoteActor
from federation.origin import host_of, same_origin
from federation.parse import (
    NOTE_TYPES,
    IncomingActivity,
    RemoteNoteDoc,
    parse_activity,
    parse_note,
)
from federation.sanitize import links_in, plain_text, sanitize_remote_html

log = logging.getLogger("treehole.inbound")

MAX_REPORT_COMMENT = 1000


@dataclass(frozen=True, slots=True)
class Inbound:
    db: Db
    urls: Urls
    fetcher: RemoteFetcher
    moderator: Moderator
    direct: DirectDeps

    async def apply(self, raw: dict[str, Any], now: datetime) -> str:
        """Apply one activity; returns what happened (for the item's record, no content)."""
        activity = parse_activity(raw)
        # Again, from the database: the inbox door's answers may be a few seconds old
        # (app/fedi/door_cache.py), and a block may have come since the item was stored.
        actor_host = host_of(activity.actor)
        if await is_suspended_host(self.db, actor_host):
            return "sender's domain suspended: dropped"
        sender = await self.fetcher.get_actor(activity.actor)
        key_host = host_of(sender.key_id)
        if sender.suspended or (
            key_host != actor_host and await is_suspended_host(self.db, key_host)
        ):
            return "sender suspended: dropped"
        handler = HANDLERS.get(activity.type)
        if handler is None:
            return f"ignored {activity.type}"
        return await handler(self, activity, sender, now)

    async def local_note(self, url: str | None) -> Note | None:
        """Our note (local, or a remote reply we store) that `url` names."""
        ref = parse_local_url(self.urls, url)
        if ref is not None and ref.kind == "note":
            return await note_store.get_note(self.db, ref.key)
        return await note_store.get_note_by_ap_id(self.db, url) if url else None

    async def board_of_actor_url(self, url: str | None) -> Board | None:
        ref = parse_local_url(self.urls, url)
        if ref is None or ref.kind != "board":
            return None
        return await get_board_by_slug(self.db, ref.key)


async def on_undo(
    ctx: Inbound, activity: IncomingActivity, sender: RemoteActor, now: datetime
) -> str:
    inner_type = activity.object_type
    inner_id = activity.object_id or ""
    if inner_type == "Follow" or inner_type is None:
        target = (activity.object or {}).get("object")
        board = await ctx.board_of_actor_url(target if isinstance(target, str) else None)
        if board is not None:
            board_actor = await local_actors.get_board_actor(ctx.db, board.id)
            if board_actor is not None:
                await followers.delete_follower(ctx.db, board_actor.id, sender.id)
                return "unfollowed"
    if inner_type == "Block":
        await remote_actors.set_blocks_us(ctx.db, sender.id, False)
        return "unblocked"
    await interactions.delete_interaction(ctx.db, inner_id, sender.id)
    return "undone"


async def on_like_or_announce(
    ctx: Inbound, activity: IncomingActivity, sender: RemoteActor, now: datetime
) -> str:
    note = await ctx.local_note(activity.object_id)
    if note is not None and note.state == LIVE:
        kind = interactions.LIKE if activity.type == "Like" else interactions.ANNOUNCE
        async with ctx.db.transaction():
            await interactions.insert_interaction(
                ctx.db, activity.id, kind, note.id, sender.id, now
            )
            if kind == interactions.LIKE:  # votes are passed on (FEP-1b12); boosts are not
                await groups.pass_on(ctx.db, ctx.urls, note.board_id, activity.raw, None, now)
        return f"{kind} counted"
    if activity.type == "Announce" and activity.object_id:
        return await _take_announced(ctx, activity.object_id, sender, now)
    return "interaction with an unknown note: ignored"


async def _take_announced(ctx: Inbound, object_id: str, sender: RemoteActor, now: datetime) -> str:
    """A boost by an actor one of our boards follows brings the note onto that board."""
    boards = await followers.list_boards_following(ctx.db, sender.id)
    if not boards:
        return "announce from an actor we do not follow: ignored"
    document = await ctx.fetcher.fetch_json(object_id)
    note = parse_note(document)
    if note.id != object_id:
        return "announced object's id does not match its URL: ignored"
    author = await ctx.fetcher.get_actor(note.attributed_to)
    return await _store_remote_note(ctx, note, author, boards, now)


async def on_create(
    ctx: Inbound, activity: IncomingActivity, sender: RemoteActor, now: datetime
) -> str:
    if activity.object is None or activity.object_type not in NOTE_TYPES:
        return "create of something other than a note: ignored"
    note = parse_note(activity.object)
    if note.attributed_to != sender.ap_id:
        return "note not attributed to its sender: ignored"
    slug = groups.addressed_board(ctx.urls, activity, note)
    if slug is not None:
        reach = groups.reach_of(activity, note)
        if reach == "direct":
            return await on_direct_message_to_board(ctx, activity, note, sender, slug, now)
        if note.in_reply_to is None:
            return await _post_or_refuse(ctx, activity, note, sender, slug, reach, now)
    return await _store_remote_note(
        ctx, note, sender, await followers.list_boards_following(ctx.db, sender.id), now,
        activity.raw,
    )  # fmt: skip


async def on_direct_message_to_board(
    ctx: Inbound,
    activity: IncomingActivity,
    note: RemoteNoteDoc,
    sender: RemoteActor,
    slug: str,
    now: datetime,
) -> str:
    """A note addressed to a board alone: a direct message, which may become an anonymous post
    (issue #13, app/fedi/direct_messages.py); never a post under the sender's name."""
    board = await get_board_by_slug(ctx.db, slug)
    if board is None:
        return "direct message to a board we do not have: ignored"
    return await receive_direct_message(ctx.direct, board, activity, note, sender, now)


async def _post_or_refuse(
    ctx: Inbound,
    activity: IncomingActivity,
    note: RemoteNoteDoc,
    sender: RemoteActor,
    slug: str,
    reach: groups.Reach,
    now: datetime,
) -> str:
    """A public post made in a board by a follower is a post in it (FEP-1b12); any other note
    that mentions the board, public or for followers, is answered with how to post
    anonymously: the sender's name is on it, so it is never posted as anonymous."""
    board = await get_board_by_slug(ctx.db, slug)
    if board is None:
        return "post to a board we do not have: ignored"
    if reach == "public" and await groups.is_member(ctx.db, board.id, sender.id):
        return await _post_to_board(ctx, activity, note, sender, board, now)
    mentions = groups.mentions_board(activity.object or {}, ctx.urls.board(board.slug))
    if mentions:
        return await refuse_public_mention(ctx.direct, board, activity, sender, now)
    return "post to a board from someone who does not follow it: ignored"


async def _post_to_board(
    ctx: Inbound,
    activity: IncomingActivity,
    note: RemoteNoteDoc,
    author: RemoteActor,
    board: Board,
    now: datetime,
) -> str:
    """A public post made in one of our boards by one of its followers (FEP-1b12): a new
    thread, screened like every post, and passed on to the board's followers once live."""
    if await note_store.get_note_by_ap_id(ctx.db, note.id) is not None:
        return "already stored"
    note_id = new_id()
    expires = now + timedelta(seconds=board.default_ttl)
    async with ctx.db.transaction():
        _, state = await _insert_remote(
            ctx, note, author, board.id, note_id, None, expires, now, note_id
        )
        if state == LIVE:
            await groups.pass_on(
                ctx.db, ctx.urls, board.id, activity.raw, note_id, now, post_ids=[note.id]
            )
    return f"post in the board: {state or 'rejected'}"


async def _store_remote_note(
    ctx: Inbound,
    note: RemoteNoteDoc,
    author: RemoteActor,
    following_boards: list[str] | Any,
    now: datetime,
    create: dict[str, Any] | None = None,
) -> str:
    if await note_store.get_note_by_ap_id(ctx.db, note.id) is not None:
        return "already stored"
    parent = await ctx.local_note(note.in_reply_to)
    if parent is not None and parent.state == LIVE:
        root = await note_store.get_note(ctx.db, parent.thread_id)
        if root is None or root.state != LIVE:
            return "reply to a thread that is gone: ignored"
        async with ctx.db.transaction():
            stored_id, state = await _insert_remote(
                ctx, note, author, root.board_id, root.id, parent.id, root.expires_at, now
            )
            if state == LIVE and create is not None:
                # A comment in the board: its members' servers hear of it from the board.
                await groups.pass_on(ctx.db, ctx.urls, root.board_id, create, stored_id, now)
        return "reply stored"
    if note.in_reply_to is None and following_boards:
        board_actor = await local_actors.get_actor(ctx.db, following_boards[0])
        board = await get_board(ctx.db, board_actor.board_id or "") if board_actor else None
        if board is not None:
            note_id = new_id()
            expires = now + timedelta(seconds=board.default_ttl)
            await _insert_remote(ctx, note, author, board.id, note_id, None, expires, now, note_id)
            return "thread stored"
    return "unsolicited note: ignored"


async def _insert_remote(
    ctx: Inbound,
    doc: RemoteNoteDoc,
    author: RemoteActor,
    board_id: str,
    thread_id: str,
    in_reply_to_id: str | None,
    expires_at: datetime,
    now: datetime,
    note_id: str | None = None,
) -> tuple[str, str | None]:
    """Store a remote note after the same moderation pipeline local posts go through: rejected
    content is dropped (state None), held content waits for a moderator, silenced senders are
    held. Returns the note's id and its state."""
    content_html = sanitize_remote_html(_with_title(doc))
    board = await get_board(ctx.db, board_id)
    stored_id = note_id or new_id()
    links = external_links(content_html, author.ap_id, ctx.urls)
    decision = await ctx.moderator.screen(
        Content(plain_text(content_html), doc.summary, "remote", note_id is not None, links),
        now,
        board=board,
        sender_silenced=await is_silenced(ctx.db, author),
        subject_id=stored_id,
    )
    await record_moderation(ctx.db, stored_id, "remote_note", decision, now)
    if decision.outcome == REJECT:
        return stored_id, None
    state = HELD if decision.outcome == HOLD else LIVE
    summary = (doc.summary or None) and doc.summary[:500]
    labels = None
    if decision.outcome == PUBLISH_WITH_WARNING and not summary:
        # Kept as codes too, so each reader sees the warning in their own language.
        summary, labels = decision.warning, encode_labels(decision.warning_labels)
    handle = f"@{author.preferred_username}@{author.domain}" if author.preferred_username else ""
    await note_store.insert_note(
        ctx.db,
        Note(
            id=stored_id,
            board_id=board_id,
            thread_id=thread_id,
            in_reply_to_id=in_reply_to_id,
            origin=REMOTE,
            ap_id=doc.id,
            local_actor_id=None,
            remote_actor_id=author.id,
            pseudonym=(f"{author.name} {handle}".strip() if author.name else handle)[:100],
            is_op=False,
            content=content_html,
            content_format="html",
            summary=summary,
            url=doc.url or doc.id,
            state=state,
            deletion_token_hash=None,
            created_at=now,
            published_at=min(doc.published or now, now),
            expires_at=expires_at,
            federate_after=None,
            deleted_at=None,
            deletion_reason=None,
            warning_labels=labels,
        ),
    )
    return stored_id, state


def _with_title(doc: RemoteNoteDoc) -> str:
    """A Lemmy or Mbin post's title (`name` of a Page or Article) leads its text."""
    if doc.title is None or doc.type not in ("Page", "Article"):
        return doc.content_html
    return f"<p><strong>{html.escape(doc.title)}</strong></p>{doc.content_html}"


def external_links(content_html: str, sender: str, urls: Urls) -> tuple[str, ...]:
    """The hrefs of sanitised remote HTML that the link policy judges: every link but the
    mentions and hashtags that point at the sender's own server or at us (Mastodon writes
    each `@user` and `#tag` as a link to its own pages)."""
    own = {host_of(sender), host_of(urls.base)} - {None}
    return tuple(
        link.href
        for link in links_in(content_html)
        if not (link.is_mention_or_hashtag and host_of(link.href) in own)
    )


async def on_update(
    ctx: Inbound, activity: IncomingActivity, sender: RemoteActor, now: datetime
) -> str:
    if activity.object_id == sender.ap_id:
        await ctx.fetcher.fetch_actor(sender.ap_id)
        return "actor refreshed"
    if activity.object is None:
        return "update without an object: ignored"
    note = parse_note(activity.object)
    stored = await note_store.get_note_by_ap_id(ctx.db, note.id)
    if stored is None or stored.remote_actor_id != sender.id:
        return "update of a note we do not hold from this sender: ignored"
    async with ctx.db.transaction():
        await note_store.update_remote_content(
            ctx.db, stored.id, sanitize_remote_html(_with_title(note)), note.summary
        )
        if stored.state == LIVE:
            await groups.pass_on(ctx.db, ctx.urls, stored.board_id, activity.raw, stored.id, now)
    return "reply updated"


async def on_delete(
    ctx: Inbound, activity: IncomingActivity, sender: RemoteActor, now: datetime
) -> str:
    if activity.object_id == sender.ap_id:
        for note_id in await note_store.list_note_ids_of_remote_actor(ctx.db, sender.id):
            await deletion.delete_note(ctx.db, ctx.urls, note_id, deletion.BY_REMOTE, now)
        async with ctx.db.transaction():
            await interactions.delete_for_actor(ctx.db, sender.id)
            await followers.delete_followers_of_remote(ctx.db, sender.id)
        return "actor's content removed"
    stored = await note_store.get_note_by_ap_id(ctx.db, activity.object_id or "")
    if stored is None or stored.remote_actor_id != sender.id:
        return "delete of something we do not hold from this sender: ignored"
    await deletion.delete_note(ctx.db, ctx.urls, stored.id, deletion.BY_REMOTE, now)
    async with ctx.db.transaction():
        await groups.pass_on(ctx.db, ctx.urls, stored.board_id, activity.raw, None, now)
    return "reply removed"


async def on_flag(
    ctx: Inbound, activity: IncomingActivity, sender: RemoteActor, now: datetime
) -> str:
    """A report from another server: one per note of ours it names; when it names none, one
    per board or throwaway actor of ours it names (Mastodon sends the account alone when no
    status was picked, app/services/report_service.rb)."""
    if await refuses_reports(ctx.db, sender.domain):
        return "reports from this domain are refused: ignored"
    comment = str(activity.raw.get("content") or "")[:MAX_REPORT_COMMENT]
    named = activity.object_ids or ((activity.object_id,) if activity.object_id else ())
    notes = [note for url in named if (note := await ctx.local_note(url)) is not None]
    for note in notes:
        await reports.insert_report(
            ctx.db, note_id=note.id, source="remote", category="remote", comment=comment,
            now=now, remote_actor_id=sender.id, ap_id=f"{activity.id}#{note.id}",
        )  # fmt: skip
    if notes:
        return f"{len(notes)} report(s) stored"
    stored = 0
    for url in named:
        ref = parse_local_url(ctx.urls, url)
        if ref is None or ref.kind not in ("board", "actor"):
            continue
        await reports.insert_report(
            ctx.db, note_id=None, source="remote", category="remote", comment=comment,
            now=now, remote_actor_id=sender.id, ap_id=f"{activity.id}#{ref.kind}:{ref.key}",
            target_url=url.split("#", 1)[0],
        )  # fmt: skip
        stored += 1
    return f"{stored} report(s) of an account or board stored"


async def on_block(
    ctx: Inbound, activity: IncomingActivity, sender: RemoteActor, now: datetime
) -> str:
    board = await ctx.board_of_actor_url(activity.object_id)
    async with ctx.db.transaction():
        await remote_actors.set_blocks_us(ctx.db, sender.id, True)
        if board is not None:
            board_actor = await local_actors.get_board_actor(ctx.db, board.id)
            if board_actor is not None:
                await followers.delete_follower(ctx.db, board_actor.id, sender.id)
    return "blocked by the sender: nothing more goes there"


async def on_accept(
    ctx: Inbound, activity: IncomingActivity, sender: RemoteActor, now: datetime
) -> str:
    inner = activity.object or {}
    if inner.get("type") not in (None, "Follow") or not same_origin(
        str(inner.get("id") or activity.object_id or ""), ctx.urls.base
    ):
        return "accept of something we did not send: ignored"
    await followers.accept_follow(ctx.db, sender.id, str(inner.get("id") or activity.object_id))
    return "our follow was accepted"


Handler = Callable[[Inbound, IncomingActivity, RemoteActor, datetime], Awaitable[str]]
HANDLERS: dict[str, Handler] = {
    "Follow": follows.on_follow,
    "Undo": on_undo,
    "Like": on_like_or_announce,
    "Announce": on_like_or_announce,
    "Create": on_create,
    "Update": on_update,
    "Delete": on_delete,
    "Flag": on_flag,
    "Block": on_block,
    "Accept": on_accept,
}
