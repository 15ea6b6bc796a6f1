"""Health checks for load balancers and orchestrators. Both hold no pooled connection of the
request (app/web/middleware.py) and give the database a short deadline, so they answer even
when it does not.

- `/healthz`: the process is up and its database answers (200 `ok`, else 503).
- `/readyz`: this process should be sent traffic: the database answers, its schema is at the
  migration this code ships, and the inbox intake is running (not yet started or already
  stopping: 503). Each problem is one line of the answer.
"""

from __future__ import annotations

import anyio
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from app.core.errors import RETRY_AFTER_UNAVAILABLE_SECONDS, DatabaseUnavailable
from app.db.migrate import migrations_head
from app.services import Services
from app.store.health import get_schema_revision, ping
from app.web.context import services_of

DATABASE_DEADLINE_SECONDS = 2.0
DATABASE_DOWN = "database unavailable"


async def _database_answers(services: Services) -> bool:
    with anyio.move_on_after(DATABASE_DEADLINE_SECONDS):
        try:
            await ping(services.db)
        except DatabaseUnavailable:
            return False
        return True
    return False


def _answer(problems: list[str]) -> Response:
    headers = {"Cache-Control": "no-store"}
    if not problems:
        return PlainTextResponse("ok\n", headers=headers)
    headers["Retry-After"] = str(RETRY_AFTER_UNAVAILABLE_SECONDS)
    return PlainTextResponse("".join(f"{p}\n" for p in problems), 503, headers=headers)


async def healthz(request: Request) -> Response:
    services = services_of(request)
    return _answer([] if await _database_answers(services) else [DATABASE_DOWN])


async def readyz(request: Request) -> Response:
    services = services_of(request)
    problems: list[str] = []
    if not await _database_answers(services):
        problems.append(DATABASE_DOWN)
    else:
        expected = await anyio.to_thread.run_sync(migrations_head)
        revision: str | None = "unknown"
        with anyio.move_on_after(DATABASE_DEADLINE_SECONDS):
            try:
                revision = await get_schema_revision(services.db)
            except DatabaseUnavailable:
                pass
        if revision != expected:
            problems.append(f"database schema at {revision}, this code needs {expected}")
    if not services.inbox_writer.accepting:
        problems.append("inbox intake not running")
    return _answer(problems)
