"""The subset of RFC 8941 Structured Field Values that HTTP signatures and digests need.

This module owns parsing dictionaries (`Signature-Input`, `Signature`, `Content-Digest`) and
serialising inner lists (the `@signature-params` line of an RFC 9421 signature base). It knows
nothing about signatures themselves. Malformed input raises ParseError.
"""

from __future__ import annotations

import base64
import binascii
import string
from dataclasses import dataclass

from federation.errors import ParseError


@dataclass(frozen=True, slots=True)
class Token:
    """An RFC 8941 token (an unquoted identifier such as `sha-256` or `*`)."""

    value: str


BareItem = int | float | str | bytes | bool | Token
Params = tuple[tuple[str, BareItem], ...]


@dataclass(frozen=True, slots=True)
class Item:
    """A bare item with its parameters."""

    value: BareItem
    params: Params = ()


@dataclass(frozen=True, slots=True)
class InnerList:
    """A parenthesised list of items with its parameters."""

    items: tuple[Item, ...]
    params: Params = ()


Member = Item | InnerList

_KEY_FIRST = set(string.ascii_lowercase + "*")
_KEY_REST = set(string.ascii_lowercase + string.digits + "_-.*")
_TOKEN_FIRST = set(string.ascii_letters + "*")
_TCHAR = set(string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~:/")
_BASE64 = set(string.ascii_letters + string.digits + "+/=")
_MAX_INTEGER_DIGITS = 15


def parse_dictionary(text: str) -> dict[str, Member]:
    """Parse an RFC 8941 dictionary; a later duplicate key overrides an earlier one."""
    return _Parser(text).dictionary()


def serialize_inner_list(inner: InnerList) -> str:
    """Serialise an inner list with its parameters, as RFC 8941 section 4.1.1.1 says."""
    items = " ".join(
        _serialize_bare(item.value) + _serialize_params(item.params) for item in inner.items
    )
    return f"({items}){_serialize_params(inner.params)}"


def _serialize_params(params: Params) -> str:
    out = []
    for key, value in params:
        out.append(f";{key}" if value is True else f";{key}={_serialize_bare(value)}")
    return "".join(out)


def _serialize_bare(value: BareItem) -> str:
    if isinstance(value, bool):
        return "?1" if value else "?0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") + ("" if value % 1 else ".0")
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, bytes):
        return ":" + base64.b64encode(value).decode("ascii") + ":"
    return value.value


class _Parser:
    """A cursor over one header value; each method consumes what it parses."""

    def __init__(self, text: str) -> None:
        self.text = text.strip(" ")
        self.pos = 0

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def fail(self, what: str) -> ParseError:
        return ParseError(f"structured field: {what} at offset {self.pos}")

    def skip(self, chars: str) -> None:
        while self.peek() and self.peek() in chars:
            self.pos += 1

    def dictionary(self) -> dict[str, Member]:
        members: dict[str, Member] = {}
        while self.pos < len(self.text):
            key = self.key()
            if self.peek() == "=":
                self.pos += 1
                members[key] = self.member()
            else:
                members[key] = Item(True, self.params())
            self.skip(" \t")
            if self.pos >= len(self.text):
                return members
            if self.peek() != ",":
                raise self.fail("expected ','")
            self.pos += 1
            self.skip(" \t")
            if self.pos >= len(self.text):
                raise self.fail("trailing ','")
        return members

    def member(self) -> Member:
        if self.peek() == "(":
            return self.inner_list()
        return Item(self.bare_item(), self.params())

    def inner_list(self) -> InnerList:
        self.pos += 1
        items: list[Item] = []
        while True:
            self.skip(" ")
            if self.peek() == ")":
                self.pos += 1
                return InnerList(tuple(items), self.params())
            items.append(Item(self.bare_item(), self.params()))
            if self.peek() not in (" ", ")"):
                raise self.fail("expected ' ' or ')' in inner list")

    def params(self) -> Params:
        params: list[tuple[str, BareItem]] = []
        while self.peek() == ";":
            self.pos += 1
            self.skip(" ")
            key = self.key()
            value: BareItem = True
            if self.peek() == "=":
                self.pos += 1
                value = self.bare_item()
            params = [(k, v) for k, v in params if k != key]
            params.append((key, value))
        return tuple(params)

    def key(self) -> str:
        start = self.pos
        if self.peek() not in _KEY_FIRST or not self.peek():
            raise self.fail("bad key")
        while self.peek() and self.peek() in _KEY_REST:
            self.pos += 1
        return self.text[start : self.pos]

    def bare_item(self) -> BareItem:
        char = self.peek()
        if char == "-" or char.isdigit() and char.isascii():
            return self.number()
        if char == '"':
            return self.string()
        if char == ":":
            return self.byte_sequence()
        if char == "?":
            return self.boolean()
        if char and char in _TOKEN_FIRST:
            return self.token()
        raise self.fail("bad item")

    def number(self) -> int | float:
        start = self.pos
        if self.peek() == "-":
            self.pos += 1
        while self.peek() and (self.peek() in string.digits or self.peek() == "."):
            self.pos += 1
        literal = self.text[start : self.pos]
        digits = literal.lstrip("-")
        if not digits or not digits[0].isdigit() or digits.count(".") > 1:
            raise self.fail("bad number")
        if "." not in digits:
            if len(digits) > _MAX_INTEGER_DIGITS:
                raise self.fail("integer too long")
            return int(literal)
        whole, fraction = digits.split(".")
        if len(whole) > 12 or not 1 <= len(fraction) <= 3:
            raise self.fail("bad decimal")
        return float(literal)

    def string(self) -> str:
        self.pos += 1
        out: list[str] = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            self.pos += 1
            if char == "\\":
                escaped = self.peek()
                if escaped not in ('"', "\\") or not escaped:
                    raise self.fail("bad escape")
                out.append(escaped)
                self.pos += 1
            elif char == '"':
                return "".join(out)
            elif not " " <= char <= "~":
                raise self.fail("bad string character")
            else:
                out.append(char)
        raise self.fail("unterminated string")

    def token(self) -> Token:
        start = self.pos
        self.pos += 1
        while self.peek() and self.peek() in _TCHAR:
            self.pos += 1
        return Token(self.text[start : self.pos])

    def byte_sequence(self) -> bytes:
        self.pos += 1
        end = self.text.find(":", self.pos)
        if end < 0:
            raise self.fail("unterminated byte sequence")
        encoded = self.text[self.pos : end]
        if not set(encoded) <= _BASE64:
            raise self.fail("bad base64")
        self.pos = end + 1
        try:
            return base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        except binascii.Error as exc:
            raise self.fail("bad base64") from exc

    def boolean(self) -> bool:
        self.pos += 1
        char = self.peek()
        if char not in ("0", "1") or not char:
            raise self.fail("bad boolean")
        self.pos += 1
        return char == "1"
