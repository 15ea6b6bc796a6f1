"""Verifying with an injected key lookup, refetching once for key rotation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from federation.errors import FetchGone, SignatureError
from federation.httpsig import SignedRequest, parse_signed_request, sign_request_cavage
from federation.keyfetch import verify_with_key_lookup
from federation.keys import KeyPair

NOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
KEY_ID = "https://remote.example/users/a#main-key"
BODY = b'{"type":"Follow"}'


class FakeKeyStore:
    """Answers lookups from a cached PEM and a "remote" PEM, recording each call."""

    def __init__(self, cached: str, remote: str) -> None:
        self.cached, self.remote = cached, remote
        self.calls: list[tuple[str, bool]] = []

    async def lookup(self, key_id: str, refetch: bool) -> str:
        self.calls.append((key_id, refetch))
        if refetch:
            self.cached = self.remote
        return self.cached


def _signed(kp: KeyPair) -> SignedRequest:
    headers = sign_request_cavage(
        "POST", "https://local.example/inbox", {}, BODY, KEY_ID, kp.private_pem, NOW
    )
    return parse_signed_request("POST", "/inbox", headers, BODY, NOW)


@pytest.mark.anyio
async def test_verify_with_key_lookup_uses_cached_key(keypair: KeyPair) -> None:
    """spec: httpsig-key-cache"""
    store = FakeKeyStore(cached=keypair.public_pem, remote=keypair.public_pem)
    await verify_with_key_lookup(_signed(keypair), store.lookup)
    assert store.calls == [(KEY_ID, False)]


@pytest.mark.anyio
async def test_verify_with_key_lookup_refetches_once_after_rotation(
    keypair: KeyPair, other_keypair: KeyPair
) -> None:
    """spec: httpsig-key-rotation-refetch"""
    store = FakeKeyStore(cached=other_keypair.public_pem, remote=keypair.public_pem)
    await verify_with_key_lookup(_signed(keypair), store.lookup)
    assert store.calls == [(KEY_ID, False), (KEY_ID, True)]
    assert store.cached == keypair.public_pem


@pytest.mark.anyio
async def test_verify_with_key_lookup_fails_when_refetched_key_still_fails(
    keypair: KeyPair, other_keypair: KeyPair
) -> None:
    """spec: httpsig-key-rotation-refetch"""
    store = FakeKeyStore(cached=other_keypair.public_pem, remote=other_keypair.public_pem)
    with pytest.raises(SignatureError) as info:
        await verify_with_key_lookup(_signed(keypair), store.lookup)
    assert info.value.reason == "bad signature"
    assert store.calls == [(KEY_ID, False), (KEY_ID, True)]


@pytest.mark.anyio
async def test_verify_with_key_lookup_refetches_garbage_cached_key(keypair: KeyPair) -> None:
    store = FakeKeyStore(cached="garbage", remote=keypair.public_pem)
    await verify_with_key_lookup(_signed(keypair), store.lookup)
    assert store.calls == [(KEY_ID, False), (KEY_ID, True)]


@pytest.mark.anyio
async def test_verify_with_key_lookup_propagates_lookup_errors(keypair: KeyPair) -> None:
    async def gone(key_id: str, refetch: bool) -> str:
        raise FetchGone(key_id)

    with pytest.raises(FetchGone):
        await verify_with_key_lookup(_signed(keypair), gone)
