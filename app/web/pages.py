"""HTML pages people read: boards, threads, the random bottle, the posted and delete pages."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from app.core.clock import utcnow
from app.core.errors import Gone, Invalid, NotFound
from app.core.i18n import LANGUAGES
from app.core.states import DELETED, HELD
from app.fedi.board_profile import BUSY_DAYS
from app.moderation import transparency
from app.moderation.breaker import pow_required
from app.moderation.pow import issue_challenge
from app.notes.hashtags import MAX_TAG_CHARS, extract_hashtags, normalise_tag
from app.notes.posting import allowed_ttls, live_note, live_parent
from app.security.cookies import FLASH_COOKIE, LANG_COOKIE, YEAR_SECONDS
from app.store import boards as board_store
from app.store import interactions
from app.store import notes as note_store
from app.store.boards import Board
from app.store.followers import count_followers
from app.store.local_actors import get_board_actor, get_instance_actor
from app.store.moderation import get_moderation_settings, list_decisions
from app.store.notes import Note
from app.web.charts import Point, bar_chart
from app.web.context import language_of, own_tokens_of, render_page, services_of, translate
from app.web.messages import (
    CATEGORY_LABELS,
    CHART_HELD,
    CHART_REMOVED,
    CHART_REPORTS,
    HELD_BECAUSE,
    HELD_FLAGGED,
    HELD_UNKNOWN,
    REPORT_CATEGORIES,
)
from app.web.timefmt import week_label

PAGE_SIZE = 20
ROBOTS = "User-agent: *\nDisallow: /t/\nDisallow: /n/\nDisallow: /a/\nDisallow: /random\n"


def encode_cursor(note: Note) -> str:
    """The last note shown, by id alone: its exact creation time never reaches a page (published
    times are rounded to 10 minutes for anonymity; a cursor must not undo that)."""
    return note.id


async def parse_cursor(request: Request, raw: str | None) -> tuple[datetime, str] | None:
    if not raw:
        return None
    if not raw.isalnum() or len(raw) > 32:
        raise Invalid("before", "bad_cursor")
    note = await note_store.get_note(services_of(request).db, raw)
    if note is None:
        raise Invalid("before", "bad_cursor")
    return note.created_at, note.id


async def board_or_404(request: Request, slug: str) -> Board:
    board = await board_store.get_board_by_slug(services_of(request).db, slug)
    if board is None:
        raise NotFound("board")
    return board


async def form_context(request: Request, board: Board) -> dict[str, object]:
    """What the post form needs, including a proof-of-work challenge when one is asked for."""
    services = services_of(request)
    now = utcnow()
    settings = await get_moderation_settings(services.db)
    required = pow_required(board, settings, now)
    return {
        "ttls": allowed_ttls(board, services.policy),
        "default_ttl": board.default_ttl,
        "max_chars": services.policy.max_chars,
        "pow": issue_challenge(services.secret_key, now) if required else None,
    }


async def home(request: Request) -> Response:
    boards = await board_store.list_boards(services_of(request).db)
    return render_page(request, "home.html", {"boards": boards})


async def board_context(request: Request, board: Board) -> dict[str, object]:
    db = services_of(request).db
    cursor = await parse_cursor(request, request.query_params.get("before"))
    threads = await note_store.list_board_threads(db, board.id, cursor, PAGE_SIZE + 1)
    shown = list(threads[:PAGE_SIZE])
    ids = [note.id for note in shown]
    return {
        "board": board,
        "threads": shown,
        "replies": await note_store.count_replies(db, ids),
        "counts": await interactions.count_by_kind(db, ids),
        "next_cursor": encode_cursor(shown[-1]) if len(threads) > PAGE_SIZE else None,
        "own_tokens": own_tokens_of(request),
        **await board_facts(request, board),
        **await form_context(request, board),
    }


async def board_facts(request: Request, board: Board) -> dict[str, object]:
    """What a visitor needs to judge a board: how many follow it and how busy it is."""
    db = services_of(request).db
    actor = await get_board_actor(db, board.id)
    since = utcnow() - timedelta(days=BUSY_DAYS)
    return {
        "followers": 0 if actor is None else await count_followers(db, actor.id),
        "posts_per_day": await note_store.count_board_notes_since(db, board.id, since) / BUSY_DAYS,
        "follow_error": None,
    }


async def board_page(request: Request) -> Response:
    board = await board_or_404(request, request.path_params["slug"])
    return render_page(request, "board.html", await board_context(request, board))


async def thread_context(request: Request, root: Note) -> dict[str, object]:
    services = services_of(request)
    board = await board_store.get_board(services.db, root.board_id)
    assert board is not None, "notes always belong to a board"
    notes = await note_store.list_thread(services.db, root.id)
    reply_to = request.query_params.get("reply_to") or root.id
    reply_to_note = next((n for n in notes if n.id == reply_to and n.id != root.id), None)
    return {
        "board": board,
        "root": root,
        "notes": notes,
        "parents": parents_answered(root, notes),
        "heading": None,
        "counts": await interactions.count_by_kind(services.db, [n.id for n in notes]),
        "own_tokens": own_tokens_of(request),
        "reply_to": reply_to_note.id if reply_to_note else root.id,
        "reply_to_note": reply_to_note,
        **await form_context(request, board),
    }


def parents_answered(root: Note, notes: Sequence[Note]) -> dict[str, Note]:
    """For each reply to another reply, the note it answers (when it is still there): a thread
    reads flat, so the page quotes what such a reply answers."""
    by_id = {note.id: note for note in notes}
    return {
        note.id: by_id[note.in_reply_to_id]
        for note in notes
        if note.in_reply_to_id and note.in_reply_to_id != root.id and note.in_reply_to_id in by_id
    }


async def thread_page(request: Request) -> Response:
    root, _ = await live_parent(services_of(request).db, request.path_params["thread_id"], None)
    return render_page(request, "thread.html", await thread_context(request, root))


TAG_PAGE_SIZE = 50
TAG_CANDIDATES = 200


async def tag_page(request: Request) -> Response:
    """Live notes carrying a `#tag`: where the tag links of federated notes lead."""
    services = services_of(request)
    tag = normalise_tag(request.path_params["tag"])
    if not tag or len(tag) > MAX_TAG_CHARS or "\x00" in tag:
        raise NotFound("tag")
    candidates = await note_store.list_live_notes_containing(services.db, "#" + tag, TAG_CANDIDATES)
    shown = [
        note
        for note in candidates
        if note.content_format == "text"
        and tag in {normalise_tag(name) for name in extract_hashtags(note.content or "")}
    ][:TAG_PAGE_SIZE]
    context = {
        "tag": tag,
        "notes": shown,
        "counts": await interactions.count_by_kind(services.db, [n.id for n in shown]),
        "own_tokens": own_tokens_of(request),
    }
    return render_page(request, "tag.html", context)


async def note_page(request: Request) -> Response:
    """A note's own URL, for people: it lives inside its thread."""
    note = await live_note(services_of(request).db, request.path_params["note_id"])
    urls = services_of(request).urls
    return RedirectResponse(urls.note_in_thread(note.thread_id, note.id), status_code=303)


