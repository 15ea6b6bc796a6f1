"""Bearer-token authentication and request bodies for the Mastodon-compatible admin API.

A missing, unknown or revoked token is 401; a token without the scope is 403 (Mastodon's
wording in both). Bodies may be JSON (FediBlockHole) or form-encoded; both come back as a dict.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from app.blocklists.changes import ChangeActor
from app.core.clock import utcnow
from app.core.errors import Forbidden, Invalid, NotAuthenticated, TreeholeError
from app.security.tokens import has_scope, hash_api_token
from app.services import services_of
from app.store import api_tokens
from app.store.api_tokens import ApiToken

INVALID_TOKEN = "The access token is invalid"
NOT_ALLOWED = "This action is not allowed"
MAX_FORM_FIELDS = 100


async def bearer_token(request: Request) -> ApiToken | None:
    """The live token the request carries, or None."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    db = services_of(request).db
    return await api_tokens.get_live_token_by_hash(db, hash_api_token(value.strip()))


async def authenticated_token(request: Request, scope: str) -> ApiToken:
    token = await bearer_token(request)
    if token is None:
        raise NotAuthenticated(INVALID_TOKEN)
    if not has_scope(token.scopes, scope):
        raise Forbidden(NOT_ALLOWED)
    await api_tokens.update_last_used(services_of(request).db, token.id, utcnow())
    return token


def token_actor(token: ApiToken) -> ChangeActor:
    return ChangeActor("token", token.id, f"token {token.name}")


def unprocessable(message: str) -> JSONResponse:
    return JSONResponse({"error": message}, 422)


async def request_body(request: Request) -> dict[str, Any]:
    """The parameters of a JSON or form-encoded body; `Invalid` when it is neither."""
    content_type = request.headers.get("content-type", "")
    if "json" in content_type:
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            raise Invalid("body", "Validation failed: the body is not valid JSON") from None
        if not isinstance(body, dict):
            raise Invalid("body", "Validation failed: the body is not an object")
        return body
    if not content_type:
        return dict(request.query_params)
    try:
        form = await request.form(max_fields=MAX_FORM_FIELDS)
    except (HTTPException, TreeholeError):
        raise
    except Exception as error:  # the multipart parser's errors are malformed input, not bugs
        raise Invalid("body", "Validation failed: the body is malformed") from error
    params: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        params[key] = values if key.endswith("[]") else (values[-1] if values else None)
    return params
