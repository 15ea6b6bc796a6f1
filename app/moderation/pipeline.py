"""The content checks in order, and running them into one decision.

Owns the order of the pure content checks and stopping at the first rejection. The caller
applies, in this order, what needs I/O or state around it: proof of work, rate limits and the
circuit breaker (before anything here), then these checks, then premoderation ("review
everything", first posts) and silenced domains for remote content (after, able only to make
the outcome stricter). Inside: the text (summary and body together) is normalised once, then
links and contacts → word and pattern filters (with the rule detectors) → the n-gram model →
English classifier → near-duplicates, cheap and decisive first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from app.moderation.classifier import CHECK as CLASSIFIER_CHECK
from app.moderation.classifier import Thresholds, verdict_for
from app.moderation.decision import ALLOW, REJECT, Decision, Verdict, combine
from app.moderation.duplicates import check_duplicate
from app.moderation.filters import FilterSet
from app.moderation.links import check_links
from app.moderation.model import check_model
from app.moderation.normalize import Converter, Normalized, is_cjk, normalize
from app.moderation.targets import addresses_someone

LOCAL = "local"
REMOTE = "remote"
ORIGINS = (LOCAL, REMOTE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Content:
    """Plain text of a submission (markup already stripped) and what it is."""

    text: str
    summary: str | None
    origin: str
    is_thread_start: bool
    # URLs the content links to that its text need not show (the hrefs of remote HTML).
    links: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.origin not in ORIGINS:
            raise ValueError(f"origin must be one of {ORIGINS}, not {self.origin!r}")


Check = Callable[[Content], Verdict]


def run_checks(content: Content, checks: Sequence[Check]) -> Decision:
    """Run `checks` in order, stopping after the first REJECT, and combine their verdicts."""
    verdicts: list[Verdict] = []
    for check in checks:
        verdict = check(content)
        verdicts.append(verdict)
        if verdict.action == REJECT:
            break
    return combine(verdicts)


def build_content_checks(
    filters: FilterSet,
    allowed_domains: Collection[str],
    classifier_score: Callable[[str], float] | None,
    thresholds: Thresholds,
    recent_fingerprints: Iterable[str],
    max_distance: int,
    converter: Converter | None = None,
    normalized_text: Normalized | None = None,
    model_hold: float | None = None,
) -> list[Check]:
    """The ordered checks for one submission. `classifier_score` None skips the classifier;
    `recent_fingerprints` is read once, here; `normalized_text` saves normalising again when the
    caller already did (it must be `normalize(content_text(content))`); `model_hold` is the
    admin's score from which the n-gram model holds (None: the shipped one; 1: off)."""
    recent = tuple(recent_fingerprints)
    domains = frozenset(allowed_domains)

    # One normalisation per submission, shared by every check built here.
    @lru_cache(maxsize=1)
    def normalized(content: Content) -> Normalized:
        if normalized_text is not None:
            return normalized_text
        return normalize(content_text(content), converter)

    def links(content: Content) -> Verdict:
        return check_links(normalized(content), domains, content.links)

    def words(content: Content) -> Verdict:
        return filters.check(normalized(content))

    def classifier(content: Content) -> Verdict:
        if classifier_score is None:
            return Verdict(ALLOW, CLASSIFIER_CHECK)
        latin = latin_text(content_text(content))
        if not _LATIN.search(latin):
            return Verdict(ALLOW, CLASSIFIER_CHECK)
        # The classifier scores swearing, not whom it is aimed at: "this week was shit" scores
        # like an insult. Its verdict counts only for a text that addresses someone.
        if not addresses_someone(normalized(content)):
            return Verdict(ALLOW, CLASSIFIER_CHECK)
        return verdict_for(classifier_score(latin), thresholds)

    def duplicates(content: Content) -> Verdict:
        return check_duplicate(normalized(content), recent, max_distance)

    def ngrams(content: Content) -> Verdict:
        return check_model(normalized(content), threshold=model_hold)

    return [links, words, ngrams, classifier, duplicates]


def content_text(content: Content) -> str:
    """What the checks read: the content warning and the body."""
    return f"{content.summary}\n{content.text}" if content.summary else content.text


def latin_text(text: str) -> str:
    """The text with CJK characters blanked: the classifier is English-only, and Chinese
    characters would only dilute its score."""
    return "".join(" " if is_cjk(char) else char for char in text)
