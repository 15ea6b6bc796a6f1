"""A fake blocklist server for subscription tests: serves whatever the test puts at a path
(status, body, headers), answers 304 to a matching If-None-Match, and records each request's
path and Authorization header."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


@dataclass(slots=True)
class Served:
    body: bytes
    status: int = 200
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class FakeLists:
    paths: dict[str, Served] = field(default_factory=dict)
    requests: list[tuple[str, str | None]] = field(default_factory=list)

    def put(self, path: str, body: str | bytes, **options: Any) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.paths[path] = Served(data, **options)

    def put_json(self, path: str, document: Any, **options: Any) -> None:
        self.put(path, json.dumps(document), **options)

    def app(self) -> Starlette:
        async def serve(request: Request) -> Response:
            key = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            self.requests.append((key, request.headers.get("authorization")))
            served = self.paths.get(key) or self.paths.get(request.url.path)
            if served is None:
                return Response(status_code=404)
            etag = served.headers.get("ETag")
            if etag is not None and request.headers.get("if-none-match") == etag:
                return Response(status_code=304, headers={"ETag": etag})
            return Response(
                served.body,
                status_code=served.status,
                media_type=served.content_type,
                headers=served.headers,
            )

        return Starlette(routes=[Route("/{path:path}", serve)])
