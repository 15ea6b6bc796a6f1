"""Verifying a parsed signature with a key from an injected lookup, refetching once on failure.

This module owns the "cached key failed, refetch once" rule Mastodon and Fedify follow for key
rotation. It does not fetch, cache, or decide who owns a key: the caller's `lookup` does that.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from federation.errors import SignatureError
from federation.httpsig import verify_signed_request
from federation.signed_request import SignedRequest

KeyLookup = Callable[[str, bool], Awaitable[str]]
"""`lookup(key_id, refetch)` returns a public key PEM; `refetch=True` bypasses any cache."""


async def verify_with_key_lookup(signed: SignedRequest, lookup: KeyLookup) -> None:
    """Verify with the (possibly cached) key, and once more with a freshly fetched key.

    Raises SignatureError when neither key verifies. Errors raised by `lookup` itself (a
    FetchError when the key cannot be fetched, for instance) propagate unchanged, so the
    caller can tell "bad signature" (401) from "key server down" (503).
    """
    try:
        verify_signed_request(signed, await lookup(signed.key_id, False))
    except SignatureError:
        verify_signed_request(signed, await lookup(signed.key_id, True))
