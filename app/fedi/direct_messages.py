"""Posting by direct message (issue #13, docs/decisions/0013): a note addressed to a board alone
becomes an anonymous post through the same use cases as the web form (`app/notes/submit.py`),
and the board answers the sender by direct message.

Who sent it is used while the message is applied and then let go: the poster's pseudonym secret
and rate-limit key are keyed HMACs of the sender's actor id; the answer's row keeps an HMAC that
confirms a later `delete` reply comes from the same sender; the inbox item's id is replaced by a
keyed digest (a replay is still recognised) and the cached actor is forgotten unless something
else of ours needs it. Only a held post keeps its sender's address, until a moderator decides.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlsplit

from babel.support import NullTranslations

from app.core.errors import Gone, Invalid, NotFound, RateLimited
from app.core.ids import new_id
from app.core.local_refs import parse_local_url
from app.core.urls import Urls
from app.fedi import dm_replies, groups
from app.fedi.dm_answers import send_answer
from app.fedi.dm_parse import DELETE, HELP, DirectMessage, parse_direct_message
from app.fedi.dm_replies import BoardInfo, Gettext, Paragraphs
from app.moderation.blocks import is_silenced
from app.notes import deletion, submit
from app.notes.deps import NoteDeps
from app.notes.posting import Posted, allowed_ttls
from app.notes.submission import (
    HOLD_FOR_REVIEW,
    Draft,
    Held,
    InvalidInput,
    NeedsHelp,
    OverLimit,
    Poster,
    PostOutcome,
    Published,
    Rejected,
)
from app.security.ratelimit import Limit, enforce_limit
from app.store import dm_answers, inbox_items, remote_actors
from app.store import notes as note_store
from app.store.boards import DM_FOLLOWERS, DM_OFF, Board
from app.store.dm_answers import DmAnswer, Recipient
from app.store.remote_actors import RemoteActor
from federation.parse import IncomingActivity, RemoteNoteDoc
from federation.sanitize import plain_text


@dataclass(frozen=True, slots=True)
class DirectDeps:
    """What the direct-message way in is given: the note use cases' dependencies, the
    instance's secret key (keys every HMAC here) and the two limits."""

    notes: NoteDeps
    secret: str
    sender_limit: Limit
    domain_limit: Limit

    def keyed(self, purpose: str, value: str) -> str:
        message = f"treehole.dm.{purpose}:{value}".encode()
        return hmac.new(self.secret.encode(), message, hashlib.sha256).hexdigest()

    def poster(self, actor: str) -> Poster:
        return Poster(secret=self.keyed("poster", actor), rate_key=self.keyed("sender", actor))

    def sender_check(self, actor: str, answer_id: str) -> str:
        return self.keyed("answer", f"{answer_id}:{actor}")

    def activity_digest(self, activity_id: str) -> str:
        return "urn:treehole:dm:" + self.keyed("activity", activity_id)


@dataclass(frozen=True, slots=True)
class _Message:
    activity_id: str
    board: Board
    sender: RemoteActor
    recipient: Recipient
    note: RemoteNoteDoc
    parsed: DirectMessage
    now: datetime
    say: Gettext  # the board's language


def recipient_of(sender: RemoteActor) -> Recipient:
    """The sender as an answer addresses them: actor, `@user@host` and personal inbox."""
    host = urlsplit(sender.ap_id).netloc.lower()
    handle = f"@{sender.preferred_username}@{host}" if sender.preferred_username else ""
    return Recipient(sender.ap_id, handle, sender.inbox)


def gettext_for(deps: NoteDeps, board: Board) -> Gettext:
    """The board's language's gettext: answers are written in it, as content warnings are."""
    return deps.translations.get(board.language, NullTranslations()).gettext


def board_info(urls: Urls, board: Board, deps: NoteDeps) -> BoardInfo:
    return BoardInfo(
        handle=f"@{board.slug}@{urlsplit(urls.base).netloc}",
        page=urls.board_page(board.slug),
        lifetimes=allowed_ttls(board, deps.policy),
        default_lifetime=board.default_ttl,
    )


async def receive_direct_message(
    deps: DirectDeps,
    board: Board,
    activity: IncomingActivity,
    note: RemoteNoteDoc,
    sender: RemoteActor,
    now: datetime,
) -> str:
    """Apply a direct message to `board`; returns what happened (no content, no sender)."""
    db = deps.notes.db
    digest = deps.activity_digest(activity.id)
    if await inbox_items.has_item(db, digest):
        await _let_go(deps, activity, sender)
        return "direct message applied before: ignored"
    parsed = parse_direct_message(note.content_html)
    say = gettext_for(deps.notes, board)
    message = _Message(activity.id, board, sender, recipient_of(sender), note, parsed, now, say)
    outcome = await _answer_message(deps, message)
    await _let_go(deps, activity, sender)
    return outcome