async def posted_page(request: Request) -> Response:
    services = services_of(request)
    note = await note_store.get_note(services.db, request.path_params["note_id"])
    if note is None:
        raise NotFound("note")
    if note.state == DELETED:
        raise Gone("gone")
    token = services.cookies.read_flash(request.cookies.get(FLASH_COOKIE), note.id)
    context = {
        "note": note,
        "token": token,
        "held_because": await held_because(request, note) if note.state == HELD else None,
    }
    response = render_page(request, "posted.html", context)
    response.delete_cookie(FLASH_COOKIE, httponly=True, samesite="lax")
    return response


async def own_note(request: Request, note_id: str) -> Note:
    """A note its poster may still act on: live, or held for review (it can be deleted and its
    ledger read with the token before a moderator has looked at it)."""
    note = await note_store.get_note(services_of(request).db, note_id)
    if note is None or note.origin != "local":
        raise NotFound("note")
    if note.state == DELETED:
        raise Gone("gone")
    return note


async def held_because(request: Request, note: Note) -> str:
    """Why a note waits, in the poster's words: the reason of the last hold recorded for it."""
    found = (await list_decisions(services_of(request).db, [note.id])).get(note.id, [])
    holds = [decision for decision in found if decision.action == "hold"]
    reason = holds[-1].reason if holds else ""
    if reason in HELD_BECAUSE:
        return translate(request, HELD_BECAUSE[reason])
    if reason in CATEGORY_LABELS:
        return translate(request, HELD_FLAGGED) % {
            "reason": translate(request, CATEGORY_LABELS[reason])
        }
    return translate(request, HELD_UNKNOWN)


