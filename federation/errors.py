"""Protocol exceptions raised by `federation/`.

This module owns the exception tree every `federation/` module raises and `app/` maps to HTTP
answers or delivery states. It holds no logic and must not import anything from `app`.
"""

from __future__ import annotations

from typing import Final

# Reasons carried by SignatureError, so callers and tests compare against one spelling.
MISSING_SIGNATURE: Final = "missing signature"
MALFORMED_SIGNATURE: Final = "malformed signature"
UNSUPPORTED_ALGORITHM: Final = "unsupported algorithm"
UNSUPPORTED_COMPONENT: Final = "unsupported component"
PSEUDO_HEADER_NEEDS_HS2019: Final = "pseudo-header needs hs2019"
MALFORMED_DATE: Final = "malformed date"
STALE_DATE: Final = "stale date"
FUTURE_DATE: Final = "future date"
EXPIRED_SIGNATURE: Final = "expired signature"
DIGEST_MISMATCH: Final = "digest mismatch"
MALFORMED_DIGEST: Final = "malformed digest"
UNSUPPORTED_DIGEST: Final = "unsupported digest"
BAD_SIGNATURE: Final = "bad signature"
BAD_PUBLIC_KEY: Final = "bad public key"
UNSUPPORTED_KEY_TYPE: Final = "unsupported key type"


def unsigned_header(name: str) -> str:
    """Reason for a required header or component the signature does not cover."""
    return f"unsigned header: {name}"


def missing_header(name: str) -> str:
    """Reason for a header the signature covers but the request does not carry."""
    return f"missing header: {name}"


class FederationError(Exception):
    """Base class of every protocol error."""


class SignatureError(FederationError):
    """An HTTP signature (or its digest) cannot be accepted; `reason` says why, briefly."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ParseError(FederationError):
    """A protocol document or header could not be parsed."""


class FetchError(FederationError):
    """A remote fetch or post did not produce a usable answer."""


class FetchBlocked(FetchError):
    """The target is not allowed (blocked domain, private address, bad scheme)."""


class FetchTooLarge(FetchError):
    """The answer exceeded the size cap."""


class FetchTimeout(FetchError):
    """The remote did not answer in time."""


class FetchGone(FetchError):
    """The remote answered 410 Gone."""


class FetchNotFound(FetchError):
    """The remote answered 404 Not Found."""


class FetchStatusError(FetchError):
    """The remote answered another non-2xx status."""

    def __init__(self, status: int, message: str | None = None) -> None:
        super().__init__(message if message is not None else f"status {status}")
        self.status = status
