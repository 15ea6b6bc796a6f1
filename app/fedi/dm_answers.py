"""A board's direct messages to one person (issue #13): a Note by the board, addressed to that
actor alone (`to: [actor]`, a Mention tag, no Public, no followers: Mastodon's "direct"
visibility), stored and queued like every activity. Its id lives under `/answers/`, so once sent
it is purged with its delivery (`purge_sent`): the answer names its recipient, and nothing else
of ours should, for longer than it takes to send it."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import datetime

from babel.support import NullTranslations

from app.core.ids import new_id
from app.core.urls import Urls
from app.db.engine import Db
from app.fedi import dm_replies
from app.fedi.dm_replies import Paragraphs
from app.fedi.outbound import store_and_enqueue
from app.store import activities, dm_answers, local_actors
from app.store import notes as note_store
from app.store.boards import Board, get_board
from app.store.dm_answers import Recipient
from federation.builders import build_create, build_mention, build_note


def answers_prefix(urls: Urls) -> str:
    return urls.dm_answer("")


def build_answer_html(recipient: Recipient, paragraphs: Sequence[str]) -> str:
    """Paragraphs of escaped text, the first opening with the recipient's mention (an h-card
    link, as Mastodon writes one, so every client shows whom it is for)."""
    mention = (
        f'<span class="h-card"><a href="{html.escape(recipient.actor)}" class="u-url mention">'
        f"{html.escape(recipient.handle or recipient.actor)}</a></span> "
    )
    parts = [html.escape(text) for text in paragraphs]
    return "".join(
        f"<p>{mention if index == 0 else ''}{text}</p>" for index, text in enumerate(parts)
    )


def build_answer(
    urls: Urls,
    board: Board,
    recipient: Recipient,
    answer_id: str,
    paragraphs: Paragraphs,
    now: datetime,
    in_reply_to: str | None = None,
) -> dict[str, object]:
    """The Create of the answer Note, addressed to the recipient alone."""
    note = build_note(
        note_id=urls.dm_answer(answer_id),
        attributed_to=urls.board(board.slug),
        content_html=build_answer_html(recipient, paragraphs),
        published=now,
        to=[recipient.actor],
        cc=[],
        in_reply_to=in_reply_to,
        tags=[build_mention(href=recipient.actor, name=recipient.handle or recipient.actor)],
    )
    return build_create(
        activity_id=urls.dm_answer(answer_id) + "/create",
        actor=urls.board(board.slug),
        note=note,
    )


async def send_answer(
    db: Db,
    urls: Urls,
    board: Board,
    recipient: Recipient,
    paragraphs: Paragraphs,
    now: datetime,
    *,
    answer_id: str | None = None,
    in_reply_to: str | None = None,
) -> bool:
    """Store the answer and its one delivery, signed by the board (call inside the caller's
    transaction when it writes more). False when the board has no actor or it is too large."""
    board_actor = await local_actors.get_board_actor(db, board.id)
    if board_actor is None:
        return False
    answer = build_answer(
        urls, board, recipient, answer_id or new_id(), paragraphs, now, in_reply_to
    )
    return await store_and_enqueue(
        db, urls, new_id(), dict(answer), board_actor, None, [recipient.inbox], now
    )


async def answer_decision(
    db: Db,
    urls: Urls,
    note_id: str,
    approved: bool,
    now: datetime,
    translations: Mapping[str, NullTranslations] | None = None,
) -> int:
    """Tell the senders of a held note sent by direct message what a moderator decided (in the
    board's language, given its catalogue), then forget where they were (the trade-off
    docs/decisions/0013 describes). The count told."""
    told = 0
    for answer in await dm_answers.list_waiting_for_decision(db, note_id):
        board = await get_board(db, answer.board_id)
        note = await note_store.get_note(db, note_id)
        assert answer.notify is not None
        async with db.transaction():
            if board is not None:
                catalogue = (translations or {}).get(board.language)
                say = catalogue.gettext if catalogue else dm_replies.untranslated
                paragraphs = (
                    dm_replies.approved(say, urls.thread(note.thread_id if note else note_id))
                    if approved
                    else dm_replies.removed(say)
                )
                await send_answer(db, urls, board, answer.notify, paragraphs, now)
                told += 1
            await dm_answers.forget_recipient(db, answer.id)
    return told


async def purge_sent(db: Db, urls: Urls) -> int:
    """Delete the answers whose delivery has settled, with their delivery rows."""
    return await activities.purge_settled_under(db, answers_prefix(urls))
