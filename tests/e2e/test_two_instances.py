"""Two Treehole instances federating over loopback: B's board follows A's board; A's notes reach
B through the Announce; B's anonymous users reply and like; A's note expires, the Delete reaches B
and A's throwaway actor is deleted (410 everywhere)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from app.core.clock import utcnow
from app.db.tables import local_actors, notes
from tests.support.dbquery import execute, fetch_all
from tests.support.forms import csrf_from
from tests.support.instance import instance_env, run_treehole
from tests.support.ports import wait_until
from tests.support.servers import ServerProcess
from tests.support.sync_forms import post_note_sync

pytestmark = pytest.mark.e2e
AS2 = {"Accept": "application/activity+json"}


@pytest.fixture
def pair(
    make_database_url: Callable[[str], str], tmp_path: Path
) -> Iterator[tuple[ServerProcess, ServerProcess, str, str]]:
    url_a, url_b = make_database_url("a"), make_database_url("b")
    with (
        run_treehole(url_a, tmp_path / "a") as a,
        run_treehole(url_b, tmp_path / "b") as b,
    ):
        yield a, b, url_a, url_b


def cli(server: ServerProcess, database_url: str, data_dir: Path, *args: str) -> str:
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


def test_two_instances_follow_publish_reply_like_expire(
    pair: tuple[ServerProcess, ServerProcess, str, str], tmp_path: Path
) -> None:
    """spec: two-instances-end-to-end"""
    a, b, url_a, url_b = pair
    domain_a = a.url.removeprefix("http://")
    cli(b, url_b, tmp_path / "b", "board", "follow", "main", f"acct:main@{domain_a}")
    with httpx.Client(base_url=a.url) as client_a, httpx.Client(base_url=b.url) as client_b:
        followers = f"{a.url}/b/main/followers"
        wait_until(
            lambda: client_a.get(followers, headers=AS2).json()["totalItems"] == 1,
            20,
            "A's board never got B's board as a follower",
        )
        posted = post_note_sync(client_a, "Across the sea in a bottle", ttl="3600")
        note_url = f"{a.url}/n/{posted.note_id}"

        def thread_on_b() -> str | None:
            rows = fetch_all(url_b, sa.select(notes.c.id).where(notes.c.ap_id == note_url))
            return rows[0]["id"] if rows else None

        remote_thread = wait_until(thread_on_b, 20, "A's note never reached B")
        assert "Across the sea in a bottle" in client_b.get(f"/t/{remote_thread}").text

        # B's anonymous user replies in the remote thread: A shows the reply in its thread.
        post_note_sync(client_b, "Caught your bottle!", thread=remote_thread)
        wait_until(
            lambda: "Caught your bottle!" in client_a.get(f"/t/{posted.note_id}").text,
            20,
            "B's reply never showed on A",
        )
        # B's user likes A's note: A counts it.
        page = client_b.get(f"/t/{remote_thread}")
        liked = client_b.post(f"/n/{remote_thread}/like", data={"csrf_token": csrf_from(page.text)})
        assert liked.status_code == 303
        wait_until(
            lambda: "♥ 1" in client_a.get(f"/t/{posted.note_id}").text,
            20,
            "B's like never counted on A",
        )

        # A's note expires: the sweeper deletes it, B receives the Delete and drops its copy.
        author = client_a.get(note_url, headers=AS2).json()["attributedTo"]
        expire_now(url_a, posted.note_id)
        wait_until(
            lambda: client_b.get(f"/t/{remote_thread}").status_code == 410,
            40,
            "the expiry's Delete never reached B",
        )
        assert client_a.get(f"/t/{posted.note_id}").status_code == 410
        # With nothing left, A deletes the throwaway actor: 410 for the actor and its WebFinger.
        wait_until(
            lambda: client_a.get(author, headers=AS2).status_code == 410,
            60,
            "A's throwaway actor was never deleted",
        )
        username = author.rsplit("/", 1)[1]
        rows = fetch_all(url_a, sa.select(local_actors).where(local_actors.c.id == username))
        assert rows[0]["state"] == "deleted" and rows[0]["private_key_pem"] is None
        finger = client_a.get(
            "/.well-known/webfinger",
            params={"resource": f"acct:{rows[0]['username']}@{domain_a}"},
        )
        assert finger.status_code == 410
    texts = fetch_all(url_b, sa.select(notes.c.content).where(notes.c.id == remote_thread))
    assert texts[0]["content"] is None


def expire_now(database_url: str, note_id: str) -> None:
    """Move the thread's expiry into the past; the running instance's sweeper does the rest."""
    execute(
        database_url, notes.update().where(notes.c.thread_id == note_id).values(expires_at=utcnow())
    )