async def delete_page(request: Request) -> Response:
    """Asks before deleting, with the note shown; the token is filled in when this browser
    remembers it."""
    note = await own_note(request, request.path_params["note_id"])
    token = own_tokens_of(request).get(note.id)
    return render_page(request, "delete.html", {"note_id": note.id, "note": note, "token": token})


async def random_page(request: Request) -> Response:
    services = services_of(request)
    pivot = base64.b32encode(secrets.token_bytes(16)).decode().rstrip("=").lower()
    note = await note_store.get_random_live_root(services.db, pivot)
    context: dict[str, object] = {
        "note": note,
        "counts": {},
        "own_tokens": own_tokens_of(request),
        "pow": None,
    }
    if note is not None:
        board = await board_store.get_board(services.db, note.board_id)
        assert board is not None
        context.update(await form_context(request, board))
        context["counts"] = await interactions.count_by_kind(services.db, [note.id])
    return render_page(request, "bottle.html", context)


async def switch_language(request: Request) -> Response:
    code = request.path_params["code"]
    if code not in LANGUAGES:
        raise NotFound("not_found")
    back = request.query_params.get("next", "/")
    # Only local paths: never an open redirect.
    if not back.startswith("/") or back.startswith("//") or "\\" in back:
        back = "/"
    response = RedirectResponse(back, status_code=303)
    response.set_cookie(LANG_COOKIE, code, **services_of(request).cookies.options(YEAR_SECONDS))
    return response


async def robots(request: Request) -> Response:
    return PlainTextResponse(ROBOTS)


async def ledger_page(request: Request) -> Response:
    note_id = request.path_params["note_id"]
    note = await note_store.get_note(services_of(request).db, note_id)
    if note is None or note.origin != "local":
        raise NotFound("note")
    token = own_tokens_of(request).get(note_id)
    return render_page(request, "ledger.html", {"note_id": note_id, "token": token, "lines": None})


async def transparency_page(request: Request) -> Response:
    """Every week since the instance's first (its actor's creation), newest first, with a chart
    of removals, holds and reports."""
    db = services_of(request).db
    now = utcnow()
    instance = await get_instance_actor(db)
    started = instance.published_at if instance is not None else now
    weeks = await transparency.weekly_report(db, now, transparency.weeks_since(started, now))
    language = language_of(request)
    charts = transparency_charts(weeks, language, lambda m: translate(request, m))
    return render_page(request, "transparency.html", {"weeks": weeks, "charts": charts})


def transparency_charts(
    weeks: Sequence[transparency.WeekReport], language: str, gettext: Callable[[str], str]
) -> list[tuple[str, Markup, int]]:
    """(title, chart, total) for removed, held and reported, oldest week first."""
    oldest_first = list(reversed(weeks))

    def points(count: Callable[[transparency.WeekReport], int]) -> list[Point]:
        return [
            Point(w.week_start.isoformat(), week_label(w.week_start, language), count(w))
            for w in oldest_first
        ]

    series = (
        (gettext(CHART_REMOVED), points(lambda w: w.removed_total), ""),
        (gettext(CHART_HELD), points(lambda w: w.held), "alt"),
        (gettext(CHART_REPORTS), points(lambda w: w.reports), ""),
    )
    return [
        (title, bar_chart(found, title, kind), sum(p.count for p in found))
        for title, found, kind in series
    ]


def report_categories(request: Request) -> list[tuple[str, str]]:
    return [(value, translate(request, label)) for value, label in REPORT_CATEGORIES.items()]


async def report_page(request: Request) -> Response:
    note = await live_note(services_of(request).db, request.path_params["note_id"])
    context = {
        "note_id": note.id,
        "note": note,
        "categories": report_categories(request),
        "sent": False,
    }
    return render_page(request, "report.html", context)
