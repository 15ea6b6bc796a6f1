"""AS2 value accessors."""

from __future__ import annotations

from federation.vocab import PUBLIC, as_list, first_id, id_of, is_public


def test_as_list() -> None:
    assert as_list(None) == []
    assert as_list("a") == ["a"]
    assert as_list(["a", "b"]) == ["a", "b"]
    assert as_list({"id": "x"}) == [{"id": "x"}]


def test_id_of() -> None:
    assert id_of("https://a/x") == "https://a/x"
    assert id_of({"id": "https://a/x", "type": "Note"}) == "https://a/x"
    assert id_of({"type": "Note"}) is None
    assert id_of({"id": 5}) is None
    assert id_of(5) is None


def test_first_id_skips_unusable_entries() -> None:
    assert first_id([None, {"type": "Link"}, {"id": "https://a/1"}, "https://a/2"]) == "https://a/1"
    assert first_id("https://a/x") == "https://a/x"
    assert first_id([]) is None
    assert first_id(None) is None


def test_is_public_spellings() -> None:
    assert is_public(PUBLIC) and is_public("as:Public") and is_public("Public")
    assert not is_public("https://a/followers")
