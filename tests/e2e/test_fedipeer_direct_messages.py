"""Posting by direct message (issue #13) with an independent ActivityPub server (fedipeer, on
Fedify) and a real `treehole serve`: a direct message to the board becomes an anonymous post,
the board's answer arrives signed by the board with a token, `delete` in reply to it deletes the
post and federates the Delete, a public mention is refused with an explanation, and a held
post's later approval is answered."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from app.db.engine import connect, disconnect
from app.db.tables import boards, notes
from tests.support import fixtures_fedipeer
from tests.support.admin import form_token, make_admin, sign_in
from tests.support.dbquery import execute, fetch_all
from tests.support.fedipeer import Fedipeer
from tests.support.instance import run_treehole
from tests.support.servers import ServerProcess
from tests.support.snapshots import dump_database

pytestmark = pytest.mark.e2e
fedipeer = fixtures_fedipeer.fedipeer
peer = fixtures_fedipeer.peer
TOKEN = re.compile(r"give this token: ([\w-]+)")


@pytest.fixture
def treehole(database_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    with run_treehole(database_url, tmp_path / "data") as server:
        yield server


def handle_of(treehole: ServerProcess) -> str:
    return f"acct:main@{treehole.url.removeprefix('http://')}"


def board_answer(peer: Fedipeer, treehole: ServerProcess, to: str, says: str) -> dict[str, Any]:
    """The board's direct message to `to` that says `says`, as the peer recorded it."""
    board = f"{treehole.url}/b/main"

    def is_answer(item: dict[str, Any]) -> bool:
        activity = item["activity"]
        return bool(
            item.get("actor") == board
            and activity.get("to") == [to]
            and says in str(activity.get("object", {}).get("content", ""))
        )

    found = peer.wait_for_inbox("Create", is_answer, timeout=30)
    assert found["signature"]["verified"] is True, found
    assert found["signature"]["verifiedKeyId"] == f"{board}#main-key"
    assert found["accepted"] and not found["error"], found
    return dict(found["activity"])


def dm_notes(database_url: str) -> list[dict[str, Any]]:
    rows = fetch_all(database_url, sa.select(notes).order_by(notes.c.created_at))
    return [dict(row) for row in rows]


def test_direct_message_becomes_a_post_answered_and_deleted_by_reply(
    treehole: ServerProcess, peer: Fedipeer, database_url: str
) -> None:
    """spec: dm-post-anonymous, dm-answer-signed-direct, dm-delete-by-reply, dm-anonymity"""
    board = f"{treehole.url}/b/main"
    alice, bob = peer.actor("alice"), peer.actor("bob")
    assert peer.follow("alice", handle_of(treehole))["ok"]
    peer.wait_until(lambda: peer.follow_state("alice", board) == "accepted", timeout=20)
    sent = peer.post("bob", "a secret told only to the board", visibility="direct",
                     mentions=[handle_of(treehole)])  # fmt: skip
    assert sent["ok"], sent
    assert sent["activity"].get("to") in ([board], board), sent["activity"]
    posted = peer.wait_until(lambda: dm_notes(database_url), timeout=30)
    [note] = posted
    assert note["origin"] == "local" and note["remote_actor_id"] is None
    assert "a secret told only to the board" in note["content"]
    assert "@main" not in note["content"]
    answer = board_answer(peer, treehole, bob.id, "give this token:")
    assert answer["object"]["tag"][0]["href"] == bob.id
    assert "a secret told only to the board" not in str(answer)
    # The post reached the board's follower as the board's boost.
    note_url = f"{treehole.url}/n/{note['id']}"
    peer.wait_for_inbox("Announce", lambda item: item["activity"]["object"] == note_url, timeout=30)

    # Bob replies `delete` to the answer, as his server would: a direct message to the board.
    reply_id = f"{bob.id}/statuses/delete-{note['id']}"
    mention = {"type": "Mention", "href": board, "name": "@main"}
    reply = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": reply_id + "/activity", "type": "Create", "actor": bob.id, "to": [board], "cc": [],
        "object": {
            "id": reply_id, "type": "Note", "attributedTo": bob.id, "to": [board], "cc": [],
            "inReplyTo": answer["object"]["id"], "tag": [mention],
            "content": f'<p><a href="{board}" class="u-url mention">@main</a> delete</p>',
        },
    }  # fmt: skip
    delivered = peer.send("bob", f"{treehole.url}/inbox", reply)
    assert delivered["status"] == 202, delivered
    peer.wait_until(lambda: dm_notes(database_url)[0]["state"] == "deleted", timeout=30)
    board_answer(peer, treehole, bob.id, "is deleted")
    deleted = peer.wait_for_inbox(
        "Delete",
        lambda item: (
            isinstance(item["activity"].get("object"), dict)
            and item["activity"]["object"].get("id") == note_url
        ),
        timeout=30,
    )
    assert deleted["signature"]["verified"] is True and alice.id  # the follower was told

    # Once the answers are sent, nothing of Bob is left in the database.
    def bob_forgotten() -> bool:
        dump = asyncio.run(_dump(database_url))
        return bob.id not in dump and reply_id not in dump

    peer.wait_until(bob_forgotten, timeout=30, message="the sender is forgotten")


async def _dump(database_url: str) -> str:
    db = await connect(database_url)
    try:
        return await dump_database(db)
    finally:
        await disconnect(db)


def test_public_mention_is_refused_with_an_explanation(
    treehole: ServerProcess, peer: Fedipeer, database_url: str
) -> None:
    """spec: dm-public-mention-refused"""
    alice = peer.actor("alice")
    sent = peer.post("alice", "hey board, post this for me", mentions=[handle_of(treehole)])
    assert sent["ok"], sent
    answer = board_answer(peer, treehole, alice.id, "never posted anonymously")
    assert "direct message" in answer["object"]["content"]
    assert dm_notes(database_url) == []


def test_held_direct_message_post_is_answered_when_approved(
    treehole: ServerProcess, peer: Fedipeer, database_url: str
) -> None:
    """spec: dm-held-then-decided"""
    execute(database_url, sa.update(boards).values(premoderation="all"))
    bob = peer.actor("bob")
    sent = peer.post("bob", "please check me first", visibility="direct",
                     mentions=[handle_of(treehole)])  # fmt: skip
    assert sent["ok"], sent
    board_answer(peer, treehole, bob.id, "held for review")
    [note] = dm_notes(database_url)
    assert note["state"] == "held"
    # What the moderation queue's Approve button calls.
    asyncio.run(_approve(database_url, treehole.url, note["id"]))
    assert dm_notes(database_url)[0]["state"] == "live"
    answer = board_answer(peer, treehole, bob.id, "approved")
    assert f"{treehole.url}/t/{note['id']}" in answer["object"]["content"]


async def _approve(database_url: str, base_url: str, note_id: str) -> None:
    """A moderator signs in and presses Approve in the queue: the server does the writing (a
    second process writing the same SQLite file would race the server's worker for its lock)."""
    db = await connect(database_url)
    try:
        await make_admin(db, "moderator")
    finally:
        await disconnect(db)
    async with httpx.AsyncClient(base_url=base_url, trust_env=False) as client:
        assert (await sign_in(client, "moderator")).status_code == 303
        token = await form_token(client, "/admin/queue")
        done = await client.post("/admin/queue", data={"csrf_token": token, "approve_one": note_id})
        assert done.status_code == 303, done.text
