"""Suspending a domain that has followers and stored replies: nothing of it remains and nothing
more reaches it; silencing holds its content; a parent domain's block covers subdomains. Also
the board that self-destructs after N quiet hours."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.blocklists.changes import ChangeActor
from app.blocklists.service import set_manual
from app.core.clock import utcnow
from app.core.ids import new_id
from app.db.tables import boards, deliveries, followers, interactions, notes
from app.moderation.blocks import is_suspended_host
from app.store import followers as follower_store
from app.store import interactions as interaction_store
from app.store import local_actors, remote_actors
from app.store.domain_blocks import BlockValues
from app.store.remote_actors import RemoteActor
from federation.errors import FetchBlocked
from tests.support.app_client import RunningApp
from tests.support.forms import post_note

pytestmark = pytest.mark.anyio
BASE = "http://treehole.test"
ADMIN = ChangeActor("admin", None, "admin: test")


def block(severity: str) -> BlockValues:
    return BlockValues(severity, False, False, "", "", False)


async def remote(instance: RunningApp, domain: str, name: str = "ann") -> RemoteActor:
    actor = RemoteActor(
        id=new_id(), ap_id=f"https://{domain}/users/{name}", domain=domain,
        preferred_username=name, name=name.title(), url=None,
        inbox=f"https://{domain}/users/{name}/inbox", shared_inbox=f"https://{domain}/inbox",
        key_id=f"https://{domain}/users/{name}#main-key", public_key_pem=None, blocks_us=False,
        suspended=False, silenced=False, fetched_at=utcnow(),
    )  # fmt: skip
    return await remote_actors.upsert_remote_actor(instance.services.db, actor)


def reply(actor: RemoteActor, note_url: str, text: str) -> dict[str, object]:
    note_id = f"{actor.ap_id}/statuses/{new_id()}"
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{note_id}/activity", "type": "Create", "actor": actor.ap_id,
        "object": {
            "id": note_id, "type": "Note", "attributedTo": actor.ap_id,
            "content": f"<p>{text}</p>", "inReplyTo": note_url,
        },
    }  # fmt: skip


async def test_suspending_a_domain_removes_everything_of_it(instance: RunningApp) -> None:
    """spec: moderation-suspend-domain"""
    db = instance.services.db
    main_actor = await local_actors.get_actor_by_username(db, "main")
    assert main_actor is not None
    evil = await remote(instance, "evil.example")
    sub = await remote(instance, "a.evil.example", "bob")
    good = await remote(instance, "good.example", "cat")
    now = utcnow()
    for actor in (evil, sub, good):
        await follower_store.insert_follower(db, main_actor.id, actor.id, f"{actor.ap_id}#f", now)
    posted = await post_note(instance.client, "a thread the evil domain replied to")
    note_url = f"{BASE}/n/{posted.note_id}"
    await instance.work()  # federates: Announce deliveries to all three inboxes
    for actor, text in ((evil, "evil words"), (sub, "sub words"), (good, "good words")):
        await instance.services.inbound.apply(reply(actor, note_url, text), now)
    await interaction_store.insert_interaction(
        db, f"{evil.ap_id}#like", "like", posted.note_id, evil.id, now
    )
    pending_before = await db.fetch_all(
        sa.select(deliveries.c.domain, deliveries.c.state).where(
            deliveries.c.domain == "evil.example"
        )
    )
    assert pending_before

    await set_manual(db, instance.services.urls, "Evil.Example.", block("suspend"), ADMIN, now)

    assert await is_suspended_host(db, "evil.example")
    assert await is_suspended_host(db, "a.evil.example")  # the parent's block covers it
    follower_ids = {row["remote_actor_id"] for row in await db.fetch_all(sa.select(followers))}
    assert follower_ids == {good.id}
    texts = {row["content"] for row in await db.fetch_all(sa.select(notes.c.content))}
    assert "<p>good words</p>" in texts
    assert not any(t and ("evil words" in t or "sub words" in t) for t in texts)
    assert not await db.fetch_all(
        sa.select(interactions).where(interactions.c.remote_actor_id == evil.id)
    )
    states = {
        row["state"]
        for row in await db.fetch_all(
            sa.select(deliveries.c.state).where(deliveries.c.domain.like("%evil.example"))
        )
    }
    assert "pending" not in states

    # Nothing more reaches it: a new note is delivered to good.example only.
    await post_note(instance.client, "after the suspension")
    await instance.work()
    rows = await db.fetch_all(sa.select(deliveries.c.domain, deliveries.c.created_at))
    newest = max(row["created_at"] for row in rows)
    assert {row["domain"] for row in rows if row["created_at"] == newest} == {"good.example"}
    # Its requests are refused at the inbox, before any signature work or fetch.
    refused = await instance.client.post(
        "/inbox",
        json={"@context": "https://www.w3.org/ns/activitystreams", "id": f"{evil.ap_id}#x",
              "type": "Follow", "actor": evil.ap_id, "object": f"{BASE}/b/main"},
        headers={"Content-Type": "application/activity+json"},
    )  # fmt: skip
    assert refused.status_code == 403
    with pytest.raises(FetchBlocked):
        await instance.services.fetcher.fetch_json("https://evil.example/users/ann")


async def test_silenced_domain_content_waits_for_approval(instance: RunningApp) -> None:
    db = instance.services.db
    quiet = await remote(instance, "quiet.example")
    posted = await post_note(instance.client, "thread")
    now = utcnow()
    await set_manual(db, instance.services.urls, "quiet.example", block("silence"), ADMIN, now)
    await instance.services.inbound.apply(reply(quiet, f"{BASE}/n/{posted.note_id}", "psst"), now)
    state = await db.fetch_val(sa.select(notes.c.state).where(notes.c.content == "<p>psst</p>"))
    assert state == "held"
    assert "psst" not in (await instance.client.get(f"/t/{posted.note_id}")).text


async def test_board_self_destructs_after_quiet_hours(instance: RunningApp) -> None:
    """spec: board-self-destruct"""
    db = instance.services.db
    first = await post_note(instance.client, "the page that self-destructs")
    await post_note(instance.client, "a reply", thread=first.note_id)
    await db.execute(boards.update().values(self_destruct_hours=24))
    await instance.worker.run_once(now=utcnow() + timedelta(hours=23), force=True)
    assert (
        await db.fetch_val(
            sa.select(sa.func.count()).select_from(notes).where(notes.c.state == "live")
        )
        == 2
    )
    await instance.worker.run_once(now=utcnow() + timedelta(hours=25), force=True)
    rows = await db.fetch_all(sa.select(notes.c.state, notes.c.content))
    assert rows and all(r["state"] == "deleted" and r["content"] is None for r in rows)
    assert (await instance.client.get(f"/t/{first.note_id}")).status_code == 410
