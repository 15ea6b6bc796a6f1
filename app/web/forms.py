"""Form POST handlers: parse, check CSRF and cookies, call one use case (`app/notes/`), render
its outcome (POST/redirect/GET). Invalid input re-renders the form with the reason."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.core.clock import utcnow
from app.core.errors import Invalid, RateLimited, TreeholeError
from app.notes import ledger
from app.notes.deletion import delete_by_token
from app.notes.likes import like
from app.notes.posting import Posted, live_note
from app.notes.reporting import report
from app.notes.submission import (
    Draft,
    Held,
    InvalidInput,
    NeedsHelp,
    OverLimit,
    Poster,
    PostOutcome,
    ProofOfWork,
    Published,
    Rejected,
    WrongToken,
)
from app.notes.submit import find_reply_target, reply, submit
from app.security.cookies import FLASH_COOKIE, OWN_COOKIE, POSTER_COOKIE, YEAR_SECONDS
from app.security.ratelimit import rate_key_for_address
from app.web.context import (
    check_form_token,
    own_tokens_of,
    render_page,
    services_of,
    translate,
    translations_of,
)
from app.web.messages import CATEGORY_LABELS, REASONS, REJECTED, TITLES
from app.web.pages import (
    board_context,
    board_or_404,
    own_note,
    report_categories,
    thread_context,
)

FORM_MAX_PART_BYTES = 64 * 1024
FORM_MAX_FIELDS = 20


async def read_form(request: Request) -> FormData:
    try:
        return await request.form(max_fields=FORM_MAX_FIELDS, max_part_size=FORM_MAX_PART_BYTES)
    except HTTPException as error:
        # Starlette turns the parser's MultiPartException (no boundary, bad part header, too
        # many fields) into a bare 400; a 413 from the body limit passes through as it is.
        if error.status_code == 400:
            raise Invalid("form", "malformed") from error
        raise
    except TreeholeError:
        raise
    except Exception as error:  # the multipart parser's errors are malformed input, not bugs
        raise Invalid("form", "malformed") from error


def field(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) else None


async def _checked_form(request: Request) -> tuple[FormData, str | None]:
    """The form, after CSRF; and the poster's secret (None if the browser has none yet)."""
    services = services_of(request)
    form = await read_form(request)
    check_form_token(request, field(form, "csrf_token"))
    secret = services.cookies.read_poster_secret(request.cookies.get(POSTER_COOKIE))
    return form, secret


def _rate_key(request: Request) -> str:
    # The address is digested here and dropped: never stored, logged or passed further down.
    return rate_key_for_address(request.client.host if request.client else "unknown")


def _poster(request: Request, secret: str | None) -> tuple[Poster, str | None]:
    """The poster, with their secret; a first post from this browser mints one, and the cookie
    to keep it (set only once something was stored)."""
    new_cookie = None
    if secret is None:
        secret, new_cookie = services_of(request).cookies.new_poster_secret()
    return Poster(secret=secret, rate_key=_rate_key(request)), new_cookie


def _draft(form: FormData) -> Draft:
    return Draft(
        text=field(form, "text"),
        summary=field(form, "summary"),
        ttl=field(form, "ttl"),
        help_seen=bool(field(form, "confirmed")),
    )


def _after_post(request: Request, posted: Posted, new_secret_cookie: str | None) -> Response:
    services = services_of(request)
    response = RedirectResponse(services.urls.posted(posted.note_id), status_code=303)
    own = own_tokens_of(request)
    own[posted.note_id] = posted.token
    options = services.cookies.options
    response.set_cookie(OWN_COOKIE, services.cookies.dump_own_tokens(own), **options(YEAR_SECONDS))
    response.set_cookie(
        FLASH_COOKIE, services.cookies.dump_flash(posted.note_id, posted.token), **options(600)
    )
    if new_secret_cookie is not None:
        response.set_cookie(POSTER_COOKIE, new_secret_cookie, **options(YEAR_SECONDS))
    return response


def _invalid_context(request: Request, reason: str, form: FormData) -> dict[str, object]:
    message = translate(request, REASONS.get(reason, TITLES[400]))
    values = {name: field(form, name) or "" for name in ("text", "summary", "ttl")}
    return {"error": message, "values": values}


RenderInvalid = Callable[[dict[str, object], int], Awaitable[Response]]


async def _answer_post(
    request: Request,
    outcome: PostOutcome,
    form: FormData,
    new_cookie: str | None,
    render_invalid: RenderInvalid,
) -> Response:
    """The page for what became of a post: the posted page (published or held), the form again
    with the reason, the self-harm help page, or 429."""
    match outcome:
        case Published(posted) | Held(posted):
            return _after_post(request, posted, new_cookie)
        case InvalidInput(name, reason):
            return await render_invalid(_invalid_context(request, f"{name}: {reason}", form), 400)
        case Rejected(reason):
            context = _invalid_context(request, f"moderation: {reason}", form)
            context["error"] = rejection_message(request, reason)
            return await render_invalid(context, 400)
        case NeedsHelp():
            return render_page(request, "help.html", {"form": _kept_fields(form)})
        case OverLimit(retry_after):
            # The form again with the text kept, and when to try again.
            context = _invalid_context(request, "rate_limited", form)
            context["error"] = slow_down_message(request, retry_after)
            response = await render_invalid(context, 429)
            response.headers["Retry-After"] = str(retry_after)
            return response


