"""Who follows our boards, and the follows our boards sent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from app.core.ids import new_id
from app.core.states import ACCEPTED, FOLLOW_STATES, PENDING
from app.db.engine import Db
from app.db.tables import followers, follows, remote_actors
from app.store.transitions import may_become
from app.store.upsert import insert_ignore


async def insert_follower(
    db: Db,
    local_actor_id: str,
    remote_actor_id: str,
    follow_ap_id: str,
    now: datetime,
    group_aware: bool = False,
) -> None:
    await db.execute(
        insert_ignore(
            db,
            followers,
            {
                "id": new_id(),
                "local_actor_id": local_actor_id,
                "remote_actor_id": remote_actor_id,
                "follow_ap_id": follow_ap_id,
                "created_at": now,
                "group_aware": group_aware,
            },
        )
    )


async def get_group_awareness_of_domain(db: Db, domain: str) -> bool | None:
    """What we learnt of a domain's software from one of its followers, or None if none."""
    value = await db.fetch_val(
        sa.select(followers.c.group_aware)
        .select_from(
            followers.join(remote_actors, followers.c.remote_actor_id == remote_actors.c.id)
        )
        .where(remote_actors.c.domain == domain)
        .limit(1)
    )
    return None if value is None else bool(value)


async def delete_follower(db: Db, local_actor_id: str, remote_actor_id: str) -> None:
    await db.execute(
        followers.delete().where(
            followers.c.local_actor_id == local_actor_id,
            followers.c.remote_actor_id == remote_actor_id,
        )
    )


async def delete_followers_of_remote(db: Db, remote_actor_id: str) -> None:
    await db.execute(followers.delete().where(followers.c.remote_actor_id == remote_actor_id))


async def delete_followers_at_personal_inbox(db: Db, inbox_url: str) -> int:
    """An inbox answered 404/410: drop the follower whose own inbox it is. A shared inbox's
    404/410 removes nobody: it speaks for a whole server, whose users may well still be there
    (a moved endpoint, a proxy's mistake), and Mastodon removes no one for it either."""
    ids = [
        row["id"]
        for row in await db.fetch_all(
            sa.select(remote_actors.c.id).where(remote_actors.c.inbox == inbox_url)
        )
    ]
    if ids:
        await db.execute(followers.delete().where(followers.c.remote_actor_id.in_(ids)))
    return len(ids)


async def count_followers(db: Db, local_actor_id: str) -> int:
    return int(
        await db.fetch_val(
            sa.select(sa.func.count())
            .select_from(followers)
            .where(followers.c.local_actor_id == local_actor_id)
        )
    )


async def list_follower_inboxes(
    db: Db, local_actor_id: str, *, group_aware_only: bool = False
) -> Sequence[str]:
    """One inbox per follower server (shared inbox when offered), never one per follower;
    `group_aware_only`: only followers on servers that read FEP-1b12 group Announces."""
    inbox = sa.func.coalesce(remote_actors.c.shared_inbox, remote_actors.c.inbox)
    query = (
        sa.select(inbox.label("inbox"))
        .select_from(
            followers.join(remote_actors, followers.c.remote_actor_id == remote_actors.c.id)
        )
        .where(followers.c.local_actor_id == local_actor_id, remote_actors.c.blocks_us.is_(False))
        .distinct()
    )
    if group_aware_only:
        query = query.where(followers.c.group_aware.is_(True))
    rows = await db.fetch_all(query)
    return sorted(row["inbox"] for row in rows)


async def is_following_us(db: Db, local_actor_id: str, remote_actor_id: str) -> bool:
    row = await db.fetch_one(
        sa.select(followers.c.id).where(
            followers.c.local_actor_id == local_actor_id,
            followers.c.remote_actor_id == remote_actor_id,
        )
    )
    return row is not None


async def insert_follow(
    db: Db, local_actor_id: str, remote_actor_id: str, follow_ap_id: str, now: datetime
) -> None:
    await db.execute(
        insert_ignore(
            db,
            follows,
            {
                "id": new_id(),
                "local_actor_id": local_actor_id,
                "remote_actor_id": remote_actor_id,
                "follow_ap_id": follow_ap_id,
                "state": PENDING,
                "created_at": now,
            },
        )
    )


async def accept_follow(db: Db, remote_actor_id: str, follow_ap_id: str | None) -> None:
    query = follows.update().where(
        follows.c.remote_actor_id == remote_actor_id,
        may_become(follows.c.state, FOLLOW_STATES, ACCEPTED),
    )
    if follow_ap_id is not None:
        query = query.where(follows.c.follow_ap_id == follow_ap_id)
    await db.execute(query.values(state=ACCEPTED))


async def list_boards_following(db: Db, remote_actor_id: str) -> Sequence[str]:
    """Our board actors that follow `remote_actor_id` (accepted follows only)."""
    rows = await db.fetch_all(
        sa.select(follows.c.local_actor_id).where(
            follows.c.remote_actor_id == remote_actor_id, follows.c.state == ACCEPTED
        )
    )
    return [row["local_actor_id"] for row in rows]
