"""Signing outgoing requests and checking incoming ones with HTTP signatures.

This module is the entry point for both schemes: draft-cavage-12 (what Mastodon sends and we
send first) and RFC 9421 (Mastodon 4.7's second knock, Fedify's default). It picks the scheme,
applies the time window and does the RSA verification. It never fetches keys (`keyfetch` takes
an injected lookup), never decides whether a key belongs to an actor, and never reads a clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from federation.cavage import parse_cavage, sign_cavage
from federation.errors import (
    BAD_SIGNATURE,
    EXPIRED_SIGNATURE,
    FUTURE_DATE,
    STALE_DATE,
    SignatureError,
)
from federation.keys import PrivateKey, load_public_key
from federation.rfc9421 import parse_rfc9421, sign_rfc9421
from federation.signed_request import (
    DRAFT_CAVAGE,
    RFC9421,
    IncomingRequest,
    Scheme,
    SignedRequest,
    as_utc,
    format_http_date,
)

__all__ = [
    "CLOCK_SKEW",
    "DRAFT_CAVAGE",
    "MAX_SIGNATURE_AGE",
    "RFC9421",
    "Scheme",
    "SignedRequest",
    "format_http_date",
    "parse_signed_request",
    "sign_request_cavage",
    "sign_request_rfc9421",
    "verify_signed_request",
]

# What Mastodon accepts (app/lib/signed_request.rb `matches_time_window?`: a signature without
# `expires` lives 5 minutes after its creation, plus a 1 h clock margin): created at most about an
# hour ago. Ahead of our clock we allow Misskey's 5 minutes (the `http-signature` clockSkew it
# checks with), and an explicit `expires` is honoured with that same margin.
MAX_SIGNATURE_AGE: Final = timedelta(hours=1)
CLOCK_SKEW: Final = timedelta(minutes=5)

_BODYLESS_METHODS: Final = frozenset({"GET", "HEAD"})


def sign_request_cavage(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    key_id: str,
    private_key: PrivateKey,
    now: datetime,
) -> dict[str, str]:
    """Sign a request the way Mastodon does and return every header to send.

    `algorithm="rsa-sha256"` over `(request-target) host date`, plus `digest` and (if given)
    `content-type` when there is a body. Other `headers` pass through unsigned; Host, Date,
    Digest and Signature are set here (`(request-target)` keeps the query, as the draft says).
    """
    return sign_cavage(method, url, headers, body, key_id, private_key, now)


def sign_request_rfc9421(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    key_id: str,
    private_key: PrivateKey,
    now: datetime,
) -> dict[str, str]:
    """Sign a request with RFC 9421 as Fedify 2.x does and return every header to send.

    Label `sig1`; components `"@method" "@target-uri" "@authority" "host" "date"` plus
    `"content-digest"` (with a `Content-Digest: sha-256=:...:` header) when there is a body;
    parameters `alg="rsa-v1_5-sha256";keyid="...";created=...`.
    """
    return sign_rfc9421(method, url, headers, body, key_id, private_key, now)


def parse_signed_request(
    method: str,
    target_path_with_query: str,
    headers: Mapping[str, str],
    body: bytes,
    now: datetime,
    *,
    require_digest_for_body: bool = True,
    url_scheme: str = "https",
    max_age: timedelta = MAX_SIGNATURE_AGE,
    max_skew: timedelta = CLOCK_SKEW,
) -> SignedRequest:
    """Parse and pre-check an incoming request's signature; SignatureError(reason) if unusable.

    RFC 9421 when `Signature-Input` is present, else draft-cavage from `Signature` or
    `Authorization: Signature ...`; header names match case-insensitively. Checks that method,
    target, host, date/created and (for POST or any body) the digest are covered, the digest
    against `body`, and the time window. `url_scheme` is the scheme the sender used, needed to
    rebuild `@target-uri`. The RSA check itself is `verify_signed_request`.
    """
    now = as_utc(now)
    request = IncomingRequest(
        method=method.upper(),
        target=target_path_with_query or "/",
        headers={name.lower(): value.strip() for name, value in headers.items()},
        body=body,
        url_scheme=url_scheme.lower(),
    )
    needs_digest = require_digest_for_body and (
        request.method not in _BODYLESS_METHODS or bool(body)
    )
    if "signature-input" in request.headers:
        signed = parse_rfc9421(request, needs_digest)
    else:
        signed = parse_cavage(request, needs_digest)
    _check_time_window(signed, now, max_age, max_skew)
    return signed


def verify_signed_request(signed: SignedRequest, public_key_pem: str) -> None:
    """Check the RSA PKCS#1 v1.5 SHA-256 signature; raise SignatureError("bad signature").

    A PEM that is not an RSA public key raises SignatureError("bad public key") or
    SignatureError("unsupported key type").
    """
    key = load_public_key(public_key_pem)
    for candidate in (signed.signed_bytes, signed.fallback_signed_bytes):
        if candidate is None:
            continue
        try:
            key.verify(signed.signature, candidate, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            continue
        return
    raise SignatureError(BAD_SIGNATURE)


def _check_time_window(
    signed: SignedRequest, now: datetime, max_age: timedelta, max_skew: timedelta
) -> None:
    if signed.created > now + max_skew:
        raise SignatureError(FUTURE_DATE)
    if now - signed.created > max_age:
        raise SignatureError(STALE_DATE)
    if signed.expires is not None and now > signed.expires + max_skew:
        raise SignatureError(EXPIRED_SIGNATURE)
