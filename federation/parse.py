"""Turns untrusted AS2 JSON into typed values, or a ParseError that says why it cannot.

Owns the shape rules for incoming activities, remote actor documents and remote notes: Mastodon's
arrays and Fedify's compacted single values, embedded or referenced objects, and the acceptance
rules Mastodon applies to actors (mastodon-interop §3.1, §3.2). It checks shapes and same-host
claims inside one document; it must not fetch, verify signatures or decide trust between documents
(that is `federation.origin` and the app's inbound service). HTML is returned raw: render it only
through `federation.sanitize`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import urlsplit

from federation.errors import ParseError
from federation.origin import same_origin
from federation.vocab import ACTOR_TYPES, AS_CONTEXT, PUBLIC, as_list, first_id, id_of, is_public

MAX_JSON_BYTES: Final = 1_048_576  # Mastodon's MAX_JSON_SIZE (mastodon-interop §7.3)
MAX_JSON_DEPTH: Final = 32
MAX_PUBLIC_KEYS: Final = 10  # Mastodon's MAX_PUBLIC_KEYS
MAX_ADDRESSES: Final = 10_000
# Types whose meaning depends on an object; without one they are garbage.
_NEEDS_OBJECT: Final = frozenset(
    {
        "Accept",
        "Add",
        "Announce",
        "Block",
        "Create",
        "Delete",
        "EmojiReact",
        "Flag",
        "Follow",
        "Like",
        "Move",
        "Reject",
        "Remove",
        "Undo",
        "Update",
    }
)
NOTE_TYPES: Final = frozenset({"Note", "Article", "Page", "Question"})


@dataclass(frozen=True, slots=True)
class IncomingActivity:
    """An activity as received, shape-checked; `raw` keeps the document for storage and forwarding.

    `object` is the embedded object when there is one (None for a bare reference); `object_ids`
    lists every referenced object (Flag carries several); `in_reply_to` is the object's.
    """

    id: str
    type: str
    actor: str
    object_id: str | None
    object: dict[str, Any] | None = field(repr=False)
    object_type: str | None
    to: tuple[str, ...] = field(repr=False)
    cc: tuple[str, ...] = field(repr=False)
    in_reply_to: str | None
    raw: dict[str, Any] = field(repr=False)
    object_ids: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True, slots=True)
class RemoteActorDoc:
    """The fields of a remote actor document that Treehole uses."""

    id: str
    type: str
    preferred_username: str | None
    name: str | None
    inbox: str
    shared_inbox: str | None
    key_id: str | None
    public_key_pem: str | None = field(repr=False)
    url: str | None


@dataclass(frozen=True, slots=True)
class RemoteNoteDoc:
    """The fields of a remote note that Treehole uses; `content_html` is unsanitised."""

    id: str
    attributed_to: str
    content_html: str = field(repr=False)
    summary: str | None
    sensitive: bool
    in_reply_to: str | None
    published: datetime | None
    url: str | None
    to: tuple[str, ...] = field(repr=False)
    cc: tuple[str, ...] = field(repr=False)
    # Lemmy's and Mbin's posts are `Page`s with a title in `name`; `audience` names the group a
    # post was made in (FEP-1b12).
    type: str = "Note"
    title: str | None = None
    audience: str | None = None


def load_json(body: bytes, *, max_bytes: int = MAX_JSON_BYTES) -> dict[str, Any]:
    """Decode a JSON object from bytes, refusing oversized, deep or non-object documents."""
    if len(body) > max_bytes:
        raise ParseError(f"document larger than {max_bytes} bytes")
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise ParseError("not valid JSON") from exc
    if not isinstance(document, dict):
        raise ParseError("document is not a JSON object")
    _check_depth(document)
    return document


def _check_depth(document: Any) -> None:
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ParseError(f"document nested deeper than {MAX_JSON_DEPTH}")
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value)


def is_http_url(value: Any) -> bool:
    """Tell whether a value is an absolute http(s) URL with a host."""
    if not isinstance(value, str) or len(value) > 2048:
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _require_url(document: Mapping[str, Any], key: str, what: str) -> str:
    value = first_id(document.get(key)) if key != "id" else document.get(key)
    if value is None:
        raise ParseError(f"{what} has no {key}")
    if not is_http_url(value):
        raise ParseError(f"{what} {key} is not an http(s) URL")
    assert isinstance(value, str)
    return value


def _type_of(value: Any) -> str | None:
    for item in as_list(value):
        if isinstance(item, str):
            return item
    return None


def _require_dict(document: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(document, Mapping):
        raise ParseError(f"{what} is not a JSON object")
    return document


def _check_context(document: Mapping[str, Any], what: str) -> None:
    # Mastodon drops documents whose @context does not name the AS2 context (supported_context?).
    if AS_CONTEXT not in as_list(document.get("@context")):
        raise ParseError(f"{what} has an unsupported @context")


def _addresses(document: Mapping[str, Any], key: str) -> tuple[str, ...]:
    raw = as_list(document.get(key))
    if len(raw) > MAX_ADDRESSES:
        raise ParseError(f"{key} lists too many addresses")
    found: list[str] = []
    for entry in raw:
        address = id_of(entry)
        if address is None:
            raise ParseError(f"{key} holds something other than an id")
        found.append(PUBLIC if is_public(address) else address)
    return tuple(found)


def _object_refs(value: Any) -> tuple[str, ...]:
    refs: list[str] = []
    for item in as_list(value):
        ref = id_of(item)
        if ref is None:
            if isinstance(item, Mapping):
                continue  # an embedded transient object without id
            raise ParseError("object is neither an id nor an object")
        if not is_http_url(ref):
            raise ParseError("object id is not an http(s) URL")
        refs.append(ref)
    return tuple(refs)


def parse_activity(document: Any) -> IncomingActivity:
    """Check an incoming activity's shape and return its parts; raise ParseError on garbage."""
    doc = _require_dict(document, "activity")
    _check_context(doc, "activity")
    activity_id = _require_url(doc, "id", "activity")
    activity_type = _type_of(doc.get("type"))
    if activity_type is None:
        raise ParseError("activity has no type")
    actor = _require_url(doc, "actor", "activity")
    raw_object = doc.get("object")
    object_ids = _object_refs(raw_object)
    if activity_type in _NEEDS_OBJECT and not object_ids:
        raise ParseError(f"{activity_type} has no object id")
    embedded = raw_object if isinstance(raw_object, dict) else None
    in_reply_to = first_id(embedded.get("inReplyTo")) if embedded is not None else None
    if in_reply_to is not None and not is_http_url(in_reply_to):
        raise ParseError("inReplyTo is not an http(s) URL")
    return IncomingActivity(
        id=activity_id,
        type=activity_type,
        actor=actor,
        object_id=object_ids[0] if object_ids else None,
        object=embedded,
        object_type=_type_of(embedded.get("type")) if embedded is not None else None,
        to=_addresses(doc, "to"),
        cc=_addresses(doc, "cc"),
        in_reply_to=in_reply_to,
        raw=dict(doc),
        object_ids=object_ids,
    )


