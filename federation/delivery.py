"""One signed delivery attempt of an activity to an inbox, with Mastodon 4.7's double knock.

This module owns signing the stored body at send time, posting it through an injected `post`
callable and turning whatever happens into a `DeliveryOutcome`. It never raises for remote
failures, never retries on its own beyond the RFC 9421 second knock, and never decides what
happens next (`retry.decide_next` does).
"""

from __future__ import annotations

import email.utils
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Final, Protocol

import httpx

from federation.errors import (
    FetchBlocked,
    FetchError,
    FetchGone,
    FetchNotFound,
    FetchStatusError,
)
from federation.httpsig import sign_request_cavage, sign_request_rfc9421
from federation.offload import Offload, run_inline
from federation.signed_request import DRAFT_CAVAGE, RFC9421, as_utc

ACTIVITY_CONTENT_TYPE: Final = "application/activity+json"
# Mastodon 4.7 (`perform_rfc9421_signed_request`) re-sends with RFC 9421 after these answers.
_SECOND_KNOCK_STATUSES: Final = frozenset({400, 401})


class Response(Protocol):
    """What `post` must return: an httpx.Response fits."""

    @property
    def status_code(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]: ...


PostFn = Callable[[str, bytes, dict[str, str]], Awaitable[Response]]
"""`post(url, body, headers)`: the app passes the safe HTTP client's post."""


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """What one attempt produced. `status` is None when no HTTP answer arrived.

    `retry_after` is in seconds from `now`. `permanent` marks failures that no retry can fix
    (the target is blocked by our own fetch policy).
    """

    status: int | None
    retry_after: float | None
    error: str | None
    scheme: str
    permanent: bool = False


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One delivery to sign: the stored body, where it goes and the key that signs it."""

    inbox_url: str
    body: bytes
    key_id: str
    private_key_pem: str


async def deliver_once(
    post: PostFn,
    inbox_url: str,
    body: bytes,
    key_id: str,
    private_key_pem: str,
    now: datetime,
    *,
    offload: Offload = run_inline,
) -> DeliveryOutcome:
    """POST `body` to `inbox_url` signed with draft-cavage; on 400/401 knock again with RFC 9421.

    Signing runs through `offload`. Reports the last attempt's outcome. Never raises for remote
    failures: timeouts, connection errors and refused targets become an outcome with
    `status=None` and the error text.
    """
    outgoing = Outgoing(inbox_url, body, key_id, private_key_pem)
    signed = await offload(partial(sign_cavage_batch, [outgoing], now))
    return await deliver_signed(post, outgoing, signed[0], now, offload=offload)


async def deliver_signed(
    post: PostFn,
    outgoing: Outgoing,
    cavage_headers: dict[str, str],
    now: datetime,
    *,
    offload: Offload = run_inline,
) -> DeliveryOutcome:
    """`deliver_once` for a delivery already signed with draft-cavage (`sign_cavage_batch`, a
    moment ago: the Date is fresh for this attempt)."""
    outcome = await _attempt(
        post, outgoing.inbox_url, outgoing.body, cavage_headers, now, DRAFT_CAVAGE
    )
    if outcome.status not in _SECOND_KNOCK_STATUSES:
        return outcome
    request = (
        "POST", outgoing.inbox_url, {"Content-Type": ACTIVITY_CONTENT_TYPE}, outgoing.body,
        outgoing.key_id, outgoing.private_key_pem, now,
    )  # fmt: skip
    signed = await offload(partial(sign_request_rfc9421, *request))
    return await _attempt(post, outgoing.inbox_url, outgoing.body, signed, now, RFC9421)


def sign_cavage_batch(items: Sequence[Outgoing], now: datetime) -> list[dict[str, str]]:
    """Draft-cavage headers for each delivery, in order. One call signs many, so a thread pool
    pays its hand-over once per batch rather than once per delivery."""
    return [
        sign_request_cavage(
            "POST",
            item.inbox_url,
            {"Content-Type": ACTIVITY_CONTENT_TYPE},
            item.body,
            item.key_id,
            item.private_key_pem,
            now,
        )  # fmt: skip
        for item in items
    ]


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """`Retry-After` as seconds from `now`: delta-seconds or an HTTP-date; None if unusable."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - as_utc(now)).total_seconds(), 0.0)


async def _attempt(
    post: PostFn, url: str, body: bytes, headers: dict[str, str], now: datetime, scheme: str
) -> DeliveryOutcome:
    try:
        response = await post(url, body, headers)
    except FetchBlocked as exc:
        return DeliveryOutcome(None, None, _describe(exc), scheme, permanent=True)
    except FetchGone as exc:
        return DeliveryOutcome(410, None, _describe(exc), scheme)
    except FetchNotFound as exc:
        return DeliveryOutcome(404, None, _describe(exc), scheme)
    except FetchStatusError as exc:
        return DeliveryOutcome(exc.status, None, _describe(exc), scheme)
    except (FetchError, httpx.HTTPError, OSError) as exc:
        return DeliveryOutcome(None, None, _describe(exc), scheme)
    retry_after = parse_retry_after(_header(response.headers, "retry-after"), now)
    return DeliveryOutcome(response.status_code, retry_after, None, scheme)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is not None:
        return value
    return next((v for k, v in headers.items() if k.lower() == name), None)


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
