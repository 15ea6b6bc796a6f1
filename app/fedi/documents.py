"""Our ActivityStreams documents, built from rows with `federation.builders` and `app.core.urls`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import escape

from app.core.urls import Urls
from app.fedi.board_profile import BoardProfile
from app.notes.hashtags import extract_hashtags
from app.notes.language import detect_language
from app.notes.rendering import TagUrl, render_text
from app.store.boards import Board
from app.store.local_actors import BOARD, INSTANCE, LocalActor
from app.store.notes import Note
from federation.builders import build_actor, build_hashtag, build_mention, build_note
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


@dataclass(frozen=True, slots=True)
class Mentioned:
    """A remote actor a local note mentions: the author of the note it replies to."""

    actor_id: str
    handle: str  # "@user@host"
    profile_url: str


@dataclass(frozen=True, slots=True)
class ReplyTarget:
    """What a local reply points at: the parent's id, and its author when that is remote."""

    uri: str
    mention: Mentioned | None = None


def note_content_html(note: Note, tag_url: TagUrl | None = None) -> str:
    if note.content is None:
        return ""
    if note.content_format == "html":
        return note.content
    return str(render_text(note.content, tag_url))


def _mention_html(mentioned: Mentioned) -> str:
    # Mastodon's markup for a mention (an h-card), which Mastodon, Misskey and Lemmy render.
    username = mentioned.handle.lstrip("@").split("@", 1)[0]
    return (
        f'<span class="h-card" translate="no"><a href="{escape(mentioned.profile_url)}" '
        f'class="u-url mention">@<span>{escape(username)}</span></a></span> '
    )


def _with_mention(content_html: str, mentioned: Mentioned | None) -> str:
    if mentioned is None:
        return content_html
    link = _mention_html(mentioned)
    if content_html.startswith("<p>"):
        return "<p>" + link + content_html[3:]
    return f"<p>{link}</p>{content_html}"


def build_note_document(
    urls: Urls, note: Note, author: LocalActor, board: Board, reply: ReplyTarget | None
) -> dict[str, Any]:
    """A local note, addressed publicly and to the board's followers, who receive it through
    the board's Announce. A reply to a remote note mentions that note's author (tag, `cc` and a
    link in the content), so Mastodon notifies them; nothing typed ever becomes a mention."""
    tag_url = urls.tag if board.hashtags else None
    mention = reply.mention if reply is not None else None
    tags: list[dict[str, Any]] = []
    cc = [urls.board_followers(board.slug)]
    if mention is not None:
        tags.append(build_mention(href=mention.actor_id, name=mention.handle))
        cc.append(mention.actor_id)
    text = note.content if note.content_format == "text" and note.content else ""
    if tag_url is not None:
        tags += [build_hashtag(href=tag_url(tag), name=tag) for tag in extract_hashtags(text)]
    return build_note(
        note_id=urls.note(note.id),
        attributed_to=urls.actor(author.id),
        content_html=_with_mention(note_content_html(note, tag_url), mention),
        published=note.published_at,
        to=[PUBLIC],
        cc=cc,
        # The note's own URL: it answers the Note to an AS2 Accept (so pasting it into a search
        # box finds it) and sends people to its place in the thread.
        url=urls.note(note.id),
        in_reply_to=reply.uri if reply is not None else None,
        context=urls.thread(note.thread_id),
        summary=note.summary,
        sensitive=note.summary is not None,
        language=detect_language(text) if text else None,
        expires_at=note.expires_at,
        tags=tags,
        audience=urls.board(board.slug),
    )
