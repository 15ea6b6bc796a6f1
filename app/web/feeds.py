"""Atom feed per board: the newest live threads."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from app.core.clock import utcnow
from app.core.i18n import DEFAULT
from app.store import notes as note_store
from app.store.notes import Note
from app.web.context import services_of, templates_of
from app.web.pages import board_or_404
from app.web.templates import render_note

FEED_SIZE = 50
TITLE_CHARS = 60


def title_of(note: Note) -> str:
    text = " ".join((note.content or "").split())
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1] + "…"


async def board_feed(request: Request) -> Response:
    services = services_of(request)
    board = await board_or_404(request, request.path_params["slug"])
    notes = await note_store.list_board_threads(services.db, board.id, None, FEED_SIZE)
    updated = notes[0].published_at if notes else board.created_at
    body = templates_of(request).render(
        DEFAULT,
        "feed.xml",
        {
            "urls": services.urls,
            "board": board,
            "notes": notes,
            "updated": (updated or utcnow()).isoformat(),
            "title_of": title_of,
            # Atom `type="html"` content is HTML carried as escaped text: a plain string here, so
            # autoescaping applies (rendered Markup would put `<br>` raw into the XML).
            "render_note": lambda note: str(render_note(note)),
        },
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")
