"""Posting, one use case per thing a person does: start a thread (`submit`) or reply in one
(`reply`). Each runs validation, proof of work (when the way in asks for it), the rate limit,
the self-harm question, moderation, and then the one write transaction (the note, its author,
its fingerprint, its moderation record and the circuit breaker's count commit together or not
at all). Callers parse and render; they never repeat a step."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime

from babel.support import NullTranslations

from app.core.errors import Invalid, RateLimited
from app.core.ids import new_id
from app.db.engine import Db
from app.moderation.breaker import count_accepted_post, pow_required
from app.moderation.decision import (
    HOLD,
    PUBLISH_WITH_WARNING,
    REJECT,
    WARN,
    Decision,
    Verdict,
    combine,
)
from app.moderation.pipeline import Content
from app.moderation.pow import check_solution, spend_solution
from app.moderation.service import Assessment, Moderator
from app.moderation.service import record as record_moderation
from app.notes import posting
from app.notes.deps import NoteDeps
from app.notes.posting import Posted, Submission
from app.notes.submission import (
    ASK_FIRST,
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
)
from app.notes.warnings import encode_labels, warning_text
from app.security.ratelimit import enforce_limit
from app.store.boards import Board, get_board
from app.store.moderation import ModerationSettings, get_moderation_settings
from app.store.notes import Note

SELF_HARM = "self_harm"
# The reason a post that mentions self-harm waits: a person reads it before the public does.
CARE = "care"

# Called inside the transaction that stores a post, with what was stored and, when it is held,
# why: a way in writes there what must commit with the post or not at all (the direct-message
# way in: its answer, with the deletion token).
AfterStore = Callable[[Posted, str | None], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class ReplyTarget:
    """Where a reply goes: the thread's board, its root and the note replied to (all live)."""

    board: Board
    root: Note
    parent: Note


@dataclass(frozen=True, slots=True)
class _Screened:
    submission: Submission
    assessment: Assessment
    settings: ModerationSettings
    language: str  # the board's: automatic content warnings are written in it


async def find_reply_target(db: Db, thread_id: str, in_reply_to_id: str | None) -> ReplyTarget:
    """The live thread and note a reply addresses; `NotFound`, `Gone` or
    `Invalid("in_reply_to", …)` when there is none to reply to."""
    root, parent = await posting.live_parent(db, thread_id, in_reply_to_id)
    board = await get_board(db, root.board_id)
    assert board is not None, "notes always belong to a board"
    return ReplyTarget(board, root, parent)


async def submit(
    deps: NoteDeps,
    board: Board,
    draft: Draft,
    poster: Poster,
    proof: ProofOfWork | None,
    now: datetime,
    *,
    self_harm: str = ASK_FIRST,
    sender_silenced: bool = False,
    after_store: AfterStore | None = None,
) -> PostOutcome:
    """Start a new thread on `board`. `proof`: the proof of work sent, checked when the board or
    the circuit breaker asks for one; None for ways in that have none (never the web form).
    `sender_silenced`: the way in knows the poster's account or server is silenced (held);
    `after_store`: what the way in writes in the post's own transaction."""
    screened = await _screen(
        deps, board, draft, poster, proof, now, True, self_harm, sender_silenced
    )
    if not isinstance(screened, _Screened):
        return screened

    async def insert(decided: Submission, note_id: str) -> Posted:
        return await posting.insert_thread(
            deps.db, board, decided, poster.secret, deps.policy, now, deps.rng, note_id
        )

    return await _store(deps, screened, now, insert, after_store)


async def reply(
    deps: NoteDeps,
    target: ReplyTarget,
    draft: Draft,
    poster: Poster,
    proof: ProofOfWork | None,
    now: datetime,
    *,
    self_harm: str = ASK_FIRST,
    sender_silenced: bool = False,
    after_store: AfterStore | None = None,
) -> PostOutcome:
    """Reply in a live thread (see `find_reply_target`), under the pseudonym the poster has in
    that thread."""
    screened = await _screen(
        deps, target.board, draft, poster, proof, now, False, self_harm, sender_silenced
    )
    if not isinstance(screened, _Screened):
        return screened

    async def insert(decided: Submission, note_id: str) -> Posted:
        return await posting.insert_reply(
            deps.db, target.board, target.root, target.parent, decided, poster.secret,
            deps.policy, now, deps.rng, note_id,
        )  # fmt: skip

    return await _store(deps, screened, now, insert, after_store)


