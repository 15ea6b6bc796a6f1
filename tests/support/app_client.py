"""Run the app in the test's own event loop: lifespan started by hand, requests through
httpx.ASGITransport with the lifespan state in each scope (as uvicorn would put it)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send

from app.core.settings import Settings
from app.main import build_worker, create_app
from app.services import Services
from app.workers.runner import Worker
from federation.offload import ThreadOffload

# A recognisable client: the anonymity tests search every table and log for these.
CLIENT_ADDRESS = "203.0.113.77"
CLIENT_USER_AGENT = "TreeholeProbe/7.7 (canary-ua-5f1e)"
CLIENT_REFERER = "https://referer-canary.example/page-9d2c"


@dataclass(slots=True)
class RunningApp:
    services: Services
    client: httpx.AsyncClient
    worker: Worker

    async def work(self) -> int:
        """Run the worker until it finds nothing more to do (bounded)."""
        total = 0
        for _ in range(50):
            done = await self.worker.run_once(force=True)
            total += done
            if done == 0:
                break
        return total


@asynccontextmanager
async def running_app(settings: Settings) -> AsyncIterator[RunningApp]:
    app: Starlette = create_app(settings, run_workers=False)
    async with app.router.lifespan_context(app) as state:
        lifespan_state: dict[str, Any] = dict(state or {})

        async def with_state(scope: Scope, receive: Receive, send: Send) -> None:
            scope["state"] = dict(lifespan_state)
            await app(scope, receive, send)

        transport = httpx.ASGITransport(app=with_state, client=(CLIENT_ADDRESS, 51234))
        headers = {"User-Agent": CLIENT_USER_AGENT, "Referer": CLIENT_REFERER}
        async with httpx.AsyncClient(
            transport=transport, base_url=settings.base_url, headers=headers
        ) as client:
            services: Services = lifespan_state["services"]
            # Deliveries signed on threads, as `treehole serve` and `worker` sign them on any
            # machine with more than one CPU.
            with ThreadOffload(2) as sign_on:
                yield RunningApp(services, client, build_worker(services, sign_on))
