"""Pure builders for the AS2 documents Treehole serves and sends.

Owns the exact JSON shapes of our actors, notes and activities, as Mastodon and friends require them
(mastodon-interop §3.4, §5). Every URL comes in as an argument, already built by the app's URL
module; nothing here concatenates paths, reads the clock or signs. HTML content arrives already
sanitised and escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final, Literal

from federation.vocab import AS_CONTEXT, PUBLIC, SECURITY_CONTEXT, WEBFINGER_CONTEXT

ActorType = Literal["Application", "Group", "Person"]

MAX_ACTIVITY_BYTES: Final = 64 * 1024  # Misskey's inbox bodyLimit (mastodon-interop §7.3)
MAX_FLAG_CONTENT: Final = 5000  # Mastodon keeps at most this many comment characters
_ACTOR_TERMS: Final = {
    "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
    "toot": "http://joinmastodon.org/ns#",
    "discoverable": "toot:discoverable",
    "indexable": "toot:indexable",
}
# Mastodon's own terms for profile fields (schema.org's PropertyValue).
_PROPERTY_VALUE_TERMS: Final = {
    "schema": "http://schema.org#",
    "PropertyValue": "schema:PropertyValue",
    "value": "schema:value",
}
_NOTE_TERMS: Final = {"sensitive": "as:sensitive", "Hashtag": "as:Hashtag"}
# Keys of a received activity that an Accept/Reject/Undo repeats; the rest (signature blocks,
# proofs, foreign extensions) is not ours to re-publish.
_EMBED_KEYS: Final = ("id", "type", "actor", "object", "to", "cc")


def format_time(moment: datetime) -> str:
    """Format an aware datetime as xsd:dateTime in UTC with a Z suffix, to the second."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_actor(
    *,
    actor_type: ActorType,
    actor_id: str,
    preferred_username: str,
    name: str,
    summary: str | None,
    url: str | None,
    inbox: str,
    outbox: str,
    followers: str,
    following: str | None,
    shared_inbox: str,
    key_id: str,
    public_key_pem: str,
    published: datetime,
    manually_approves_followers: bool,
    discoverable: bool,
    indexable: bool,
    webfinger: str | None = None,
    attachment: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """Build an actor document: Application (instance), Group (board) or Person (throwaway).
    `attachment`: profile fields (`PropertyValue`, as Mastodon's profile metadata).

    No `icon`: every remote server would download one per throwaway actor (§3.4). `following` is
    optional because each collection costs remote servers a fetch. `webfinger` (FEP-2c59,
    `user@host`) must agree with the WebFinger subject.
    """
    context: list[Any] = [AS_CONTEXT, SECURITY_CONTEXT]
    if webfinger is not None:
        context.append(WEBFINGER_CONTEXT)
    terms = dict(_ACTOR_TERMS)
    if attachment:
        terms.update(_PROPERTY_VALUE_TERMS)
    context.append(terms)
    actor: dict[str, Any] = {
        "@context": context,
        "id": actor_id,
        "type": actor_type,
        "preferredUsername": preferred_username,
        "name": name,
        "inbox": inbox,
        "outbox": outbox,
        "followers": followers,
        "endpoints": {"sharedInbox": shared_inbox},
        "publicKey": {"id": key_id, "owner": actor_id, "publicKeyPem": public_key_pem},
        "published": format_time(published),
        "manuallyApprovesFollowers": manually_approves_followers,
        "discoverable": discoverable,
        "indexable": indexable,
    }
    if webfinger is not None:
        actor["webfinger"] = webfinger
    if summary is not None:
        actor["summary"] = summary
    if url is not None:
        actor["url"] = url
    if following is not None:
        actor["following"] = following
    if attachment:
        actor["attachment"] = [dict(field) for field in attachment]
    return actor


