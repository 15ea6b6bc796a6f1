"""Parsing untrusted AS2: Mastodon arrays, Fedify compacted values, and garbage."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from federation.errors import ParseError
from federation.parse import load_json, parse_activity, parse_actor, parse_note, parse_time
from federation.vocab import PUBLIC

DATA = Path(__file__).resolve().parents[2] / "data" / "as2"


def fixture(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((DATA / name).read_text())
    return document


# --- activities ---


def test_parse_activity_mastodon_create_reply() -> None:
    """spec: parse-mastodon-shapes"""
    activity = parse_activity(fixture("mastodon_create_reply.json"))
    assert activity.type == "Create"
    assert activity.actor == "https://mastodon.example/users/alice"
    assert activity.object_id == "https://mastodon.example/users/alice/statuses/111"
    assert activity.object_type == "Note"
    assert activity.object is not None and activity.object["content"].startswith("<p>")
    assert activity.in_reply_to == "https://treehole.example/n/8f3a"
    assert activity.to == (PUBLIC,)
    assert "https://treehole.example/a/k7qz" in activity.cc
    assert activity.raw["signature"]["type"] == "RsaSignature2017"


def test_parse_activity_fedify_compacted_single_values() -> None:
    """spec: parse-compacted-jsonld — `to: "as:Public"` and a bare-string cc."""
    activity = parse_activity(fixture("fedify_create_note.json"))
    assert activity.to == (PUBLIC,)
    assert activity.cc == ("https://hollo.example/@bob/followers",)
    assert activity.object_type == "Note"
    assert activity.in_reply_to == "https://treehole.example/n/8f3a"


@pytest.mark.parametrize(
    ("name", "kind", "object_id", "embedded"),
    [
        ("mastodon_follow.json", "Follow", "https://treehole.example/b/main", False),
        (
            "mastodon_undo_follow.json",
            "Undo",
            "https://mastodon.example/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            True,
        ),
        ("mastodon_announce.json", "Announce", "https://treehole.example/n/8f3a", False),
        (
            "mastodon_delete_note.json",
            "Delete",
            "https://mastodon.example/users/alice/statuses/111",
            True,
        ),
        ("mastodon_delete_actor.json", "Delete", "https://mastodon.example/users/alice", False),
        ("mastodon_like.json", "Like", "https://treehole.example/n/8f3a", False),
    ],
)
def test_parse_activity_mastodon_fixtures(
    name: str, kind: str, object_id: str, embedded: bool
) -> None:
    """spec: parse-mastodon-shapes"""
    activity = parse_activity(fixture(name))
    assert activity.type == kind
    assert activity.object_id == object_id
    assert (activity.object is not None) is embedded


def test_parse_activity_flag_keeps_every_object() -> None:
    """spec: parse-mastodon-shapes — a Flag names the account and its statuses."""
    activity = parse_activity(fixture("mastodon_flag.json"))
    assert activity.object_ids == (
        "https://treehole.example/a/k7qz",
        "https://treehole.example/n/8f3a",
    )
    assert activity.to == () and activity.cc == ()


def test_parse_activity_accepts_embedded_actor_object() -> None:
    document = fixture("mastodon_like.json")
    document["actor"] = {"id": document["actor"], "type": "Person"}
    assert parse_activity(document).actor == "https://mastodon.example/users/alice"


@pytest.mark.parametrize("spelling", ["as:Public", "Public", PUBLIC])
def test_parse_activity_normalises_public_spellings(spelling: str) -> None:
    document = fixture("mastodon_announce.json")
    document["to"] = [spelling]
    assert parse_activity(document).to == (PUBLIC,)


def _broken(name: str, **changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(fixture(name))
    for key, value in changes.items():
        if value is ...:
            del document[key]
        else:
            document[key] = value
    return document


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ([1, 2], "not a JSON object"),
        ("Create", "not a JSON object"),
        (_broken("mastodon_follow.json", id=...), "no id"),
        (_broken("mastodon_follow.json", type=...), "no type"),
        (_broken("mastodon_follow.json", type=7), "no type"),
        (_broken("mastodon_follow.json", actor=...), "no actor"),
        (_broken("mastodon_follow.json", actor=["x"]), "actor is not an http"),
        (_broken("mastodon_follow.json", id="javascript:alert(1)"), "id is not an http"),
        (_broken("mastodon_follow.json", id="ftp://mastodon.example/x"), "id is not an http"),
        (_broken("mastodon_follow.json", id=12), "id is not an http"),
        (_broken("mastodon_follow.json", object=...), "has no object id"),
        (_broken("mastodon_follow.json", object="file:///etc/passwd"), "object id is not"),
        (_broken("mastodon_follow.json", object=5), "neither an id nor an object"),
        (_broken("mastodon_follow.json", **{"@context": ...}), "unsupported @context"),
        (_broken("mastodon_follow.json", **{"@context": "https://evil.example/ns"}), "@context"),
        (_broken("mastodon_announce.json", to=[42]), "to holds"),
        (_broken("mastodon_announce.json", cc={"no": "id"}), "cc holds"),
        (_broken("mastodon_create_reply.json", object={"type": "Note"}), "has no object id"),
    ],
)
def test_parse_activity_refuses_garbage(document: Any, reason: str) -> None:
    """spec: parse-garbage"""
    with pytest.raises(ParseError, match=reason):
        parse_activity(document)


def test_parse_activity_refuses_bad_in_reply_to() -> None:
    document = fixture("mastodon_create_reply.json")
    document["object"]["inReplyTo"] = "javascript:x"
    with pytest.raises(ParseError, match="inReplyTo"):
        parse_activity(document)


def test_parse_activity_allows_unknown_types_without_object() -> None:
    document = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "https://m.example/x",
        "type": "Question",
        "actor": "https://m.example/u",
    }
    activity = parse_activity(document)
    assert activity.object_id is None and activity.object is None


# --- load_json ---


def test_load_json_refuses_oversized() -> None:
    """spec: parse-size-cap"""
    with pytest.raises(ParseError, match="larger than"):
        load_json(b"{}" + b" " * 100, max_bytes=100)


@pytest.mark.parametrize("body", [b"{", b"\xff\xfe", b"[]", b"null", b"1e999999"])
def test_load_json_refuses_garbage(body: bytes) -> None:
    """spec: parse-garbage"""
    with pytest.raises(ParseError):
        load_json(body)


def test_load_json_refuses_deep_nesting() -> None:
    """spec: parse-size-cap"""
    with pytest.raises(ParseError, match="deeper"):
        load_json(b'{"a":' * 40 + b"1" + b"}" * 40)
    with pytest.raises(ParseError):
        load_json(b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}")


def test_load_json_returns_object() -> None:
    assert load_json(b'{"id": "https://a.example/x"}') == {"id": "https://a.example/x"}


# --- actors ---


def test_parse_actor_mastodon() -> None:
    """spec: actor-acceptance"""
    actor = parse_actor(fixture("mastodon_person.json"))
    assert actor.id == "https://mastodon.example/users/alice"
    assert actor.type == "Person"
    assert actor.preferred_username == "alice"
    assert actor.name == "Alice"
    assert actor.inbox == "https://mastodon.example/users/alice/inbox"
    assert actor.shared_inbox == "https://mastodon.example/inbox"
    assert actor.key_id == "https://mastodon.example/users/alice#main-key"
    assert actor.public_key_pem is not None and "BEGIN PUBLIC KEY" in actor.public_key_pem
    assert actor.url == "https://mastodon.example/@alice"


def test_parse_actor_gotosocial_path_key_and_no_shared_inbox() -> None:
    """spec: actor-acceptance — GtS keyIds are paths and GtS serves no sharedInbox."""
    actor = parse_actor(fixture("gotosocial_person.json"))
    assert actor.key_id == "https://gts.example/users/carol/main-key"
    assert actor.shared_inbox is None


def test_parse_actor_takes_first_valid_key_of_an_array() -> None:
    document = fixture("mastodon_person.json")
    good = document["publicKey"]
    stranger = dict(good, owner="https://mastodon.example/users/eve")
    document["publicKey"] = [stranger, good]
    assert parse_actor(document).key_id == good["id"]


def test_parse_actor_without_key_is_allowed_but_keyless() -> None:
    document = fixture("mastodon_person.json")
    del document["publicKey"]
    actor = parse_actor(document)
    assert actor.key_id is None and actor.public_key_pem is None


def test_parse_actor_drops_foreign_shared_inbox_and_url() -> None:
    document = fixture("mastodon_person.json")
    document["endpoints"] = {"sharedInbox": "https://relay.example/inbox"}
    document["url"] = "https://elsewhere.example/@alice"
    actor = parse_actor(document)
    assert actor.shared_inbox is None
    assert actor.url is None


def test_parse_actor_accepts_webfinger_instead_of_preferred_username() -> None:
    document = fixture("mastodon_person.json")
    del document["preferredUsername"]
    assert parse_actor(document).preferred_username is None


def _actor(**changes: Any) -> dict[str, Any]:
    document = fixture("mastodon_person.json")
    for key, value in changes.items():
        if value is ...:
            del document[key]
        else:
            document[key] = value
    return document


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (_actor(type="Note"), "not an actor type"),
        (_actor(inbox=...), "no inbox"),
        (_actor(inbox=""), "inbox is not an http"),
        (_actor(inbox="https://other.example/inbox"), "inbox is on another origin"),
        (_actor(preferredUsername=..., webfinger=...), "neither preferredUsername"),
        (_actor(id="http//broken"), "id is not"),
        (_actor(**{"@context": ["https://w3id.org/security/v1"]}), "@context"),
        (
            _actor(
                publicKey={
                    "id": "https://mastodon.example/users/alice#main-key",
                    "owner": "https://mastodon.example/users/mallory",
                    "publicKeyPem": "x",
                }
            ),
            "no public key owned",
        ),
        (
            _actor(
                publicKey={
                    "id": "https://keys.example/alice#main-key",
                    "owner": "https://mastodon.example/users/alice",
                    "publicKeyPem": "x",
                }
            ),
            "no public key owned",
        ),
        (_actor(publicKey=[{"id": f"k{i}"} for i in range(11)]), "too many public keys"),
    ],
)
def test_parse_actor_refuses(document: dict[str, Any], reason: str) -> None:
    """spec: actor-acceptance"""
    with pytest.raises(ParseError, match=reason):
        parse_actor(document)


# --- notes ---


def test_parse_note_mastodon() -> None:
    """spec: parse-mastodon-shapes"""
    note = parse_note(fixture("mastodon_create_reply.json")["object"])
    assert note.id == "https://mastodon.example/users/alice/statuses/111"
    assert note.attributed_to == "https://mastodon.example/users/alice"
    assert "same here" in note.content_html
    assert note.summary is None and note.sensitive is False
    assert note.in_reply_to == "https://treehole.example/n/8f3a"
    assert note.published == datetime(2026, 8, 1, 12, 0, tzinfo=UTC)
    assert note.url == "https://mastodon.example/@alice/111"
    assert note.to == (PUBLIC,)


def test_parse_note_fedify_link_url_and_compacted_addressing() -> None:
    """spec: parse-compacted-jsonld"""
    note = parse_note(fixture("fedify_create_note.json")["object"])
    assert note.url == "https://hollo.example/@bob/0191d2c5-6f5e-7c3a-9b1e-3a2d1c0b9a88"
    assert note.to == (PUBLIC,)
    assert note.cc == ("https://hollo.example/@bob/followers",)


def test_parse_note_content_warning_and_content_map_fallback() -> None:
    document = fixture("mastodon_create_reply.json")["object"]
    del document["content"]
    document["summary"] = "spoilers"
    document["sensitive"] = True
    note = parse_note(document)
    assert note.summary == "spoilers" and note.sensitive is True
    assert "same here" in note.content_html


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"attributedTo": "https://evil.example/users/x"}, "different origins"),
        ({"attributedTo": None}, "no attributedTo"),
        ({"type": "Person"}, "Note-like"),
        ({"published": "yesterday"}, "ISO 8601"),
        ({"published": 5}, "not a string"),
        ({"inReplyTo": "data:text/plain,x"}, "inReplyTo"),
    ],
)
def test_parse_note_refuses(changes: dict[str, Any], reason: str) -> None:
    """spec: note-attribution"""
    document = fixture("mastodon_create_reply.json")["object"]
    document.update(changes)
    with pytest.raises(ParseError, match=reason):
        parse_note(document)


def test_parse_time_assumes_utc_for_naive_values() -> None:
    assert parse_time("2026-01-02T03:04:05") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert parse_time("2026-01-02T05:04:05+02:00") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert parse_time(None) is None