def _optional_str(document: Mapping[str, Any], key: str) -> str | None:
    value = document.get(key)
    return value if isinstance(value, str) else None


def _same_origin_url(value: Any, actor_id: str) -> str | None:
    url = first_id(value)
    if url is None or not is_http_url(url) or not same_origin(url, actor_id):
        return None
    return url


def _shared_inbox(document: Mapping[str, Any], actor_id: str) -> str | None:
    endpoints = document.get("endpoints")
    candidate = endpoints.get("sharedInbox") if isinstance(endpoints, Mapping) else None
    if candidate is None:
        candidate = document.get("sharedInbox")
    # A sharedInbox on another host could make us deliver one actor's mail to a third party; GtS
    # and Misskey refuse those too (mastodon-interop §3.2, §3.3). Fall back to the personal inbox.
    return _same_origin_url(candidate, actor_id)


def _actor_key(
    document: Mapping[str, Any], actor_id: str, wanted: str | None
) -> tuple[str, str] | None:
    keys = as_list(document.get("publicKey"))
    if not keys:
        if wanted is not None:
            raise ParseError("actor lists no public key")
        return None
    if len(keys) > MAX_PUBLIC_KEYS:
        raise ParseError("actor has too many public keys")
    for key in keys:
        if not isinstance(key, Mapping):
            continue
        key_id, owner, pem = key.get("id"), key.get("owner"), key.get("publicKeyPem")
        if not (is_http_url(key_id) and isinstance(pem, str) and owner == actor_id):
            continue
        assert isinstance(key_id, str)
        if same_origin(key_id, actor_id) and wanted in (None, key_id):
            return key_id, pem
    if wanted is not None:
        raise ParseError("actor does not list that key as its own")
    raise ParseError("actor has no public key owned by itself on its own origin")


