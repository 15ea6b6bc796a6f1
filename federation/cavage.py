"""draft-cavage-http-signatures-12, as Mastodon, Misskey, GoToSocial, Lemmy and Pleroma use it.

This module owns the cavage `Signature` header: building it the way Mastodon does and parsing
what peers send (Mastodon's `rsa-sha256`, Lemmy's `hs2019` with `(created)`/`(expires)`,
`Authorization: Signature ...`). It does not check the time window or verify the RSA signature;
`httpsig` does.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Final

from federation.digests import build_digest
from federation.errors import (
    MALFORMED_SIGNATURE,
    MISSING_SIGNATURE,
    PSEUDO_HEADER_NEEDS_HS2019,
    UNSUPPORTED_ALGORITHM,
    SignatureError,
    unsigned_header,
)
from federation.keys import PrivateKey
from federation.signed_request import (
    DRAFT_CAVAGE,
    IncomingRequest,
    SignedRequest,
    check_covered_digests,
    format_http_date,
    lookup_header,
    parse_epoch,
    parse_http_date,
    passthrough_headers,
    rsa_sign,
    split_url,
    strict_b64decode,
)

RSA_SHA256: Final = "rsa-sha256"
HS2019: Final = "hs2019"
REQUEST_TARGET: Final = "(request-target)"
CREATED: Final = "(created)"
EXPIRES: Final = "(expires)"

_PARAM = re.compile(r'\s*([A-Za-z]+)\s*=\s*(?:"([^"]*)"|([^",\s]*))\s*(?:,|$)')
_SIGNATURE_PREFIX = re.compile(r"^\s*signature\s+", re.IGNORECASE)


def sign_cavage(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    key_id: str,
    private_key: PrivateKey,
    now: datetime,
) -> dict[str, str]:
    """Headers for a request signed as Mastodon signs (see `httpsig.sign_request_cavage`)."""
    target = split_url(url)
    out = passthrough_headers(headers)
    out["Host"] = target.authority
    out["Date"] = format_http_date(now)
    covered = [REQUEST_TARGET, "host", "date"]
    if body is not None:
        out["Digest"] = build_digest(body)
        covered.append("digest")
        if lookup_header(out, "content-type") is not None:
            covered.append("content-type")
    lines = [
        f"{name}: {method.lower()} {target.path_with_query}"
        if name == REQUEST_TARGET
        else f"{name}: {lookup_header(out, name)}"
        for name in covered
    ]
    signature = base64.b64encode(rsa_sign(private_key, "\n".join(lines).encode("utf-8")))
    out["Signature"] = (
        f'keyId="{key_id}",algorithm="{RSA_SHA256}",headers="{" ".join(covered)}",'
        f'signature="{signature.decode("ascii")}"'
    )
    return out


def parse_cavage(request: IncomingRequest, needs_digest: bool) -> SignedRequest:
    """Parse a cavage signature, check its coverage and digest, and rebuild the signed string."""
    params = _signature_params(request)
    key_id, encoded = params.get("keyId"), params.get("signature")
    if not key_id or not encoded:
        raise SignatureError(MALFORMED_SIGNATURE)
    # Mastodon's defaults when `algorithm`/`headers` are left out (signed_request.rb).
    algorithm = params.get("algorithm", HS2019).lower()
    if algorithm not in (RSA_SHA256, HS2019):
        raise SignatureError(UNSUPPORTED_ALGORITHM)
    covered = tuple(params.get("headers", CREATED if algorithm == HS2019 else "date").split())
    covered = tuple(name.lower() for name in covered)
    _require_coverage(covered, needs_digest)
    lines = [_signing_line(request, params, algorithm, name, request.target) for name in covered]
    path = request.target.partition("?")[0]
    fallback = [_signing_line(request, params, algorithm, name, path) for name in covered]
    check_covered_digests(request, covered)
    signed_bytes = "\n".join(lines).encode("utf-8")
    fallback_bytes = "\n".join(fallback).encode("utf-8")
    return SignedRequest(
        scheme=DRAFT_CAVAGE,
        key_id=key_id,
        signed_bytes=signed_bytes,
        signature=strict_b64decode(encoded),
        algorithm=algorithm,
        covered=covered,
        created=_created(request, params, covered),
        expires=parse_epoch(params["expires"]) if "expires" in params else None,
        fallback_signed_bytes=fallback_bytes if fallback_bytes != signed_bytes else None,
    )


def _signature_params(request: IncomingRequest) -> dict[str, str]:
    value = request.headers.get("signature")
    if value is None:
        authorization = request.headers.get("authorization", "")
        if not _SIGNATURE_PREFIX.match(authorization):
            raise SignatureError(MISSING_SIGNATURE)
        value = authorization
    # Mastodon's SignatureParser also tolerates a stray `Signature ` prefix in `Signature:`.
    text = _SIGNATURE_PREFIX.sub("", value, count=1).strip()
    params: dict[str, str] = {}
    pos = 0
    while pos < len(text):
        match = _PARAM.match(text, pos)
        if match is None or match.end() == pos or match.group(1) in params:
            raise SignatureError(MALFORMED_SIGNATURE)
        quoted, bare = match.group(2), match.group(3)
        params[match.group(1)] = quoted if quoted is not None else bare
        pos = match.end()
    return params


def _require_coverage(covered: tuple[str, ...], needs_digest: bool) -> None:
    if REQUEST_TARGET not in covered:
        raise SignatureError(unsigned_header(REQUEST_TARGET))
    if "host" not in covered:
        raise SignatureError(unsigned_header("host"))
    if "date" not in covered and CREATED not in covered:
        raise SignatureError(unsigned_header("date"))
    if needs_digest and "digest" not in covered and "content-digest" not in covered:
        raise SignatureError(unsigned_header("digest"))


def _signing_line(
    request: IncomingRequest, params: Mapping[str, str], algorithm: str, name: str, target: str
) -> str:
    if name == REQUEST_TARGET:
        return f"{name}: {request.method.lower()} {target}"
    if name in (CREATED, EXPIRES):
        # draft-cavage-12 section 2.3: these pseudo-headers are only valid with hs2019.
        if algorithm != HS2019:
            raise SignatureError(PSEUDO_HEADER_NEEDS_HS2019)
        value = params.get(name.strip("()"))
        if value is None:
            raise SignatureError(MALFORMED_SIGNATURE)
        return f"{name}: {value}"
    return f"{name}: {request.header(name)}"


def _created(
    request: IncomingRequest, params: Mapping[str, str], covered: tuple[str, ...]
) -> datetime:
    # Only a covered creation time counts: an unsigned `created=` could be rewritten by anyone
    # replaying an old request to pass the time window.
    if CREATED in covered:
        return parse_epoch(params["created"])
    return parse_http_date(request.header("date"))
