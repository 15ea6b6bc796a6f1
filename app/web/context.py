"""Per-request plumbing shared by the HTML handlers: services, language, base page context."""

from __future__ import annotations

from typing import Any

from babel.support import NullTranslations
from starlette.requests import Request
from starlette.responses import HTMLResponse

from app.core.clock import utcnow
from app.core.errors import Forbidden
from app.core.i18n import choose_language
from app.security.cookies import LANG_COOKIE, OWN_COOKIE, POSTER_COOKIE, ForgedCookie
from app.security.csrf import (
    SAME,
    check_csrf_token,
    check_same_origin,
    issue_csrf_token,
    request_site,
)
from app.security.sessions import ADMIN_COOKIE, ADMIN_COOKIE_PATH, read_session

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


def is_admin_path(path: str) -> bool:
    """Where the admin session cookie is sent (its cookie path)."""
    return path == ADMIN_COOKIE_PATH or path.startswith(ADMIN_COOKIE_PATH + "/")


def csrf_binding(request: Request) -> str:
    """Whom a form token on this page is for: the admin session on admin pages, the poster's
    browser elsewhere ("" when there is neither yet)."""
    services = services_of(request)
    if is_admin_path(request.url.path):
        session = read_session(services.secret_key, request.cookies.get(ADMIN_COOKIE))
        return "" if session is None else f"admin:{session.admin_id}:{session.nonce}"
    try:
        secret = services.cookies.read_poster_secret(request.cookies.get(POSTER_COOKIE))
    except ForgedCookie:  # the form handler clears it; the token is bound to no one
        return ""
    return "" if secret is None else f"poster:{secret}"


def check_form_token(request: Request, token: str | None) -> None:
    """The form's token was issued to this session or browser (`Forbidden` if not).

    One exception, for public forms: a page served before this browser had its poster cookie
    (its first post went from another tab) is accepted when the browser itself says the form
    was sent from our own pages (`Sec-Fetch-Site`/`Origin`). Another site's form never carries
    that, nor the poster cookie (SameSite), so this opens nothing to it."""
    services = services_of(request)
    binding = csrf_binding(request)
    try:
        check_csrf_token(services.secret_key, token, binding)
    except Forbidden:
        if not binding or is_admin_path(request.url.path):
            raise
        if request_site(request.headers, services.urls.origin) != SAME:
            raise
        check_csrf_token(services.secret_key, token, "")


def check_admin_origin(request: Request) -> None:
    """An admin form must come from our own pages: `Forbidden("cross_site")` if the browser
    says it came from another site."""
    check_same_origin(request.headers, services_of(request).urls.origin)


def render_page(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    services = services_of(request)
    language = language_of(request)
    base = {
        "urls": services.urls,
        "domain": services.settings.domain,
        "csrf_token": issue_csrf_token(services.secret_key, csrf_binding(request)),
        "current_path": request.url.path,
        "now": utcnow(),
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


def translations_of(request: Request) -> NullTranslations:
    """The reader's catalogue, for plural messages (`.ngettext("…", "…", n)`, which the
    extractor finds by name)."""
    return templates_of(request).translations[language_of(request)]
