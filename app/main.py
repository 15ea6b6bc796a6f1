"""`create_app(settings)`: routes, middleware, error handlers and the lifespan that connects the
database, bootstraps actors and (by default) runs the worker in-process."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from app.actors import ensure_bootstrap_actors
from app.clock import utcnow
from app.db.engine import Db, connect, disconnect
from app.i18n import Catalogues
from app.security.cookies import CookieJar
from app.services import Services, post_policy
from app.settings import Settings, load_settings
from app.urls import Urls
from app.web import feeds, forms, pages
from app.web.errors import EXCEPTION_HANDLERS
from app.web.middleware import ConnectionPerRequest, SecurityHeaders
from app.web.templates import TEMPLATE_DIR, Templates
from app.workers.runner import Worker, foundation_jobs

FORM_MAX_BODY_BYTES = 64 * 1024
STATIC_DIR = TEMPLATE_DIR.parent / "static"


def build_services(settings: Settings, db: Db) -> Services:
    return Services(
        settings=settings,
        db=db,
        urls=Urls(settings.base_url),
        templates=Templates.load(Catalogues.load()),
        cookies=CookieJar(settings.secret_key.value, settings.base_url.startswith("https://")),
        policy=post_policy(settings),
        rng=random.SystemRandom(),
    )


def build_worker(services: Services) -> Worker:
    return Worker(services.db, foundation_jobs(services.db, services.settings))


def routes() -> list[Route | Mount]:
    form = {"methods": ["POST"], "max_body_size": FORM_MAX_BODY_BYTES}
    return [
        Route("/", pages.home),
        Route("/healthz", pages.healthz),
        Route("/robots.txt", pages.robots),
        Route("/random", pages.random_page),
        Route("/lang/{code}", pages.switch_language),
        Route("/b/{slug}", pages.board_page),
        Route("/b/{slug}/post", forms.post_thread, **form),
        Route("/b/{slug}/feed.atom", feeds.board_feed),
        Route("/t/{thread_id}", pages.thread_page),
        Route("/t/{thread_id}/reply", forms.post_reply, **form),
        Route("/n/{note_id}", pages.note_page),
        Route("/n/{note_id}/delete", pages.delete_page),
        Route("/n/{note_id}/delete", forms.delete_note, **form),
        Route("/posted/{note_id}", pages.posted_page),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]


def create_app(settings: Settings | None = None, run_workers: bool = True) -> Starlette:
    """The ASGI app. Settings come from the environment unless given (tests give them)."""
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        db = await connect(settings.database_url)
        try:
            services = build_services(settings, db)
            await ensure_bootstrap_actors(db, utcnow())
            async with anyio.create_task_group() as tasks:
                stop = anyio.Event()
                if run_workers:
                    tasks.start_soon(build_worker(services).run_forever, stop)
                yield {"services": services}
                stop.set()
        finally:
            await disconnect(db)

    return Starlette(
        routes=routes(),
        middleware=[Middleware(SecurityHeaders), Middleware(ConnectionPerRequest)],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        lifespan=lifespan,
    )
