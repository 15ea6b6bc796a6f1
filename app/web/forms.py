"""Form POST handlers: parse, check CSRF and cookies, validate, rate-limit, call one service,
redirect (POST/redirect/GET). Invalid input re-renders the form with the reason, stores nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.core.clock import utcnow
from app.core.errors import Invalid, TreeholeError
from app.core.ids import new_id
from app.moderation.breaker import count_accepted_post, pow_required
from app.moderation.decision import HOLD, PUBLISH_WITH_WARNING, REJECT, Decision
from app.moderation.pipeline import Content
from app.moderation.pow import spend_solution
from app.moderation.service import Assessment
from app.moderation.service import record as record_moderation
from app.notes import deletion, ledger, likes, posting
from app.notes.posting import Posted
from app.security.cookies import FLASH_COOKIE, OWN_COOKIE, POSTER_COOKIE, YEAR_SECONDS
from app.security.csrf import check_csrf_token
from app.security.ratelimit import Limit, enforce_limit
from app.store import reports
from app.store.boards import Board, get_board
from app.store.moderation import ModerationSettings, get_moderation_settings
from app.store.notes import get_note
from app.web.context import own_tokens_of, render_page, services_of, translate
from app.web.messages import CATEGORY_LABELS, REASONS, REJECTED, REPORT_CATEGORIES, TITLES
from app.web.pages import (
    board_context,
    board_or_404,
    live_note,
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
    check_csrf_token(services.secret_key, field(form, "csrf_token"))
    secret = services.cookies.read_poster_secret(request.cookies.get(POSTER_COOKIE))
    return form, secret


async def _enforce_post_limit(request: Request) -> None:
    services = services_of(request)
    limit = services.settings.post_rate_limit
    # The address is used here, hashed with today's salt, and dropped: never stored or logged.
    client_key = request.client.host if request.client else "unknown"
    await enforce_limit(
        services.db, Limit("post", limit.count, limit.window_seconds), client_key, utcnow()
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


def _poster(request: Request, secret: str | None) -> tuple[str, str | None]:
    """The poster's secret, minting one (and its cookie) on the first post from this browser."""
    if secret is not None:
        return secret, None
    return services_of(request).cookies.new_poster_secret()


def _invalid_context(request: Request, error: Invalid, form: FormData) -> dict[str, object]:
    message = translate(request, REASONS.get(str(error), TITLES[400]))
    values = {name: field(form, name) or "" for name in ("text", "summary", "ttl")}
    return {"error": message, "values": values}


RenderInvalid = Callable[[dict[str, object], int], Awaitable[Response]]


async def _screened(
    request: Request,
    form: FormData,
    board: Board,
    is_thread_start: bool,
    render_invalid: RenderInvalid,
) -> tuple[posting.Submission, Assessment, ModerationSettings] | Response:
    """Validation, proof of work, rate limit, the self-harm help page and the moderation
    pipeline, in that order. Returns the submission with its (not yet stored) assessment, or
    the answer to give instead (nothing is stored in that case but a rejection's record)."""
    services = services_of(request)
    now = utcnow()
    try:
        submission = posting.validate_submission(
            field(form, "text"), field(form, "summary"), field(form, "ttl"), board, services.policy
        )
        settings = await get_moderation_settings(services.db)
        if pow_required(board, settings, now):
            await spend_solution(services.db, services.secret_key, field(form, "altcha"), now)
    except Invalid as error:
        return await render_invalid(_invalid_context(request, error, form), 400)
    await _enforce_post_limit(request)
    if services.moderator.mentions_self_harm(submission.text) and not field(form, "confirmed"):
        return render_page(request, "help.html", {"form": _kept_fields(form)})
    assessment = await services.moderator.assess(
        Content(submission.text, submission.summary, "local", is_thread_start),
        now,
        board=board,
        settings=settings,
    )
    decision = assessment.decision
    if decision.outcome == REJECT:
        await record_moderation(services.db, new_id(), "submission", decision, now)
        context = _invalid_context(request, Invalid("moderation", decision.reason), form)
        context["error"] = rejection_message(request, decision.reason)
        return await render_invalid(context, 400)
    return submission, assessment, settings


def _as_decided(submission: posting.Submission, decision: Decision) -> posting.Submission:
    """The submission as moderation decided: held, or with the warning as its summary."""
    summary = submission.summary
    if decision.outcome == PUBLISH_WITH_WARNING and not summary:
        summary = decision.warning
    return replace(submission, summary=summary, held=decision.outcome == HOLD)


# Inserts the decided submission as the note with the given id.
InsertNote = Callable[[posting.Submission, str], Awaitable[Posted]]


