"""The inbox gate against a real running instance, at the HTTP level, for draft-cavage and RFC 9421.

Senders are fedipeer (Fedify signs; `/control/send` tampers after signing) and a fake actor
server whose key signs hand-made requests (to leave a required header unsigned, or to forge a key
document). Every refusal must be a 4xx with a JSON reason, be counted, and store nothing; the
correctly signed control cases prove the refusals are not vacuous.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from app.db.tables import (
    counters,
    followers,
    inbox_items,
    interactions,
    notes,
    remote_actors,
    reports,
)
from federation.httpsig import sign_request_cavage
from federation.vocab import AS_CONTEXT
from tests.support import fixtures_fedipeer
from tests.support.dbquery import fetch_all
from tests.support.fake_actors import (
    CAVAGE_FULL,
    RFC9421_FULL,
    FakeActors,
    run_fake_actors,
    sign_cavage_covering,
    sign_rfc9421_covering,
)
from tests.support.fedipeer import Fedipeer
from tests.support.instance import run_treehole
from tests.support.servers import ServerProcess

pytestmark = pytest.mark.e2e
fedipeer = fixtures_fedipeer.fedipeer
peer = fixtures_fedipeer.peer
fedipeer_factory = fixtures_fedipeer.fedipeer_factory

CAVAGE = "draft-cavage-http-signatures-12"
RFC9421 = "rfc9421"
SPECS = pytest.mark.parametrize("spec", [CAVAGE, RFC9421])
TAMPERS = ["unsigned", "body", "digest", "signature", "wrong-key", "stale-date"]
MIB = 1024 * 1024


@pytest.fixture
def treehole(database_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    with run_treehole(database_url, tmp_path / "data") as server:
        yield server


@pytest.fixture
def fake() -> Iterator[FakeActors]:
    with run_fake_actors() as server:
        yield server


def board_of(treehole: ServerProcess) -> str:
    return f"{treehole.url}/b/main"


def follow(actor: str, target: str, activity_id: str | None = None) -> dict[str, Any]:
    return {
        "@context": AS_CONTEXT,
        "id": activity_id or f"{actor}#follows/{uuid.uuid4()}",
        "type": "Follow",
        "actor": actor,
        "object": target,
    }


def rows(database_url: str, table: sa.Table) -> list[dict[str, Any]]:
    query = sa.select(table).order_by(*table.primary_key.columns)
    return [dict(row) for row in fetch_all(database_url, query)]


def assert_nothing_stored(database_url: str) -> None:
    for table in (inbox_items, notes, interactions, followers, reports):
        assert rows(database_url, table) == [], f"{table.name} changed"


def refused_count(database_url: str, status: int) -> int:
    query = sa.select(counters.c.count).where(counters.c.name == f"inbox_refused_{status}")
    return sum(int(row["count"]) for row in fetch_all(database_url, query))


def assert_refused(status: int, body: Any, expected: int = 401) -> str:
    assert status == expected, body
    assert isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"], body
    reason: str = body["error"]
    return reason


def post(url: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    with httpx.Client(trust_env=False, timeout=30) as client:
        return client.post(url, content=body, headers=headers)


def signed_by_fake(
    fake: FakeActors,
    name: str,
    url: str,
    activity: dict[str, Any],
    spec: str,
    covered: Sequence[str],
) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(activity).encode()
    sign = sign_cavage_covering if spec == CAVAGE else sign_rfc9421_covering
    now = datetime.now(UTC)
    return body, sign(url, body, fake.key_id(name), fake.keypair.private_pem, now, covered)


def accepting(follow_id: str) -> Callable[[dict[str, Any]], bool]:
    """Matches a verified Accept whose object is (or embeds) the Follow `follow_id`."""

    def match(item: dict[str, Any]) -> bool:
        inner = item["activity"].get("object")
        inner_id = inner.get("id") if isinstance(inner, dict) else inner
        return bool(item["signature"]["verified"]) and inner_id == follow_id

    return match


def wait_for_follower_count(peer: Fedipeer, database_url: str, count: int) -> None:
    peer.wait_until(
        lambda: len(rows(database_url, followers)) == count,
        timeout=20,
        message=f"{count} follower row(s)",
    )


# --- fedipeer's tampered deliveries -------------------------------------------------------------


@SPECS
def test_inbox_accepts_correct_signature(
    treehole: ServerProcess, peer: Fedipeer, database_url: str, spec: str
) -> None:
    """spec: inbox-accepts-verified (control case for every refusal below)"""
    alice = peer.actor("alice")
    activity = follow(alice.id, board_of(treehole))
    sent = peer.send("alice", f"{treehole.url}/inbox", activity, "none", spec)
    assert sent["status"] == 202, sent
    stored = rows(database_url, inbox_items)
    assert [(r["ap_id"], r["actor_uri"]) for r in stored] == [(activity["id"], alice.id)]
    wait_for_follower_count(peer, database_url, 1)


@SPECS
@pytest.mark.parametrize("tamper", TAMPERS)
def test_inbox_refuses_tampered_signature(
    treehole: ServerProcess, peer: Fedipeer, database_url: str, spec: str, tamper: str
) -> None:
    """spec: httpsig-required, httpsig-digest-bound, httpsig-signature-verified,
    httpsig-key-refetch-still-fails, httpsig-time-window, inbox-refusal-stores-nothing"""
    activity = follow(peer.actor("alice").id, board_of(treehole))
    sent = peer.send("alice", f"{treehole.url}/inbox", activity, tamper, spec)
    reason = assert_refused(sent["status"], sent["response"])
    assert reason.startswith("signature: "), reason
    assert_nothing_stored(database_url)
    assert refused_count(database_url, 401) == 1


@SPECS
def test_inbox_drops_actor_other_than_signer(
    treehole: ServerProcess, peer: Fedipeer, database_url: str, spec: str
) -> None:
    """spec: inbox-signer-is-actor (a relayed activity: answered 202, as Mastodon does, and
    dropped)"""
    activity = follow(peer.actor("bob").id, board_of(treehole))
    sent = peer.send("alice", f"{treehole.url}/inbox", activity, "none", spec)
    assert sent["status"] == 202, sent
    assert_nothing_stored(database_url)


@SPECS
def test_inbox_drops_key_of_another_domain(
    treehole: ServerProcess,
    peer: Fedipeer,
    fedipeer_factory: fixtures_fedipeer.FedipeerFactory,
    database_url: str,
    spec: str,
) -> None:
    """spec: inbox-signer-is-actor (keyId on another origin than the claimed actor)"""
    other = fedipeer_factory(actors=("mallory",))
    board = board_of(treehole)
    claimed = follow(peer.actor("alice").id, board)
    sent = other.send("mallory", f"{treehole.url}/inbox", claimed, "none", spec)
    assert sent["status"] == 202, sent
    assert_nothing_stored(database_url)
    # The same signer speaking for itself is accepted, so the refusal was about the actor.
    own = other.send("mallory", f"{treehole.url}/inbox", follow(other.actor("mallory").id, board))
    assert own["status"] == 202, own


@SPECS
def test_inbox_refuses_activity_id_on_another_origin(
    treehole: ServerProcess,
    peer: Fedipeer,
    fedipeer_factory: fixtures_fedipeer.FedipeerFactory,
    database_url: str,
    spec: str,
) -> None:
    """spec: inbox-activity-id-on-signer-origin (no squatting another server's activity ids)"""
    other = fedipeer_factory(actors=("mallory",))
    board = board_of(treehole)
    alice = peer.actor("alice")
    squatted_id = f"{alice.id}#follows/{uuid.uuid4()}"
    squat = follow(other.actor("mallory").id, board, squatted_id)
    sent = other.send("mallory", f"{treehole.url}/inbox", squat, "none", spec)
    reason = assert_refused(sent["status"], sent["response"])
    assert reason == "activity id is not on the signer's origin"
    assert_nothing_stored(database_url)
    # alice's own activity with that id is then stored as hers, not dropped as a replay.
    real = peer.send("alice", f"{treehole.url}/inbox", follow(alice.id, board, squatted_id))
    assert real["status"] == 202, real
    stored = rows(database_url, inbox_items)
    assert [(r["ap_id"], r["actor_uri"]) for r in stored] == [(squatted_id, alice.id)]


# --- hand-signed requests from a fake actor server ----------------------------------------------

MISSING = [
    (CAVAGE, "(request-target)"),
    (CAVAGE, "host"),
    (CAVAGE, "date"),
    (CAVAGE, "digest"),
    (RFC9421, "@method"),
    (RFC9421, "@target-uri"),
    (RFC9421, "@authority"),
    (RFC9421, "content-digest"),
]


def covered_without(spec: str, missing: str) -> tuple[str, ...]:
    full = CAVAGE_FULL if spec == CAVAGE else RFC9421_FULL
    if missing == "@target-uri":
        # Nothing locates the request: neither @target-uri nor @path nor @request-target.
        return tuple(name for name in full if name != "@target-uri")
    if missing == "@authority":
        # @target-uri names the authority too, so the request is located by @path alone.
        dropped = {"@target-uri", "@authority", "host"}
        return tuple(name for name in full if name not in dropped) + ("@path",)
    return tuple(name for name in full if name != missing)


@SPECS
def test_inbox_accepts_hand_signed_request(
    treehole: ServerProcess, fake: FakeActors, database_url: str, spec: str
) -> None:
    """spec: inbox-accepts-verified (control case for the hand-made signatures below)"""
    actor = fake.add_actor("carol")
    url = f"{treehole.url}/inbox"
    full = CAVAGE_FULL if spec == CAVAGE else RFC9421_FULL
    body, headers = signed_by_fake(
        fake, "carol", url, follow(actor, board_of(treehole)), spec, full
    )
    response = post(url, body, headers)
    assert response.status_code == 202, response.text
    assert [r["actor_uri"] for r in rows(database_url, inbox_items)] == [actor]


def test_inbox_accepts_our_own_cavage_signer(
    treehole: ServerProcess, fake: FakeActors, database_url: str
) -> None:
    """spec: inbox-accepts-verified, httpsig-cavage-mastodon-shape"""
    actor = fake.add_actor("carol")
    url = f"{treehole.url}/inbox"
    body = json.dumps(follow(actor, board_of(treehole))).encode()
    headers = sign_request_cavage(
        "POST",
        url,
        {"Content-Type": "application/activity+json"},
        body,
        fake.key_id("carol"),
        fake.keypair.private_pem,
        datetime.now(UTC),
    )
    response = post(url, body, headers)
    assert response.status_code == 202, response.text


@pytest.mark.parametrize(("spec", "missing"), MISSING)
def test_inbox_refuses_unsigned_required_header(
    treehole: ServerProcess, fake: FakeActors, database_url: str, spec: str, missing: str
) -> None:
    """spec: httpsig-required-coverage, httpsig-digest-required, inbox-refusal-stores-nothing"""
    actor = fake.add_actor("carol")
    url = f"{treehole.url}/inbox"
    covered = covered_without(spec, missing)
    body, headers = signed_by_fake(
        fake, "carol", url, follow(actor, board_of(treehole)), spec, covered
    )
    response = post(url, body, headers)
    reason = assert_refused(response.status_code, response.json())
    assert reason == f"signature: unsigned header: {missing}"
    assert_nothing_stored(database_url)
    assert refused_count(database_url, 401) == 1


@SPECS
def test_inbox_refuses_forged_key_document_for_known_actor(
    treehole: ServerProcess, peer: Fedipeer, fake: FakeActors, database_url: str, spec: str
) -> None:
    """spec: httpsig-key-owner-same-origin (a key served elsewhere cannot speak for alice)"""
    alice = peer.actor("alice")
    board = board_of(treehole)
    assert peer.send("alice", f"{treehole.url}/inbox", follow(alice.id, board))["status"] == 202
    wait_for_follower_count(peer, database_url, 1)
    before = rows(database_url, remote_actors)
    items_before = rows(database_url, inbox_items)
    # The fake serves a Person claiming to be alice, with the fake's key.
    fake.serve("/users/alice", fake.actor_document(alice.id, fake.key_id("alice")))
    url = f"{treehole.url}/inbox"
    forged = follow(alice.id, board)
    full = CAVAGE_FULL if spec == CAVAGE else RFC9421_FULL
    body, headers = signed_by_fake(fake, "alice", url, forged, spec, full)
    response = post(url, body, headers)
    assert_refused(response.status_code, response.json())
    assert rows(database_url, remote_actors) == before
    assert rows(database_url, inbox_items) == items_before


# --- body handling --------------------------------------------------------------------------------


@SPECS
def test_inbox_refuses_malformed_json(
    treehole: ServerProcess, peer: Fedipeer, database_url: str, spec: str
) -> None:
    """spec: inbox-malformed-json-400"""
    sent = peer.send("alice", f"{treehole.url}/inbox", '{"type": "Follow", ', "none", spec)  # type: ignore[arg-type]
    reason = assert_refused(sent["status"], sent["response"], 400)
    assert reason.startswith("malformed activity"), reason
    assert_nothing_stored(database_url)
    assert refused_count(database_url, 400) == 1


def test_inbox_refuses_json_that_is_not_an_activity(
    treehole: ServerProcess, peer: Fedipeer, database_url: str
) -> None:
    """spec: inbox-malformed-json-400"""
    not_activity = {"@context": AS_CONTEXT, "type": "Follow", "object": board_of(treehole)}
    sent = peer.send("alice", f"{treehole.url}/inbox", not_activity)
    assert_refused(sent["status"], sent["response"], 400)
    assert_nothing_stored(database_url)


@pytest.mark.parametrize("chunked", [False, True])
def test_inbox_refuses_body_over_one_mib(
    treehole: ServerProcess, database_url: str, chunked: bool
) -> None:
    """spec: inbox-body-limit-413 (with Content-Length, and streamed without one)"""
    payload = b'{"pad": "' + b"x" * MIB + b'"}'
    headers = {"Content-Type": "application/activity+json", "Accept": "application/activity+json"}
    with httpx.Client(trust_env=False, timeout=30) as client:
        if chunked:
            pieces = [payload[i : i + 65536] for i in range(0, len(payload), 65536)]
            response = client.post(f"{treehole.url}/inbox", content=iter(pieces), headers=headers)
        else:
            response = client.post(f"{treehole.url}/inbox", content=payload, headers=headers)
    assert_refused(response.status_code, response.json(), 413)
    assert_nothing_stored(database_url)


# --- Delete of actors -----------------------------------------------------------------------------


@SPECS
def test_inbox_ignores_delete_of_never_known_actor_without_fetching(
    treehole: ServerProcess, fake: FakeActors, database_url: str, spec: str
) -> None:
    """spec: inbox-delete-unknown-actor-no-fetch"""
    ghost = fake.add_actor("ghost")
    delete = {
        "@context": AS_CONTEXT,
        "id": f"{ghost}#delete",
        "type": "Delete",
        "actor": ghost,
        "object": ghost,
    }
    url = f"{treehole.url}/inbox"
    full = CAVAGE_FULL if spec == CAVAGE else RFC9421_FULL
    body, headers = signed_by_fake(fake, "ghost", url, delete, spec, full)
    assert post(url, body, headers).status_code == 202
    assert fake.requests() == []
    assert rows(database_url, remote_actors) == []
    assert_nothing_stored(database_url)


def test_inbox_ignores_delete_of_unknown_fedipeer_actor_without_fetching(
    treehole: ServerProcess, peer: Fedipeer, database_url: str
) -> None:
    """spec: inbox-delete-unknown-actor-no-fetch"""
    alice = peer.actor("alice")
    delete = {
        "@context": AS_CONTEXT,
        "id": f"{alice.id}#delete",
        "type": "Delete",
        "actor": alice.id,
        "object": alice.id,
    }
    assert peer.send("alice", f"{treehole.url}/inbox", delete)["status"] == 202
    gets = [r for r in peer.requests()["items"] if r["method"] == "GET"]
    assert gets == []
    assert_nothing_stored(database_url)


def test_inbox_refuses_unsigned_delete_of_known_actor(
    treehole: ServerProcess, peer: Fedipeer, database_url: str
) -> None:
    """spec: httpsig-required (the unknown-actor shortcut must not skip verification)"""
    alice = peer.actor("alice")
    assert (
        peer.send("alice", f"{treehole.url}/inbox", follow(alice.id, board_of(treehole)))["status"]
        == 202
    )
    wait_for_follower_count(peer, database_url, 1)
    delete = {
        "@context": AS_CONTEXT,
        "id": f"{alice.id}#delete",
        "type": "Delete",
        "actor": alice.id,
        "object": alice.id,
    }
    sent = peer.send("alice", f"{treehole.url}/inbox", delete, "unsigned")
    assert_refused(sent["status"], sent["response"])
    assert len(rows(database_url, followers)) == 1
    assert len(rows(database_url, inbox_items)) == 1


# --- replay, inboxes, key rotation ----------------------------------------------------------------


@SPECS
def test_inbox_stores_replayed_activity_once(
    treehole: ServerProcess, peer: Fedipeer, database_url: str, spec: str
) -> None:
    """spec: inbox-replay-idempotent"""
    activity = follow(peer.actor("alice").id, board_of(treehole))
    for _ in range(2):
        sent = peer.send("alice", f"{treehole.url}/inbox", activity, "none", spec)
        assert sent["status"] == 202, sent
    assert [r["ap_id"] for r in rows(database_url, inbox_items)] == [activity["id"]]
    wait_for_follower_count(peer, database_url, 1)
    peer.wait_until(lambda: rows(database_url, inbox_items)[0]["state"] != "pending", timeout=20)
    assert len(rows(database_url, followers)) == 1


def test_inbox_follow_via_shared_and_board_inbox(
    treehole: ServerProcess, peer: Fedipeer, database_url: str
) -> None:
    """spec: inbox-shared-and-actor-inboxes"""
    board = board_of(treehole)
    via_shared = follow(peer.actor("alice").id, board)
    via_board = follow(peer.actor("bob").id, board)
    assert peer.send("alice", f"{treehole.url}/inbox", via_shared)["status"] == 202
    assert peer.send("bob", f"{board}/inbox", via_board)["status"] == 202
    wait_for_follower_count(peer, database_url, 2)
    follow_ids = {r["follow_ap_id"] for r in rows(database_url, followers)}
    assert follow_ids == {via_shared["id"], via_board["id"]}
    for activity in (via_shared, via_board):
        peer.wait_for_inbox("Accept", accepting(activity["id"]), timeout=20)


@SPECS
def test_inbox_refetches_rotated_key_once(
    treehole: ServerProcess, peer: Fedipeer, database_url: str, spec: str
) -> None:
    """spec: httpsig-key-rotation-refetch"""
    alice = peer.actor("alice")
    board = board_of(treehole)
    first = follow(alice.id, board)
    assert peer.send("alice", f"{treehole.url}/inbox", first, "none", spec)["status"] == 202
    key_before = rows(database_url, remote_actors)[0]["public_key_pem"]

    def actor_gets() -> int:
        items = peer.requests()["items"]
        return sum(1 for r in items if r["method"] == "GET" and r["path"] == "/users/alice")

    gets_before = actor_gets()
    peer.rotate_key("alice")
    second = follow(alice.id, board)
    assert peer.send("alice", f"{treehole.url}/inbox", second, "none", spec)["status"] == 202
    assert actor_gets() == gets_before + 1
    assert [r["ap_id"] for r in rows(database_url, inbox_items)] == [first["id"], second["id"]]
    [actor] = rows(database_url, remote_actors)
    assert actor["public_key_pem"] != key_before
