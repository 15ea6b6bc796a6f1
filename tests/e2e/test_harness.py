"""Self-tests of the end-to-end harnesses in tests/support: fedipeer, uvicorn runners, Chromium."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse
from starlette.routing import Route

from tests.support import fixtures_browser, fixtures_fedipeer
from tests.support.fedipeer import ControlError, Fedipeer
from tests.support.fixtures_fedipeer import FedipeerFactory
from tests.support.servers import run_asgi_in_thread, run_uvicorn_app

pytestmark = pytest.mark.e2e

# Fixtures are bound by assignment, not `from ... import`, so ruff sees no redefinition (F811)
# when a test takes the fixture as an argument; the root conftest is the lead's.
fedipeer = fixtures_fedipeer.fedipeer
peer = fixtures_fedipeer.peer
fedipeer_factory = fixtures_fedipeer.fedipeer_factory
browser_page = fixtures_browser.browser_page

FORM = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Harness form</title></head>
<body><form method="post" action="/greet">
<label>Name <input name="name" id="name"></label>
<button type="submit" id="send">Send</button>
</form></body></html>"""


async def show_form(request: Request) -> HTMLResponse:
    return HTMLResponse(FORM)


async def greet(request: Request) -> HTMLResponse:
    form = await request.form()
    name = str(form.get("name", ""))
    greeting = os.environ.get("HARNESS_GREETING", "Hello")
    return HTMLResponse(f'<p id="result">{greeting}, {name}!</p>')


async def health(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


def make_form_app() -> Starlette:
    """Factory for `run_uvicorn_app`; the line on stderr lets the test check log capture."""
    print("form app created", file=sys.stderr)
    return Starlette(
        routes=[
            Route("/", show_form),
            Route("/greet", greet, methods=["POST"]),
            Route("/health", health),
        ]
    )


def _note_activity(sender: Fedipeer, actor: str) -> dict[str, object]:
    actor_id = sender.actor(actor).id
    note_id = f"{actor_id}/statuses/{uuid.uuid4()}"
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{note_id}/activity",
        "type": "Create",
        "actor": actor_id,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": {
            "id": note_id,
            "type": "Note",
            "attributedTo": actor_id,
            "content": "raw",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
        },
    }


def test_fedipeer_follow_then_create_arrives_verified(fedipeer_factory: FedipeerFactory) -> None:
    """Two peers: alice follows bob by handle, bob's Create reaches alice with a valid signature."""
    alice_peer = fedipeer_factory(actors=("alice",))
    bob_peer = fedipeer_factory(actors=("bob",))
    bob = bob_peer.actor("bob")
    assert bob.acct == f"acct:bob@127.0.0.1:{bob_peer.port}"

    followed = alice_peer.follow("alice", bob.acct)
    assert followed["ok"], followed
    alice_peer.wait_until(
        lambda: alice_peer.follow_state("alice", bob.id) == "accepted",
        message="alice's follow of bob accepted",
    )
    followers = bob_peer.followers("bob")["bob"]
    assert [f["id"] for f in followers] == [alice_peer.actor("alice").id]

    posted = bob_peer.post("bob", "hello from bob")
    assert posted["ok"], posted
    create = alice_peer.wait_for_inbox(
        "Create", match=lambda item: item["activity"]["object"]["id"] == posted["note"]
    )
    assert create["status"] == 202
    assert create["signature"]["verified"] is True
    assert create["signature"]["verifiedKeyId"] == bob.key_id


def test_fedipeer_session_peer_rejects_tampered_signature(peer: Fedipeer) -> None:
    """The shared peer is reset per test and reports a flipped signature as unverified."""
    assert peer.inbox()["items"] == []
    bob = peer.actor("bob")
    sent = peer.send("alice", bob.inbox, _note_activity(peer, "alice"), tamper="signature")
    assert sent["status"] == 401
    record = peer.wait_for_inbox("Create")
    assert record["signature"]["verified"] is False
    assert record["accepted"] is False


def test_fedipeer_control_error_names_the_problem(peer: Fedipeer) -> None:
    with pytest.raises(ControlError) as caught:
        peer.follow("nobody", "acct:bob@127.0.0.1:1")
    assert caught.value.status == 400
    assert "unknown local actor" in str(caught.value)


@pytest.mark.anyio
async def test_fedipeer_async_client_sends_and_waits(peer: Fedipeer) -> None:
    actors = await peer.aio.actors()
    assert {a["identifier"] for a in actors["actors"]} == {"alice", "bob"}
    bob = peer.actor("bob")
    sent = await peer.aio.send("alice", bob.inbox, _note_activity(peer, "alice"))
    assert sent["status"] == 202
    record = await peer.aio.wait_for_inbox("Create", match=lambda item: item["accepted"])
    assert record["signature"]["verifiedKeyId"] == peer.actor("alice").key_id


def test_run_uvicorn_app_passes_env_and_captures_log(tmp_path: Path) -> None:
    env = {"HARNESS_GREETING": "Bonjour"}
    with run_uvicorn_app(make_form_app, env=env, ready_path="/health", log_dir=tmp_path) as server:
        with httpx.Client(trust_env=False, timeout=5) as client:
            answer = client.post(server.url + "/greet", data={"name": "Ana"})
        assert answer.status_code == 200
        assert "Bonjour, Ana!" in answer.text
        pid = server.pid
    assert server.process.returncode is not None
    log = server.read_log()
    assert "form app created" in log
    assert f"Started server process [{pid}]" in log


def test_chromium_submits_form_served_in_thread(browser_page: Page, tmp_path: Path) -> None:
    with run_asgi_in_thread(make_form_app()) as server:
        browser_page.goto(server.url + "/")
        browser_page.fill("#name", "Zoë")
        browser_page.click("#send")
        browser_page.wait_for_selector("#result")
        assert browser_page.text_content("#result") == "Hello, Zoë!"
        shot = tmp_path / "greeting.png"
        browser_page.screenshot(path=str(shot))
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert not server.thread.is_alive()