def build_note(
    *,
    note_id: str,
    attributed_to: str,
    content_html: str,
    published: datetime,
    to: Sequence[str],
    cc: Sequence[str],
    url: str | None = None,
    in_reply_to: str | None = None,
    context: str | None = None,
    summary: str | None = None,
    sensitive: bool = False,
    language: str | None = None,
    expires_at: datetime | None = None,
    tags: Sequence[Mapping[str, Any]] = (),
    audience: str | None = None,
) -> dict[str, Any]:
    """Build a Note. `summary` is the content warning; `language` adds a one-entry contentMap.

    `context` is the FEP-7888 thread id. `expires_at` is published as AS2 `endTime`. `tags` are
    `Mention`/`Hashtag` objects (`build_mention`, `build_hashtag`). `audience` names the group
    the note was posted to (FEP-1b12), which Lemmy and Mbin file it under.
    """
    note: dict[str, Any] = {
        "@context": [AS_CONTEXT, dict(_NOTE_TERMS)],
        "id": note_id,
        "type": "Note",
        "attributedTo": attributed_to,
        "content": content_html,
        "published": format_time(published),
        "to": list(to),
        "cc": list(cc),
        "sensitive": sensitive,
    }
    if language is not None:
        note["contentMap"] = {language: content_html}
    if tags:
        note["tag"] = [dict(tag) for tag in tags]
    if audience is not None:
        note["audience"] = audience
    if summary is not None:
        note["summary"] = summary
    if in_reply_to is not None:
        note["inReplyTo"] = in_reply_to
    if url is not None:
        note["url"] = url
    if context is not None:
        note["context"] = context
    if expires_at is not None:
        # No peer reads an expiry on Notes: Pleroma's `expires_at` is internal and unnamespaced,
        # Mastodon reads `endTime` only on Question (polls), and the Delete sent at expiry is what
        # removes the note everywhere (mastodon-interop §9.3). AS2 defines `endTime` on every
        # Object as "the expected ending time", so it states our intent in standard vocabulary and
        # is ignored, harmlessly, by everyone else.
        note["endTime"] = format_time(expires_at)
    return note


def build_mention(*, href: str, name: str) -> dict[str, Any]:
    """A `Mention` tag: `href` is the actor id, `name` its `@user@host` (Mastodon notifies only
    the accounts a note mentions, app/lib/activitypub/activity/create.rb `process_tags`)."""
    return {"type": "Mention", "href": href, "name": name}


def build_hashtag(*, href: str, name: str) -> dict[str, Any]:
    """A `Hashtag` tag: `name` without the `#`; Mastodon files the note under it."""
    return {"type": "Hashtag", "href": href, "name": f"#{name}"}


def _embedded(document: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "@context"}


def build_create(*, activity_id: str, actor: str, note: Mapping[str, Any]) -> dict[str, Any]:
    """Wrap a note built by `build_note` in a Create with the note's addressing and date."""
    return {
        "@context": note.get("@context", AS_CONTEXT),
        "id": activity_id,
        "type": "Create",
        "actor": actor,
        "published": note["published"],
        "to": list(note["to"]),
        "cc": list(note["cc"]),
        "object": _embedded(note),
    }


def build_announce(
    *,
    activity_id: str,
    actor: str,
    note_id: str,
    followers: str,
    published: datetime,
    note_author: str | None = None,
) -> dict[str, Any]:
    """Build a public Announce of a note by id, cc the announcer's followers (and the author).

    The note is referenced, not embedded: Mastodon refetches it anyway unless the announcer is the
    author (mastodon-interop §5.3).
    """
    cc = [followers] if note_author is None else [followers, note_author]
    return {
        "@context": AS_CONTEXT,
        "id": activity_id,
        "type": "Announce",
        "actor": actor,
        "published": format_time(published),
        "to": [PUBLIC],
        "cc": cc,
        "object": note_id,
    }


def build_group_announce(
    *,
    activity_id: str,
    group: str,
    activity: Mapping[str, Any],
    followers: str,
    published: datetime,
) -> dict[str, Any]:
    """Build a group's Announce of a member's activity, embedded (FEP-1b12, as Lemmy, Mbin and
    PieFed read their communities: Announce{Create|Update|Delete|Like}).

    Microblogs do not read these (Mastodon and Misskey want Announce of the object), so a post
    is also announced by `build_announce`, as Lemmy itself does for Mastodon's sake.
    """
    return {
        "@context": AS_CONTEXT,
        "id": activity_id,
        "type": "Announce",
        "actor": group,
        "published": format_time(published),
        "to": [PUBLIC],
        "cc": [followers],
        "audience": group,
        "object": _embedded(activity),
    }


def build_tombstone(
    *, object_id: str, former_type: str | None = None, deleted: datetime | None = None
) -> dict[str, Any]:
    """Build a Tombstone, served (with 410) where a deleted object used to be."""
    tombstone: dict[str, Any] = {"@context": AS_CONTEXT, "id": object_id, "type": "Tombstone"}
    if former_type is not None:
        tombstone["formerType"] = former_type
    if deleted is not None:
        tombstone["deleted"] = format_time(deleted)
    return tombstone


def build_delete(
    *, activity_id: str, actor: str, object_id: str, former_type: str | None = None
) -> dict[str, Any]:
    """Build Delete(object) with a Tombstone object; it must be signed by the object's author."""
    return {
        "@context": AS_CONTEXT,
        "id": activity_id,
        "type": "Delete",
        "actor": actor,
        "to": [PUBLIC],
        "object": _embedded(build_tombstone(object_id=object_id, former_type=former_type)),
    }


