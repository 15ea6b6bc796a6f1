"""Boards as FEP-1b12 groups, against a Lemmy-like fixture peer (and a Mastodon one beside it):
the board Announces its members' activities to servers that read them, a public post made in
the board by a follower becomes a thread through moderation, and Mastodon still sees boosts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from app.db.tables import notes
from tests.support.admin import form_token, signed_in
from tests.support.app_client import RunningApp
from tests.support.delivery import trust_our_keys
from tests.support.fixture_peer import LEMMY, MASTODON, FixturePeer, run_fixture_peer
from tests.support.forms import csrf_from, post_note

pytestmark = pytest.mark.anyio
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@pytest.fixture
def lemmy() -> Iterator[FixturePeer]:
    with run_fixture_peer(LEMMY, host="localhost") as peer:
        yield peer


@pytest.fixture
def mastodon() -> Iterator[FixturePeer]:
    with run_fixture_peer(MASTODON) as peer:
        yield peer


async def work(instance: RunningApp, *peers: FixturePeer) -> None:
    for peer in peers:
        await trust_our_keys(instance.services, peer)
    await instance.work()


async def deliver(
    instance: RunningApp,
    peer: FixturePeer,
    name: str,
    activity: dict[str, Any],
    *others: FixturePeer,
) -> None:
    inbox = instance.services.urls.board_inbox("main")
    body, headers = peer.signed_post(name, inbox, activity)
    answer = await instance.client.post(inbox, content=body, headers=headers)
    assert answer.status_code == 202, answer.text
    await work(instance, peer, *others)


async def followed(instance: RunningApp, lemmy: FixturePeer, mastodon: FixturePeer) -> None:
    board = instance.services.urls.board("main")
    await deliver(instance, lemmy, "lea", lemmy.activity("lea", "Follow", board), mastodon)
    await deliver(instance, mastodon, "mia", mastodon.activity("mia", "Follow", board), lemmy)
    lemmy.clear()
    mastodon.clear()


def announced(peer: FixturePeer) -> tuple[list[str], list[str]]:
    """(types of the activities a group Announce wrapped, ids of objects announced bare)."""
    wrapped, bare = [], []
    for arrival in peer.arrivals("Announce"):
        assert arrival.verified, arrival.reason
        inner = arrival.activity["object"]
        if isinstance(inner, dict):
            wrapped.append(inner["type"])
        else:
            bare.append(inner)
    return wrapped, bare


async def test_board_announces_its_notes_as_activities_to_group_servers(
    instance: RunningApp, lemmy: FixturePeer, mastodon: FixturePeer
) -> None:
    """spec: group-announces-member-activities (Lemmy gets Announce(Create); Mastodon keeps
    getting the boost of the Note, and only that)"""
    await followed(instance, lemmy, mastodon)
    posted = await post_note(instance.client, "A thread in a community board")
    await work(instance, lemmy, mastodon)
    note_url = instance.services.urls.note(posted.note_id)
    assert announced(lemmy) == (["Create"], [note_url])
    assert announced(mastodon) == ([], [note_url])
    create = next(
        lemmy.announced_activity(a)
        for a in lemmy.arrivals("Announce")
        if lemmy.announced_activity(a)
    )
    assert create is not None
    assert create["object"]["id"] == note_url
    assert create["object"]["audience"] == instance.services.urls.board("main")
    # A poster here likes it: the vote is passed on to the group servers only.
    lemmy.clear()
    mastodon.clear()
    thread = await instance.client.get(f"/t/{posted.note_id}")
    liked = await instance.client.post(
        f"/n/{posted.note_id}/like", data={"csrf_token": csrf_from(thread.text)}
    )
    assert liked.status_code == 303, liked.text
    await work(instance, lemmy, mastodon)
    assert announced(lemmy) == (["Like"], [])
    assert announced(mastodon) == ([], [])
    lemmy.clear()
    page = await instance.client.get(f"/n/{posted.note_id}/delete")
    assert page.status_code == 200
    await instance.client.post(
        f"/n/{posted.note_id}/delete",
        data={"csrf_token": csrf_from(page.text), "token": posted.token},
    )
    await work(instance, lemmy, mastodon)
    assert "Delete" in announced(lemmy)[0]
    assert announced(mastodon)[0] == []


async def test_post_made_in_the_board_by_a_follower_becomes_a_thread(
    instance: RunningApp, lemmy: FixturePeer, mastodon: FixturePeer
) -> None:
    """spec: group-post-from-follower (a public Page with `audience`, from a follower, becomes a
    thread after moderation; the board passes it on, and boosts it for Mastodon)"""
    await followed(instance, lemmy, mastodon)
    board = instance.services.urls.board("main")
    page = lemmy.post(
        "lea", "<p>Has anyone tried the new bakery?</p>", to=[board, PUBLIC], audience=board,
        title="Bakery question",
    )  # fmt: skip
    await deliver(instance, lemmy, "lea", lemmy.create("lea", page), mastodon)
    row = await instance.services.db.fetch_one(sa.select(notes).where(notes.c.ap_id == page["id"]))
    assert row is not None and row["state"] == "live" and row["in_reply_to_id"] is None
    assert row["id"] == row["thread_id"]
    thread = (await instance.client.get(f"/t/{row['id']}")).text
    assert "Bakery question" in thread and "new bakery" in thread
    assert announced(lemmy) == (["Create"], [page["id"]])
    assert announced(mastodon) == ([], [page["id"]])
    # A like of it, in the board, is passed on to the group servers only.
    lemmy.clear()
    mastodon.clear()
    await deliver(instance, lemmy, "lea", lemmy.activity("lea", "Like", page["id"]), mastodon)
    assert announced(lemmy) == (["Like"], [])
    assert announced(mastodon) == ([], [])


async def test_post_made_in_the_board_by_a_stranger_is_not_taken(
    instance: RunningApp, lemmy: FixturePeer
) -> None:
    """spec: group-post-from-follower (only followers start threads)"""
    board = instance.services.urls.board("main")
    page = lemmy.post("zed", "<p>spam spam</p>", to=[board, PUBLIC], audience=board)
    await deliver(instance, lemmy, "zed", lemmy.create("zed", page))
    assert await instance.services.db.fetch_all(sa.select(notes)) == []


async def test_direct_message_to_the_board_is_never_a_post(
    instance: RunningApp, mastodon: FixturePeer
) -> None:
    """spec: group-direct-message-not-a-post (to: [board] only: never a post under the sender's
    name, nor passed on; it becomes an anonymous post, tests/integration/test_direct_messages.py)"""
    board = instance.services.urls.board("main")
    await deliver(instance, mastodon, "mia", mastodon.activity("mia", "Follow", board))
    mastodon.clear()
    message = mastodon.post("mia", "<p>psst, a secret</p>", to=[board], cc=[board])
    await deliver(instance, mastodon, "mia", mastodon.create("mia", message))
    rows = await instance.services.db.fetch_all(sa.select(notes))
    assert [(r["origin"], r["ap_id"], r["remote_actor_id"]) for r in rows] == [
        ("local", None, None)
    ]
    assert not mastodon.arrivals("Announce") or all(
        isinstance(a.activity["object"], str) for a in mastodon.arrivals("Announce")
    ), "the member's message itself is never passed on"


async def test_mastodon_mention_of_the_board_is_a_post(
    instance: RunningApp, mastodon: FixturePeer
) -> None:
    """spec: group-post-from-follower (Mastodon addresses a Group it mentions)"""
    board = instance.services.urls.board("main")
    await deliver(instance, mastodon, "mia", mastodon.activity("mia", "Follow", board))
    mention = {"type": "Mention", "href": board, "name": "@main@treehole.test"}
    post = mastodon.post(
        "mia", "<p>hello group friends</p>", cc=[mastodon.actor_id("mia") + "/followers", board],
        tags=[mention],
    )  # fmt: skip
    await deliver(instance, mastodon, "mia", mastodon.create("mia", post))
    rows = await instance.services.db.fetch_all(sa.select(notes.c.ap_id, notes.c.state))
    assert [(r["ap_id"], r["state"]) for r in rows] == [(post["id"], "live")]


async def test_held_post_in_the_board_is_boosted_once_approved(
    instance: RunningApp, lemmy: FixturePeer, mastodon: FixturePeer
) -> None:
    """spec: group-post-from-follower (a post moderation holds is passed on only when a
    moderator approves it: boosted by id to every follower)"""
    await followed(instance, lemmy, mastodon)
    board = instance.services.urls.board("main")
    page = lemmy.post(
        "lea", "<p>Spring sale at https://shop-deals.example/today</p>", to=[board, PUBLIC],
        audience=board, title="Sale",
    )  # fmt: skip
    await deliver(instance, lemmy, "lea", lemmy.create("lea", page), mastodon)
    row = await instance.services.db.fetch_one(sa.select(notes).where(notes.c.ap_id == page["id"]))
    assert row is not None and row["state"] == "held"
    assert announced(lemmy) == ([], []) and announced(mastodon) == ([], [])

    await signed_in(instance.client, instance.services.db, "root", "admin")
    token = await form_token(instance.client, "/admin/queue")
    answer = await instance.client.post(
        "/admin/queue", data={"csrf_token": token, "approve_one": row["id"]}
    )
    assert answer.status_code == 303, answer.text
    await work(instance, lemmy, mastodon)
    assert announced(lemmy) == ([], [page["id"]])
    assert announced(mastodon) == ([], [page["id"]])
