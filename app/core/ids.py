"""Random identifiers: 128 bits, never sequential, safe in URLs."""

from __future__ import annotations

import base64
import secrets


def new_id() -> str:
    """26 lowercase base32 characters carrying 128 random bits."""
    return base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=").lower()


def new_token() -> str:
    """A secret for the poster to keep (deletion token); 192 bits."""
    return secrets.token_urlsafe(24)