def build_delete_actor(*, activity_id: str, actor: str) -> dict[str, Any]:
    """Build Delete(actor) by the actor itself; Mastodon then purges the account (§5.4)."""
    return {
        "@context": AS_CONTEXT,
        "id": activity_id,
        "type": "Delete",
        "actor": actor,
        "to": [PUBLIC],
        "object": actor,
    }


def _repeat(activity: Mapping[str, Any]) -> dict[str, Any]:
    return {key: activity[key] for key in _EMBED_KEYS if key in activity}


def build_undo(
    *, activity_id: str, actor: str, activity: Mapping[str, Any] | str
) -> dict[str, Any]:
    """Build Undo of one of our activities, embedded (with its addressing) or by id."""
    undo: dict[str, Any] = {
        "@context": AS_CONTEXT,
        "id": activity_id,
        "type": "Undo",
        "actor": actor,
    }
    if isinstance(activity, str):
        undo["object"] = activity
        return undo
    undo["object"] = _repeat(activity)
    for key in ("to", "cc"):
        if key in activity:
            undo[key] = activity[key]
    return undo


def _answer_follow(
    answer: str, activity_id: str, actor: str, follow: Mapping[str, Any]
) -> dict[str, Any]:
    answered: dict[str, Any] = {
        "@context": AS_CONTEXT,
        "id": activity_id,
        "type": answer,
        "actor": actor,
        "object": _repeat(follow),
    }
    follower = follow.get("actor")
    if isinstance(follower, str):
        answered["to"] = [follower]
    return answered


def build_accept(*, activity_id: str, actor: str, follow: Mapping[str, Any]) -> dict[str, Any]:
    """Build Accept of a received Follow, repeating its id, type, actor and object (§5.6)."""
    return _answer_follow("Accept", activity_id, actor, follow)


def build_reject(*, activity_id: str, actor: str, follow: Mapping[str, Any]) -> dict[str, Any]:
    """Build Reject of a Follow; on Mastodon it also removes an existing follower (§5.6)."""
    return _answer_follow("Reject", activity_id, actor, follow)


def build_update_actor(
    *, activity_id: str, actor_document: Mapping[str, Any], published: datetime
) -> dict[str, Any]:
    """Build Update(actor) carrying the full actor document (profile change, key rotation)."""
    return {
        "@context": actor_document["@context"],
        "id": activity_id,
        "type": "Update",
        "actor": actor_document["id"],
        "published": format_time(published),
        "to": [PUBLIC],
        "object": _embedded(actor_document),
    }


def build_flag(
    *, activity_id: str, instance_actor: str, objects: Sequence[str], content: str
) -> dict[str, Any]:
    """Build a Flag (report) from the instance actor about an account and its statuses.

    `objects` lists the reported actor first, then status ids. No `to`: neither Mastodon nor GtS
    needs one (§5.8). Raises ValueError on an empty list or a comment Mastodon would cut.
    """
    if not objects:
        raise ValueError("a Flag needs at least one object")
    if len(content) > MAX_FLAG_CONTENT:
        raise ValueError(f"Flag content longer than {MAX_FLAG_CONTENT} characters")
    return {
        "@context": AS_CONTEXT,
        "id": activity_id,
        "type": "Flag",
        "actor": instance_actor,
        "content": content,
        "object": list(objects),
    }


def build_ordered_collection(
    *,
    collection_id: str,
    total_items: int,
    first: str | None = None,
    items: Sequence[Any] | None = None,
) -> dict[str, Any]:
    """Build an OrderedCollection; without `first` or items Mastodon reads only `totalItems`."""
    collection: dict[str, Any] = {
        "@context": AS_CONTEXT,
        "id": collection_id,
        "type": "OrderedCollection",
        "totalItems": total_items,
    }
    if first is not None:
        collection["first"] = first
    if items is not None:
        collection["orderedItems"] = list(items)
    return collection


def activity_size_ok(payload: bytes) -> bool:
    """Tell whether a serialised activity fits every peer's inbox (Misskey: 64 KiB)."""
    return len(payload) <= MAX_ACTIVITY_BYTES


def build_like(*, activity_id: str, actor: str, object_id: str) -> dict[str, Any]:
    """Build a Like of a note (sent to the note's author)."""
    return {
        "@context": AS_CONTEXT,
        "id": activity_id,
        "type": "Like",
        "actor": actor,
        "object": object_id,
    }
