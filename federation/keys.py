"""RSA key pairs for actors: generation, PEM loading and key ids.

This module owns the key material formats (PKCS#8 private, SubjectPublicKeyInfo public PEM), the
loading of PEM strings, and `PrivateKeys`, a cache of loaded private keys that lives exactly as
long as its owner keeps it (a worker's claimed batch), never for the process's life: a retired
actor's key must not outlive its retirement in any process. It never stores keys and never
decides which actor owns one. Generation costs 20-170 ms, so callers run `generate_rsa_keypair`
in a thread.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from dataclasses import dataclass

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from federation.errors import BAD_PUBLIC_KEY, UNSUPPORTED_KEY_TYPE, SignatureError

RSA_KEY_BITS = 2048
RSA_PUBLIC_EXPONENT = 65537
KEY_ID_FRAGMENT = "#main-key"


@dataclass(frozen=True, slots=True)
class KeyPair:
    """A PEM-encoded RSA key pair."""

    private_pem: str
    public_pem: str

    def __repr__(self) -> str:
        return "KeyPair(private_pem=<secret>, public_pem=...)"


def generate_rsa_keypair() -> KeyPair:
    """Generate a new RSA-2048 key pair (CPU-bound: call it from a thread)."""
    key = rsa.generate_private_key(public_exponent=RSA_PUBLIC_EXPONENT, key_size=RSA_KEY_BITS)
    private_pem = key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode("ascii")
    public_pem = (
        key.public_key()
        .public_bytes(
            encoding=serialization.Encoding.PEM,
            format=serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        .decode("ascii")
    )
    return KeyPair(private_pem=private_pem, public_pem=public_pem)


PrivateKey = str | rsa.RSAPrivateKey
"""What signs: a private key's PEM (loaded for that one use) or a key already loaded."""


def load_private_key(pem: str) -> rsa.RSAPrivateKey:
    """Load one of OUR private keys from PEM (~15-25 µs; nothing is kept).

    Only for keys this instance generated and stored itself: OpenSSL's RSA consistency check
    (~45 ms per load) is skipped, which is safe for keys we made with `generate_rsa_keypair`
    and unsafe for key material from anyone else. Raises ValueError on a non-RSA or broken PEM.
    """
    key = serialization.load_pem_private_key(
        pem.encode("ascii"), password=None, unsafe_skip_rsa_key_validation=True
    )
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA private key")
    return key


class PrivateKeys:
    """Loaded private keys by PEM text, at most `limit` (least recently used dropped first), kept
    until `forget` or `clear`. Keyed by the PEM itself, so it can never hand out a key that does
    not match the PEM asked for. Not thread-safe: load on one thread (the event loop)."""

    def __init__(self, limit: int = 1024) -> None:
        self._limit = limit
        self._keys: OrderedDict[str, rsa.RSAPrivateKey] = OrderedDict()

    def load(self, pem: str) -> rsa.RSAPrivateKey:
        """The key for `pem`, loaded once while it is kept; ValueError as `load_private_key`."""
        key = self._keys.get(pem)
        if key is not None:
            self._keys.move_to_end(pem)
            return key
        key = self._keys[pem] = load_private_key(pem)
        if len(self._keys) > self._limit:
            self._keys.popitem(last=False)
        return key

    def forget(self, pem: str) -> None:
        self._keys.pop(pem, None)

    def clear(self) -> None:
        self._keys.clear()

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, pem: object) -> bool:
        return pem in self._keys


# Public keys are other servers' published keys: memoised for the process's life by the PEM text
# (a pure function of it), which keeps nothing anyone could sign with.
@functools.lru_cache(maxsize=4096)
def load_public_key(pem: str) -> rsa.RSAPublicKey:
    """Load a (usually remote) RSA public key from PEM, memoised by the PEM text.

    Raises SignatureError("bad public key") on anything that is not a PEM public key and
    SignatureError("unsupported key type") on a non-RSA key.
    """
    try:
        key = serialization.load_pem_public_key(pem.strip().encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError, UnsupportedAlgorithm) as exc:
        raise SignatureError(BAD_PUBLIC_KEY) from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureError(UNSUPPORTED_KEY_TYPE)
    return key


def public_key_id(actor_id: str) -> str:
    """The key id we publish for an actor's key: the actor id plus `#main-key`."""
    return actor_id + KEY_ID_FRAGMENT