def slow_down_message(request: Request, retry_after: int) -> str:
    minutes = max(1, math.ceil(retry_after / 60))
    message = translations_of(request).ngettext(
        "You are posting faster than this board allows. Your text is kept below: try again "
        "in %(num)d minute.",
        "You are posting faster than this board allows. Your text is kept below: try again "
        "in %(num)d minutes.",
        minutes,
    )
    return message % {"num": minutes}


def rejection_message(request: Request, reason: str) -> str:
    label = CATEGORY_LABELS.get(reason)
    shown = translate(request, label) if label else reason.replace("_", " ")
    return translate(request, REJECTED) % {"reason": shown}


def _kept_fields(form: FormData) -> dict[str, str]:
    names = ("text", "summary", "ttl", "in_reply_to", "altcha")
    return {name: value for name in names if (value := field(form, name))}


async def post_thread(request: Request) -> Response:
    services = services_of(request)
    board = await board_or_404(request, request.path_params["slug"])
    form, secret = await _checked_form(request)
    poster, new_cookie = _poster(request, secret)
    proof = ProofOfWork(field(form, "altcha"))
    outcome = await submit(services.notes, board, _draft(form), poster, proof, utcnow())

    async def render_invalid(extra: dict[str, object], status: int) -> Response:
        context = {**await board_context(request, board), **extra}
        return render_page(request, "board.html", context, status_code=status)

    return await _answer_post(request, outcome, form, new_cookie, render_invalid)


async def post_reply(request: Request) -> Response:
    services = services_of(request)
    form, secret = await _checked_form(request)
    target = await find_reply_target(
        services.db, request.path_params["thread_id"], field(form, "in_reply_to")
    )
    poster, new_cookie = _poster(request, secret)
    proof = ProofOfWork(field(form, "altcha"))
    outcome = await reply(services.notes, target, _draft(form), poster, proof, utcnow())

    async def render_invalid(extra: dict[str, object], status: int) -> Response:
        context = {**await thread_context(request, target.root), **extra}
        return render_page(request, "thread.html", context, status_code=status)

    return await _answer_post(request, outcome, form, new_cookie, render_invalid)


async def delete_note(request: Request) -> Response:
    """Delete with the token (the page asked first, showing the note), then show where the note
    had gone and which servers were asked to delete it, without asking for the token again."""
    services = services_of(request)
    note_id = request.path_params["note_id"]
    form = await read_form(request)
    check_form_token(request, field(form, "csrf_token"))
    token = field(form, "token") or ""
    outcome = await delete_by_token(services.notes, note_id, token, utcnow())
    if isinstance(outcome, WrongToken):
        note = await own_note(request, note_id)
        context = {
            "note_id": note_id,
            "note": note,
            "token": None,
            "error": translate(request, REASONS["bad_token"]),
        }
        return render_page(request, "delete.html", context, status_code=403)
    lines = await ledger.ledger_for_poster(services.db, note_id, token)
    context = {"note_id": note_id, "lines": lines, "token": token}
    response = render_page(request, "deleted.html", context)
    own = own_tokens_of(request)
    if own.pop(note_id, None) is not None:
        response.set_cookie(
            OWN_COOKIE,
            services.cookies.dump_own_tokens(own),
            **services.cookies.options(YEAR_SECONDS),
        )
    return response


async def like_note(request: Request) -> Response:
    """An anonymous like, by the poster's actor of that thread; rate limited like posts."""
    services = services_of(request)
    form, secret = await _checked_form(request)
    poster, new_cookie = _poster(request, secret)
    outcome = await like(services.notes, request.path_params["note_id"], poster, utcnow())
    if isinstance(outcome, OverLimit):
        raise RateLimited(outcome.retry_after)
    target = services.urls.note_in_thread(outcome.thread_id, outcome.note_id)
    response = RedirectResponse(target, 303)
    if new_cookie is not None:
        response.set_cookie(POSTER_COOKIE, new_cookie, **services.cookies.options(YEAR_SECONDS))
    return response


async def show_ledger(request: Request) -> Response:
    services = services_of(request)
    note_id = request.path_params["note_id"]
    form = await read_form(request)
    check_form_token(request, field(form, "csrf_token"))
    token = field(form, "token") or ""
    lines = await ledger.ledger_for_poster(services.db, note_id, token)
    context = {"note_id": note_id, "lines": lines, "token": token}
    return render_page(request, "ledger.html", context)


async def report_note(request: Request) -> Response:
    """An anonymous report, stored for the moderation queue."""
    services = services_of(request)
    note_id = request.path_params["note_id"]
    form = await read_form(request)
    check_form_token(request, field(form, "csrf_token"))
    category, comment = field(form, "category") or "", field(form, "comment") or ""
    outcome = await report(services.notes, note_id, category, comment, _rate_key(request), utcnow())
    if isinstance(outcome, OverLimit):
        raise RateLimited(outcome.retry_after)
    if isinstance(outcome, InvalidInput):
        context = {
            "note_id": note_id,
            "note": await live_note(services.db, note_id),
            "categories": report_categories(request),
            "sent": False,
            "values": {"category": category, "comment": comment},
            "error": translate(request, REASONS["report: invalid"]),
        }
        return render_page(request, "report.html", context, status_code=400)
    return render_page(request, "report.html", {"note_id": outcome.note_id, "sent": True})
