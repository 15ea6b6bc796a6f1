"""Submitting a note: validation (pure), then the note, its author (with a key from the pool) and
its pseudonym in one transaction, which the form handler shares with the moderation records.
Federation reads the note later, when its publication delay has passed."""

from __future__ import annotations

import hashlib
import random
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core.clock import floor_to
from app.core.errors import Gone, Invalid, NotFound
from app.core.ids import new_id, new_token
from app.core.states import DELETED, HELD, LIVE
from app.db.engine import Db
from app.notes import actors
from app.notes.pseudonyms import poster_tag, pseudonym_for
from app.store import boards as board_store
from app.store import keypool
from app.store import local_actors as local_store
from app.store import notes as note_store
from app.store.boards import Board
from app.store.notes import LOCAL, Note

NOTE_PUBLISHED_GRANULARITY_SECONDS = 600
SUMMARY_MAX_CHARS = 200


@dataclass(frozen=True, slots=True)
class PostPolicy:
    max_chars: int
    max_ttl: int
    publish_delay_max: int


@dataclass(frozen=True, slots=True)
class Submission:
    text: str
    summary: str | None
    ttl_seconds: int
    # Set by moderation: the note waits for a moderator before anyone sees or receives it.
    held: bool = False
    # Set by moderation: the codes of the content warnings it added (app/notes/warnings.py).
    warning_labels: str | None = None


@dataclass(frozen=True, slots=True)
class Posted:
    note_id: str
    thread_id: str
    token: str


def _clean(value: str) -> str:
    """Normalise line ends and drop control characters other than newline and tab."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        ch for ch in value if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    ).strip()


def allowed_ttls(board: Board, policy: PostPolicy) -> tuple[int, ...]:
    """The board's lifetimes within the instance maximum; the maximum alone if none fits (it
    may have been lowered after the board was made)."""
    fitting = tuple(ttl for ttl in board.allowed_ttls if ttl <= policy.max_ttl)
    return fitting or (policy.max_ttl,)


def validate_submission(
    text: str | None, summary: str | None, ttl: str | None, board: Board, policy: PostPolicy
) -> Submission:
    """Parse a form into a `Submission`, or raise `Invalid(field, reason)`."""
    body = _clean(text or "")
    if not body:
        raise Invalid("text", "empty")
    if len(body) > policy.max_chars:
        raise Invalid("text", "too_long")
    warning = _clean(summary or "") or None
    if warning is not None and len(warning) > SUMMARY_MAX_CHARS:
        raise Invalid("summary", "too_long")
    choices = allowed_ttls(board, policy)
    if ttl in (None, ""):
        chosen = board.default_ttl if board.default_ttl in choices else min(choices)
    else:
        try:
            chosen = int(ttl)
        except ValueError:
            raise Invalid("ttl", "not_allowed") from None
        if chosen not in choices:
            raise Invalid("ttl", "not_allowed")
    return Submission(text=body, summary=warning, ttl_seconds=chosen)


def expiry_for(now: datetime, ttl_seconds: int) -> datetime:
    """When a note posted at `now` expires: its `published` time (`now` floored to 10 minutes)
    plus its lifetime, so neither its page, its `endTime` nor the moment its Delete goes out
    tells more about when it was posted than `published` does. It never outlives the lifetime
    chosen (nor the instance maximum) and goes at most ten minutes sooner; a lifetime under ten
    minutes ends ten minutes after `published`, which is always still ahead."""
    published = floor_to(now, NOTE_PUBLISHED_GRANULARITY_SECONDS)
    return published + timedelta(seconds=max(ttl_seconds, NOTE_PUBLISHED_GRANULARITY_SECONDS))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _publication_time(now: datetime, policy: PostPolicy, rng: random.Random) -> datetime:
    """Federation waits a random moment, so arrival time says little about posting time."""
    return now + timedelta(seconds=rng.uniform(0, policy.publish_delay_max))


async def _insert(
    db: Db,
    *,
    board: Board,
    note_id: str,
    thread_id: str,
    in_reply_to_id: str | None,
    is_op: bool,
    tag: str,
    submission: Submission,
    expires_at: datetime,
    policy: PostPolicy,
    now: datetime,
    rng: random.Random,
) -> Posted:
    """Call inside a transaction: a failure anywhere leaves the key in the pool and no row."""
    token = new_token()
    pseudonym = pseudonym_for(tag, board.language)
    existing = None if is_op else await local_store.get_thread_actor(db, thread_id, tag)
    # A new thread (is_op) has no actors yet. With the pool empty, `assign_thread_actor`
    # generates a key (~50 ms) inside this transaction; the worker keeps the pool filled.
    needs_key = existing is None or existing.state == DELETED
    actor_key = await keypool.take_key(db) if needs_key else None
    actor, used_key = await actors.assign_thread_actor(
        db, thread_id, tag, pseudonym, actor_key, now
    )
    if actor_key is not None and not used_key:
        await actors.return_key(db, actor_key, now)
    await note_store.insert_note(
        db,
        Note(
            id=note_id,
            board_id=board.id,
            thread_id=thread_id,
            in_reply_to_id=in_reply_to_id,
            origin=LOCAL,
            ap_id=None,
            local_actor_id=actor.id,
            remote_actor_id=None,
            pseudonym=pseudonym,
            is_op=is_op,
            content=submission.text,
            content_format="text",
            summary=submission.summary,
            url=None,
            state=HELD if submission.held else LIVE,
            deletion_token_hash=hash_token(token),
            created_at=now,
            published_at=floor_to(now, NOTE_PUBLISHED_GRANULARITY_SECONDS),
            expires_at=expires_at,
            federate_after=_publication_time(now, policy, rng),
            deleted_at=None,
            deletion_reason=None,
            warning_labels=submission.warning_labels,
        ),
    )
    await board_store.update_last_post_at(db, board.id, now)
    return Posted(note_id=note_id, thread_id=thread_id, token=token)


async def insert_thread(
    db: Db,
    board: Board,
    submission: Submission,
    poster_secret: str | None,
    policy: PostPolicy,
    now: datetime,
    rng: random.Random,
    note_id: str | None = None,
) -> Posted:
    """Start a new thread on `board` (as `note_id`, if the caller chose it); call inside the
    caller's transaction."""
    note_id = note_id or new_id()
    return await _insert(
        db,
        board=board,
        note_id=note_id,
        thread_id=note_id,
        in_reply_to_id=None,
        is_op=True,
        tag=poster_tag(poster_secret, note_id),
        submission=submission,
        expires_at=expiry_for(now, submission.ttl_seconds),
        policy=policy,
        now=now,
        rng=rng,
    )


