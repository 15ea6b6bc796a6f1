"""The RFC 8941 subset: dictionaries in, inner lists out."""

from __future__ import annotations

import pytest

from federation.errors import ParseError
from federation.structured_fields import (
    InnerList,
    Item,
    Token,
    parse_dictionary,
    serialize_inner_list,
)


def test_parse_dictionary_reads_signature_input() -> None:
    """spec: sfv-dictionary"""
    text = 'sig1=("@method" "@target-uri");created=1618884473;keyid="test-key";alg="x", sig2=:AAE=:'
    parsed = parse_dictionary(text)
    assert parsed["sig1"] == InnerList(
        (Item("@method"), Item("@target-uri")),
        (("created", 1618884473), ("keyid", "test-key"), ("alg", "x")),
    )
    assert parsed["sig2"] == Item(b"\x00\x01")


def test_parse_dictionary_reads_every_bare_item_type() -> None:
    parsed = parse_dictionary('a=1, b=-2.5, c="q\\"s", d=tok/en:1, e=?0, f, g=:YQ==:;p;q=?1')
    assert parsed["a"] == Item(1)
    assert parsed["b"] == Item(-2.5)
    assert parsed["c"] == Item('q"s')
    assert parsed["d"] == Item(Token("tok/en:1"))
    assert parsed["e"] == Item(False)
    assert parsed["f"] == Item(True)
    assert parsed["g"] == Item(b"a", (("p", True), ("q", True)))


def test_serialize_inner_list_round_trips() -> None:
    """spec: sfv-serialize-signature-params"""
    text = '("@method" "content-digest";sf);created=1;keyid="a\\\\b\\"c";ok;no=?0;t=tok;d=1.5'
    parsed = parse_dictionary("sig1=" + text)["sig1"]
    assert isinstance(parsed, InnerList)
    assert serialize_inner_list(parsed) == text


def test_serialize_inner_list_normalises_whitespace() -> None:
    parsed = parse_dictionary('sig1=(  "a"   "b" );created=1')["sig1"]
    assert isinstance(parsed, InnerList)
    assert serialize_inner_list(parsed) == '("a" "b");created=1'


@pytest.mark.parametrize(
    "text",
    [
        "A=1",
        "a=1,",
        "a=1 b=2",
        'a="unterminated',
        'a="bad\\escape"',
        "a=:not base64!:",
        "a=(1 2",
        "a=1234567890123456",
        "a=1.2345",
        "a=?2",
        "a=@",
        'a="tab\tinside"',
    ],
)
def test_parse_dictionary_rejects_malformed(text: str) -> None:
    with pytest.raises(ParseError):
        parse_dictionary(text)
