"""Pages about the place rather than its notes: the instance's about page (its text, rules and
contact, set by an admin) and the remote-follow hop from a board to the visitor's own server."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from starlette.requests import Request
from starlette.responses import Response

from app.core.errors import Invalid
from app.moderation.domains import normalise_domain
from app.store import boards as board_store
from app.store.instance_profile import get_instance_profile
from app.web.context import render_page, services_of, translate
from app.web.messages import N_
from app.web.pages import board_context, board_or_404

SERVER_MAX_CHARS = 255
FOLLOW_REFUSED = N_(
    "Enter the name of your fediverse server, such as mastodon.social (or your full handle, "
    "such as @you@mastodon.social)."
)


def parse_server(raw: str) -> str:
    """The visitor's server from what they typed: `mastodon.social`, `https://mastodon.social/`,
    `@me@mastodon.social` or `me@mastodon.social`; host[:port], or `Invalid`."""
    value = raw.strip()
    if not value or len(value) > SERVER_MAX_CHARS:
        raise Invalid("server", "invalid")
    if "@" in value and "://" not in value:
        value = value.rsplit("@", 1)[1]
    parts = urlsplit(value if "://" in value else f"https://{value}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid("server", "invalid")
    host = normalise_domain(parts.hostname)
    try:
        port = parts.port
    except ValueError:
        raise Invalid("server", "invalid") from None
    return host if port in (None, 443) else f"{host}:{port}"


def authorize_interaction_url(server: str, uri: str) -> str:
    """Mastodon's remote-interaction page (AuthorizeInteractionsController: `uri` is a URL it
    resolves, or an acct), also answered by Pleroma, Akkoma and GoToSocial-compatible servers;
    the visitor, signed in there, confirms the follow."""
    return f"https://{server}/authorize_interaction?uri={quote(uri, safe='')}"


async def remote_follow(request: Request) -> Response:
    services = services_of(request)
    board = await board_or_404(request, request.path_params["slug"])
    try:
        server = parse_server(request.query_params.get("server", ""))
    except Invalid:
        context = {
            **await board_context(request, board),
            "follow_error": translate(request, FOLLOW_REFUSED),
        }
        return render_page(request, "board.html", context, status_code=400)
    # A page with the link, not a redirect: the CSP's form-action 'self' also covers where a
    # form's answer redirects to, and the visitor sees where they are going before they go.
    target = authorize_interaction_url(server, services.urls.board(board.slug))
    context = {"board": board, "server": server, "target": target}
    return render_page(request, "follow.html", context)


async def about_page(request: Request) -> Response:
    services = services_of(request)
    profile = await get_instance_profile(services.db)
    boards = await board_store.list_boards(services.db)
    return render_page(request, "about.html", {"profile": profile, "boards": boards})
