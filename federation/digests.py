"""Body digests: `Digest` (RFC 3230) and `Content-Digest` (RFC 9530), built and checked.

This module owns binding a request body to its signature through a digest header. It does not
decide whether a digest is required; `httpsig` does. Checks raise SignatureError.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable

from federation.errors import (
    DIGEST_MISMATCH,
    MALFORMED_DIGEST,
    UNSUPPORTED_DIGEST,
    ParseError,
    SignatureError,
)
from federation.structured_fields import Item, parse_dictionary

_HASHES: dict[str, Callable[[bytes], bytes]] = {
    "sha-256": lambda body: hashlib.sha256(body).digest(),
    "sha-512": lambda body: hashlib.sha512(body).digest(),
}


def build_digest(body: bytes) -> str:
    """The RFC 3230 `Digest` value Mastodon expects: `SHA-256=<base64>`."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def build_content_digest(body: bytes) -> str:
    """The RFC 9530 `Content-Digest` value: `sha-256=:<base64>:`."""
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii") + ":"


def check_digest(header: str, body: bytes) -> None:
    """Check an RFC 3230 `Digest` header against the raw body.

    Algorithm names are case-insensitive; unknown algorithms are ignored, at least one of
    SHA-256/SHA-512 must be present, and every one present must match.
    """
    claimed: list[tuple[str, bytes]] = []
    for part in header.split(","):
        name, sep, value = part.strip().partition("=")
        if not sep:
            raise SignatureError(MALFORMED_DIGEST)
        if name.lower() in _HASHES:
            claimed.append((name.lower(), _strict_b64decode(value.strip())))
    _compare(claimed, body)


def check_content_digest(header: str, body: bytes) -> None:
    """Check an RFC 9530 `Content-Digest` dictionary (sha-256 and/or sha-512) against the body."""
    try:
        members = parse_dictionary(header)
    except ParseError as exc:
        raise SignatureError(MALFORMED_DIGEST) from exc
    claimed: list[tuple[str, bytes]] = []
    for name, member in members.items():
        if name not in _HASHES:
            continue
        if not isinstance(member, Item) or not isinstance(member.value, bytes):
            raise SignatureError(MALFORMED_DIGEST)
        claimed.append((name, member.value))
    _compare(claimed, body)


def _compare(claimed: list[tuple[str, bytes]], body: bytes) -> None:
    if not claimed:
        raise SignatureError(UNSUPPORTED_DIGEST)
    for name, value in claimed:
        if not hmac.compare_digest(value, _HASHES[name](body)):
            raise SignatureError(DIGEST_MISMATCH)


def _strict_b64decode(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureError(MALFORMED_DIGEST) from exc
