"""One signed delivery attempt of an activity to an inbox, with Mastodon 4.7's double knock.

This module owns signing the stored body at the moment it is sent, posting it through an
injected `post` callable and turning whatever happens into a `DeliveryOutcome`. Every signature
is made right before its request leaves, with the time it is made (receivers such as Misskey
refuse a Date more than 5 minutes off, and a request may wait a while for its server's slot),
and the RFC 9421 second knock is signed anew when it happens. It never raises for remote
failures, never retries on its own beyond the second knock, and never decides what happens next
(`retry.decide_next` does).
"""

from __future__ import annotations

import email.utils
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
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
from federation.keys import PrivateKey
from federation.offload import CoalescingOffload, Offload, run_inline
from federation.signed_request import DRAFT_CAVAGE, RFC9421, Scheme, as_utc

ACTIVITY_CONTENT_TYPE: Final = "application/activity+json"
# Mastodon 4.7 (`perform_rfc9421_signed_request`) re-sends with RFC 9421 after these answers.
_SECOND_KNOCK_STATUSES: Final = frozenset({400, 401})

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


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

    `retry_after` is in seconds from the answer. `permanent` marks failures that no retry can
    fix (the target is blocked by our own fetch policy).
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
    body: bytes = field(repr=False)
    key_id: str
    private_key: PrivateKey = field(repr=False)


class RequestSigner:
    """Signs deliveries as they are sent, with the time of signing (`clock()`).

    Signatures run on `offload` (the worker's signing threads); the ones that come due together
    share a hand-over (`CoalescingOffload`), so signing each request on its own costs the event
    loop little more than signing a whole batch at once did.
    """

    def __init__(self, offload: Offload = run_inline, clock: Clock = utc_now) -> None:
        self._offload = CoalescingOffload(offload)
        self.clock = clock

    async def sign(self, outgoing: Outgoing, scheme: Scheme) -> dict[str, str]:
        """Every header to send with `outgoing`, signed with `scheme` at this moment."""
        return await self._offload(partial(self._headers, outgoing, scheme))

    def _headers(self, outgoing: Outgoing, scheme: Scheme) -> dict[str, str]:
        sign = sign_request_cavage if scheme == DRAFT_CAVAGE else sign_request_rfc9421
        return sign(
            "POST",
            outgoing.inbox_url,
            {"Content-Type": ACTIVITY_CONTENT_TYPE},
            outgoing.body,
            outgoing.key_id,
            outgoing.private_key,
            self.clock(),  # read on the signing thread, right before the signature is made
        )


async def deliver(post: PostFn, outgoing: Outgoing, signer: RequestSigner) -> DeliveryOutcome:
    """POST the activity signed with draft-cavage; on 400/401 knock again with RFC 9421, signed
    at the time of that second knock. Reports the last attempt's outcome. Never raises for remote
    failures: timeouts, connection errors and refused targets become an outcome with
    `status=None` and the error text. A key that cannot sign raises (ValueError)."""
    outcome = await _signed_attempt(post, outgoing, signer, DRAFT_CAVAGE)
    if outcome.status not in _SECOND_KNOCK_STATUSES:
        return outcome
    return await _signed_attempt(post, outgoing, signer, RFC9421)


async def deliver_once(
    post: PostFn,
    inbox_url: str,
    body: bytes,
    key_id: str,
    private_key: PrivateKey,
    now: datetime,
    *,
    offload: Offload = run_inline,
) -> DeliveryOutcome:
    """`deliver` one activity, every signature dated `now`."""
    outgoing = Outgoing(inbox_url, body, key_id, private_key)
    return await deliver(post, outgoing, RequestSigner(offload, clock=lambda: now))


async def _signed_attempt(
    post: PostFn, outgoing: Outgoing, signer: RequestSigner, scheme: Scheme
) -> DeliveryOutcome:
    headers = await signer.sign(outgoing, scheme)
    return await _attempt(post, outgoing.inbox_url, outgoing.body, headers, signer.clock, scheme)


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
    post: PostFn, url: str, body: bytes, headers: dict[str, str], clock: Clock, scheme: str
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
    retry_after = parse_retry_after(_header(response.headers, "retry-after"), clock())
    return DeliveryOutcome(response.status_code, retry_after, None, scheme)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is not None:
        return value
    return next((v for k, v in headers.items() if k.lower() == name), None)


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