async def _let_go(deps: DirectDeps, activity: IncomingActivity, sender: RemoteActor) -> None:
    db = deps.notes.db
    async with db.transaction():
        await inbox_items.forget_sender(db, activity.id, deps.activity_digest(activity.id))
        await remote_actors.forget_if_unused(db, sender.id)


async def _answer_message(deps: DirectDeps, message: _Message) -> str:
    urls = deps.notes.urls
    info = board_info(urls, message.board, deps.notes)
    ref = parse_local_url(urls, message.note.in_reply_to)
    replies_to_answer = ref is not None and ref.kind == "answer"
    if replies_to_answer and message.parsed.command == DELETE:
        assert ref is not None
        return await _delete(deps, message, ref.key)  # even where posting is off now
    if message.board.dm_posting == DM_OFF:
        closed = dm_replies.closed(message.say, followers_only=False)
        return await _explain(deps, message, closed, "posting by direct message is off")
    if replies_to_answer:
        return await _explain(
            deps, message, dm_replies.how_to_post(message.say, info), "reply to an answer"
        )
    if message.parsed.command == DELETE:
        nothing = (
            *dm_replies.nothing_to_delete(message.say),
            *dm_replies.how_to_post(message.say, info),
        )
        return await _explain(deps, message, nothing, "delete that answers nothing")
    if message.parsed.command == HELP:
        return await _explain(
            deps, message, dm_replies.how_to_post(message.say, info), "asking for help"
        )
    refusal = await _refusal(deps, message)
    if refusal is not None:
        return refusal
    parent = await _parent(deps, message.note.in_reply_to)
    outcome = await _post(deps, message, parent)
    return await _answer_outcome(deps, message, info, outcome)


async def _refusal(deps: DirectDeps, message: _Message) -> str | None:
    """The board's setting for its followers, then the sender's server's allowance; None when
    it may post."""
    board, db = message.board, deps.notes.db
    if board.dm_posting == DM_FOLLOWERS and not await groups.is_member(
        db, board.id, message.sender.id
    ):
        closed = dm_replies.closed(message.say, followers_only=True)
        return await _explain(deps, message, closed, "not a follower of the board")
    try:
        domain_key = deps.keyed("domain", message.sender.domain)
        await enforce_limit(db, deps.domain_limit, domain_key, message.now)
    except RateLimited:
        # No answer: a server over its allowance gets nothing more from us to spread.
        return "direct messages from this server over the limit: dropped"
    return None


async def _parent(deps: DirectDeps, in_reply_to: str | None) -> submit.ReplyTarget | str | None:
    """The thread a direct message replies in (one of our notes, or a remote reply we hold in
    one of our threads), None for a new thread, or why it cannot be replied to."""
    db = deps.notes.db
    ref = parse_local_url(deps.notes.urls, in_reply_to)
    if ref is not None and ref.kind == "note":
        note = await note_store.get_note(db, ref.key)
        if note is None:
            return "gone"
    elif ref is None and in_reply_to:
        note = await note_store.get_note_by_ap_id(db, in_reply_to)
        if note is None:
            return None
    else:
        return None
    try:
        return await submit.find_reply_target(db, note.thread_id, note.id)
    except (NotFound, Gone, Invalid):
        return "gone"


async def _post(
    deps: DirectDeps, message: _Message, parent: submit.ReplyTarget | str | None
) -> PostOutcome:
    if isinstance(parent, str):
        return InvalidInput("in_reply_to", parent)
    note_deps = replace(deps.notes, limits=replace(deps.notes.limits, post=deps.sender_limit))
    summary = plain_text(message.note.summary) if message.note.summary else None
    draft = Draft(message.parsed.text, summary, message.parsed.ttl)
    poster = deps.poster(message.sender.ap_id)
    silenced = await is_silenced(deps.notes.db, message.sender)

    async def answer_with_the_post(posted: Posted, held_reason: str | None) -> None:
        # In the post's transaction: the answer (with the token) and the inbox item's forgetting
        # commit with the post, so a crash can neither lose the token nor post the message twice.
        await _answer_stored(deps, message, posted, held_reason)
        digest = deps.activity_digest(message.activity_id)
        await inbox_items.forget_sender(deps.notes.db, message.activity_id, digest)

    if parent is None:
        return await submit.submit(
            note_deps, message.board, draft, poster, None, message.now,
            self_harm=HOLD_FOR_REVIEW, sender_silenced=silenced,
            after_store=answer_with_the_post,
        )  # fmt: skip
    return await submit.reply(
        note_deps, parent, draft, poster, None, message.now,
        self_harm=HOLD_FOR_REVIEW, sender_silenced=silenced, after_store=answer_with_the_post,
    )  # fmt: skip


