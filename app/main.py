"""`create_app(settings)`: routes, middleware, error handlers and the lifespan that connects the
database, bootstraps actors and (by default) runs the worker in-process."""

from __future__ import annotations

import gc
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from app.api import activitypub, domain_blocks, fires, inbox, wellknown
from app.api.inbox_route import answer_inbox_post, is_inbox_post
from app.blocklists import subscriptions
from app.core.clock import utcnow
from app.core.i18n import Catalogues
from app.core.settings import Settings, load_settings
from app.core.urls import Urls
from app.db.engine import Db, connect, disconnect
from app.fedi import outbound
from app.fedi.inbox_writer import InboxWriter
from app.fedi.remote import InstanceSigner, RemoteFetcher
from app.http.middleware import BodyLimit, ConnectionPerRequest, SecurityHeaders
from app.moderation.service import Moderator
from app.notes import deletion, language
from app.notes.actors import ensure_bootstrap_actors
from app.notes.deps import NoteDeps, PosterLimits
from app.notes.posting import PostPolicy
from app.security.cookies import CookieJar
from app.security.ratelimit import Limit
from app.services import Services
from app.web import about, feeds, forms, health, pages
from app.web.admin import admin_routes
from app.web.admin.subscriptions import subscription_routes
from app.web.errors import EXCEPTION_HANDLERS, answer_known_error
from app.web.templates import TEMPLATE_DIR, Templates
from app.workers.deliver import Deliverer
from app.workers.receive import Receiver
from app.workers.runner import Worker, foundation_jobs, worker_name
from app.workers.scheduler import PeriodicJob
from federation.client import SafeClient
from federation.conneg import wants_activity_json
from federation.offload import Offload, run_inline, signing_offload, usable_cpus

FORM_MAX_BODY_BYTES = 64 * 1024
RETIRE_EVERY_SECONDS = 15.0
SELF_DESTRUCT_EVERY_SECONDS = 60.0
SUBSCRIPTIONS_EVERY_SECONDS = 300.0
STATIC_DIR = TEMPLATE_DIR.parent / "static"
# Collect young objects 30x less often than the default 700: a request allocates thousands that
# reference counting frees anyway, and each collection walks every young survivor.
GC_THRESHOLDS = (20_000, 20, 20)


def settle_memory() -> None:
    """Once a process has loaded what it keeps for life (libraries, word lists, models): move that
    out of the collector's reach, so full collections under load stop re-walking it, and collect
    young objects less often (GC_THRESHOLDS). Worth ~25 % more inbox requests per second here
    (bench/README.md)."""
    gc.collect()  # what is garbage now is not frozen with the rest
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


USER_AGENT = "Treehole/0.1 (+anonymous notes; ActivityPub)"
REPORT_LIMIT = Limit("report", 10, 600)


def build_client(settings: Settings) -> SafeClient:
    """The process's one outgoing HTTP client (federation/client.py: httpx for fetches, aiohttp
    for deliveries, one SSRF guard and one set of caps)."""
    return SafeClient(allow_loopback=settings.allow_loopback, user_agent=USER_AGENT)


def post_policy(settings: Settings) -> PostPolicy:
    return PostPolicy(
        max_chars=settings.post_max_chars,
        max_ttl=settings.max_ttl,
        publish_delay_max=settings.publish_delay_max,
    )


def poster_limits(settings: Settings) -> PosterLimits:
    """Likes cost less than posts: three times the posting allowance; reports a fixed one."""
    post = settings.post_rate_limit
    return PosterLimits(
        post=Limit("post", post.count, post.window_seconds),
        like=Limit("like", post.count * 3, post.window_seconds),
        report=REPORT_LIMIT,
    )


