"""Helpers for delivery tests against the fake inbox: follow a board over the real inbox, let the
fake trust our keys, run one delivery pass at an injected time, read delivery rows."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from app.db.engine import Db
from app.db.tables import activities, deliveries, local_actors
from app.fedi.documents import key_id
from app.fedi.outbound import enqueue_key_rotation
from app.services import Services
from app.store.boards import get_board, get_board_by_slug
from app.store.local_actors import get_actor, get_board_actor
from app.workers.deliver import Deliverer
from federation.client import SafeClient
from federation.keys import generate_rsa_keypair
from federation.offload import Offload, run_inline
from tests.support.app_client import RunningApp
from tests.support.fake_inbox import FakeInbox


async def trust_our_keys(services: Services, fake: FakeInbox) -> None:
    """Tell the fake every public key of ours (it cannot reach the in-process instance)."""
    for row in await services.db.fetch_all(sa.select(local_actors.c.id)):
        actor = await get_actor(services.db, row["id"])
        if actor is None or not actor.public_key_pem:
            continue
        board = await get_board(services.db, actor.board_id) if actor.board_id else None
        fake.trust(key_id(services.urls, actor, board), actor.public_key_pem)


async def rotate_board_key(services: Services, slug: str = "main") -> bool:
    """Give the board a new key: an Update carrying it, signed with the old one, is queued
    (False, and nothing done, while a previous rotation is still being delivered)."""
    db = services.db
    board = await get_board_by_slug(db, slug)
    assert board is not None
    actor = await get_board_actor(db, board.id)
    assert actor is not None
    new_key = generate_rsa_keypair()
    return await enqueue_key_rotation(
        db, services.urls, services.settings.domain, board, actor,
        (new_key.private_pem, new_key.public_pem),
    )  # fmt: skip


async def follow_board(
    instance: RunningApp,
    fake: FakeInbox,
    name: str,
    *,
    shared_inbox: bool = True,
    board: str = "main",
    serial: str = "1",
) -> None:
    """Actor `name` of the fake sends a signed Follow to the board's inbox (not yet applied)."""
    urls = instance.services.urls
    fake.add_actor(name, shared_inbox=shared_inbox)
    inbox = urls.board_inbox(board)
    body, headers = fake.signed_post(name, inbox, fake.follow(name, urls.board(board), serial))
    answer = await instance.client.post(inbox, content=body, headers=headers)
    assert answer.status_code == 202, answer.text


async def run_worker(instance: RunningApp, fake: FakeInbox, now: datetime | None = None) -> int:
    """One worker pass (publish, receive, deliver) at `now`, the fake trusting our keys."""
    await trust_our_keys(instance.services, fake)
    return await instance.worker.run_once(now=now, force=True)


def deliverer(
    services: Services,
    name: str,
    *,
    db: Db | None = None,
    client: SafeClient | None = None,
    sign_on: Offload = run_inline,
    **options: Any,
) -> Deliverer:
    """A delivery step alone (no periodic jobs), with reproducible jitter; `options` are other
    Deliverer fields (clock, per_domain, heartbeat_seconds)."""
    return Deliverer(
        db or services.db,
        client or services.fetcher.client,
        services.urls,
        name,
        rng=random.Random(7),
        sign_on=sign_on,
        **options,
    )


async def delivery_rows(db: Db, activity_type: str | None = None) -> Sequence[Mapping[str, Any]]:
    query = (
        sa.select(deliveries, activities.c.type, activities.c.payload)
        .select_from(deliveries.join(activities, deliveries.c.activity_id == activities.c.id))
        .order_by(deliveries.c.id)
    )
    if activity_type is not None:
        query = query.where(activities.c.type == activity_type)
    return await db.fetch_all(query)


async def one_row(
    db: Db, activity_type: str, inbox_url: str, note_id: str | None = None
) -> Mapping[str, Any]:
    rows = [
        r
        for r in await delivery_rows(db, activity_type)
        if r["inbox_url"] == inbox_url and (note_id is None or r["note_id"] == note_id)
    ]
    assert len(rows) == 1, rows
    return rows[0]


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
