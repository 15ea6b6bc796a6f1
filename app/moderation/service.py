"""The moderation pipeline with its configuration read from the database.

Every piece of content (a local post or reply, a remote reply arriving in the inbox) goes
through `Moderator.screen`: the pure content checks (app/moderation/pipeline.py), then what
needs state: premoderation, silenced senders, "review everything" while under attack. Proof of
work and rate limits are checked by the caller before. Each decision is recorded (content id,
check, outcome, reason, time; never who posted).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

import anyio

from app.db.engine import Db
from app.moderation.breaker import review_everything
from app.moderation.classifier import Classifier, Thresholds
from app.moderation.decision import HOLD, REJECT, Decision, Verdict, combine
from app.moderation.duplicates import CHECK as DUPLICATES
from app.moderation.duplicates import REASON as DUPLICATE
from app.moderation.duplicates import fingerprint, has_enough_text, is_near_duplicate
from app.moderation.filters import CategoryRule, FilterSet, default_rules
from app.moderation.normalize import normalize
from app.moderation.pipeline import (
    Content,
    build_content_checks,
    content_text,
    latin_text,
    run_checks,
)
from app.moderation.selfharm import default_self_harm_matcher, mentions_self_harm
from app.moderation.targets import addresses_someone
from app.moderation.wordlists import default_allowlist, default_terms
from app.store import filters as filter_store
from app.store import fingerprints
from app.store.boards import Board
from app.store.moderation import ModerationSettings, get_moderation_settings, record_decision

DUPLICATE_WINDOW = timedelta(minutes=30)
MAX_DISTANCE = 7
PREMODERATION = "premoderation"
SILENCED = "silenced"
UNDER_ATTACK = "under_attack"


@lru_cache(maxsize=4)
def build_filter_set(
    rules: tuple[tuple[str, CategoryRule], ...],
    terms: tuple[tuple[str, tuple[str, ...]], ...],
    patterns: tuple[tuple[str, tuple[str, ...]], ...],
    allowlist: tuple[str, ...],
) -> FilterSet:
    """Compiling takes a moment; the same configuration compiles once per process."""
    return FilterSet.build(dict(rules), dict(terms), dict(patterns), list(allowlist))


@dataclass(frozen=True, slots=True)
class Assessment:
    """A decision not yet stored: the content's fingerprint (None when it is not remembered:
    rejected, or too short to compare) and the highest fingerprint id the decision had read."""

    decision: Decision
    fingerprint: str | None
    seen_up_to: int


@dataclass(slots=True)
class Moderator:
    """One per process: holds the compiled filters (rebuilt when admins change them) and the
    classifier model (loaded on first use, off the event loop)."""

    db: Db
    classifier: Classifier = field(default_factory=Classifier)
    _filters: tuple[str, FilterSet] | None = None
    # One build at a time: the first burst of posts after start (or after an admin changed the
    # filters) would otherwise build the set once per post in flight, seconds each.
    _building: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def filter_set(self) -> FilterSet:
        version = await filter_store.get_filter_config_version(self.db)
        if self._filters is not None and self._filters[0] == version:
            return self._filters[1]
        async with self._building:
            if self._filters is None or self._filters[0] != version:
                self._filters = (version, await self._build_filter_set())
        return self._filters[1]

    async def _build_filter_set(self) -> FilterSet:
        rules = default_rules()
        for category in await filter_store.list_categories(self.db):
            rules[category.name] = CategoryRule(category.enabled, category.action)
        terms: dict[str, list[str]] = {k: list(v) for k, v in default_terms().items()}
        patterns: dict[str, list[str]] = {}
        for term in await filter_store.list_terms(self.db):
            target = patterns if term.kind == filter_store.REGEX else terms
            target.setdefault(term.category, []).append(term.term)
        # The shipped allowlist (乳腺, Scunthorpe, 操场…) applies to every category, with the
        # admin's own phrases added to it.
        allowlist = tuple(
            dict.fromkeys([*default_allowlist(), *await filter_store.list_allowlist(self.db)])
        )
        config = (
            tuple(sorted(rules.items())),
            tuple((k, tuple(v)) for k, v in sorted(terms.items())),
            tuple((k, tuple(v)) for k, v in sorted(patterns.items())),
            allowlist,
        )
        return await anyio.to_thread.run_sync(build_filter_set, *config)

    async def classifier_score(self, content: Content) -> float | None:
        text = latin_text(content_text(content))
        if not any(ch.isascii() and ch.isalpha() for ch in text):
            return None
        if not self.classifier.available():
            return None
        scores = await anyio.to_thread.run_sync(self.classifier.score, [text])
        return scores[0]

    async def assess(
        self,
        content: Content,
        now: datetime,
        *,
        board: Board | None = None,
        sender_silenced: bool = False,
        settings: ModerationSettings | None = None,
    ) -> Assessment:
        """Decide about one piece of content, writing nothing; `remember` (or `screen`) stores
        its fingerprint."""
        settings = settings or await get_moderation_settings(self.db)
        normalized = normalize(content_text(content))
        # The classifier runs only when the admin turned it on (off, it is never imported), and
        # its verdict counts only for text that addresses someone (pipeline.py): other text is
        # not scored at all.
        score = (
            await self.classifier_score(content)
            if settings.english_classifier and addresses_someone(normalized)
            else None
        )
        recent, mark = await fingerprints.list_recent_with_mark(self.db, now - DUPLICATE_WINDOW)
        checks = build_content_checks(
            await self.filter_set(),
            settings.link_allowlist,
            None if score is None else (lambda _text: score),
            Thresholds(
                settings.classifier_warn, settings.classifier_hold, settings.classifier_reject
            ),
            recent,
            MAX_DISTANCE,
            normalized_text=normalized,
            model_hold=settings.model_hold,
        )
        decision = run_checks(content, checks)
        extra = list(decision.verdicts)
        if board is not None and (
            board.premoderation == "all"
            or (board.premoderation == "threads" and content.is_thread_start)
        ):
            extra.append(Verdict(HOLD, PREMODERATION, PREMODERATION))
        if sender_silenced:
            extra.append(Verdict(HOLD, SILENCED, SILENCED))
        if review_everything(settings, now):
            extra.append(Verdict(HOLD, UNDER_ATTACK, UNDER_ATTACK))
        final = combine(extra) if len(extra) != len(decision.verdicts) else decision
        remembered = final.outcome != REJECT and has_enough_text(normalized)
        return Assessment(final, fingerprint(normalized) if remembered else None, mark)

    async def screen(
        self,
        content: Content,
        now: datetime,
        *,
        board: Board | None = None,
        sender_silenced: bool = False,
        settings: ModerationSettings | None = None,
        subject_id: str | None = None,
    ) -> Decision:
        """Decide about one piece of content (to be stored as `subject_id`); remembers its
        fingerprint unless rejected."""
        assessment = await self.assess(
            content, now, board=board, sender_silenced=sender_silenced, settings=settings
        )
        if assessment.fingerprint is not None:
            await fingerprints.insert_fingerprint(self.db, assessment.fingerprint, now, subject_id)
        return assessment.decision

    async def remember(
        self, assessment: Assessment, now: datetime, subject_id: str | None = None
    ) -> Decision:
        """Store the assessed content's fingerprint (as `subject_id`'s, deleted with it) and
        return its final decision: held as a duplicate if a near-copy was stored since `assess`
        read the recent ones (concurrent copies of one flood all read before any was stored).
        Call first inside the transaction that stores the content, so the copy check and the
        content commit together."""
        if assessment.fingerprint is None:
            return assessment.decision
        await fingerprints.lock_duplicate_check(self.db)
        # Insert before reading: on SQLite the transaction then holds the write lock from its
        # first statement, and rows stored before ours have lower ids.
        own = await fingerprints.insert_fingerprint(
            self.db, assessment.fingerprint, now, subject_id
        )
        if assessment.decision.outcome == HOLD:
            return assessment.decision
        newer = await fingerprints.list_newer(self.db, assessment.seen_up_to, own)
        if not is_near_duplicate(assessment.fingerprint, newer, MAX_DISTANCE):
            return assessment.decision
        return combine([*assessment.decision.verdicts, Verdict(HOLD, DUPLICATES, DUPLICATE)])

    def mentions_self_harm(self, text: str, care_threshold: float | None = None) -> bool:
        """`care_threshold`: the admin's `model_help` (None: the shipped threshold)."""
        return mentions_self_harm(normalize(text), default_self_harm_matcher(), care_threshold)


async def record(
    db: Db, subject_id: str, subject_kind: str, decision: Decision, now: datetime
) -> None:
    await record_decision(
        db, subject_id, subject_kind, decision.check, decision.outcome, decision.reason, now
    )
