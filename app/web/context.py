"""Per-request plumbing shared by the HTML handlers: services, language, base page context."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from app.core.i18n import choose_language
from app.security.cookies import LANG_COOKIE, OWN_COOKIE
from app.security.csrf import issue_csrf_token

# Web handlers take the request's services from here, with the rest of their plumbing.
from app.services import services_of as services_of
from app.web.templates import Templates


def templates_of(request: Request) -> Templates:
    templates: Templates = request.state.templates
    return templates


def language_of(request: Request) -> str:
    return choose_language(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))


def own_tokens_of(request: Request) -> dict[str, str]:
    return services_of(request).cookies.read_own_tokens(request.cookies.get(OWN_COOKIE))


def render_page(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    services = services_of(request)
    language = language_of(request)
    base = {
        "urls": services.urls,
        "domain": services.settings.domain,
        "csrf_token": issue_csrf_token(services.secret_key),
        "current_path": request.url.path,
        "own_tokens": {},
        "values": {},
        "error": None,
    }
    body = templates_of(request).render(language, template, {**base, **context})
    response = HTMLResponse(body, status_code=status_code)
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers["Cache-Control"] = "no-store"
    return response


def translate(request: Request, message: str) -> str:
    return templates_of(request).gettext(language_of(request), message)
