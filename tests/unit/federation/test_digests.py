"""Digest (RFC 3230) and Content-Digest (RFC 9530) building and checking."""

from __future__ import annotations

import pytest

from federation.digests import (
    build_content_digest,
    build_digest,
    check_content_digest,
    check_digest,
)
from federation.errors import SignatureError

# RFC 9530 section 2 example body and its published digests.
RFC9530_BODY = b'{"hello": "world"}'
RFC9530_SHA256 = "X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="
RFC9530_SHA512 = (
    "WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew=="
)


def _reason(call: object, *args: object) -> str:
    with pytest.raises(SignatureError) as info:
        call(*args)  # type: ignore[operator]
    return info.value.reason


def test_build_digest_matches_known_value() -> None:
    """spec: digest-rfc3230-sha256"""
    assert build_digest(b"") == "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    assert build_digest(RFC9530_BODY) == f"SHA-256={RFC9530_SHA256}"


def test_build_content_digest_matches_rfc9530_example() -> None:
    """spec: digest-rfc9530-sha256"""
    assert build_content_digest(RFC9530_BODY) == f"sha-256=:{RFC9530_SHA256}:"


def test_check_digest_accepts_matching_digest_any_case() -> None:
    check_digest(f"SHA-256={RFC9530_SHA256}", RFC9530_BODY)
    check_digest(f"sha-256={RFC9530_SHA256}", RFC9530_BODY)


def test_check_digest_accepts_extra_unknown_algorithms() -> None:
    check_digest(f"MD5=abc, SHA-256={RFC9530_SHA256}", RFC9530_BODY)


def test_check_digest_accepts_sha512() -> None:
    check_digest(f"SHA-512={RFC9530_SHA512}", RFC9530_BODY)


def test_check_digest_rejects_mismatch() -> None:
    """spec: httpsig-digest-matches-body"""
    assert _reason(check_digest, build_digest(b"other"), RFC9530_BODY) == "digest mismatch"


def test_check_digest_rejects_mismatch_in_any_listed_algorithm() -> None:
    header = f"SHA-256={RFC9530_SHA256},SHA-512={RFC9530_SHA256}"
    assert _reason(check_digest, header, RFC9530_BODY) == "digest mismatch"


@pytest.mark.parametrize("header", ["SHA-256=not base64!", "SHA-256", ""])
def test_check_digest_rejects_malformed(header: str) -> None:
    assert _reason(check_digest, header, RFC9530_BODY) == "malformed digest"


def test_check_digest_rejects_only_unsupported_algorithms() -> None:
    assert _reason(check_digest, "MD5=rL0Y20zC+Fzt72VPzMSk2A==", b"") == "unsupported digest"


def test_check_content_digest_accepts_sha256_and_sha512() -> None:
    """spec: digest-rfc9530-inbound"""
    check_content_digest(f"sha-256=:{RFC9530_SHA256}:", RFC9530_BODY)
    check_content_digest(f"sha-512=:{RFC9530_SHA512}:", RFC9530_BODY)
    check_content_digest(f"sha-512=:{RFC9530_SHA512}:, sha-256=:{RFC9530_SHA256}:", RFC9530_BODY)


def test_check_content_digest_ignores_unknown_algorithms() -> None:
    check_content_digest(f"md5=:AAAA:, sha-256=:{RFC9530_SHA256}:", RFC9530_BODY)


def test_check_content_digest_rejects_mismatch() -> None:
    header = build_content_digest(b"tampered")
    assert _reason(check_content_digest, header, RFC9530_BODY) == "digest mismatch"


@pytest.mark.parametrize(
    "header",
    [
        f"sha-256={RFC9530_SHA256}",  # a token, not a byte sequence
        f"sha-256=:{RFC9530_SHA256}",  # unterminated
        "sha-256=:!!!:",
        "SHA-256=:AAAA:",  # dictionary keys are lowercase
        f"sha-256=:{RFC9530_SHA256}:,",
    ],
)
def test_check_content_digest_rejects_malformed(header: str) -> None:
    assert _reason(check_content_digest, header, RFC9530_BODY) == "malformed digest"


def test_check_content_digest_rejects_only_unsupported_algorithms() -> None:
    assert _reason(check_content_digest, "md5=:AAAA:", RFC9530_BODY) == "unsupported digest"
