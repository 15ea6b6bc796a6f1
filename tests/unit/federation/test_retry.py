"""The delivery decision table and the dead-domain rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from federation.delivery import DeliveryOutcome
from federation.retry import (
    MAX_ATTEMPTS,
    backoff_delay,
    decide_next,
    is_domain_dead,
)

NOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


def _outcome(status: int | None, retry_after: float | None = None, **kw: object) -> DeliveryOutcome:
    error = kw.pop("error", None if status is not None else "ConnectError: refused")
    return DeliveryOutcome(status, retry_after, error, "draft-cavage", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("status", [200, 201, 202, 204, 299])
def test_decide_next_2xx_is_delivered(status: int) -> None:
    """spec: delivery-success-2xx"""
    step = decide_next(_outcome(status), 1, NOW, 0.5)
    assert (step.kind, step.run_after) == ("delivered", None)


@pytest.mark.parametrize("status", [404, 410])
def test_decide_next_404_410_is_gone(status: int) -> None:
    """spec: delivery-gone"""
    assert decide_next(_outcome(status), 1, NOW, 0.5).kind == "gone"


@pytest.mark.parametrize("status", [400, 403, 405, 413, 415, 422, 451, 501])
def test_decide_next_permanent_statuses_fail_at_once(status: int) -> None:
    """spec: delivery-permanent-4xx"""
    step = decide_next(_outcome(status), 1, NOW, 0.5)
    assert (step.kind, step.run_after, step.reason) == ("failed", None, f"status {status}")


@pytest.mark.parametrize("status", [500, 502, 503, 504, 520, 408, 429, 302])
def test_decide_next_transient_statuses_retry_with_backoff(status: int) -> None:
    """spec: delivery-retry-5xx"""
    step = decide_next(_outcome(status), 2, NOW, 0.0)
    assert step.kind == "retry"
    assert step.run_after == NOW + timedelta(seconds=2**4 + 15)


def test_decide_next_5xx_is_never_delivered() -> None:
    """spec: delivery-5xx-not-delivered"""
    for status in range(500, 600):
        assert decide_next(_outcome(status), 1, NOW, 0.5).kind != "delivered"


def test_decide_next_network_error_retries() -> None:
    step = decide_next(_outcome(None), 1, NOW, 0.5)
    assert step.kind == "retry"
    assert "ConnectError" in step.reason


def test_decide_next_blocked_target_fails_permanently() -> None:
    step = decide_next(_outcome(None, error="FetchBlocked: private", permanent=True), 1, NOW, 0.5)
    assert step.kind == "failed"


def test_decide_next_gives_up_at_max_attempts() -> None:
    """spec: delivery-attempt-limit (>=, not >)"""
    assert decide_next(_outcome(503), MAX_ATTEMPTS - 1, NOW, 0.5).kind == "retry"
    step = decide_next(_outcome(503), MAX_ATTEMPTS, NOW, 0.5)
    assert step.kind == "failed"
    assert step.reason == f"gave up after {MAX_ATTEMPTS} attempts: status 503"
    assert decide_next(_outcome(None), MAX_ATTEMPTS + 3, NOW, 0.5).kind == "failed"


def test_decide_next_401_retries_only_three_attempts() -> None:
    """spec: delivery-401-few-retries"""
    assert decide_next(_outcome(401), 1, NOW, 0.5).kind == "retry"
    assert decide_next(_outcome(401), 2, NOW, 0.5).kind == "retry"
    assert decide_next(_outcome(401), 3, NOW, 0.5).kind == "failed"


@pytest.mark.parametrize("status", [429, 503])
def test_decide_next_honours_retry_after(status: int) -> None:
    """spec: delivery-retry-after"""
    step = decide_next(_outcome(status, retry_after=120.0), 1, NOW, 0.5)
    assert (step.kind, step.run_after) == ("retry", NOW + timedelta(seconds=120))


def test_decide_next_caps_retry_after_at_one_day() -> None:
    step = decide_next(_outcome(429, retry_after=10 * 86400.0), 1, NOW, 0.5)
    assert step.run_after == NOW + timedelta(days=1)


def test_decide_next_ignores_retry_after_on_500() -> None:
    step = decide_next(_outcome(500, retry_after=3600.0), 1, NOW, 0.0)
    assert step.run_after == NOW + timedelta(seconds=16)


def test_backoff_delay_follows_sidekiq_formula() -> None:
    """spec: delivery-backoff"""
    assert backoff_delay(0, 0.0) == timedelta(seconds=15)
    assert backoff_delay(3, 0.0) == timedelta(seconds=81 + 15)
    assert backoff_delay(3, 0.5) == timedelta(seconds=81 + 15 + 20)
    assert backoff_delay(15, 0.99) > backoff_delay(14, 0.99) > backoff_delay(13, 0.0)


def test_backoff_schedule_spans_about_two_days() -> None:
    total = sum((backoff_delay(n, 0.0) for n in range(1, MAX_ATTEMPTS)), timedelta())
    assert timedelta(days=1) < total < timedelta(days=3)


def test_is_domain_dead_after_seven_days_of_failures() -> None:
    """spec: delivery-dead-domain"""
    assert not is_domain_dead(None, NOW)
    assert not is_domain_dead(NOW - timedelta(days=6, hours=23), NOW)
    assert is_domain_dead(NOW - timedelta(days=7), NOW)
    assert is_domain_dead(NOW - timedelta(days=2), NOW, window=timedelta(days=1))
