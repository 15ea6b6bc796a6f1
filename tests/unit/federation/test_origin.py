"""Origin rules mirroring Mastodon's same-host checks."""

from __future__ import annotations

from typing import Any

import pytest

from federation.origin import (
    host_of,
    is_authentic_fetch,
    note_attribution_ok,
    object_belongs_to_actor,
    origin_of,
    same_origin,
    signer_owns_activity,
)

ALICE = "https://m.example/users/alice"


def test_origin_of_normalises_case_and_default_ports() -> None:
    assert origin_of("HTTPS://M.Example./x") == ("https", "m.example", 443)
    assert origin_of("http://m.example:8080/") == ("http", "m.example", 8080)
    assert origin_of("ftp://m.example/") is None
    assert origin_of("https://m.example:99999/") is None
    assert origin_of(None) is None


def test_host_of() -> None:
    assert host_of("https://M.example:8443/a?b") == "m.example"
    assert host_of("mailto:a@b") is None


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://m.example/a", "https://m.example:443/b", True),
        ("https://m.example/a", "https://M.EXAMPLE/b", True),
        ("https://m.example/a", "http://m.example/a", False),
        ("http://127.0.0.1:8001/a", "http://127.0.0.1:8002/a", False),
        ("https://m.example/a", "https://sub.m.example/a", False),
        ("https://m.example/a", "not a url", False),
        (None, None, False),
    ],
)
def test_same_origin(a: str | None, b: str | None, same: bool) -> None:
    """spec: origin-same-host"""
    assert same_origin(a, b) is same


def _activity(**fields: Any) -> dict[str, Any]:
    return {"id": f"{ALICE}#likes/1", "type": "Like", "actor": ALICE, "object": "https://t/x"} | {
        key: value for key, value in fields.items()
    }


def test_signer_owns_activity() -> None:
    """spec: origin-signer-is-actor"""
    assert signer_owns_activity(ALICE, _activity())
    assert signer_owns_activity(ALICE, _activity(actor={"id": ALICE}))
    assert not signer_owns_activity("https://m.example/users/bob", _activity())
    assert not signer_owns_activity(ALICE, _activity(id="https://evil.example/1"))
    assert not signer_owns_activity(ALICE, _activity(id=None))


@pytest.mark.parametrize(
    ("activity", "ok"),
    [
        (_activity(type="Create", object={"id": f"{ALICE}/s/1", "attributedTo": ALICE}), True),
        (_activity(type="Create", object={"id": "https://evil.example/s/1"}), False),
        (
            _activity(
                type="Create",
                object={"id": f"{ALICE}/s/1", "attributedTo": "https://m.example/users/bob"},
            ),
            False,
        ),
        (_activity(type="Delete", object=f"{ALICE}/s/1"), True),
        (
            _activity(type="Delete", object={"id": "https://t.example/n/1", "type": "Tombstone"}),
            False,
        ),
        (_activity(type="Update", object={"id": ALICE, "type": "Person"}), True),
        (_activity(type="Update", object={"type": "Note"}), False),
        (_activity(type="Delete", object=None), False),
        (_activity(type="Announce", object="https://elsewhere.example/n/1"), True),
    ],
)
def test_object_belongs_to_actor(activity: dict[str, Any], ok: bool) -> None:
    """spec: origin-object-host"""
    assert object_belongs_to_actor(activity) is ok


def test_is_authentic_fetch() -> None:
    """spec: origin-fetched-id"""
    url = "https://m.example/users/alice"
    assert is_authentic_fetch(url, url, url)
    assert is_authentic_fetch(url, "https://m.example/u/alice", "https://m.example/u/alice")
    assert not is_authentic_fetch(url, "https://evil.example/a", "https://evil.example/a")
    assert not is_authentic_fetch(url, url, "https://m.example/users/bob")
    assert not is_authentic_fetch(url, url, None)


def test_note_attribution_ok() -> None:
    """spec: note-attribution"""
    assert note_attribution_ok({"id": f"{ALICE}/s/1", "attributedTo": [ALICE]})
    assert not note_attribution_ok({"id": "https://e.example/s/1", "attributedTo": ALICE})
    assert not note_attribution_ok({"id": f"{ALICE}/s/1"})