async def _store_post(
    request: Request,
    submission: posting.Submission,
    assessment: Assessment,
    settings: ModerationSettings,
    insert: InsertNote,
) -> Posted:
    """The note, its fingerprint, its moderation record and the breaker's count in one
    transaction: one write turn on SQLite, and a failure anywhere stores none of them."""
    services = services_of(request)
    now = utcnow()
    note_id = new_id()  # chosen first: the fingerprint is stored as this note's
    async with services.db.transaction():
        decision = await services.moderator.remember(assessment, now, note_id)
        posted = await insert(_as_decided(submission, decision), note_id)
        await record_moderation(services.db, posted.note_id, "note", decision, now)
        if decision.outcome != HOLD:
            await count_accepted_post(services.db, settings, now)
    return posted


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

    async def render_invalid(extra: dict[str, object], status: int) -> Response:
        context = {**await board_context(request, board), **extra}
        return render_page(request, "board.html", context, status_code=status)

    screened = await _screened(request, form, board, True, render_invalid)
    if isinstance(screened, Response):
        return screened
    submission, assessment, settings = screened
    secret, new_cookie = _poster(request, secret)

    async def insert(decided: posting.Submission, note_id: str) -> Posted:
        return await posting.insert_thread(
            services.db, board, decided, secret, services.policy, utcnow(), services.rng, note_id
        )

    posted = await _store_post(request, submission, assessment, settings, insert)
    return _after_post(request, posted, new_cookie)


async def post_reply(request: Request) -> Response:
    services = services_of(request)
    form, secret = await _checked_form(request)
    root, parent = await posting.live_parent(
        services.db, request.path_params["thread_id"], field(form, "in_reply_to")
    )
    board = await board_or_404_by_id(request, root.board_id)

    async def render_invalid(extra: dict[str, object], status: int) -> Response:
        context = {**await thread_context(request, root), **extra}
        return render_page(request, "thread.html", context, status_code=status)

    screened = await _screened(request, form, board, False, render_invalid)
    if isinstance(screened, Response):
        return screened
    submission, assessment, settings = screened
    secret, new_cookie = _poster(request, secret)

    async def insert(decided: posting.Submission, note_id: str) -> Posted:
        return await posting.insert_reply(
            services.db, board, root, parent, decided, secret, services.policy, utcnow(),
            services.rng, note_id,
        )  # fmt: skip

    posted = await _store_post(request, submission, assessment, settings, insert)
    return _after_post(request, posted, new_cookie)


async def board_or_404_by_id(request: Request, board_id: str) -> Board:
    board = await get_board(services_of(request).db, board_id)
    assert board is not None, "notes always belong to a board"
    return board


async def delete_note(request: Request) -> Response:
    services = services_of(request)
    note_id = request.path_params["note_id"]
    form = await read_form(request)
    check_csrf_token(services.secret_key, field(form, "csrf_token"))
    await deletion.delete_with_token(
        services.db, services.urls, note_id, field(form, "token") or "", utcnow()
    )
    response = render_page(request, "deleted.html", {"note_id": note_id})
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
    note_id = request.path_params["note_id"]
    form, secret = await _checked_form(request)
    limit = services.settings.post_rate_limit
    client_key = request.client.host if request.client else "unknown"
    await enforce_limit(
        services.db, Limit("like", limit.count * 3, limit.window_seconds), client_key, utcnow()
    )
    secret, new_cookie = _poster(request, secret)
    await likes.like_note(services.db, services.urls, note_id, secret, utcnow())
    note = await get_note(services.db, note_id)
    assert note is not None
    response = RedirectResponse(services.urls.note_in_thread(note.thread_id, note.id), 303)
    if new_cookie is not None:
        response.set_cookie(POSTER_COOKIE, new_cookie, **services.cookies.options(YEAR_SECONDS))
    return response


async def show_ledger(request: Request) -> Response:
    services = services_of(request)
    note_id = request.path_params["note_id"]
    form = await read_form(request)
    check_csrf_token(services.secret_key, field(form, "csrf_token"))
    lines = await ledger.ledger_for_poster(services.db, note_id, field(form, "token") or "")
    return render_page(request, "ledger.html", {"note_id": note_id, "lines": lines})


REPORT_LIMIT = Limit("report", 10, 600)
REPORT_COMMENT_MAX = 1000


async def report_note(request: Request) -> Response:
    """An anonymous report: rate limited like posts, stored for the moderation queue."""
    services = services_of(request)
    note_id = request.path_params["note_id"]
    form = await read_form(request)
    check_csrf_token(services.secret_key, field(form, "csrf_token"))
    note = await live_note(request, note_id)
    category = field(form, "category") or ""
    comment = (field(form, "comment") or "").strip()
    if category not in REPORT_CATEGORIES or len(comment) > REPORT_COMMENT_MAX:
        context = {
            "note_id": note.id,
            "categories": report_categories(request),
            "sent": False,
            "error": translate(request, REASONS["report: invalid"]),
        }
        return render_page(request, "report.html", context, status_code=400)
    client_key = request.client.host if request.client else "unknown"
    await enforce_limit(services.db, REPORT_LIMIT, client_key, utcnow())
    await reports.insert_report(
        services.db, note_id=note.id, source="local", category=category, comment=comment,
        now=utcnow(),
    )  # fmt: skip
    return render_page(request, "report.html", {"note_id": note.id, "sent": True})
