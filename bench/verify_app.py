"""The bare-verify floor: a Starlette endpoint that checks one draft-cavage signature per request
with our verifier (digest, time window, RSA) against a key given at start, and answers 202/401.
No database, no JSON parsing: what is left of an inbox when everything but verification is gone.

Run as `uvicorn --factory bench.verify_app:create_app` with BENCH_PUBLIC_KEY_FILE set.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.core.clock import utcnow
from federation.errors import SignatureError
from federation.httpsig import parse_signed_request, verify_signed_request


def create_app() -> Starlette:
    public_key_pem = Path(os.environ["BENCH_PUBLIC_KEY_FILE"]).read_text()

    async def inbox(request: Request) -> Response:
        body = await request.body()
        try:
            signed = parse_signed_request(
                request.method, request.url.path, request.headers, body, utcnow(), url_scheme="http"
            )
            verify_signed_request(signed, public_key_pem)
        except SignatureError:
            return Response(status_code=401)
        return Response(status_code=202)

    async def healthz(request: Request) -> Response:
        return Response("ok")

    return Starlette(routes=[Route("/inbox", inbox, methods=["POST"]), Route("/healthz", healthz)])
