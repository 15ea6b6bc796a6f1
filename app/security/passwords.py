"""Admin passwords: scrypt (memory-hard, in the standard library), with per-password salt.

A hash carries its own parameters (`scrypt$N$r$p$salt$digest`), so hashes made with older, weaker
parameters still verify; `needs_rehash` tells the login to store a new hash at today's
parameters once the password is known to be right.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

# OWASP's password storage cheat sheet: scrypt with N = 2^17, r = 8, p = 1 at least (128 MiB).
N, R, P = 2**17, 8, 1
DIGEST_BYTES = 32
# The work a stored hash may ask for: today's parameters with room for one more doubling of N.
# A hash asking for more is refused rather than computed (a hand-edited row must not make a
# login allocate gigabytes).
MAX_N, MAX_R, MAX_P = 2**18, 16, 4
MAXMEM = 128 * MAX_N * MAX_R + 1024 * 1024
# Hashes computed at once per process: each holds 128 MiB while it runs.
CONCURRENT_HASHES = 2


@dataclass(frozen=True, slots=True)
class ScryptHash:
    n: int
    r: int
    p: int
    salt: bytes
    digest: bytes


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, N, R, P, DIGEST_BYTES)
    encode = base64.b64encode
    return f"scrypt${N}${R}${P}${encode(salt).decode()}${encode(digest).decode()}"


def parse_hash(stored: str) -> ScryptHash | None:
    """The parameters, salt and digest of a stored hash; None if it is not one we can check."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        parsed = ScryptHash(
            int(n), int(r), int(p), base64.b64decode(salt), base64.b64decode(digest)
        )
    except (ValueError, TypeError):
        return None
    if scheme != "scrypt" or not parsed.digest:
        return None
    if not (1 < parsed.n <= MAX_N and 0 < parsed.r <= MAX_R and 0 < parsed.p <= MAX_P):
        return None
    return parsed


def check_password(password: str, stored: str) -> bool:
    parsed = parse_hash(stored)
    if parsed is None:
        return False
    try:
        actual = _scrypt(password, parsed.salt, parsed.n, parsed.r, parsed.p, len(parsed.digest))
    except ValueError:  # N not a power of two, or a digest length scrypt refuses
        return False
    return hmac.compare_digest(actual, parsed.digest)


def needs_rehash(stored: str) -> bool:
    """Whether a (verified) hash was made with weaker parameters than today's."""
    parsed = parse_hash(stored)
    return parsed is None or parsed.n < N or parsed.r < R or parsed.p < P


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=MAXMEM, dklen=length)
