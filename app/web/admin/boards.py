"""Boards (admins only): create one, and for each its title, description, language and rules,
pre-moderation, proof of work, self-destruct, lifetimes (written as `1h, 1d, 7d`) and whether
`#tags` federate as hashtags, and who may post by direct message (issue #13). A board's slug is
its fediverse identity and never changes."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.core.clock import utcnow
from app.core.errors import Invalid, NotFound
from app.core.i18n import LANGUAGES
from app.core.ids import new_id
from app.fedi import outbound
from app.fedi.board_profile import load_board_profile
from app.moderation import admin_input
from app.moderation.admin_input import format_duration
from app.notes.actors import ensure_board_actor
from app.services import Services
from app.store import boards as board_store
from app.store import local_actors
from app.store.boards import DM_POSTING_MODES, PREMODERATION_MODES, Board
from app.web.admin.auth import ADMIN, checked_form, requires, text_field
from app.web.admin.render import invalid_message, render_admin
from app.web.context import services_of

PROFILE_FIELDS = ("title", "description", "language", "rules")
SETTING_FIELDS = (
    "premoderation",
    "pow_required",
    "self_destruct_hours",
    "default_ttl",
    "allowed_ttls",
)
NEW_BOARD_TTLS = (3600, 86400, 7 * 86400)
NEW_BOARD_DEFAULT_TTL = 86400


def _shown(board: Board) -> dict[str, str]:
    return {
        "title": board.title,
        "description": board.description,
        "language": board.language,
        "rules": board.rules,
        "premoderation": board.premoderation,
        "pow_required": "on" if board.pow_required else "",
        "self_destruct_hours": str(board.self_destruct_hours or ""),
        "default_ttl": format_duration(board.default_ttl),
        "allowed_ttls": ", ".join(format_duration(ttl) for ttl in board.allowed_ttls),
        "hashtags": "on" if board.hashtags else "",
        "dm_posting": board.dm_posting,
    }


async def _context(
    request: Request,
    entered: dict[str, dict[str, str]] | None = None,
    new_board: dict[str, str] | None = None,
) -> dict[str, Any]:
    services = services_of(request)
    boards = await board_store.list_boards(services.db)
    values = {board.slug: _shown(board) for board in boards}
    return {
        "boards": boards,
        "values": {**values, **(entered or {})},
        "new_board": new_board or {"language": "en"},
        "modes": PREMODERATION_MODES,
        "dm_modes": DM_POSTING_MODES,
        "languages": LANGUAGES,
        "max_ttl": services.settings.max_ttl,
        "error_board": None,
    }


@requires(ADMIN)
async def boards_page(request: Request) -> Response:
    return render_admin(request, "admin/boards.html", await _context(request))


@requires(ADMIN)
async def update_board(request: Request) -> Response:
    services = services_of(request)
    form = await checked_form(request)
    board = await board_store.get_board_by_slug(services.db, request.path_params["slug"])
    if board is None:
        raise NotFound("board")
    entered: dict[str, str | None] = {
        name: text_field(form, name) for name in (*PROFILE_FIELDS, *SETTING_FIELDS)
    }
    # Absent (a form from before the setting): unchanged.
    entered_dm = text_field(form, "dm_posting") or board.dm_posting
    try:
        dm_posting = admin_input.parse_choice("dm_posting", entered_dm, DM_POSTING_MODES)
        profile = admin_input.parse_board_profile(entered)
        moderation, default_ttl, allowed = admin_input.parse_board_settings(
            entered, services.settings.max_ttl
        )
    except Invalid as error:
        shown = {board.slug: {name: value or "" for name, value in entered.items()}}
        shown[board.slug]["hashtags"] = text_field(form, "hashtags") or ""
        shown[board.slug]["dm_posting"] = text_field(form, "dm_posting") or ""
        context = {
            **await _context(request, shown),
            "error": invalid_message(request, error),
            "error_board": board.slug,
        }
        return render_admin(request, "admin/boards.html", context, status_code=400)
    edited = replace(
        board,
        title=profile.title,
        description=profile.description,
        language=profile.language,
        rules=profile.rules,
        default_ttl=default_ttl,
    )
    async with services.db.transaction():
        await board_store.update_board_profile(services.db, board.id, profile)
        await board_store.update_board_settings(
            services.db, board.id, moderation, default_ttl, allowed
        )
        await board_store.update_board_hashtags(
            services.db, board.id, text_field(form, "hashtags") == "on"
        )
        await board_store.update_board_dm_posting(services.db, board.id, dm_posting)
        if _profile_shown(edited) != _profile_shown(board):
            await _tell_followers(services, edited)
    return RedirectResponse(f"{services.urls.admin_boards()}#board-{board.slug}", status_code=303)


def _profile_shown(board: Board) -> tuple[object, ...]:
    """What the board's actor document shows of it (its summary and fields)."""
    return (board.title, board.description, board.language, board.rules, board.default_ttl)


async def _tell_followers(services: Services, board: Board) -> None:
    actor = await local_actors.get_board_actor(services.db, board.id)
    if actor is None:
        return
    profile = await load_board_profile(
        services.db, services.urls, board, services.notes.translations, utcnow()
    )
    await outbound.enqueue_profile_update(
        services.db, services.urls, services.settings.domain, board, actor, profile
    )


@requires(ADMIN)
async def create_board(request: Request) -> Response:
    """A new board with its own actor (`@slug@domain`), lifetimes of an hour, a day and a week."""
    services = services_of(request)
    form = await checked_form(request)
    entered = {name: text_field(form, name) for name in ("slug", *PROFILE_FIELDS)}
    try:
        slug = admin_input.parse_slug(entered["slug"])
        profile = admin_input.parse_board_profile(dict(entered))
        if await board_store.get_board_by_slug(services.db, slug) is not None:
            raise Invalid("slug", "taken")
    except Invalid as error:
        context = {
            **await _context(request, new_board=entered),
            "error": invalid_message(request, error),
            "error_board": "new",
        }
        return render_admin(request, "admin/boards.html", context, status_code=400)
    now = utcnow()
    fitting = tuple(ttl for ttl in NEW_BOARD_TTLS if ttl <= services.settings.max_ttl)
    ttls = fitting or (services.settings.max_ttl,)
    board = Board(
        id=new_id(),
        slug=slug,
        title=profile.title,
        description=profile.description,
        default_ttl=NEW_BOARD_DEFAULT_TTL if NEW_BOARD_DEFAULT_TTL in ttls else ttls[-1],
        allowed_ttls=ttls,
        locked=False,
        created_at=now,
        last_post_at=None,
        language=profile.language,
        rules=profile.rules,
    )
    async with services.db.transaction():
        await board_store.insert_board(services.db, board)
        await ensure_board_actor(services.db, board, now)
    return RedirectResponse(f"{services.urls.admin_boards()}#board-{slug}", status_code=303)
