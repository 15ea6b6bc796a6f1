"""The admin pages: thin adapters over the review, filter, settings and domain services. Every
route but the login form requires a session (see `auth.requires`)."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.routing import Route

from app.web.admin import auth, boards, domains, filters, queue, reports, settings
from app.web.middleware import BodyLimit

ADMIN_FORM_MAX_BODY_BYTES = 256 * 1024


def _post(path: str, endpoint: auth.Endpoint) -> Route:
    limit = Middleware(BodyLimit, max_bytes=ADMIN_FORM_MAX_BODY_BYTES)
    return Route(path, endpoint, methods=["POST"], middleware=[limit])


def admin_routes() -> list[Route]:
    return [
        Route("/admin", auth.dashboard),
        Route("/admin/login", auth.login_page),
        _post("/admin/login", auth.login),
        _post("/admin/logout", auth.logout),
        Route("/admin/queue", queue.queue_page),
        _post("/admin/queue", queue.queue_action),
        Route("/admin/reports", reports.reports_page),
        _post("/admin/reports/{report_id}", reports.report_action),
        Route("/admin/filters", filters.filters_page),
        _post("/admin/filters/categories", filters.update_categories),
        _post("/admin/filters/terms", filters.add_term),
        _post("/admin/filters/terms/{term_id}/delete", filters.delete_term),
        _post("/admin/filters/allowlist", filters.add_allowlist_term),
        _post("/admin/filters/allowlist/delete", filters.delete_allowlist_term),
        Route("/admin/settings", settings.settings_page),
        _post("/admin/settings", settings.update_settings),
        Route("/admin/boards", boards.boards_page),
        _post("/admin/boards/{slug}", boards.update_board),
        Route("/admin/domains", domains.domains_page),
        _post("/admin/domains", domains.set_block),
        _post("/admin/domains/remove", domains.remove_block),
        _post("/admin/actors", domains.moderate_actor),
    ]
