"""Per-board settings (admins only): pre-moderation, proof of work, self-destruct, lifetimes,
and whether `#tags` federate as hashtags."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.core.errors import Invalid, NotFound
from app.moderation import admin_input
from app.store import boards as board_store
from app.store.boards import PREMODERATION_MODES, Board
from app.web.admin.auth import ADMIN, checked_form, requires, text_field
from app.web.admin.render import invalid_message, render_admin
from app.web.context import services_of

FIELDS = ("premoderation", "pow_required", "self_destruct_hours", "default_ttl", "allowed_ttls")


def _shown(board: Board) -> dict[str, str]:
    return {
        "premoderation": board.premoderation,
        "pow_required": "on" if board.pow_required else "",
        "self_destruct_hours": str(board.self_destruct_hours or ""),
        "default_ttl": str(board.default_ttl),
        "allowed_ttls": ", ".join(str(ttl) for ttl in board.allowed_ttls),
        "hashtags": "on" if board.hashtags else "",
    }


async def _context(
    request: Request, entered: dict[str, dict[str, str]] | None = None
) -> dict[str, Any]:
    services = services_of(request)
    boards = await board_store.list_boards(services.db)
    values = {board.slug: _shown(board) for board in boards}
    return {
        "boards": boards,
        "values": {**values, **(entered or {})},
        "modes": PREMODERATION_MODES,
        "max_ttl": services.settings.max_ttl,
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
    entered: dict[str, str | None] = {name: text_field(form, name) for name in FIELDS}
    try:
        moderation, default_ttl, allowed = admin_input.parse_board_settings(
            entered, services.settings.max_ttl
        )
    except Invalid as error:
        shown = {board.slug: {name: value or "" for name, value in entered.items()}}
        shown[board.slug]["hashtags"] = text_field(form, "hashtags") or ""
        context = {
            **await _context(request, shown),
            "error": invalid_message(request, error),
            "error_board": board.slug,
        }
        return render_admin(request, "admin/boards.html", context, status_code=400)
    async with services.db.transaction():
        await board_store.update_board_settings(
            services.db, board.id, moderation, default_ttl, allowed
        )
        await board_store.update_board_hashtags(
            services.db, board.id, text_field(form, "hashtags") == "on"
        )
    return RedirectResponse(services.urls.admin_boards(), status_code=303)
