"""RFC 9421 HTTP Message Signatures, in the shape Fedify 2.x and Mastodon 4.5+ use.

This module owns `Signature-Input`/`Signature` for requests: building them as Fedify does
(label `sig1`, `alg`, `keyid`, `created`) and parsing what peers send, including rebuilding the
signature base. Only RSASSA-PKCS1-v1_5 SHA-256 and parameter-less components are supported. It
does not check the time window or verify the RSA signature; `httpsig` does.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import datetime
from typing import Final

from federation.digests import build_content_digest
from federation.errors import (
    MALFORMED_SIGNATURE,
    MISSING_SIGNATURE,
    UNSUPPORTED_ALGORITHM,
    UNSUPPORTED_COMPONENT,
    ParseError,
    SignatureError,
    unsigned_header,
)
from federation.keys import PrivateKey
from federation.signed_request import (
    RFC9421,
    IncomingRequest,
    SignedRequest,
    as_utc,
    check_covered_digests,
    format_http_date,
    parse_epoch,
    passthrough_headers,
    rsa_sign,
    split_url,
)
from federation.structured_fields import InnerList, Item, parse_dictionary, serialize_inner_list

RSA_V1_5_SHA256: Final = "rsa-v1_5-sha256"
LABEL: Final = "sig1"


def sign_rfc9421(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    key_id: str,
    private_key: PrivateKey,
    now: datetime,
) -> dict[str, str]:
    """Headers for a request signed as Fedify signs (see `httpsig.sign_request_rfc9421`)."""
    target = split_url(url)
    out = passthrough_headers(headers)
    out["Host"] = target.authority
    out["Date"] = format_http_date(now)
    values = [
        ("@method", method.upper()),
        ("@target-uri", target.uri),
        ("@authority", target.authority),
        ("host", target.authority),
        ("date", out["Date"]),
    ]
    if body is not None:
        out["Content-Digest"] = build_content_digest(body)
        values.append(("content-digest", out["Content-Digest"]))
    # Parameter order as Fedify emits it; the verifier re-serialises whatever order it gets.
    params_line = serialize_inner_list(
        InnerList(
            tuple(Item(name) for name, _ in values),
            (
                ("alg", RSA_V1_5_SHA256),
                ("keyid", key_id),
                ("created", int(as_utc(now).timestamp())),
            ),
        )
    )
    signature = rsa_sign(private_key, signature_base(values, params_line))
    out["Signature-Input"] = f"{LABEL}={params_line}"
    out["Signature"] = f"{LABEL}=:{base64.b64encode(signature).decode('ascii')}:"
    return out


def parse_rfc9421(request: IncomingRequest, needs_digest: bool) -> SignedRequest:
    """Parse an RFC 9421 signature, check coverage and digest, and rebuild the signature base."""
    if "signature" not in request.headers:
        raise SignatureError(MISSING_SIGNATURE)
    inner, signature = _pick_signature(request)
    covered = _components(inner)
    params = dict(inner.params)
    key_id, created, expires = params.get("keyid"), params.get("created"), params.get("expires")
    if not isinstance(key_id, str) or not key_id or not _is_int(created):
        raise SignatureError(MALFORMED_SIGNATURE)
    if expires is not None and not _is_int(expires):
        raise SignatureError(MALFORMED_SIGNATURE)
    algorithm = params.get("alg", RSA_V1_5_SHA256)
    if not isinstance(algorithm, str) or algorithm.lower() != RSA_V1_5_SHA256:
        raise SignatureError(UNSUPPORTED_ALGORITHM)
    _require_coverage(covered, needs_digest)
    values = [(name, _component_value(request, name)) for name in covered]
    check_covered_digests(request, covered)
    return SignedRequest(
        scheme=RFC9421,
        key_id=key_id,
        signed_bytes=signature_base(values, serialize_inner_list(inner)),
        signature=signature,
        algorithm=RSA_V1_5_SHA256,
        covered=covered,
        created=parse_epoch(str(created)),
        expires=parse_epoch(str(expires)) if expires is not None else None,
    )


def signature_base(values: list[tuple[str, str]], params_line: str) -> bytes:
    """The RFC 9421 section 2.5 signature base for already-derived component values."""
    lines = [f'"{name}": {value}' for name, value in values]
    lines.append(f'"@signature-params": {params_line}')
    return "\n".join(lines).encode("utf-8")


def _pick_signature(request: IncomingRequest) -> tuple[InnerList, bytes]:
    try:
        inputs = parse_dictionary(request.headers["signature-input"])
        signatures = parse_dictionary(request.headers["signature"])
    except ParseError as exc:
        raise SignatureError(MALFORMED_SIGNATURE) from exc
    # Fedify and Mastodon send one signature; take the first label present in both headers.
    label = next((name for name in inputs if name in signatures), None)
    if label is None:
        raise SignatureError(MALFORMED_SIGNATURE)
    inner, signature = inputs[label], signatures[label]
    if not isinstance(inner, InnerList) or not isinstance(signature, Item):
        raise SignatureError(MALFORMED_SIGNATURE)
    if not isinstance(signature.value, bytes):
        raise SignatureError(MALFORMED_SIGNATURE)
    return inner, signature.value


def _components(inner: InnerList) -> tuple[str, ...]:
    names = []
    for item in inner.items:
        if not isinstance(item.value, str):
            raise SignatureError(MALFORMED_SIGNATURE)
        if item.params:
            # `;sf`, `;key`, `;bs`, `;req` and `@query-param;name` are not used by AP servers.
            raise SignatureError(UNSUPPORTED_COMPONENT)
        names.append(item.value)
    return tuple(names)


def _require_coverage(covered: tuple[str, ...], needs_digest: bool) -> None:
    present = set(covered)
    if "@method" not in present:
        raise SignatureError(unsigned_header("@method"))
    if not {"@target-uri", "@path", "@request-target"} & present:
        raise SignatureError(unsigned_header("@target-uri"))
    if not {"@target-uri", "@authority", "host"} & present:
        raise SignatureError(unsigned_header("@authority"))
    if needs_digest and not {"content-digest", "digest"} & present:
        raise SignatureError(unsigned_header("content-digest"))


def _component_value(request: IncomingRequest, name: str) -> str:
    path, _, query = request.target.partition("?")
    derived = {
        "@method": lambda: request.method,
        "@target-uri": lambda: f"{request.url_scheme}://{request.authority}{request.target}",
        "@authority": lambda: request.authority,
        "@scheme": lambda: request.url_scheme,
        "@request-target": lambda: request.target,
        "@path": lambda: path,
        "@query": lambda: "?" + query,
    }
    if name in derived:
        return derived[name]()
    if name.startswith("@"):
        raise SignatureError(UNSUPPORTED_COMPONENT)
    return request.header(name)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
