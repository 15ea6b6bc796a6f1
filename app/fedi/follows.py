"""Follows of our actors: a board accepts (or, locked, rejects all but its followers), the
things that cannot be followed (throwaway authors, the instance actor) answer Reject.

A follower's server is asked once whether it speaks FEP-1b12 (docs/decisions/0008).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from app.core.local_refs import parse_local_url
from app.core.urls import Urls
from app.db.engine import Db
from app.fedi.outbound import enqueue_follow_answer
from app.fedi.remote import RemoteFetcher
from app.store import followers, local_actors
from app.store.boards import Board
from app.store.local_actors import BOARD
from app.store.remote_actors import RemoteActor
from federation.parse import IncomingActivity


class Inbound(Protocol):
    """What the follow handlers use of the inbound service (app/fedi/inbound.py)."""

    @property
    def db(self) -> Db: ...

    @property
    def urls(self) -> Urls: ...

    @property
    def fetcher(self) -> RemoteFetcher: ...

    async def board_of_actor_url(self, url: str | None) -> Board | None: ...


async def on_follow(
    ctx: Inbound, activity: IncomingActivity, sender: RemoteActor, now: datetime
) -> str:
    ref = parse_local_url(ctx.urls, activity.object_id)
    if ref is not None and ref.kind in ("actor", "instance"):
        return await _reject_unfollowable(ctx, ref.kind, ref.key, activity, sender, now)
    board = await ctx.board_of_actor_url(activity.object_id)
    board_actor = None if board is None else await local_actors.get_board_actor(ctx.db, board.id)
    if board is None or board_actor is None:
        return "follow of something that cannot be followed: ignored"
    group_aware = await ctx.fetcher.is_group_software(sender.ap_id)
    async with ctx.db.transaction():
        # A follower following again (a lost Accept, a migration) is accepted again even on a
        # locked board: a Reject would make Mastodon drop the follow (activity/reject.rb).
        already = await followers.is_following_us(ctx.db, board_actor.id, sender.id)
        accept = not board.locked or already
        if accept:
            await followers.insert_follower(
                ctx.db, board_actor.id, sender.id, activity.id, now, group_aware
            )
        await enqueue_follow_answer(
            ctx.db, ctx.urls, ctx.urls.board(board.slug), board_actor, activity.raw,
            sender.inbox, accept, now,
        )  # fmt: skip
    if not accept:
        return "follow rejected (locked board)"
    return "follow accepted again" if already else "follow accepted"


async def _reject_unfollowable(
    ctx: Inbound,
    kind: str,
    key: str,
    activity: IncomingActivity,
    sender: RemoteActor,
    now: datetime,
) -> str:
    """Throwaway authors and the instance actor cannot be followed: they answer Reject, or the
    follow would stay "requested" forever on the follower's server."""
    if kind == "instance":
        actor = await local_actors.get_instance_actor(ctx.db)
        url = ctx.urls.instance_actor()
    else:
        actor = await local_actors.get_actor(ctx.db, key)
        url = ctx.urls.actor(key)
    if actor is None or actor.kind == BOARD or actor.private_key_pem is None:
        return "follow of an actor that is gone: ignored"
    async with ctx.db.transaction():
        await enqueue_follow_answer(
            ctx.db, ctx.urls, url, actor, activity.raw, sender.inbox, False, now
        )
    return "follow of an actor that cannot be followed: rejected"