async def build_services(
    settings: Settings, db: Db, client: SafeClient, catalogues: Catalogues | None = None
) -> Services:
    """Everything handlers and workers need; bootstraps the instance and board actors."""
    catalogues = catalogues or Catalogues.load()
    urls = Urls(settings.base_url)
    instance = await ensure_bootstrap_actors(db, utcnow())
    await anyio.to_thread.run_sync(language.warm_up)  # the first published note need not wait
    assert instance.private_key_pem is not None
    signer = InstanceSigner(urls.key_id(urls.instance_actor()), instance.private_key_pem)
    policy, rng, moderator = post_policy(settings), random.SystemRandom(), Moderator(db)
    return Services(
        settings=settings,
        db=db,
        urls=urls,
        cookies=CookieJar(settings.secret_key.value, settings.base_url.startswith("https://")),
        policy=policy,
        rng=rng,
        fetcher=RemoteFetcher(db, client, signer),
        moderator=moderator,
        inbox_writer=InboxWriter(db),
        notes=NoteDeps(
            db=db,
            urls=urls,
            moderator=moderator,
            policy=policy,
            limits=poster_limits(settings),
            rng=rng,
            pow_key=settings.secret_key.value,
            translations=catalogues.by_language,
        ),
    )


class TreeholeApp(Starlette):
    """Starlette, with inbox POSTs answered ahead of its middleware stack and router
    (app/api/inbox_route.py): a fifth of every inbox request went there."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if is_inbox_post(scope):
            scope["app"] = self
            await answer_inbox_post(scope, receive, send, answer_known_error)
            return
        await super().__call__(scope, receive, send)


def build_worker(services: Services, sign_on: Offload = run_inline) -> Worker:
    """The worker's jobs and steps; deliveries are signed on `sign_on` (the process's signing
    threads, see `federation.offload`)."""
    db, urls = services.db, services.urls
    name = worker_name()
    deliverer = Deliverer(db, services.fetcher.client, urls, name, sign_on=sign_on)
    receiver = Receiver(db, services.inbound, name)

    async def publish(now: datetime) -> int:
        return await outbound.publish_due_notes(db, urls, now)

    async def retire(now: datetime) -> int:
        return await outbound.retire_actors(db, urls, now)

    async def self_destruct(now: datetime) -> int:
        return await deletion.self_destruct_quiet_boards(db, urls, now)

    async def refresh_subscriptions(now: datetime) -> int:
        return await subscriptions.sync_due_sources(db, services.fetcher.client, urls, now)

    jobs = [
        *foundation_jobs(db, urls, services.settings),
        PeriodicJob("retire_actors", RETIRE_EVERY_SECONDS, retire),
        PeriodicJob("self_destruct_boards", SELF_DESTRUCT_EVERY_SECONDS, self_destruct),
        PeriodicJob("blocklist_subscriptions", SUBSCRIPTIONS_EVERY_SECONDS, refresh_subscriptions),
    ]
    return Worker(db, jobs, steps=(publish, receiver.run, deliverer.run), name=name)


Endpoint = Callable[[Request], Awaitable[Response]]


def by_accept(page: Endpoint, document: Endpoint) -> Endpoint:
    """One URL for people and servers: the ActivityStreams document when the Accept header asks
    for one, the page otherwise."""

    async def endpoint(request: Request) -> Response:
        if wants_activity_json(request.headers.get("accept")):
            return await document(request)
        return await page(request)

    return endpoint


def routes() -> list[Route | Mount]:
    form: dict[str, Any] = {
        "methods": ["POST"],
        "middleware": [Middleware(BodyLimit, max_bytes=FORM_MAX_BODY_BYTES)],
    }
    return [
        # Inbox POSTs are answered by TreeholeApp before routing (with their body limit); these
        # routes only make other methods on the inbox paths a 405.
        Route("/inbox", inbox.receive, methods=["POST"]),
        Route("/actor/inbox", inbox.receive, methods=["POST"]),
        Route("/b/{slug}/inbox", inbox.receive, methods=["POST"]),
        Route("/a/{actor_id}/inbox", inbox.receive, methods=["POST"]),
        Route("/.well-known/webfinger", wellknown.webfinger),
        Route("/.well-known/host-meta", wellknown.host_meta),
        Route("/.well-known/nodeinfo", wellknown.nodeinfo_index),
        Route("/nodeinfo/{version}", wellknown.nodeinfo),
        Route("/api/v1/instance", wellknown.instance_v1),
        Route("/api/v2/instance", wellknown.instance_v2),
        Route("/api/v1/instance/domain_blocks", domain_blocks.public_list),
        Route("/domain_blocks.csv", domain_blocks.public_csv),
        Route("/api/v1/admin/domain_blocks", domain_blocks.admin_list),
        Route("/api/v1/admin/domain_blocks", domain_blocks.admin_create, **form),
        Route("/api/v1/admin/domain_blocks/export.csv", domain_blocks.admin_csv),
        Route("/api/v1/admin/domain_blocks/{block_id}", domain_blocks.admin_show),
        Route(
            "/api/v1/admin/domain_blocks/{block_id}",
            domain_blocks.admin_update,
            methods=["PUT"],
            middleware=[Middleware(BodyLimit, max_bytes=FORM_MAX_BODY_BYTES)],
        ),
        Route(
            "/api/v1/admin/domain_blocks/{block_id}", domain_blocks.admin_delete, methods=["DELETE"]
        ),
        Route("/api/v1/admin/measures", domain_blocks.measures, **form),
        Route("/datasets", fires.datasets),
        Route("/datasets/{dataset_id}", fires.dataset),
        Route("/datasets/{dataset_id}/snapshot", fires.snapshot),
        Route("/datasets/{dataset_id}/changes", fires.changes),
        Route("/actor", activitypub.instance_actor),
        Route("/actor/outbox", activitypub.instance_collection),
        Route("/actor/followers", activitypub.instance_collection),
        Route("/b/{slug}/outbox", activitypub.board_collection),
        Route("/b/{slug}/followers", activitypub.board_collection),
        Route("/b/{slug}/following", activitypub.board_collection),
        Route("/a/{actor_id}", activitypub.throwaway_actor),
        Route("/a/{actor_id}/outbox", activitypub.actor_collection),
        Route("/a/{actor_id}/followers", activitypub.actor_collection),
        Route("/activities/{activity_id}", activitypub.activity),
        Route("/", pages.home),
        Route("/healthz", health.healthz),
        Route("/readyz", health.readyz),
        Route("/robots.txt", pages.robots),
        Route("/random", pages.random_page),
        Route("/transparency", pages.transparency_page),
        Route("/about", about.about_page),
        Route("/lang/{code}", pages.switch_language),
        Route("/b/{slug}", by_accept(pages.board_page, activitypub.board)),
        Route("/b/{slug}/post", forms.post_thread, **form),
        Route("/b/{slug}/feed.atom", feeds.board_feed),
        Route("/b/{slug}/follow", about.remote_follow),
        Route("/t/{thread_id}", by_accept(pages.thread_page, activitypub.thread)),
        Route("/tags/{tag}", pages.tag_page),
        Route("/t/{thread_id}/reply", forms.post_reply, **form),
        Route("/n/{note_id}", by_accept(pages.note_page, activitypub.note)),
        Route("/n/{note_id}/delete", pages.delete_page),
        Route("/n/{note_id}/delete", forms.delete_note, **form),
        Route("/n/{note_id}/like", forms.like_note, **form),
        Route("/n/{note_id}/report", pages.report_page),
        Route("/n/{note_id}/report", forms.report_note, **form),
        Route("/n/{note_id}/ledger", pages.ledger_page),
        Route("/n/{note_id}/ledger", forms.show_ledger, **form),
        Route("/posted/{note_id}", pages.posted_page),
        *admin_routes(),
        *subscription_routes(),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]


def create_app(
    settings: Settings | None = None, run_workers: bool = True, whole_process: bool = False
) -> Starlette:
    """The ASGI app. Settings come from the environment unless given (tests give them).
    `whole_process`: the app is all this process runs (`treehole serve`), so it may tune the
    process's garbage collector once started (`settle_memory`)."""
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        db = await connect(settings.database_url)
        client = build_client(settings)
        try:
            catalogues = Catalogues.load()
            services = await build_services(settings, db, client, catalogues)
            templates = Templates.load(catalogues)
            with signing_offload(usable_cpus()) as sign_on:
                async with anyio.create_task_group() as tasks:
                    stop = anyio.Event()
                    tasks.start_soon(services.inbox_writer.run)
                    if run_workers:
                        tasks.start_soon(build_worker(services, sign_on).run_forever, stop)
                    if whole_process:
                        settle_memory()
                    yield {"services": services, "templates": templates}
                    stop.set()
                    # After the server has finished its requests: every row they were promised is
                    # committed before the database closes.
                    services.inbox_writer.stop()
        finally:
            await client.aclose()
            await disconnect(db)

    return TreeholeApp(
        routes=routes(),
        middleware=[Middleware(SecurityHeaders), Middleware(ConnectionPerRequest)],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
