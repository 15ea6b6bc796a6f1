"""Origin rules: which server may speak for which URL, mirroring Mastodon (mastodon-interop §8.2).

Owns the pure same-origin predicates applied to inbound activities and fetched documents: signer vs
activity actor, activity and object ids vs the actor's host, a fetched document's id vs the URL it
was fetched from. It must not fetch, parse bodies or consult blocklists.

"Origin" here is scheme, host and effective port. Mastodon compares hosts only; keeping the port is
stricter, identical for real peers on default ports, and keeps two loopback test instances apart.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlsplit

from federation.vocab import as_list, first_id, id_of

_DEFAULT_PORTS: Final = {"http": 80, "https": 443}
# Activities whose object must live on the actor's origin (create.rb, update.rb, delete.rb
# non_matching_uri_hosts?).
_OWNED_OBJECT_TYPES: Final = frozenset({"Create", "Update", "Delete"})

Origin = tuple[str, str, int]


@functools.lru_cache(maxsize=4096)
def origin_of(url: str | None) -> Origin | None:
    """Return (scheme, host, port) of an http(s) URL, host lowercased; None if it is not one.
    Memoised: the same actors and key ids come back on request after request."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    return scheme, host, port if port is not None else _DEFAULT_PORTS[scheme]


def host_of(url: str | None) -> str | None:
    """Return the lowercased host of an http(s) URL (no port), or None."""
    origin = origin_of(url)
    return origin[1] if origin else None


def same_origin(a: str | None, b: str | None) -> bool:
    """Tell whether two http(s) URLs share scheme, host and port; False if either is not a URL."""
    origin_a = origin_of(a)
    return origin_a is not None and origin_a == origin_of(b)


def signer_owns_activity(signer_actor_id: str, activity: Mapping[str, Any]) -> bool:
    """Tell whether the verified signer may have sent this activity.

    The signer must be the activity's `actor` (Mastodon's `different_actor?`), and the activity id
    must be on the signer's origin (Misskey's signer-host check).
    """
    actor = first_id(activity.get("actor"))
    activity_id = activity.get("id")
    if actor != signer_actor_id or not isinstance(activity_id, str):
        return False
    return same_origin(activity_id, signer_actor_id)


def object_belongs_to_actor(activity: Mapping[str, Any]) -> bool:
    """Tell whether a Create/Update/Delete only touches objects on its actor's origin.

    Embedded objects that name an author (`attributedTo`) must name the actor itself; an embedded
    actor (Update of a profile) must be the actor. Other activity types always pass.
    """
    activity_type = activity.get("type")
    if activity_type not in _OWNED_OBJECT_TYPES:
        return True
    actor = first_id(activity.get("actor"))
    items = as_list(activity.get("object"))
    if actor is None or not items:
        return False
    return all(_owned_item(item, actor) for item in items)


def _owned_item(item: Any, actor: str) -> bool:
    object_id = id_of(item)
    if object_id is None or not same_origin(object_id, actor):
        return False
    if isinstance(item, Mapping) and "attributedTo" in item:
        return first_id(item.get("attributedTo")) == actor
    return True


def is_authentic_fetch(requested_url: str, final_url: str, document_id: Any) -> bool:
    """Tell whether a fetched document may be trusted as the resource that was asked for.

    Its id must equal the requested URL (Mastodon `fetch_resource`), or the URL it was finally
    served from after redirects when that stays on the requested origin (Lemmy `fetch/mod.rs`).
    """
    if not isinstance(document_id, str):
        return False
    if document_id == requested_url:
        return True
    return document_id == final_url and same_origin(final_url, requested_url)


def note_attribution_ok(note: Mapping[str, Any]) -> bool:
    """Tell whether a note's id is on its author's origin (Mastodon `trustworthy_attribution?`)."""
    note_id = note.get("id")
    author = first_id(note.get("attributedTo"))
    return isinstance(note_id, str) and same_origin(note_id, author)
