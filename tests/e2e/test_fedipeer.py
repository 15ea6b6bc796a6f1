"""Federation with an independent ActivityPub server (fedipeer, built on Fedify): it follows a
board, receives the board's Announce with signatures it verifies itself, fetches our actor and
note, replies, likes, reports and deletes; we show and remove accordingly."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from app.db.tables import interactions, local_actors, notes, reports
from tests.support import fixtures_fedipeer
from tests.support.dbquery import fetch_all
from tests.support.fedipeer import Fedipeer
from tests.support.forms import csrf_from
from tests.support.instance import instance_env, run_treehole
from tests.support.servers import ServerProcess
from tests.support.sync_forms import delete_note_sync, post_note_sync

pytestmark = pytest.mark.e2e
AS2 = {"Accept": "application/activity+json"}
fedipeer = fixtures_fedipeer.fedipeer
peer = fixtures_fedipeer.peer


@pytest.fixture
def treehole(database_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    with run_treehole(database_url, tmp_path / "data") as server:
        yield server


def show_ledger(client: httpx.Client, note_id: str, token: str) -> str:
    page = client.get(f"/n/{note_id}/ledger")
    answer = client.post(
        f"/n/{note_id}/ledger", data={"csrf_token": csrf_from(page.text), "token": token}
    )
    assert answer.status_code == 200, answer.text
    return answer.text


def show_ledger_status(client: httpx.Client, note_id: str, token: str) -> int:
    page = client.get(f"/n/{note_id}/ledger")
    return client.post(
        f"/n/{note_id}/ledger", data={"csrf_token": csrf_from(page.text), "token": token}
    ).status_code


def run_cli(server: ServerProcess, database_url: str, data_dir: Path, *args: str) -> str:
    env = {**os.environ, **instance_env(database_url, data_dir, server.port)}
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def wait_for_page(client: httpx.Client, path: str, text: str, peer: Fedipeer) -> str:
    def shows() -> str | None:
        page = client.get(path)
        return page.text if text in page.text else None

    return peer.wait_until(shows, timeout=20, message=f"{path} never showed {text!r}")


def test_peer_follows_board_and_gets_verified_announce(
    treehole: ServerProcess, peer: Fedipeer, database_url: str
) -> None:
    """spec: board-announce-reaches-followers, httpsig-outgoing-verified-by-fedify"""
    domain = treehole.url.removeprefix("http://")
    handle = f"acct:main@{domain}"
    followed = peer.follow("alice", handle)
    assert followed["ok"], followed
    board_url = f"{treehole.url}/b/main"
    assert peer.wait_until(lambda: peer.follow_state("alice", board_url) == "accepted", timeout=20)
    accept = peer.wait_for_inbox("Accept", timeout=20)
    assert accept["signature"]["verified"] is True
    with httpx.Client(base_url=treehole.url) as client:
        posted = post_note_sync(client, "A note for the fediverse, with <b>care</b>")
        announce = peer.wait_for_inbox("Announce", timeout=20)
        assert announce["signature"]["verified"] is True
        assert announce["activity"]["object"] == f"{treehole.url}/n/{posted.note_id}"
        assert announce["accepted"] and not announce["error"], announce

        fetched = peer.fetch(f"{treehole.url}/n/{posted.note_id}")
        assert fetched["status"] == 200 and fetched["jsonld"]["ok"], fetched
        assert fetched["jsonld"]["class"] == "Note"
        assert "&lt;b&gt;care&lt;/b&gt;" in fetched["json"]["content"]
        author = fetched["json"]["attributedTo"]
        actor = peer.lookup(author)
        assert actor["isActor"] and actor["json"]["type"] == "Person"
        username = actor["json"]["preferredUsername"]
        assert peer.lookup(f"acct:{username}@{domain}")["id"] == author

        # Reply, like, report from the peer: our thread shows the reply and the like.
        note_url = f"{treehole.url}/n/{posted.note_id}"
        replied = peer.reply("alice", note_url, "Hello from Fedify land")
        assert replied["ok"], replied
        wait_for_page(client, f"/t/{posted.note_id}", "Hello from Fedify land", peer)
        assert peer.like("alice", note_url)["ok"]
        wait_for_page(client, f"/t/{posted.note_id}", "♥ 1", peer)
        flagged = peer.flag("alice", [note_url], "this is spam")
        assert flagged["ok"], flagged
        peer.wait_until(lambda: fetch_all(database_url, sa.select(reports.c.comment)), timeout=20)
        # The peer deletes its reply: it disappears here.
        reply_id = replied["activity"]["object"]["id"]
        assert peer.delete("alice", reply_id)["ok"]
        peer.wait_until(
            lambda: "Hello from Fedify land" not in client.get(f"/t/{posted.note_id}").text,
            timeout=20,
        )

        # Our poster deletes the note: a Delete signed by its author reaches the peer.
        assert delete_note_sync(client, posted.note_id, posted.token).status_code == 200
        deleted = peer.wait_for_inbox("Delete", timeout=20)
        assert deleted["signature"]["verified"] is True
        assert deleted["activity"]["actor"] == author
        assert client.get(f"/n/{posted.note_id}").status_code == 410
        gone = client.get(f"/n/{posted.note_id}", headers={"Accept": "application/activity+json"})
        assert gone.status_code == 404
        # The poster's ledger: the peer's server received the note and acknowledged the Delete.
        ledger = peer.wait_until(
            lambda: (
                (page := show_ledger(client, posted.note_id, posted.token)).count("Done") >= 2
                and page
            ),
            timeout=20,
        )
        assert "127.0.0.1" in ledger
        assert show_ledger_status(client, posted.note_id, "not-the-token") == 403
    rows = fetch_all(database_url, sa.select(notes.c.content).where(notes.c.id == posted.note_id))
    assert rows[0]["content"] is None
    assert not fetch_all(database_url, sa.select(interactions))
    assert fetch_all(database_url, sa.select(local_actors.c.state))


def follow_board(peer: Fedipeer, treehole: ServerProcess, actor: str = "alice") -> None:
    domain = treehole.url.removeprefix("http://")
    assert peer.follow(actor, f"acct:main@{domain}")["ok"]
    board_url = f"{treehole.url}/b/main"
    peer.wait_until(lambda: peer.follow_state(actor, board_url) == "accepted", timeout=20)


def test_peer_boosts_undoes_edits_blocks_and_leaves(
    treehole: ServerProcess, peer: Fedipeer, database_url: str
) -> None:
    """spec: inbox-announce-counted, inbox-undo, inbox-update-reply, inbox-block,
    inbox-delete-actor"""
    follow_board(peer, treehole)
    with httpx.Client(base_url=treehole.url) as client:
        posted = post_note_sync(client, "boost me")
        note_url = f"{treehole.url}/n/{posted.note_id}"
        peer.wait_for_inbox("Announce", timeout=20)
        thread = f"/t/{posted.note_id}"

        boost = peer.announce("alice", note_url)
        assert boost["ok"], boost
        wait_for_page(client, thread, "⟳ 1", peer)
        like = peer.like("alice", note_url)
        wait_for_page(client, thread, "♥ 1", peer)
        assert peer.undo("alice", like["activity"]["id"])["ok"]
        assert peer.undo("alice", boost["activity"]["id"])["ok"]
        peer.wait_until(
            lambda: "♥ 1" not in (page := client.get(thread).text) and "⟳ 1" not in page,
            timeout=20,
        )

        # bob replies, then edits his reply (Update), then deletes his whole account.
        reply = peer.reply("bob", note_url, "first words")
        assert reply["ok"], reply
        wait_for_page(client, thread, "first words", peer)
        edited = dict(reply["activity"]["object"])
        edited["content"] = "<p>second thoughts</p>"
        edited["updated"] = "2099-01-01T00:00:00Z"
        bob = peer.actor("bob")
        sent = peer.send(
            "bob",
            f"{treehole.url}/inbox",
            {
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": f"{bob.id}#updates/1",
                "type": "Update",
                "actor": bob.id,
                "object": edited,
            },
        )
        assert sent["status"] == 202, sent
        wait_for_page(client, thread, "second thoughts", peer)
        assert "first words" not in client.get(thread).text
        # fedipeer sends an account's Delete to its followers only; Mastodon sends it to every
        # server it knows. Post it to our inbox the way Mastodon would.
        gone = peer.send(
            "bob",
            f"{treehole.url}/inbox",
            {
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": f"{bob.id}#delete",
                "type": "Delete",
                "actor": bob.id,
                "to": ["https://www.w3.org/ns/activitystreams#Public"],
                "object": bob.id,
            },
        )
        assert gone["status"] == 202, gone
        peer.wait_until(lambda: "second thoughts" not in client.get(thread).text, timeout=20)

        # alice blocks the board: nothing more is delivered to her server.
        alice = peer.actor("alice")
        blocked = peer.send(
            "alice",
            f"{treehole.url}/inbox",
            {
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": f"{alice.id}#blocks/1",
                "type": "Block",
                "actor": alice.id,
                "object": f"{treehole.url}/b/main",
            },
        )
        assert blocked["status"] == 202, blocked
        followers = f"{treehole.url}/b/main/followers"
        peer.wait_until(
            lambda: client.get(followers, headers=AS2).json()["totalItems"] == 0, timeout=20
        )
        seen = peer.inbox(type="Announce")["lastSeq"]
        later = post_note_sync(client, "still after the block")
        peer.wait_until(
            lambda: (
                fetch_all(
                    database_url,
                    sa.select(notes.c.federate_after).where(notes.c.id == later.note_id),
                )[0]["federate_after"]
                is None
            ),
            timeout=20,
        )
        assert peer.inbox(since=seen, type="Announce")["count"] == 0


def test_board_key_rotation_keeps_followers(
    treehole: ServerProcess, peer: Fedipeer, database_url: str, tmp_path: Path
) -> None:
    """spec: board-key-rotation-update"""
    follow_board(peer, treehole)
    board_url = f"{treehole.url}/b/main"
    old_key = peer.fetch(board_url)["json"]["publicKey"]["publicKeyPem"]
    run_cli(treehole, database_url, tmp_path / "data", "board", "rotate-key", "main")
    update = peer.wait_for_inbox("Update", timeout=30)
    assert update["signature"]["verified"] is True
    new_key = update["activity"]["object"]["publicKey"]["publicKeyPem"]
    assert new_key != old_key
    with httpx.Client(base_url=treehole.url) as client:
        since = peer.inbox(type="Announce")["lastSeq"]
        post_note_sync(client, "signed with the new key")
        announce = peer.wait_for_inbox("Announce", since=since, timeout=20)
        assert announce["signature"]["verified"] is True
    assert peer.follow_state("alice", board_url) == "accepted"


def test_peer_that_only_replied_is_mentioned_and_gets_the_delete(
    treehole: ServerProcess, peer: Fedipeer, database_url: str
) -> None:
    """spec: reply-mentions-remote-author, delivery-delete-to-every-copy (Fedify peer: bob
    never follows the board; he replies, is mentioned in the answer, and hears of the
    deletion)"""
    bob = peer.actor("bob")
    with httpx.Client(base_url=treehole.url) as client:
        posted = post_note_sync(client, "A question for whoever passes by")
        note_url = f"{treehole.url}/n/{posted.note_id}"
        replied = peer.reply("bob", note_url, "I pass by, and answer")
        assert replied["ok"], replied
        wait_for_page(client, f"/t/{posted.note_id}", "I pass by, and answer", peer)
        reply_id = replied["activity"]["object"]["id"]
        stored = fetch_all(database_url, sa.select(notes.c.id).where(notes.c.ap_id == reply_id))
        post_note_sync(
            client, "Thank you, kind stranger", thread=posted.note_id, in_reply_to=stored[0]["id"]
        )
        create = peer.wait_for_inbox(
            "Create", lambda item: "kind stranger" in str(item["activity"]), timeout=30
        )
        assert create["signature"]["verified"] is True and create["accepted"], create
        note = create["activity"]["object"]
        tags = note["tag"] if isinstance(note["tag"], list) else [note["tag"]]
        assert {"type": "Mention", "href": bob.id} in [
            {"type": tag["type"], "href": tag["href"]} for tag in tags
        ]
        cc = note["cc"] if isinstance(note["cc"], list) else [note["cc"]]
        assert bob.id in cc
        assert f'<a href="{bob.id}" class="u-url mention">' in note["content"]

        assert delete_note_sync(client, posted.note_id, posted.token).status_code == 200
        deleted = peer.wait_for_inbox(
            "Delete",
            lambda item: (
                isinstance(item["activity"].get("object"), dict)
                and item["activity"]["object"].get("id") == note_url
            ),
            timeout=30,
        )
        assert deleted["signature"]["verified"] is True and deleted["accepted"], deleted
    # bob never followed the board: the note reached his server only through his reply.
    assert peer.inbox(type="Announce")["count"] == 0