async def _screen(
    deps: NoteDeps,
    board: Board,
    draft: Draft,
    poster: Poster,
    proof: ProofOfWork | None,
    now: datetime,
    is_thread_start: bool,
    self_harm: str,
    sender_silenced: bool = False,
) -> _Screened | PostOutcome:
    """Validation, proof of work, the self-harm question, the rate limit and the moderation
    pipeline, in that order. Nothing is stored on the way but the spent proof and a rejection's
    record. The help page spends nothing and counts nothing: the proof it sends back with the
    post is still good, so a person can post past it while the breaker asks for proof."""
    try:
        submission = posting.validate_submission(
            draft.text, draft.summary, draft.ttl, board, deps.policy
        )
        settings = await get_moderation_settings(deps.db)
        asked = proof if proof is not None and pow_required(board, settings, now) else None
        if asked is not None:
            await check_solution(deps.db, deps.pow_key, asked.solution)
        mentions_self_harm = asks_for_help(deps.moderator, submission, settings)
        if mentions_self_harm and self_harm == ASK_FIRST and not draft.help_seen:
            return NeedsHelp()
        if asked is not None:
            await spend_solution(deps.db, deps.pow_key, asked.solution, now)
    except Invalid as error:
        return InvalidInput(error.field, error.reason)
    try:
        await enforce_limit(deps.db, deps.limits.post, poster.rate_key, now)
    except RateLimited as limited:
        return OverLimit(limited.retry_after)
    # Past the question (the person saw the help and posts anyway, or this way in cannot ask):
    # a moderator reads it before anyone else does.
    assessment = await moderate(
        deps.moderator, submission, board, settings, now, is_thread_start,
        hold_for_care=mentions_self_harm, sender_silenced=sender_silenced,
    )  # fmt: skip
    decision = assessment.decision
    if decision.outcome == REJECT:
        await record_moderation(deps.db, new_id(), "submission", decision, now)
        return Rejected(decision.reason)
    return _Screened(submission, assessment, settings, board.language)


def asks_for_help(
    moderator: Moderator, submission: Submission, settings: ModerationSettings
) -> bool:
    """The self-harm question: does the post mention self-harm, so the help page comes first?"""
    return moderator.mentions_self_harm(submission.text, settings.model_help)


async def moderate(
    moderator: Moderator,
    submission: Submission,
    board: Board,
    settings: ModerationSettings,
    now: datetime,
    is_thread_start: bool,
    *,
    hold_for_care: bool,
    sender_silenced: bool = False,
) -> Assessment:
    """The moderation pipeline's decision on a local post, as the web form's posts get it (the
    evaluation in eval/ calls this too, so it measures what posters meet). `hold_for_care`: the
    post mentions self-harm and is posted anyway, so a moderator reads it first."""
    content = Content(submission.text, submission.summary, "local", is_thread_start)
    assessment = await moderator.assess(
        content, now, board=board, sender_silenced=sender_silenced, settings=settings
    )
    if hold_for_care and assessment.decision.outcome != REJECT:
        # First, so "care" is the reason recorded and the queue shows it before the rest; with
        # the self-harm warning it carries if a moderator lets it through.
        care = [Verdict(HOLD, SELF_HARM, CARE), Verdict(WARN, SELF_HARM, SELF_HARM, "self-harm")]
        held = combine([*care, *assessment.decision.verdicts])
        assessment = replace(assessment, decision=held)
    return assessment


def _as_decided(
    submission: Submission, decision: Decision, gettext: Callable[[str], str]
) -> Submission:
    """The submission as moderation decided: held, or with the warning as its summary (in the
    board's language) and its codes (for each reader's)."""
    summary, labels = submission.summary, None
    # A held note gets its warning now too: it is what readers see if a moderator approves it.
    if decision.outcome in (PUBLISH_WITH_WARNING, HOLD) and decision.warning and not summary:
        codes = decision.warning_labels
        summary = warning_text(codes, gettext) if codes else decision.warning
        labels = encode_labels(codes)
    return replace(
        submission, summary=summary, held=decision.outcome == HOLD, warning_labels=labels
    )


async def _store(
    deps: NoteDeps,
    screened: _Screened,
    now: datetime,
    insert: Callable[[Submission, str], Awaitable[Posted]],
    after_store: AfterStore | None = None,
) -> Published | Held:
    """The note, its fingerprint, its moderation record and the breaker's count in one
    transaction: one write turn on SQLite, and a failure anywhere stores none of them. The
    note's id is chosen first: its fingerprint is stored as that note's, and goes with it."""
    db = deps.db
    note_id = new_id()
    async with db.transaction():
        decision = await deps.moderator.remember(screened.assessment, now, note_id)
        gettext = deps.translations.get(screened.language, NullTranslations()).gettext
        posted = await insert(_as_decided(screened.submission, decision, gettext), note_id)
        await record_moderation(db, posted.note_id, "note", decision, now)
        if decision.outcome != HOLD:
            await count_accepted_post(db, screened.settings, now)
        if after_store is not None:
            await after_store(posted, decision.reason if decision.outcome == HOLD else None)
    if decision.outcome == HOLD:
        return Held(posted, decision.reason)
    return Published(posted)