async def live_note(db: Db, note_id: str) -> Note:
    """A note people may see; `NotFound` if there is none (or it waits for a moderator), `Gone`
    if it was deleted."""
    note = await note_store.get_note(db, note_id)
    if note is None or note.state == HELD:
        raise NotFound("note")
    if note.state == DELETED:
        raise Gone("gone")
    return note


async def live_parent(db: Db, thread_id: str, in_reply_to_id: str | None) -> tuple[Note, Note]:
    """The thread's root and the note replied to; `Gone`/`NotFound` if either is not live."""
    root = await note_store.get_note(db, thread_id)
    if root is None or not root.is_root:
        raise NotFound("thread")
    if root.state == DELETED:
        raise Gone("thread")
    if root.state != LIVE:
        raise NotFound("thread")
    if not in_reply_to_id or in_reply_to_id == root.id:
        return root, root
    parent = await note_store.get_note(db, in_reply_to_id)
    if parent is None or parent.thread_id != root.id:
        raise Invalid("in_reply_to", "not_in_thread")
    if parent.state != LIVE:
        raise Gone("note")
    return root, parent


async def insert_reply(
    db: Db,
    board: Board,
    root: Note,
    parent: Note,
    submission: Submission,
    poster_secret: str | None,
    policy: PostPolicy,
    now: datetime,
    rng: random.Random,
    note_id: str | None = None,
) -> Posted:
    """Reply in a live thread (as `note_id`, if the caller chose it); call inside the caller's
    transaction. A reply never outlives its thread."""
    tag = poster_tag(poster_secret, root.id)
    op_actor = root.local_actor_id
    posted = await _insert(
        db,
        board=board,
        note_id=note_id or new_id(),
        thread_id=root.id,
        in_reply_to_id=parent.id,
        is_op=False,
        tag=tag,
        submission=submission,
        expires_at=min(expiry_for(now, submission.ttl_seconds), root.expires_at),
        policy=policy,
        now=now,
        rng=rng,
    )
    if op_actor is not None:
        await note_store.mark_op_if_author(db, posted.note_id, op_actor)
    return posted
