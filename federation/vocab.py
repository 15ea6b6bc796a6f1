"""ActivityStreams 2.0 vocabulary constants and tiny value accessors.

Owns the AS2/security context URIs, media types and the few helpers that read AS2's loose value
shapes (single value or array, bare id or embedded object). It must not validate documents or do
I/O: parsing with error reporting lives in `federation.parse`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

AS_CONTEXT: Final = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT: Final = "https://w3id.org/security/v1"
WEBFINGER_CONTEXT: Final = "https://purl.archive.org/socialweb/webfinger"

PUBLIC: Final = "https://www.w3.org/ns/activitystreams#Public"
# Compacted JSON-LD spells the public collection "as:Public" (Fedify and others do); Mastodon also
# accepts a bare "Public" (w3c/activitypub#264, Mastodon TagManager#public_collection?).
PUBLIC_ALIASES: Final = frozenset({PUBLIC, "as:Public", "Public"})

ACTIVITY_JSON: Final = "application/activity+json"
LD_JSON_AS: Final = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
JRD_JSON: Final = "application/jrd+json"
# What we send when fetching AS2 documents (Mastodon sends the same pair, §3.1).
AS2_ACCEPT: Final = f"{ACTIVITY_JSON}, {LD_JSON_AS}"

ACTOR_TYPES: Final = frozenset({"Application", "Group", "Organization", "Person", "Service"})


def as_list(value: Any) -> list[Any]:
    """Return an AS2 value as a list: None → [], a single value → [value], a list unchanged."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def id_of(value: Any) -> str | None:
    """Return the id of an AS2 reference: the string itself, or an embedded object's `id`."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        inner = value.get("id")
        return inner if isinstance(inner, str) else None
    return None


def first_id(value: Any) -> str | None:
    """Return the id of the first usable reference in a single value or an array."""
    for item in as_list(value):
        found = id_of(item)
        if found is not None:
            return found
    return None


def is_public(value: str) -> bool:
    """Tell whether an addressing entry names the public collection, in any of its spellings."""
    return value in PUBLIC_ALIASES
