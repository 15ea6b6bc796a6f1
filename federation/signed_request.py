"""The request model shared by both HTTP signature schemes.

This module owns the value a parsed signature becomes (`SignedRequest`), the view of an incoming
request the parsers read (`IncomingRequest`) and the small conversions both schemes need: URL
authority, HTTP dates, epoch seconds, strict base64, the RSA signing primitive. It does not
choose a scheme or decide what must be covered; `cavage`, `rfc9421` and `httpsig` do.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from federation.digests import check_content_digest, check_digest
from federation.errors import MALFORMED_DATE, MALFORMED_SIGNATURE, SignatureError, missing_header
from federation.keys import PrivateKey, load_private_key

Scheme = Literal["draft-cavage", "rfc9421"]
DRAFT_CAVAGE: Final = "draft-cavage"
RFC9421: Final = "rfc9421"

_DEFAULT_PORTS: Final = {"http": ":80", "https": ":443"}
# Headers the signers set themselves; a caller's copy of them is dropped, never signed twice.
_SET_BY_SIGNER: Final = frozenset(
    {"host", "date", "digest", "content-digest", "signature", "signature-input"}
)


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """An incoming request whose signature parsed and whose digest and time window passed.

    `signed_bytes` is what the sender must have signed. `fallback_signed_bytes`, when set, is the
    draft-cavage string with the query left out of `(request-target)`, which Fedify and Mastodon
    before 4.3 sign; Mastodon's verifier accepts either, and so do we.
    """

    scheme: Scheme
    key_id: str
    signed_bytes: bytes
    signature: bytes
    algorithm: str
    covered: tuple[str, ...]
    created: datetime
    expires: datetime | None = None
    fallback_signed_bytes: bytes | None = None


@dataclass(frozen=True, slots=True)
class IncomingRequest:
    """An incoming request as the signature parsers see it (header names lowercased)."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    url_scheme: str

    def header(self, name: str) -> str:
        """A covered header's value; SignatureError("missing header: NAME") if absent."""
        value = self.headers.get(name)
        if value is None:
            raise SignatureError(missing_header(name))
        return value

    @property
    def authority(self) -> str:
        """The normalised Host, as RFC 9421's `@authority`."""
        return normalise_authority(self.header("host"), self.url_scheme)


@dataclass(frozen=True, slots=True)
class Target:
    """The parts of an outgoing request URL that signatures cover."""

    scheme: str
    authority: str
    path_with_query: str

    @property
    def uri(self) -> str:
        """The target URI as RFC 9421's `@target-uri`."""
        return f"{self.scheme}://{self.authority}{self.path_with_query}"


def split_url(url: str) -> Target:
    """Split an http(s) URL for signing; ValueError for anything else."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    netloc = parts.netloc.rpartition("@")[2]
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, normalise_authority(netloc, scheme), path)


def normalise_authority(host: str, scheme: str) -> str:
    """Lowercase a host[:port] and drop the scheme's default port (RFC 9421 section 2.2.3)."""
    authority = host.strip().lower()
    default = _DEFAULT_PORTS.get(scheme)
    if default and authority.endswith(default):
        authority = authority[: -len(default)]
    return authority


def passthrough_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The caller's headers minus those a signer sets itself."""
    return {name: value for name, value in headers.items() if name.lower() not in _SET_BY_SIGNER}


def lookup_header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup (`name` lowercase)."""
    return next((value for key, value in headers.items() if key.lower() == name), None)


def check_covered_digests(request: IncomingRequest, covered: tuple[str, ...]) -> None:
    """Check whichever of `Digest` / `Content-Digest` the signature covers against the body."""
    if "digest" in covered:
        check_digest(request.header("digest"), request.body)
    if "content-digest" in covered:
        check_content_digest(request.header("content-digest"), request.body)


def rsa_sign(private_key: PrivateKey, data: bytes) -> bytes:
    """RSASSA-PKCS1-v1_5 with SHA-256, the only algorithm the fediverse agrees on. A PEM is
    loaded for this one signature and not kept (`federation.keys.PrivateKeys` keeps loaded keys
    for as long as their owner says)."""
    key = load_private_key(private_key) if isinstance(private_key, str) else private_key
    return key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def format_http_date(now: datetime) -> str:
    """`now` as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`)."""
    return email.utils.format_datetime(as_utc(now), usegmt=True)


def parse_http_date(value: str) -> datetime:
    """Parse an HTTP date; SignatureError("malformed date") if it is not one."""
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError) as exc:
        raise SignatureError(MALFORMED_DATE) from exc
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def parse_epoch(value: str) -> datetime:
    """Parse Unix seconds (integer or decimal); SignatureError("malformed signature") if bad."""
    try:
        return datetime.fromtimestamp(float(value), tz=UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise SignatureError(MALFORMED_SIGNATURE) from exc


def strict_b64decode(value: str) -> bytes:
    """Decode standard base64, refusing stray characters."""
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureError(MALFORMED_SIGNATURE) from exc


def as_utc(moment: datetime) -> datetime:
    """`moment` in UTC; ValueError for a naive datetime."""
    if moment.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    return moment.astimezone(UTC)
