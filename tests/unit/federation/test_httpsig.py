"""HTTP signatures: signing and verifying with draft-cavage-12 and RFC 9421.

The interop tests rebuild signing strings and signature bases by hand from the specs and sign
or verify them with `cryptography` directly, so they do not lean on our own implementation.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from federation.errors import SignatureError
from federation.httpsig import (
    SignedRequest,
    parse_signed_request,
    sign_request_cavage,
    sign_request_rfc9421,
    verify_signed_request,
)
from federation.keys import KeyPair

NOW = datetime(2025, 5, 1, 12, 0, 0, tzinfo=UTC)
NOW_HTTP = "Thu, 01 May 2025 12:00:00 GMT"
INBOX = "https://remote.example/inbox"
KEY_ID = "https://local.example/actor#main-key"
BODY = b'{"type":"Create","id":"https://local.example/notes/1/activity"}'
CONTENT_TYPE = {"Content-Type": "application/activity+json"}
SIGNERS = {"draft-cavage": sign_request_cavage, "rfc9421": sign_request_rfc9421}
BOTH = pytest.mark.parametrize("scheme", ["draft-cavage", "rfc9421"])


def _sign_post(
    kp: KeyPair, scheme: str, *, now: datetime = NOW, body: bytes = BODY
) -> dict[str, str]:
    return SIGNERS[scheme]("POST", INBOX, CONTENT_TYPE, body, KEY_ID, kp.private_pem, now)


def _parse(
    headers: Mapping[str, str],
    *,
    method: str = "POST",
    target: str = "/inbox",
    body: bytes = BODY,
    now: datetime = NOW,
) -> SignedRequest:
    return parse_signed_request(method, target, headers, body, now)


def _reason(headers: Mapping[str, str], **kwargs: object) -> str:
    with pytest.raises(SignatureError) as info:
        _parse(headers, **kwargs)  # type: ignore[arg-type]
    return info.value.reason


def _private(kp: KeyPair) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(kp.private_pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def _rsa_sign(kp: KeyPair, data: str) -> str:
    raw = _private(kp).sign(data.encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(raw).decode()


def _rsa_verify(kp: KeyPair, signature_b64: str, data: str) -> None:
    key = _private(kp).public_key()
    key.verify(base64.b64decode(signature_b64), data.encode(), padding.PKCS1v15(), hashes.SHA256())


def _sha256_b64(body: bytes) -> str:
    return base64.b64encode(hashlib.sha256(body).digest()).decode()


def _hand_cavage(
    kp: KeyPair,
    covered: list[str],
    *,
    method: str = "post",
    target: str = "/inbox",
    body: bytes = BODY,
    date: str = NOW_HTTP,
    algorithm: str = "rsa-sha256",
    extra_params: str = "",
    pseudo: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """A draft-cavage-12 signature built by hand, section 2.3, independent of federation/."""
    headers = {
        "Host": "remote.example",
        "Date": date,
        "Digest": f"SHA-256={_sha256_b64(body)}",
        "Content-Type": "application/activity+json",
    }
    lookup = {name.lower(): value for name, value in headers.items()} | dict(pseudo or {})
    lookup["(request-target)"] = f"{method} {target}"
    signing_string = "\n".join(f"{name}: {lookup[name]}" for name in covered)
    headers["Signature"] = (
        f'keyId="{KEY_ID}",algorithm="{algorithm}",headers="{" ".join(covered)}"{extra_params},'
        f'signature="{_rsa_sign(kp, signing_string)}"'
    )
    return headers


def _hand_rfc9421(
    kp: KeyPair, components: list[str], params: str, *, body: bytes = BODY
) -> dict[str, str]:
    """An RFC 9421 signature whose signature base is written out by hand (section 2.5)."""
    headers = {
        "Host": "remote.example",
        "Date": NOW_HTTP,
        "Content-Digest": f"sha-256=:{_sha256_b64(body)}:",
    }
    values = {
        "@method": "POST",
        "@target-uri": "https://remote.example/inbox",
        "@authority": "remote.example",
        "@path": "/inbox",
        "host": "remote.example",
        "date": NOW_HTTP,
        "content-digest": headers["Content-Digest"],
    }
    inner = "(" + " ".join(f'"{c}"' for c in components) + ")" + params
    base = "".join(f'"{c}": {values[c]}\n' for c in components) + f'"@signature-params": {inner}'
    headers["Signature-Input"] = f"sig1={inner}"
    headers["Signature"] = f"sig1=:{_rsa_sign(kp, base)}:"
    return headers


# --- round trips -------------------------------------------------------------------------------


def test_cavage_post_round_trip_verifies(keypair: KeyPair) -> None:
    """spec: httpsig-cavage-sign-post"""
    headers = _sign_post(keypair, "draft-cavage")
    assert headers["Host"] == "remote.example"
    assert headers["Date"] == NOW_HTTP
    assert headers["Digest"] == f"SHA-256={_sha256_b64(BODY)}"
    assert headers["Content-Type"] == "application/activity+json"
    assert headers["Signature"].startswith(
        f'keyId="{KEY_ID}",algorithm="rsa-sha256",'
        'headers="(request-target) host date digest content-type",signature="'
    )
    signed = _parse(headers)
    assert signed.scheme == "draft-cavage"
    assert signed.key_id == KEY_ID
    assert signed.algorithm == "rsa-sha256"
    assert signed.covered == ("(request-target)", "host", "date", "digest", "content-type")
    assert signed.created == NOW
    verify_signed_request(signed, keypair.public_pem)


def test_cavage_get_round_trip_verifies(keypair: KeyPair) -> None:
    """spec: httpsig-cavage-sign-get"""
    url = "https://remote.example/users/a/outbox?page=true"
    accept = {"Accept": "application/activity+json"}
    headers = sign_request_cavage("GET", url, accept, None, KEY_ID, keypair.private_pem, NOW)
    assert "Digest" not in headers
    assert headers["Accept"] == "application/activity+json"
    assert 'headers="(request-target) host date"' in headers["Signature"]
    signed = _parse(headers, method="GET", target="/users/a/outbox?page=true", body=b"")
    assert signed.covered == ("(request-target)", "host", "date")
    verify_signed_request(signed, keypair.public_pem)


def test_rfc9421_post_round_trip_verifies(keypair: KeyPair) -> None:
    """spec: httpsig-rfc9421-sign-post"""
    headers = _sign_post(keypair, "rfc9421")
    created = int(NOW.timestamp())
    assert headers["Signature-Input"] == (
        'sig1=("@method" "@target-uri" "@authority" "host" "date" "content-digest")'
        f';alg="rsa-v1_5-sha256";keyid="{KEY_ID}";created={created}'
    )
    assert headers["Content-Digest"] == f"sha-256=:{_sha256_b64(BODY)}:"
    assert headers["Signature"].startswith("sig1=:") and headers["Signature"].endswith(":")
    assert "Digest" not in headers
    signed = _parse(headers)
    assert signed.scheme == "rfc9421"
    assert signed.key_id == KEY_ID
    assert signed.algorithm == "rsa-v1_5-sha256"
    assert signed.created == NOW
    verify_signed_request(signed, keypair.public_pem)


def test_rfc9421_get_round_trip_verifies(keypair: KeyPair) -> None:
    """spec: httpsig-rfc9421-sign-get"""
    url = "https://remote.example/notes/1?x=1"
    headers = sign_request_rfc9421("GET", url, {}, None, KEY_ID, keypair.private_pem, NOW)
    assert '("@method" "@target-uri" "@authority" "host" "date")' in headers["Signature-Input"]
    signed = _parse(headers, method="GET", target="/notes/1?x=1", body=b"")
    verify_signed_request(signed, keypair.public_pem)


@BOTH
def test_sign_keeps_non_default_port_in_host(keypair: KeyPair, scheme: str) -> None:
    url = "http://127.0.0.1:8000/inbox"
    headers = SIGNERS[scheme]("POST", url, CONTENT_TYPE, BODY, KEY_ID, keypair.private_pem, NOW)
    assert headers["Host"] == "127.0.0.1:8000"
    signed = parse_signed_request("POST", "/inbox", headers, BODY, NOW, url_scheme="http")
    verify_signed_request(signed, keypair.public_pem)


@BOTH
def test_sign_drops_default_port_and_callers_copies_of_signed_headers(
    keypair: KeyPair, scheme: str
) -> None:
    stale = {"host": "evil.example", "date": "yesterday", "Digest": "SHA-256=x", **CONTENT_TYPE}
    url = "https://Remote.Example:443/inbox"
    headers = SIGNERS[scheme]("POST", url, stale, BODY, KEY_ID, keypair.private_pem, NOW)
    assert headers["Host"] == "remote.example"
    assert "host" not in headers and "date" not in headers
    verify_signed_request(_parse(headers), keypair.public_pem)


def test_sign_rejects_non_http_url(keypair: KeyPair) -> None:
    with pytest.raises(ValueError):
        sign_request_cavage("GET", "ftp://x/", {}, None, KEY_ID, keypair.private_pem, NOW)


def test_sign_rejects_naive_now(keypair: KeyPair) -> None:
    naive = datetime(2025, 5, 1, 12, 0)
    with pytest.raises(ValueError):
        sign_request_cavage("GET", INBOX, {}, None, KEY_ID, keypair.private_pem, naive)


# --- interop: signatures and verifiers we did not write -----------------------------------------


def test_sign_cavage_matches_hand_built_signing_string(keypair: KeyPair) -> None:
    """spec: httpsig-cavage-signing-string"""
    headers = _sign_post(keypair, "draft-cavage")
    signing_string = (
        "(request-target): post /inbox\n"
        "host: remote.example\n"
        f"date: {NOW_HTTP}\n"
        f"digest: SHA-256={_sha256_b64(BODY)}\n"
        "content-type: application/activity+json"
    )
    signature = headers["Signature"].rsplit('signature="', 1)[1].rstrip('"')
    _rsa_verify(keypair, signature, signing_string)


def test_sign_rfc9421_matches_hand_built_signature_base(keypair: KeyPair) -> None:
    """spec: httpsig-rfc9421-signature-base"""
    headers = _sign_post(keypair, "rfc9421")
    base = (
        '"@method": POST\n'
        '"@target-uri": https://remote.example/inbox\n'
        '"@authority": remote.example\n'
        '"host": remote.example\n'
        f'"date": {NOW_HTTP}\n'
        f'"content-digest": sha-256=:{_sha256_b64(BODY)}:\n'
        '"@signature-params": ("@method" "@target-uri" "@authority" "host" "date" '
        f'"content-digest");alg="rsa-v1_5-sha256";keyid="{KEY_ID}";created={int(NOW.timestamp())}'
    )
    _rsa_verify(keypair, headers["Signature"][len("sig1=:") : -1], base)


def test_verify_accepts_hand_built_mastodon_cavage_signature(keypair: KeyPair) -> None:
    """spec: httpsig-interop-mastodon (Mastodon puts (request-target) last)"""
    headers = _hand_cavage(keypair, ["host", "date", "digest", "content-type", "(request-target)"])
    verify_signed_request(_parse(headers), keypair.public_pem)


def test_verify_accepts_hand_built_rfc9421_signature_without_alg(keypair: KeyPair) -> None:
    """spec: httpsig-interop-rfc9421 (Mastodon 4.7 style: @method @target-uri content-digest)"""
    params = f';created={int(NOW.timestamp())};keyid="{KEY_ID}"'
    headers = _hand_rfc9421(keypair, ["@method", "@target-uri", "content-digest"], params)
    signed = _parse(headers)
    assert signed.covered == ("@method", "@target-uri", "content-digest")
    verify_signed_request(signed, keypair.public_pem)


# Published by Lemmy's activitypub-federation-rust (src/http_signatures.rs, test `test_sign`):
# its fixed test key's public half, and the hs2019 signature it makes over these headers.
LEMMY_PUBLIC_KEY = """-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA2kZpsvWYrwM9zMQiDwo4
k6/VfpK2aDTeVe9ZkcvDrrWfqt72QSjjtXLa8sxJlEn+/zbnZ1lG3AO/WsKs2jiO
ycNQHBS1ITnSZKEpdKnAoLUn4k16YivRmALyLedOfIrvMtQzH8a+kOQ71u2Wa3H9
jpkCT5W9OneEBa3VjQp49kcrF3tmmrEUhfai5GJM4xrdr587y7exkBF4wObepta9
opSeuBkPV4QXZPfgmjwW+oOTheVH6L7yjzvjW92j4/T6XKAcu0kn/aQhR8SiGtPB
MyOlcW4S2eDHWf1RlqbNGb5L9Qamfb0WAymx0ANLUDQyXAu5zViMrd4g8mgdkg7C
1wIDAQAB
-----END PUBLIC KEY-----
"""
LEMMY_SIGNATURE = (
    'keyId="https://example.com/u/alice#main-key",algorithm="hs2019",'
    'headers="(request-target) content-type date digest host",'
    'signature="BpZhHNqzd6d6jhWOxyJ0jXwWWxiKMNK7i3mrr/5mVFnH7fUpicwqw8cSYVrcwWjt0I07HW7rZFUfIdSgC'
    "oOEdvxtrccF/hTrwYgm8O6SQRHl1UfFtDR6e9EpfPieVmTjo0QVfyzLLa41rmnz/yFqqer/v0kcdED51/dGe8NCGPBbh"
    "gK6C4oh7r+XHsQZMIhh38BcfZVWNYaMqgyhFxu2f34IKnOEk6NjSaNtO+PzQUhbksTvH0Vvi6R0dtQINJFdONVBl4AwD"
    'C1INeF5uhQo/SaKHfP3UitUHdM5Pbn+LhZYDB9AaQAW5ZGD43Aw15ecwsnKi4HcjV8nBw4zehlvaQ=="'
)


def _lemmy_headers() -> dict[str, str]:
    return {
        "content-type": "application/activity+json",
        "host": "example.com",
        "date": "Tue, 28 Mar 2023 21:03:44 GMT",
        "digest": f"SHA-256={_sha256_b64(b'my activity')}",
        "signature": LEMMY_SIGNATURE,
    }


def test_verify_accepts_signature_published_by_lemmy() -> None:
    """spec: httpsig-interop-lemmy"""
    now = datetime(2023, 3, 28, 21, 5, tzinfo=UTC)
    signed = parse_signed_request("POST", "/u/alice/inbox", _lemmy_headers(), b"my activity", now)
    assert signed.algorithm == "hs2019"
    verify_signed_request(signed, LEMMY_PUBLIC_KEY)


def test_verify_rejects_lemmy_signature_over_other_path() -> None:
    now = datetime(2023, 3, 28, 21, 5, tzinfo=UTC)
    signed = parse_signed_request("POST", "/u/bob/inbox", _lemmy_headers(), b"my activity", now)
    with pytest.raises(SignatureError) as info:
        verify_signed_request(signed, LEMMY_PUBLIC_KEY)
    assert info.value.reason == "bad signature"


def test_verify_accepts_hs2019_created_expires_lemmy_style(keypair: KeyPair) -> None:
    """spec: httpsig-cavage-created-expires"""
    created, expires = int(NOW.timestamp()) - 60, int(NOW.timestamp()) + 3540
    pseudo = {"(created)": str(created), "(expires)": str(expires)}
    covered = ["(request-target)", "(created)", "(expires)", "content-type", "digest", "host"]
    headers = _hand_cavage(
        keypair,
        covered,
        algorithm="hs2019",
        extra_params=f",created={created},expires={expires}",
        pseudo=pseudo,
    )
    del headers["Date"]
    signed = _parse(headers)
    assert signed.created == NOW - timedelta(seconds=60)
    verify_signed_request(signed, keypair.public_pem)


def test_verify_accepts_query_less_request_target(keypair: KeyPair) -> None:
    """spec: httpsig-cavage-query-fallback (Fedify and Mastodon < 4.3 leave the query out)"""
    headers = _hand_cavage(
        keypair, ["(request-target)", "host", "date"], method="get", target="/users/a/outbox"
    )
    signed = _parse(headers, method="GET", target="/users/a/outbox?page=2", body=b"")
    verify_signed_request(signed, keypair.public_pem)


def test_verify_accepts_authorization_signature_header(keypair: KeyPair) -> None:
    """spec: httpsig-cavage-authorization-header"""
    headers = _sign_post(keypair, "draft-cavage")
    headers["Authorization"] = "Signature " + headers.pop("Signature")
    verify_signed_request(_parse(headers), keypair.public_pem)


def test_verify_accepts_buggy_signature_prefix_in_signature_header(keypair: KeyPair) -> None:
    headers = _sign_post(keypair, "draft-cavage")
    headers["Signature"] = "Signature " + headers["Signature"]
    verify_signed_request(_parse(headers), keypair.public_pem)


@BOTH
def test_verify_header_lookup_is_case_insensitive(keypair: KeyPair, scheme: str) -> None:
    """spec: httpsig-header-names-case-insensitive"""
    headers = _sign_post(keypair, scheme)
    shuffled = {
        (name.upper() if index % 2 else name.lower()): value
        for index, (name, value) in enumerate(headers.items())
    }
    verify_signed_request(_parse(shuffled), keypair.public_pem)


# --- rejections ---------------------------------------------------------------------------------


def test_verify_rejects_missing_signature() -> None:
    """spec: httpsig-required"""
    headers = {"Host": "remote.example", "Date": NOW_HTTP, "Authorization": "Bearer x"}
    assert _reason(headers) == "missing signature"


def test_verify_rejects_signature_input_without_signature(keypair: KeyPair) -> None:
    headers = _sign_post(keypair, "rfc9421")
    del headers["Signature"]
    assert _reason(headers) == "missing signature"


@BOTH
def test_verify_rejects_wrong_key(keypair: KeyPair, other_keypair: KeyPair, scheme: str) -> None:
    """spec: httpsig-wrong-key"""
    signed = _parse(_sign_post(keypair, scheme))
    with pytest.raises(SignatureError) as info:
        verify_signed_request(signed, other_keypair.public_pem)
    assert info.value.reason == "bad signature"


@BOTH
def test_verify_rejects_altered_body(keypair: KeyPair, scheme: str) -> None:
    """spec: httpsig-digest-matches-body"""
    headers = _sign_post(keypair, scheme)
    assert _reason(headers, body=BODY.replace(b"Create", b"Delete")) == "digest mismatch"


@BOTH
def test_verify_rejects_altered_digest(keypair: KeyPair, scheme: str) -> None:
    """spec: httpsig-digest-signed (body and digest both replaced)"""
    tampered = BODY.replace(b"Create", b"Delete")
    headers = _sign_post(keypair, scheme)
    if scheme == "rfc9421":
        headers["Content-Digest"] = f"sha-256=:{_sha256_b64(tampered)}:"
    else:
        headers["Digest"] = f"SHA-256={_sha256_b64(tampered)}"
    signed = _parse(headers, body=tampered)
    with pytest.raises(SignatureError) as info:
        verify_signed_request(signed, keypair.public_pem)
    assert info.value.reason == "bad signature"


@BOTH
def test_verify_rejects_altered_signed_header(keypair: KeyPair, scheme: str) -> None:
    headers = _sign_post(keypair, scheme)
    headers["Date"] = "Thu, 01 May 2025 12:00:01 GMT"
    with pytest.raises(SignatureError) as info:
        verify_signed_request(_parse(headers), keypair.public_pem)
    assert info.value.reason == "bad signature"


@BOTH
def test_verify_rejects_other_target(keypair: KeyPair, scheme: str) -> None:
    signed = _parse(_sign_post(keypair, scheme), target="/users/x/inbox")
    with pytest.raises(SignatureError) as info:
        verify_signed_request(signed, keypair.public_pem)
    assert info.value.reason == "bad signature"


@BOTH
def test_verify_rejects_stale_date(keypair: KeyPair, scheme: str) -> None:
    """spec: httpsig-time-window"""
    headers = _sign_post(keypair, scheme, now=NOW - timedelta(hours=1, seconds=1))
    assert _reason(headers) == "stale date"


@BOTH
def test_verify_rejects_future_date(keypair: KeyPair, scheme: str) -> None:
    """spec: httpsig-time-window"""
    headers = _sign_post(keypair, scheme, now=NOW + timedelta(minutes=5, seconds=1))
    assert _reason(headers) == "future date"


@BOTH
@pytest.mark.parametrize("offset", [timedelta(minutes=-59), timedelta(minutes=4, seconds=59)])
def test_verify_accepts_date_inside_window(
    keypair: KeyPair, scheme: str, offset: timedelta
) -> None:
    """spec: httpsig-time-window"""
    headers = _sign_post(keypair, scheme, now=NOW + offset)
    verify_signed_request(_parse(headers), keypair.public_pem)


def test_verify_time_window_is_configurable(keypair: KeyPair) -> None:
    headers = _sign_post(keypair, "draft-cavage", now=NOW - timedelta(minutes=31))
    with pytest.raises(SignatureError) as info:
        parse_signed_request("POST", "/inbox", headers, BODY, NOW, max_age=timedelta(minutes=30))
    assert info.value.reason == "stale date"


def test_verify_rejects_expired_cavage_signature(keypair: KeyPair) -> None:
    """spec: httpsig-cavage-expires"""
    # Created 10 minutes ago (inside the age limit), expired 6 minutes ago (past the margin).
    created, expires = int(NOW.timestamp()) - 600, int(NOW.timestamp()) - 360
    pseudo = {"(created)": str(created), "(expires)": str(expires)}
    headers = _hand_cavage(
        keypair,
        ["(request-target)", "(created)", "(expires)", "host", "digest"],
        algorithm="hs2019",
        extra_params=f",created={created},expires={expires}",
        pseudo=pseudo,
    )
    assert _reason(headers) == "expired signature"


def test_verify_rejects_expired_rfc9421_signature(keypair: KeyPair) -> None:
    """spec: httpsig-rfc9421-expires"""
    created, expires = int(NOW.timestamp()) - 600, int(NOW.timestamp()) - 360
    params = f';created={created};expires={expires};keyid="{KEY_ID}"'
    headers = _hand_rfc9421(keypair, ["@method", "@target-uri", "content-digest"], params)
    assert _reason(headers) == "expired signature"


def test_verify_rejects_unsigned_created_param_replay(keypair: KeyPair) -> None:
    """spec: httpsig-time-window (an unsigned `created=` must not rescue a stale Date)"""
    stale = "Thu, 01 May 2025 11:30:00 GMT"
    covered = ["(request-target)", "host", "date", "digest"]
    headers = _hand_cavage(keypair, covered, algorithm="hs2019", date=stale)
    headers["Signature"] += f",created={int(NOW.timestamp()) + 3600}"
    signed = _parse(headers, now=NOW)
    assert signed.created == datetime(2025, 5, 1, 11, 30, tzinfo=UTC)
    assert _reason(headers, now=NOW + timedelta(hours=1)) == "stale date"


@pytest.mark.parametrize(
    ("missing", "reason"),
    [
        ("host", "unsigned header: host"),
        ("date", "unsigned header: date"),
        ("digest", "unsigned header: digest"),
        ("(request-target)", "unsigned header: (request-target)"),
    ],
)
def test_verify_rejects_unsigned_required_header_cavage(
    keypair: KeyPair, missing: str, reason: str
) -> None:
    """spec: httpsig-digest-required httpsig-required-headers"""
    covered = [h for h in ["(request-target)", "host", "date", "digest"] if h != missing]
    assert _reason(_hand_cavage(keypair, covered)) == reason


@pytest.mark.parametrize(
    ("missing", "reason"),
    [("host", "unsigned header: host"), ("date", "unsigned header: date")],
)
def test_verify_rejects_unsigned_required_header_cavage_get(
    keypair: KeyPair, missing: str, reason: str
) -> None:
    """spec: httpsig-required-headers"""
    covered = [h for h in ["(request-target)", "host", "date"] if h != missing]
    headers = _hand_cavage(keypair, covered, method="get")
    assert _reason(headers, method="GET", body=b"") == reason


def test_verify_digest_requirement_can_be_relaxed(keypair: KeyPair) -> None:
    headers = _hand_cavage(keypair, ["(request-target)", "host", "date"])
    signed = parse_signed_request(
        "POST", "/inbox", headers, BODY, NOW, require_digest_for_body=False
    )
    verify_signed_request(signed, keypair.public_pem)


def test_verify_rejects_get_with_body_and_no_digest(keypair: KeyPair) -> None:
    headers = _hand_cavage(keypair, ["(request-target)", "host", "date"], method="get")
    assert _reason(headers, method="GET") == "unsigned header: digest"


@pytest.mark.parametrize(
    ("components", "reason"),
    [
        (["@target-uri", "content-digest"], "unsigned header: @method"),
        (["@method", "@authority", "content-digest"], "unsigned header: @target-uri"),
        (["@method", "@path", "content-digest"], "unsigned header: @authority"),
        (["@method", "@target-uri"], "unsigned header: content-digest"),
    ],
)
def test_verify_rejects_unsigned_required_component_rfc9421(
    keypair: KeyPair, components: list[str], reason: str
) -> None:
    """spec: httpsig-digest-required httpsig-required-headers"""
    params = f';created={int(NOW.timestamp())};keyid="{KEY_ID}"'
    assert _reason(_hand_rfc9421(keypair, components, params)) == reason


def test_verify_accepts_rfc9421_path_and_authority(keypair: KeyPair) -> None:
    params = f';created={int(NOW.timestamp())};keyid="{KEY_ID}"'
    headers = _hand_rfc9421(keypair, ["@method", "@path", "@authority", "content-digest"], params)
    verify_signed_request(_parse(headers), keypair.public_pem)


def test_verify_rejects_signed_header_absent_from_request(keypair: KeyPair) -> None:
    headers = _sign_post(keypair, "draft-cavage")
    del headers["Content-Type"]
    assert _reason(headers) == "missing header: content-type"


@BOTH
def test_verify_rejects_missing_digest_header(keypair: KeyPair, scheme: str) -> None:
    headers = _sign_post(keypair, scheme)
    name = "Content-Digest" if scheme == "rfc9421" else "Digest"
    del headers[name]
    assert _reason(headers) == f"missing header: {name.lower()}"


@pytest.mark.parametrize("bad", ["!!!not base64!!!", "abc", ""])
def test_verify_rejects_bad_base64_cavage(keypair: KeyPair, bad: str) -> None:
    """spec: httpsig-malformed"""
    headers = _sign_post(keypair, "draft-cavage")
    prefix = headers["Signature"].rsplit('signature="', 1)[0]
    headers["Signature"] = f'{prefix}signature="{bad}"'
    assert _reason(headers) == "malformed signature"


def test_verify_rejects_bad_base64_rfc9421(keypair: KeyPair) -> None:
    """spec: httpsig-malformed"""
    headers = _sign_post(keypair, "rfc9421")
    headers["Signature"] = "sig1=:!!!not base64!!!:"
    assert _reason(headers) == "malformed signature"


@pytest.mark.parametrize("algorithm", ["rsa-sha512", "hmac-sha256", "ed25519", "ecdsa-sha256"])
def test_verify_rejects_unknown_algorithm_cavage(keypair: KeyPair, algorithm: str) -> None:
    """spec: httpsig-algorithms"""
    covered = ["(request-target)", "host", "date", "digest"]
    assert _reason(_hand_cavage(keypair, covered, algorithm=algorithm)) == "unsupported algorithm"


@pytest.mark.parametrize("alg", ['"ed25519"', '"rsa-pss-sha512"', '"hmac-sha256"', "1"])
def test_verify_rejects_unknown_algorithm_rfc9421(keypair: KeyPair, alg: str) -> None:
    """spec: httpsig-algorithms"""
    params = f';created={int(NOW.timestamp())};keyid="{KEY_ID}";alg={alg}'
    headers = _hand_rfc9421(keypair, ["@method", "@target-uri", "content-digest"], params)
    assert _reason(headers) == "unsupported algorithm"


def test_verify_rejects_created_pseudo_header_under_rsa_sha256(keypair: KeyPair) -> None:
    """spec: httpsig-cavage-created-expires (only valid with hs2019)"""
    created = int(NOW.timestamp())
    headers = _hand_cavage(
        keypair,
        ["(request-target)", "(created)", "host", "digest"],
        extra_params=f",created={created}",
        pseudo={"(created)": str(created)},
    )
    assert _reason(headers) == "pseudo-header needs hs2019"


def test_verify_rejects_created_pseudo_header_without_parameter(keypair: KeyPair) -> None:
    covered = ["(request-target)", "(created)", "host", "digest"]
    headers = _hand_cavage(keypair, covered, algorithm="hs2019", pseudo={"(created)": "1"})
    assert _reason(headers) == "malformed signature"


@pytest.mark.parametrize(
    "signature",
    [
        'keyId="k",headers="(request-target) host date"',  # no signature
        'signature="AAAA",headers="(request-target) host date"',  # no keyId
        'keyId="k" signature="AAAA"',  # no comma
        'keyId="k",keyId="j",signature="AAAA"',  # duplicate
        'keyId="unterminated,signature="AAAA',
        "",
    ],
)
def test_verify_rejects_malformed_cavage_header(signature: str) -> None:
    """spec: httpsig-malformed"""
    headers = {"Host": "remote.example", "Date": NOW_HTTP, "Signature": signature}
    assert _reason(headers, method="GET", body=b"") in {"malformed signature", "missing signature"}


def test_verify_rejects_malformed_date(keypair: KeyPair) -> None:
    covered = ["(request-target)", "host", "date", "digest"]
    headers = _hand_cavage(keypair, covered, date="yesterday at noon")
    assert _reason(headers) == "malformed date"


@pytest.mark.parametrize(
    "signature_input",
    [
        'sig1=("@method" "@target-uri" "content-digest");keyid="k"',  # no created
        'sig1=("@method" "@target-uri" "content-digest");created=1746100800',  # no keyid
        'sig1=("@method" "@target-uri" "content-digest");created="now";keyid="k"',
        'sig1="@method";created=1746100800;keyid="k"',  # not an inner list
        'sig1=("@method" "@target-uri"',  # unterminated
        'other=("@method");created=1746100800;keyid="k"',  # label not in Signature
    ],
)
def test_verify_rejects_malformed_signature_input(keypair: KeyPair, signature_input: str) -> None:
    """spec: httpsig-malformed"""
    headers = _sign_post(keypair, "rfc9421")
    headers["Signature-Input"] = signature_input
    assert _reason(headers) == "malformed signature"


def test_verify_rejects_component_parameters(keypair: KeyPair) -> None:
    headers = _sign_post(keypair, "rfc9421")
    created = int(NOW.timestamp())
    headers["Signature-Input"] = (
        f'sig1=("@method" "@target-uri" "content-digest";sf);created={created};keyid="k"'
    )
    assert _reason(headers) == "unsupported component"


def test_verify_rejects_naive_now(keypair: KeyPair) -> None:
    with pytest.raises(ValueError):
        _parse(_sign_post(keypair, "draft-cavage"), now=datetime(2025, 5, 1, 12, 0))


def test_verify_rejects_garbage_public_key(keypair: KeyPair) -> None:
    signed = _parse(_sign_post(keypair, "draft-cavage"))
    with pytest.raises(SignatureError) as info:
        verify_signed_request(signed, "not a key")
    assert info.value.reason == "bad public key"
