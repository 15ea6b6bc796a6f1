"""Builders produce the shapes Mastodon and friends require (mastodon-interop §3.4, §5)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from federation.builders import (
    ActorType,
    activity_size_ok,
    build_accept,
    build_actor,
    build_announce,
    build_create,
    build_delete,
    build_delete_actor,
    build_flag,
    build_note,
    build_ordered_collection,
    build_reject,
    build_tombstone,
    build_undo,
    build_update_actor,
    format_time,
)
from federation.parse import parse_activity, parse_actor, parse_note
from federation.vocab import AS_CONTEXT, PUBLIC, SECURITY_CONTEXT

H = "https://treehole.example"
NOW = datetime(2026, 8, 1, 12, 0, 0, 123456, tzinfo=UTC)
PEM = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n"


def _actor(actor_type: ActorType = "Person", **overrides: object) -> dict[str, object]:
    args: dict[str, object] = {
        "actor_type": actor_type,
        "actor_id": f"{H}/a/k7qz",
        "preferred_username": "k7qz",
        "name": "Anonymous",
        "summary": None,
        "url": None,
        "inbox": f"{H}/a/k7qz/inbox",
        "outbox": f"{H}/a/k7qz/outbox",
        "followers": f"{H}/a/k7qz/followers",
        "following": None,
        "shared_inbox": f"{H}/inbox",
        "key_id": f"{H}/a/k7qz#main-key",
        "public_key_pem": PEM,
        "published": NOW,
        "manually_approves_followers": True,
        "discoverable": False,
        "indexable": False,
        "webfinger": "k7qz@treehole.example",
    }
    args.update(overrides)
    return build_actor(**args)  # type: ignore[arg-type]


def test_build_actor_has_everything_mastodon_reads() -> None:
    """spec: actor-shape"""
    actor = _actor()
    context = actor["@context"]
    assert isinstance(context, list)
    assert context[0] == AS_CONTEXT and SECURITY_CONTEXT in context
    terms = context[-1]
    assert isinstance(terms, dict)
    for term in ("manuallyApprovesFollowers", "discoverable", "indexable", "toot"):
        assert term in terms
    assert actor["publicKey"] == {
        "id": f"{H}/a/k7qz#main-key",
        "owner": f"{H}/a/k7qz",
        "publicKeyPem": PEM,
    }
    assert actor["endpoints"] == {"sharedInbox": f"{H}/inbox"}
    assert actor["published"] == "2026-08-01T12:00:00Z"
    assert actor["manuallyApprovesFollowers"] is True
    assert actor["discoverable"] is False and actor["indexable"] is False
    assert actor["webfinger"] == "k7qz@treehole.example"
    assert "icon" not in actor and "image" not in actor
    assert "following" not in actor


@pytest.mark.parametrize("actor_type", ["Application", "Group", "Person"])
def test_build_actor_round_trips_through_our_own_parser(actor_type: ActorType) -> None:
    """spec: actor-shape — what we build passes the acceptance rules we apply to others."""
    parsed = parse_actor(_actor(actor_type))
    assert parsed.type == actor_type
    assert parsed.key_id == f"{H}/a/k7qz#main-key"
    assert parsed.shared_inbox == f"{H}/inbox"


def test_build_actor_group_with_profile_fields() -> None:
    group = _actor(
        "Group",
        summary="<p>Board</p>",
        url=f"{H}/b/main",
        following=f"{H}/a/k7qz/following",
        manually_approves_followers=False,
        discoverable=True,
        webfinger=None,
    )
    assert group["summary"] == "<p>Board</p>" and group["url"] == f"{H}/b/main"
    assert group["following"] == f"{H}/a/k7qz/following"
    assert "webfinger" not in group
    assert "https://purl.archive.org/socialweb/webfinger" not in group["@context"]  # type: ignore[operator]


def _note(**overrides: object) -> dict[str, object]:
    args: dict[str, object] = {
        "note_id": f"{H}/n/8f3a",
        "attributed_to": f"{H}/a/k7qz",
        "content_html": "<p>hello</p>",
        "published": NOW,
        "to": [PUBLIC],
        "cc": [f"{H}/a/k7qz/followers"],
    }
    args.update(overrides)
    return build_note(**args)  # type: ignore[arg-type]


def test_build_note_minimal_public_shape() -> None:
    """spec: note-shape"""
    note = _note()
    assert note["type"] == "Note"
    assert note["to"] == [PUBLIC] and note["cc"] == [f"{H}/a/k7qz/followers"]
    assert note["sensitive"] is False
    assert AS_CONTEXT in note["@context"]  # type: ignore[operator]
    for absent in ("summary", "inReplyTo", "url", "context", "contentMap", "endTime"):
        assert absent not in note
    parsed = parse_note(note)
    assert parsed.attributed_to == f"{H}/a/k7qz"


def test_build_note_full_shape() -> None:
    """spec: note-shape"""
    note = _note(
        url=f"{H}/t/1#8f3a",
        in_reply_to="https://m.example/s/1",
        context=f"{H}/t/1",
        summary="cw",
        sensitive=True,
        language="en",
        expires_at=NOW + timedelta(days=7),
    )
    assert note["summary"] == "cw" and note["sensitive"] is True
    assert note["contentMap"] == {"en": "<p>hello</p>"}
    assert note["inReplyTo"] == "https://m.example/s/1"
    assert note["context"] == f"{H}/t/1"
    assert note["endTime"] == "2026-08-08T12:00:00Z"


def test_build_create_copies_addressing_and_embeds_note_without_context() -> None:
    """spec: create-shape"""
    note = _note()
    create = build_create(activity_id=f"{H}/n/8f3a/activity", actor=f"{H}/a/k7qz", note=note)
    assert create["type"] == "Create"
    assert create["to"] == note["to"] and create["cc"] == note["cc"]
    assert create["published"] == note["published"]
    assert "@context" not in create["object"]
    assert create["object"]["id"] == f"{H}/n/8f3a"
    assert parse_activity(create).object_type == "Note"


def test_build_announce_references_note_by_id() -> None:
    """spec: announce-shape"""
    announce = build_announce(
        activity_id=f"{H}/b/main/announces/1",
        actor=f"{H}/b/main",
        note_id=f"{H}/n/8f3a",
        followers=f"{H}/b/main/followers",
        published=NOW,
        note_author=f"{H}/a/k7qz",
    )
    assert announce["object"] == f"{H}/n/8f3a"
    assert announce["to"] == [PUBLIC]
    assert announce["cc"] == [f"{H}/b/main/followers", f"{H}/a/k7qz"]
    assert announce["published"] == "2026-08-01T12:00:00Z"


def test_build_delete_carries_a_tombstone() -> None:
    """spec: delete-shape"""
    delete = build_delete(
        activity_id=f"{H}/n/8f3a#delete", actor=f"{H}/a/k7qz", object_id=f"{H}/n/8f3a",
        former_type="Note",
    )  # fmt: skip
    assert delete["object"] == {"id": f"{H}/n/8f3a", "type": "Tombstone", "formerType": "Note"}
    assert delete["to"] == [PUBLIC]
    assert parse_activity(delete).object_id == f"{H}/n/8f3a"


def test_build_delete_actor_names_the_actor_as_object() -> None:
    """spec: delete-shape"""
    delete = build_delete_actor(activity_id=f"{H}/a/k7qz#delete", actor=f"{H}/a/k7qz")
    assert delete["object"] == delete["actor"] == f"{H}/a/k7qz"
    assert delete["to"] == [PUBLIC]


def test_build_tombstone() -> None:
    tombstone = build_tombstone(object_id=f"{H}/n/1", former_type="Note", deleted=NOW)
    assert tombstone == {
        "@context": AS_CONTEXT,
        "id": f"{H}/n/1",
        "type": "Tombstone",
        "formerType": "Note",
        "deleted": "2026-08-01T12:00:00Z",
    }


def test_build_undo_embeds_or_references() -> None:
    """spec: undo-shape"""
    announce = build_announce(
        activity_id=f"{H}/b/main/announces/1", actor=f"{H}/b/main", note_id=f"{H}/n/8f3a",
        followers=f"{H}/b/main/followers", published=NOW,
    )  # fmt: skip
    undo = build_undo(activity_id=f"{H}/b/main/announces/1/undo", actor=f"{H}/b/main",
                      activity=announce)  # fmt: skip
    assert undo["object"]["id"] == announce["id"]
    assert undo["object"]["type"] == "Announce"
    assert "@context" not in undo["object"]
    assert undo["to"] == [PUBLIC]
    by_id = build_undo(activity_id=f"{H}/u/2", actor=f"{H}/b/main", activity=announce["id"])
    assert by_id["object"] == announce["id"]


FOLLOW = {
    "@context": AS_CONTEXT,
    "id": "https://m.example/0f1e",
    "type": "Follow",
    "actor": "https://m.example/users/alice",
    "object": f"{H}/b/main",
    "signature": {"type": "RsaSignature2017"},
}


@pytest.mark.parametrize(("build", "kind"), [(build_accept, "Accept"), (build_reject, "Reject")])
def test_build_accept_and_reject_repeat_the_follow(build: object, kind: str) -> None:
    """spec: accept-shape — Mastodon matches by the Follow id, falls back to actor/object."""
    answer = build(activity_id=f"{H}/b/main#accepts/1", actor=f"{H}/b/main", follow=FOLLOW)  # type: ignore[operator]
    assert answer["type"] == kind
    assert answer["object"] == {
        "id": "https://m.example/0f1e",
        "type": "Follow",
        "actor": "https://m.example/users/alice",
        "object": f"{H}/b/main",
    }
    assert answer["to"] == ["https://m.example/users/alice"]


def test_build_update_actor_carries_the_document() -> None:
    """spec: update-shape — object must be the signer itself."""
    actor = _actor("Group")
    update = build_update_actor(activity_id=f"{H}/a/k7qz#updates/1", actor_document=actor,
                                published=NOW)  # fmt: skip
    assert update["actor"] == update["object"]["id"] == actor["id"]
    assert update["@context"] == actor["@context"]
    assert "@context" not in update["object"]
    assert update["to"] == [PUBLIC]


def test_build_flag() -> None:
    """spec: flag-shape"""
    flag = build_flag(
        activity_id=f"{H}/reports/1", instance_actor=f"{H}/actor",
        objects=["https://m.example/users/x", "https://m.example/s/1"], content="spam",
    )  # fmt: skip
    assert flag["type"] == "Flag" and flag["actor"] == f"{H}/actor"
    assert flag["object"] == ["https://m.example/users/x", "https://m.example/s/1"]
    assert "to" not in flag
    with pytest.raises(ValueError):
        build_flag(activity_id="x", instance_actor="y", objects=[], content="")
    with pytest.raises(ValueError):
        build_flag(activity_id="x", instance_actor="y", objects=["z"], content="a" * 5001)


def test_build_ordered_collection() -> None:
    """spec: collection-shape — followers report totalItems only."""
    empty = build_ordered_collection(collection_id=f"{H}/a/k7qz/followers", total_items=0)
    assert empty == {
        "@context": AS_CONTEXT,
        "id": f"{H}/a/k7qz/followers",
        "type": "OrderedCollection",
        "totalItems": 0,
    }
    paged = build_ordered_collection(
        collection_id=f"{H}/b/main/outbox", total_items=2, first=f"{H}/b/main/outbox?page=1",
        items=["a", "b"],
    )  # fmt: skip
    assert paged["first"] == f"{H}/b/main/outbox?page=1"
    assert paged["orderedItems"] == ["a", "b"]


def test_activity_size_ok_at_misskey_limit() -> None:
    """spec: activity-size-64k"""
    assert activity_size_ok(b"x" * 65_536)
    assert not activity_size_ok(b"x" * 65_537)
    big_note = _note(content_html="<p>" + "a" * 70_000 + "</p>")
    assert not activity_size_ok(json.dumps(big_note).encode())


def test_format_time_is_utc_z_and_refuses_naive() -> None:
    assert format_time(datetime(2026, 1, 1, 2, 0, tzinfo=timezone(timedelta(hours=2)))) == (
        "2026-01-01T00:00:00Z"
    )
    with pytest.raises(ValueError):
        format_time(datetime(2026, 1, 1))
