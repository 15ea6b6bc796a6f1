"""The admin pages: thin adapters over the review, filter, settings and domain services. Every
route but the login form requires a session (see `auth.requires`)."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.routing import Route

from app.http.middleware import BodyLimit
from app.web.admin import (
    auth,
    block_imports,
    blocks,
    boards,
    dashboard,
    domains,
    federation,
    filters,
    instance,
    queue,
    reports,
    settings,
    tokens,
)

ADMIN_FORM_MAX_BODY_BYTES = 256 * 1024
# A blocklist file (1 MB) with its multipart framing, or every domain of a big import ticked.
IMPORT_MAX_BODY_BYTES = 2 * 1024 * 1024


def _post(path: str, endpoint: auth.Endpoint, max_bytes: int = ADMIN_FORM_MAX_BODY_BYTES) -> Route:
    limit = Middleware(BodyLimit, max_bytes=max_bytes)
    return Route(path, endpoint, methods=["POST"], middleware=[limit])


def admin_routes() -> list[Route]:
    return [
        Route("/admin", dashboard.dashboard),
        _post("/admin/breaker/end", dashboard.end_breaker),
        Route("/admin/federation", federation.federation_page),
        Route("/admin/instance", instance.instance_page),
        _post("/admin/instance", instance.update_instance),
        Route("/admin/login", auth.login_page),
        _post("/admin/login", auth.login),
        _post("/admin/logout", auth.logout),
        Route("/admin/queue", queue.queue_page),
        _post("/admin/queue", queue.queue_action),
        Route("/admin/reports", reports.reports_page),
        _post("/admin/reports/notes/{note_id}", reports.group_action),
        _post("/admin/reports/{report_id}", reports.report_action),
        Route("/admin/filters", filters.filters_page),
        _post("/admin/filters/categories", filters.update_categories),
        _post("/admin/filters/terms", filters.add_term),
        _post("/admin/filters/terms/{term_id}/delete", filters.delete_term),
        _post("/admin/filters/allowlist", filters.add_allowlist_term),
        _post("/admin/filters/allowlist/delete", filters.delete_allowlist_term),
        Route("/admin/settings", settings.settings_page),
        _post("/admin/settings", settings.update_settings),
        _post("/admin/settings/domain-blocks", settings.update_domain_block_visibility),
        Route("/admin/boards", boards.boards_page),
        _post("/admin/boards/new", boards.create_board),
        _post("/admin/boards/{slug}", boards.update_board),
        Route("/admin/domains", domains.domains_page),
        _post("/admin/domains", domains.set_block),
        _post("/admin/domains/remove", domains.remove_block),
        _post("/admin/actors", domains.moderate_actor),
        Route("/admin/blocks", blocks.blocks_page),
        _post("/admin/blocks", blocks.save_block),
        _post("/admin/blocks/remove", blocks.remove_block),
        _post("/admin/blocks/shields", blocks.change_shield),
        Route("/admin/blocks/audit", blocks.audit_page),
        _post("/admin/blocks/audit/{audit_id}/undo", blocks.undo),
        Route("/admin/blocks/export.csv", block_imports.export_csv),
        Route("/admin/blocks/import", block_imports.import_page),
        _post("/admin/blocks/import", block_imports.preview, IMPORT_MAX_BODY_BYTES),
        Route("/admin/blocks/import/{run_id}", block_imports.run_page),
        _post(
            "/admin/blocks/import/{run_id}/{action}",
            block_imports.run_action,
            IMPORT_MAX_BODY_BYTES,
        ),
        Route("/admin/tokens", tokens.tokens_page),
        _post("/admin/tokens", tokens.create_token),
        _post("/admin/tokens/{token_id}/revoke", tokens.revoke_token),
    ]
