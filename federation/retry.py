"""What to do after a delivery attempt: the retry schedule and dead-domain rule, as pure functions.

This module owns the classification of remote outcomes (delivered, retry, failed, gone) and the
backoff, modelled on Mastodon's DeliveryWorker and DeliveryFailureTracker. It never reads a clock
or a random source (both are arguments) and never stores anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal

from federation.delivery import DeliveryOutcome

StepKind = Literal["delivered", "retry", "failed", "gone"]
DELIVERED: Final = "delivered"
RETRY: Final = "retry"
FAILED: Final = "failed"
GONE: Final = "gone"

# Sidekiq's `retry: 16` in Mastodon's ActivityPub::DeliveryWorker: ~2-3 days in all.
MAX_ATTEMPTS: Final = 16
# A 401 usually means the receiver cannot fetch our key (e.g. a deleted throwaway actor).
MAX_UNAUTHORIZED_ATTEMPTS: Final = 3
MAX_RETRY_AFTER: Final = timedelta(days=1)
DOMAIN_DEAD_AFTER: Final = timedelta(days=7)

_GONE_STATUSES: Final = frozenset({404, 410})
# 4xx that may succeed later; every other 4xx is permanent. Mastodon also gives up on 501.
_RETRYABLE_4XX: Final = frozenset({401, 408, 429})
_PERMANENT_5XX: Final = frozenset({501})
_HONOURS_RETRY_AFTER: Final = frozenset({429, 503})


@dataclass(frozen=True, slots=True)
class NextStep:
    """The decision for one delivery: final state, or when to try again."""

    kind: StepKind
    run_after: datetime | None
    reason: str


def decide_next(outcome: DeliveryOutcome, attempts: int, now: datetime, rand: float) -> NextStep:
    """Classify an attempt; `attempts` counts attempts made so far including this one.

    `rand` in [0, 1) supplies the jitter, so the schedule is reproducible in tests.
    """
    status = outcome.status
    reason = f"status {status}" if status is not None else (outcome.error or "no response")
    if status is not None and 200 <= status < 300:
        return NextStep(DELIVERED, None, reason)
    if status in _GONE_STATUSES:
        return NextStep(GONE, None, reason)
    if outcome.permanent or status in _PERMANENT_5XX or _is_permanent_4xx(status):
        return NextStep(FAILED, None, reason)
    limit = MAX_UNAUTHORIZED_ATTEMPTS if status == 401 else MAX_ATTEMPTS
    if attempts >= limit:
        return NextStep(FAILED, None, f"gave up after {attempts} attempts: {reason}")
    delay = backoff_delay(attempts, rand)
    if status in _HONOURS_RETRY_AFTER and outcome.retry_after is not None:
        delay = min(timedelta(seconds=max(outcome.retry_after, 0.0)), MAX_RETRY_AFTER)
    return NextStep(RETRY, now + delay, f"{reason}; retry in {int(delay.total_seconds())}s")


def backoff_delay(attempts: int, rand: float) -> timedelta:
    """Sidekiq's retry delay as Mastodon gets it: `n**4 + 15 + rand * 10 * (n + 1)` seconds."""
    return timedelta(seconds=attempts**4 + 15 + rand * 10 * (attempts + 1))


def is_domain_dead(
    first_failure_at: datetime | None, now: datetime, window: timedelta = DOMAIN_DEAD_AFTER
) -> bool:
    """Whether a domain failing without a success since `first_failure_at` counts as unavailable.

    Mastodon's DeliveryFailureTracker marks a domain unavailable after failures on 7 distinct
    days with no success in between; deliveries then pause until the domain contacts us again.
    """
    return first_failure_at is not None and now - first_failure_at >= window


def _is_permanent_4xx(status: int | None) -> bool:
    return status is not None and 400 <= status < 500 and status not in _RETRYABLE_4XX
