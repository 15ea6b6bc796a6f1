"""Proof of work (ALTCHA v1, self-hosted): HMAC-signed challenges that expire and are spent once.

The browser finds `n` with SHA-256(salt + n) = challenge (app/web/static/pow.js); the server
checks the signature, the expiry and that the solution was not used before. It raises the cost of
each post for a bot; it does not stop a determined one, so it is one layer among several.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from altcha import v1 as altcha_v1

from app.core.errors import Invalid
from app.db.engine import Db
from app.store import pow_spent

CHALLENGE_SECONDS = 600
MAX_NUMBER = 100_000  # ~0.1–0.5 s of hashing in a browser


@dataclass(frozen=True, slots=True)
class PowChallenge:
    algorithm: str
    challenge: str
    salt: str
    signature: str
    max_number: int


def issue_challenge(secret_key: str, now: datetime) -> PowChallenge:
    options = altcha_v1.ChallengeOptions(
        hmac_key=_key(secret_key),
        max_number=MAX_NUMBER,
        expires=now + timedelta(seconds=CHALLENGE_SECONDS),
    )
    made = altcha_v1.create_challenge(options)
    return PowChallenge(made.algorithm, made.challenge, made.salt, made.signature, MAX_NUMBER)


def _key(secret_key: str) -> str:
    return f"treehole.pow:{secret_key}"


def _signature_of(payload: str) -> str:
    try:
        decoded = json.loads(base64.b64decode(payload, validate=True))
    except (binascii.Error, ValueError):
        raise Invalid("pow", "invalid") from None
    signature = decoded.get("signature") if isinstance(decoded, dict) else None
    if not isinstance(signature, str) or not 0 < len(signature) <= 128:
        raise Invalid("pow", "invalid")
    return signature


def _verified_signature(secret_key: str, payload: str | None) -> str:
    """The signature of a correctly solved, unexpired challenge; `Invalid("pow", …)` if not."""
    if not payload:
        raise Invalid("pow", "missing")
    signature = _signature_of(payload)
    try:
        valid, _ = altcha_v1.verify_solution(payload, _key(secret_key), True)
    except (ValueError, KeyError, TypeError, binascii.Error):
        valid = False
    if not valid:
        raise Invalid("pow", "invalid")
    return signature


async def check_solution(db: Db, secret_key: str, payload: str | None) -> None:
    """Check a solved challenge without spending it (the self-harm help page sends it again);
    `Invalid("pow", …)` for a missing, wrong, expired or already used one."""
    if await pow_spent.is_spent(db, _verified_signature(secret_key, payload)):
        raise Invalid("pow", "spent")


async def spend_solution(db: Db, secret_key: str, payload: str | None, now: datetime) -> None:
    """Accept a solved challenge once; `Invalid("pow", …)` for a missing, wrong, expired or
    already used one."""
    signature = _verified_signature(secret_key, payload)
    await pow_spent.delete_expired(db, now)
    if not await pow_spent.insert_spent(db, signature, now + timedelta(seconds=CHALLENGE_SECONDS)):
        raise Invalid("pow", "spent")
