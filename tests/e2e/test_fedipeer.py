"""Federation with an independent ActivityPub server (fedipeer, built on Fedify): it follows a
board, receives the board's Announce with signatures it verifies itself, fetches our actor and
note, replies, likes, reports and deletes; we show and remove accordingly."""

from __future__ import annotations

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
from tests.support.instance import run_treehole
from tests.support.servers import ServerProcess
from tests.support.sync_forms import delete_note_sync, post_note_sync

pytestmark = pytest.mark.e2e
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
