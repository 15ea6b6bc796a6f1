"""Key generation, PEM loading and key ids."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from federation.errors import SignatureError
from federation.keys import (
    KeyPair,
    PrivateKeys,
    generate_rsa_keypair,
    load_private_key,
    load_public_key,
    public_key_id,
)


def test_generate_rsa_keypair_makes_matching_2048_bit_pems(keypair: KeyPair) -> None:
    """spec: keys-rsa-2048"""
    assert keypair.private_pem.startswith("-----BEGIN PRIVATE KEY-----")
    assert keypair.public_pem.startswith("-----BEGIN PUBLIC KEY-----")
    private = load_private_key(keypair.private_pem)
    public = load_public_key(keypair.public_pem)
    assert private.key_size == 2048
    assert public.public_numbers() == private.public_key().public_numbers()
    signature = private.sign(b"x", padding.PKCS1v15(), hashes.SHA256())
    public.verify(signature, b"x", padding.PKCS1v15(), hashes.SHA256())


def test_generate_rsa_keypair_makes_distinct_keys(keypair: KeyPair, other_keypair: KeyPair) -> None:
    assert keypair.public_pem != other_keypair.public_pem


def test_keypair_repr_hides_private_key(keypair: KeyPair) -> None:
    assert "PRIVATE" not in repr(keypair)


def test_load_private_key_keeps_nothing(keypair: KeyPair) -> None:
    """spec: keys-private-not-kept-by-process — no module-level cache: a loaded private key lives
    only as long as whoever loaded it keeps it."""
    assert load_private_key(keypair.private_pem) is not load_private_key(keypair.private_pem)
    assert not hasattr(load_private_key, "cache_info")


def test_private_keys_cache_until_forgotten(keypair: KeyPair, other_keypair: KeyPair) -> None:
    """spec: keys-private-not-kept-by-process"""
    keys = PrivateKeys(limit=1)
    first = keys.load(keypair.private_pem)
    assert keys.load(keypair.private_pem) is first and keypair.private_pem in keys
    keys.load(other_keypair.private_pem)  # over the limit: the least recently used goes
    assert keypair.private_pem not in keys and len(keys) == 1
    keys.forget(other_keypair.private_pem)
    assert len(keys) == 0
    keys.load(keypair.private_pem)
    keys.clear()
    assert len(keys) == 0


def test_load_public_key_returns_cached_object(keypair: KeyPair) -> None:
    assert load_public_key(keypair.public_pem) is load_public_key(keypair.public_pem)


def test_load_private_key_rejects_garbage() -> None:
    with pytest.raises(ValueError):
        load_private_key("not a pem")


@pytest.mark.parametrize(
    "pem",
    ["", "garbage", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "ünïcode"],
)
def test_load_public_key_rejects_garbage(pem: str) -> None:
    """spec: httpsig-bad-public-key"""
    with pytest.raises(SignatureError) as info:
        load_public_key(pem)
    assert info.value.reason == "bad public key"


def test_load_public_key_rejects_non_rsa_key() -> None:
    pem = (
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    with pytest.raises(SignatureError) as info:
        load_public_key(pem)
    assert info.value.reason == "unsupported key type"


def test_load_public_key_accepts_pkcs1_and_surrounding_whitespace(keypair: KeyPair) -> None:
    public = load_public_key(keypair.public_pem)
    pkcs1 = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1)
    loaded = load_public_key("\n  " + pkcs1.decode() + "\n\n")
    assert isinstance(loaded, rsa.RSAPublicKey)
    assert loaded.public_numbers() == public.public_numbers()


def test_public_key_id_appends_main_key() -> None:
    assert public_key_id("https://h.example/actors/abc") == "https://h.example/actors/abc#main-key"


def test_generate_rsa_keypair_is_fresh_each_call() -> None:
    first, second = generate_rsa_keypair(), generate_rsa_keypair()
    assert first.private_pem != second.private_pem