def key_owner(document: Any, key_id: str) -> str | None:
    """The actor to fetch for a key, given what the key's URL answered; None when that answer is
    already the owner's full actor document.

    Mastodon serves its actor at the key URL minus `#main-key`. GoToSocial's key URL
    (`.../main-key`) answers a stub: `id`, `type`, `preferredUsername` and `publicKey`, with the
    owner inside `publicKey` (superseriousbusiness/gotosocial internal/typeutils/internaltoas.go
    `AccountToASMinimal`). A bare key document carries `owner` itself (Mastodon
    app/services/activitypub/fetch_remote_key_service.rb). The owner must be on the key's origin;
    whoever calls this must still check that the owner's document lists the key back.
    """
    doc = _require_dict(document, "key document")
    if doc.get("inbox") is not None:
        return None
    candidates = [doc, *as_list(doc.get("publicKey"))]
    for candidate in candidates:
        if isinstance(candidate, Mapping) and candidate.get("id") == key_id:
            owner = first_id(candidate.get("owner") or candidate.get("controller"))
            if owner is None or not is_http_url(owner):
                raise ParseError("key document names no owner")
            if not same_origin(owner, key_id):
                raise ParseError("key owner is on another origin")
            return owner
    raise ParseError("key document does not hold that key")


def parse_actor(document: Any, key_id: str | None = None) -> RemoteActorDoc:
    """Validate a remote actor document the way Mastodon and Misskey do, and return its fields.

    Requires a supported @context, an actor type, `preferredUsername` or `webfinger`, and an
    inbox on the actor's origin; a `publicKey`, when present, must be owned by the actor and be on
    its origin. With `key_id`, the actor must list that very key (of up to ten), and it is the one
    returned (Mastodon `confirmed_owner?`).
    """
    doc = _require_dict(document, "actor")
    _check_context(doc, "actor")
    actor_id = _require_url(doc, "id", "actor")
    actor_type = _type_of(doc.get("type"))
    if actor_type not in ACTOR_TYPES:
        raise ParseError("actor type is not an actor type")
    preferred_username = _optional_str(doc, "preferredUsername")
    if not preferred_username and not _optional_str(doc, "webfinger"):
        raise ParseError("actor has neither preferredUsername nor webfinger")
    inbox = _require_url(doc, "inbox", "actor")
    if not same_origin(inbox, actor_id):
        raise ParseError("actor inbox is on another origin")
    key = _actor_key(doc, actor_id, key_id)
    return RemoteActorDoc(
        id=actor_id,
        type=actor_type,
        preferred_username=preferred_username or None,
        name=_optional_str(doc, "name"),
        inbox=inbox,
        shared_inbox=_shared_inbox(doc, actor_id),
        key_id=key[0] if key else None,
        public_key_pem=key[1] if key else None,
        url=_same_origin_url(doc.get("url"), actor_id),
    )


def parse_time(value: Any) -> datetime | None:
    """Parse an xsd:dateTime into an aware UTC datetime; None when absent, ParseError when bad."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ParseError("timestamp is not a string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ParseError("timestamp is not ISO 8601") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _content(doc: Mapping[str, Any]) -> str:
    content = doc.get("content")
    if isinstance(content, str):
        return content
    content_map = doc.get("contentMap")
    # Mastodon falls back to the first contentMap value (status_parser.rb).
    if isinstance(content_map, Mapping):
        for value in content_map.values():
            if isinstance(value, str):
                return value
    return ""


def _note_url(value: Any) -> str | None:
    for item in as_list(value):
        candidate = item.get("href") if isinstance(item, Mapping) else item
        if is_http_url(candidate):
            assert isinstance(candidate, str)
            return candidate
    return None


def parse_note(document: Any) -> RemoteNoteDoc:
    """Validate a remote Note-like object and return its fields.

    The note's id must be on its author's host (Mastodon's `trustworthy_attribution?`). Works on
    embedded objects too, so no @context is required here.
    """
    doc = _require_dict(document, "note")
    note_id = _require_url(doc, "id", "note")
    note_type = _type_of(doc.get("type"))
    if note_type not in NOTE_TYPES:
        raise ParseError("object is not a Note-like type")
    attributed_to = _require_url(doc, "attributedTo", "note")
    if not same_origin(note_id, attributed_to):
        raise ParseError("note id and attributedTo are on different origins")
    in_reply_to = first_id(doc.get("inReplyTo"))
    if in_reply_to is not None and not is_http_url(in_reply_to):
        raise ParseError("inReplyTo is not an http(s) URL")
    sensitive = doc.get("sensitive")
    return RemoteNoteDoc(
        id=note_id,
        attributed_to=attributed_to,
        content_html=_content(doc),
        summary=_optional_str(doc, "summary") or None,
        sensitive=sensitive is True,
        in_reply_to=in_reply_to,
        published=parse_time(doc.get("published")),
        url=_note_url(doc.get("url")),
        to=_addresses(doc, "to"),
        cc=_addresses(doc, "cc"),
        type=note_type,
        title=_optional_str(doc, "name") or None,
        audience=first_id(doc.get("audience")),
    )