async def _answer_outcome(
    deps: DirectDeps, message: _Message, info: BoardInfo, outcome: PostOutcome
) -> str:
    match outcome:
        case Published():  # answered inside the post's transaction (`_answer_stored`)
            return "direct message posted"
        case Held(reason=reason):
            return f"direct message held: {reason}"
        case Rejected(reason):
            await _send(deps, message, dm_replies.rejected(message.say, reason))
            return f"direct message rejected: {reason}"
        case InvalidInput(field, reason):
            if field == "in_reply_to":
                await _send(deps, message, dm_replies.thread_gone(message.say))
            else:
                await _send(deps, message, dm_replies.invalid(message.say, field, reason, info))
            return f"direct message invalid: {field} {reason}"
        case OverLimit(retry_after):
            await _send(deps, message, dm_replies.over_limit(message.say, retry_after))
            return "direct messages from this sender over the limit: refused"
        case NeedsHelp():  # never: the way in holds self-harm posts instead of asking
            return "direct message needs help: not posted"


async def _answer_stored(
    deps: DirectDeps, message: _Message, posted: Posted, held_reason: str | None
) -> None:
    """The answer to a stored post (call inside its transaction), with the row that lets a
    `delete` reply to it delete the post and, while it is held, where the moderator's decision
    is to be answered."""
    urls, answer_id = deps.notes.urls, new_id()
    delete_url = urls.note_delete(posted.note_id)
    if held_reason is None:
        thread_url = urls.note_in_thread(posted.thread_id, posted.note_id)
        paragraphs = dm_replies.posted(message.say, thread_url, delete_url, posted.token)
    else:
        self_harm = held_reason == submit.CARE
        paragraphs = dm_replies.held(message.say, delete_url, posted.token, held_reason, self_harm)
    row = DmAnswer(
        id=answer_id,
        note_id=posted.note_id,
        sender_check=deps.sender_check(message.sender.ap_id, answer_id),
        board_id=message.board.id,
        notify=message.recipient if held_reason is not None else None,
        created_at=message.now,
    )
    await dm_answers.insert_answer(deps.notes.db, row)
    await _send(deps, message, paragraphs, answer_id=answer_id)


def _explain_limit(deps: DirectDeps) -> Limit:
    """Answers that post nothing (help, refusals) count against their own allowance, as large
    as the posting one: the board does not become a reflector for a flood of messages."""
    limit = deps.sender_limit
    return Limit("dm_explain", limit.count, limit.window_seconds)


async def _explain(deps: DirectDeps, message: _Message, paragraphs: Paragraphs, what: str) -> str:
    sender_key = deps.keyed("sender", message.sender.ap_id)
    try:
        await enforce_limit(deps.notes.db, _explain_limit(deps), sender_key, message.now)
    except RateLimited:
        return f"direct message ({what}): not answered, over the limit"
    await _send(deps, message, paragraphs)
    return f"direct message ({what}): answered"


async def _send(
    deps: DirectDeps, message: _Message, paragraphs: Paragraphs, answer_id: str | None = None
) -> None:
    await send_answer(
        deps.notes.db, deps.notes.urls, message.board, message.recipient, paragraphs,
        message.now, answer_id=answer_id, in_reply_to=message.note.id,
    )  # fmt: skip


async def _delete(deps: DirectDeps, message: _Message, answer_id: str) -> str:
    """`delete` in reply to an answer: delete its post if the reply comes from its sender."""
    db = deps.notes.db
    answer = await dm_answers.get_answer(db, answer_id)
    check = deps.sender_check(message.sender.ap_id, answer_id)
    if answer is None or not hmac.compare_digest(answer.sender_check, check):
        return await _explain(
            deps, message, dm_replies.nothing_to_delete(message.say), "delete refused"
        )
    await deletion.delete_note(db, deps.notes.urls, answer.note_id, deletion.BY_POSTER, message.now)
    await _send(deps, message, dm_replies.deleted(message.say))
    return "post deleted by direct message"


async def refuse_public_mention(
    deps: DirectDeps, board: Board, activity: IncomingActivity, sender: RemoteActor, now: datetime
) -> str:
    """A public, unlisted or followers-only note mentioning the board is never a post (the
    sender's name is on it): it is answered with how to post privately, at most as often as the
    sender may post by direct message."""
    if board.dm_posting == DM_OFF:
        return "public mention of a board that takes no direct messages: ignored"
    try:
        sender_key = deps.keyed("sender", sender.ap_id)
        await enforce_limit(deps.notes.db, _explain_limit(deps), sender_key, now)
    except RateLimited:
        return "public mention of the board: refused, explained before"
    info = board_info(deps.notes.urls, board, deps.notes)
    refusal = dm_replies.refused_public(gettext_for(deps.notes, board), info)
    await send_answer(
        deps.notes.db, deps.notes.urls, board, recipient_of(sender), refusal, now,
        in_reply_to=activity.object_id,
    )  # fmt: skip
    await _let_go(deps, activity, sender)
    return "public mention of the board: refused, explained by direct message"
