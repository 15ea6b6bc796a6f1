"""Our ActivityStreams documents, built from rows with `federation.builders` and `app.core.urls`."""

from __future__ import annotations

from typing import Any

from app.core.urls import Urls
from app.fedi.board_profile import BoardProfile
from app.notes.rendering import render_text
from app.store.boards import Board
from app.store.local_actors import BOARD, INSTANCE, LocalActor
from app.store.notes import Note
from federation.builders import build_actor, build_note
from federation.vocab import PUBLIC


def actor_url(urls: Urls, actor: LocalActor, board: Board | None) -> str:
    if actor.kind == INSTANCE:
        return urls.instance_actor()
    if actor.kind == BOARD:
        assert board is not None, "a board actor needs its board"
        return urls.board(board.slug)
    return urls.actor(actor.id)


def key_id(urls: Urls, actor: LocalActor, board: Board | None) -> str:
    return urls.key_id(actor_url(urls, actor, board))


def build_actor_document(
    urls: Urls,
    domain: str,
    actor: LocalActor,
    board: Board | None,
    public_key_pem: str | None = None,
    profile: BoardProfile | None = None,
) -> dict[str, Any]:
    """The actor as Mastodon needs it. Throwaway actors are neither discoverable nor indexable;
    a board is discoverable (people should find it) but its notes are not indexable. A board's
    `profile` (app/fedi/board_profile.py) gives its summary and profile fields."""
    ident = actor_url(urls, actor, board)
    common: dict[str, Any] = {
        "actor_id": ident,
        "preferred_username": actor.username,
        "shared_inbox": urls.shared_inbox(),
        "key_id": urls.key_id(ident),
        "public_key_pem": public_key_pem or actor.public_key_pem,
        "published": actor.published_at,
        "indexable": False,
        "webfinger": f"{actor.username}@{domain}",
    }
    if actor.kind == INSTANCE:
        return build_actor(
            actor_type="Application",
            name=actor.display_name,
            summary="The Treehole instance itself: it signs fetches and reports.",
            url=urls.home(),
            inbox=urls.instance_inbox(),
            outbox=urls.instance_outbox(),
            followers=urls.instance_actor() + "/followers",
            following=None,
            manually_approves_followers=True,
            discoverable=False,
            **common,
        )
    if actor.kind == BOARD:
        assert board is not None
        return build_actor(
            actor_type="Group",
            name=board.title,
            summary=profile.summary if profile else _description(board),
            attachment=profile.attachment if profile else (),
            url=urls.board(board.slug),
            inbox=urls.board_inbox(board.slug),
            outbox=urls.board_outbox(board.slug),
            followers=urls.board_followers(board.slug),
            following=urls.board_following(board.slug),
            manually_approves_followers=board.locked,
            discoverable=True,
            **common,
        )
    return build_actor(
        actor_type="Person",
        name=actor.display_name,
        summary=None,
        url=None,
        inbox=urls.actor_inbox(actor.id),
        outbox=urls.actor_outbox(actor.id),
        followers=urls.actor_followers(actor.id),
        following=None,
        manually_approves_followers=True,
        discoverable=False,
        **common,
    )


def _description(board: Board) -> str | None:
    return str(render_text(board.description)) if board.description else None


def note_content_html(note: Note) -> str:
    if note.content is None:
        return ""
    return note.content if note.content_format == "html" else str(render_text(note.content))


def build_note_document(
    urls: Urls, note: Note, author: LocalActor, board: Board, in_reply_to: str | None
) -> dict[str, Any]:
    """A local note. Addressed publicly and to the board's followers, who receive it through the
    board's Announce; nobody is ever mentioned."""
    return build_note(
        note_id=urls.note(note.id),
        attributed_to=urls.actor(author.id),
        content_html=note_content_html(note),
        published=note.published_at,
        to=[PUBLIC],
        cc=[urls.board_followers(board.slug)],
        url=urls.note_in_thread(note.thread_id, note.id),
        in_reply_to=in_reply_to,
        context=urls.thread(note.thread_id),
        summary=note.summary,
        sensitive=note.summary is not None,
        expires_at=note.expires_at,
    )
