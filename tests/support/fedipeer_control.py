"""Clients for fedipeer's JSON control API (`/control/*`, see its README), sync and async.

The sync client suits tests whose server under test runs in another process or thread. Async
tests use `AsyncFedipeerControl`, which never blocks the event loop, so an in-process ASGI app
can answer the peer's deliveries meanwhile.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import anyio
import httpx

from tests.support.fedipeer_install import FedipeerError
from tests.support.ports import PATIENCE

CONTROL_TIMEOUT = 60.0

JSON = dict[str, Any]
R = TypeVar("R")
T = TypeVar("T")


class ControlError(FedipeerError):
    """The control API answered with an HTTP error (4xx/5xx); `body` holds its JSON answer."""

    def __init__(self, method: str, path: str, status: int, body: Any) -> None:
        self.method, self.path, self.status, self.body = method, path, status, body
        detail = body.get("error") if isinstance(body, dict) else body
        super().__init__(f"fedipeer {method} {path} -> HTTP {status}: {detail}")


def _params(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _body(**values: Any) -> JSON:
    return {key: value for key, value in values.items() if value is not None}


class _ControlCalls(Generic[R]):
    """One typed method per control endpoint of fedipeer's README; `R` is the call's result type.

    Activity-sending calls answer `{ok, activity, deliveries, errors}`; a delivery that the
    receiver rejected gives `ok: false` (not an exception), so tests can assert on it. HTTP errors
    of the control API itself (unknown actor, unresolvable target: 4xx/5xx) raise `ControlError`.
    `actor` defaults to the peer's first actor when `None`.
    """

    def control(
        self,
        method: str,
        path: str,
        json: JSON | None = None,
        *,
        params: Mapping[str, Any] | None = None,
    ) -> R:
        raise NotImplementedError

    def health(self) -> R:
        return self.control("GET", "/control/health")

    def actors(self) -> R:
        return self.control("GET", "/control/actors")

    def add_actor(self, identifier: str, name: str | None = None) -> R:
        return self.control("POST", "/control/actors", _body(identifier=identifier, name=name))

    def follow(self, actor: str | None, target: str) -> R:
        return self.control("POST", "/control/follow", _body(actor=actor, target=target))

    def unfollow(self, actor: str | None, target: str) -> R:
        return self.control("POST", "/control/unfollow", _body(actor=actor, target=target))

    def post(
        self,
        actor: str | None,
        content: str,
        *,
        visibility: str | None = None,
        mentions: Sequence[str] | None = None,
        html: str | None = None,
    ) -> R:
        body = _body(actor=actor, content=content, visibility=visibility, html=html)
        if mentions is not None:
            body["mentions"] = list(mentions)
        return self.control("POST", "/control/post", body)

    def reply(
        self,
        actor: str | None,
        in_reply_to: str,
        content: str,
        also_deliver_to: Sequence[str] | None = None,
        *,
        mention: bool | None = None,
        visibility: str | None = None,
    ) -> R:
        body = _body(
            actor=actor,
            inReplyTo=in_reply_to,
            content=content,
            mention=mention,
            visibility=visibility,
        )
        if also_deliver_to is not None:
            body["alsoDeliverTo"] = list(also_deliver_to)
        return self.control("POST", "/control/reply", body)

    def like(self, actor: str | None, object: str) -> R:
        return self.control("POST", "/control/like", _body(actor=actor, object=object))

    def announce(self, actor: str | None, object: str) -> R:
        return self.control("POST", "/control/announce", _body(actor=actor, object=object))

    def undo(self, actor: str | None, activity: str) -> R:
        return self.control("POST", "/control/undo", _body(actor=actor, activity=activity))

    def flag(
        self,
        actor: str | None,
        objects: Sequence[str],
        content: str,
        target: str | None = None,
        *,
        include_account: bool | None = None,
    ) -> R:
        body = _body(
            actor=actor,
            objects=list(objects),
            content=content,
            target=target,
            includeAccount=include_account,
        )
        return self.control("POST", "/control/flag", body)

    def delete(self, actor: str | None, object: str) -> R:
        return self.control("POST", "/control/delete", _body(actor=actor, object=object))

    def fetch(
        self,
        url: str,
        actor: str | None = None,
        signed: bool = True,
        accept: str | None = None,
        *,
        spec: str | None = None,
    ) -> R:
        body = _body(url=url, actor=actor, signed=signed, accept=accept, spec=spec)
        return self.control("POST", "/control/fetch", body)

    def lookup(self, target: str, actor: str | None = None) -> R:
        return self.control("POST", "/control/lookup", _body(target=target, actor=actor))

    def send(
        self,
        actor: str | None,
        inbox: str,
        activity: JSON,
        tamper: str = "none",
        spec: str | None = None,
    ) -> R:
        body = _body(actor=actor, inbox=inbox, activity=activity, tamper=tamper, spec=spec)
        return self.control("POST", "/control/send", body)

    def rotate_key(self, actor: str | None = None) -> R:
        return self.control("POST", "/control/rotate-key", _body(actor=actor))

    def inbox(self, since: int | None = None, type: str | None = None) -> R:
        return self.control("GET", "/control/inbox", params=_params(since=since, type=type))

    def outgoing(self, since: int | None = None) -> R:
        return self.control("GET", "/control/outgoing", params=_params(since=since))

    def requests(self, since: int | None = None) -> R:
        return self.control("GET", "/control/requests", params=_params(since=since))

    def followers(self, actor: str | None = None) -> R:
        return self.control("GET", "/control/followers", params=_params(actor=actor))

    def following(self, actor: str | None = None) -> R:
        return self.control("GET", "/control/following", params=_params(actor=actor))

    def notes(self) -> R:
        return self.control("GET", "/control/notes")

    def reset(self) -> R:
        return self.control("POST", "/control/reset", {})


def _decode(method: str, path: str, response: httpx.Response) -> JSON:
    try:
        body = response.json()
    except ValueError:
        body = response.text
    if response.status_code >= 400 or not isinstance(body, dict):
        raise ControlError(method, path, response.status_code, body)
    return body


def _matches(item: JSON, match: Callable[[JSON], bool] | None) -> bool:
    return match is None or bool(match(item))


class FedipeerControl(_ControlCalls[JSON]):
    """Synchronous control client for a fedipeer at `base_url`. Close it, or use it as a context."""

    def __init__(self, base_url: str, timeout: float = CONTROL_TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/")
        # trust_env=False: loopback traffic must never go through an HTTP(S)_PROXY.
        self._client = httpx.Client(base_url=self.base_url, timeout=timeout, trust_env=False)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> FedipeerControl:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def control(
        self,
        method: str,
        path: str,
        json: JSON | None = None,
        *,
        params: Mapping[str, Any] | None = None,
    ) -> JSON:
        response = self._client.request(method, path, json=json, params=params)
        return _decode(method, path, response)

    def wait_until(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 15.0,
        interval: float = 0.1,
        message: str | None = None,
    ) -> T:
        """Call `predicate()` until it returns something truthy, and return that.

        Bounded polling: raises `TimeoutError` after `timeout` seconds, naming `message` (or the
        predicate) and the last value or exception seen.
        """
        timeout *= PATIENCE
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = predicate()
            except (httpx.HTTPError, ControlError) as exc:
                last: object = f"{type(exc).__name__}: {exc}"
            else:
                if value:
                    return value
                last = value
            if time.monotonic() >= deadline:
                what = message or getattr(predicate, "__name__", repr(predicate))
                raise TimeoutError(f"{what}: not true after {timeout:.1f}s (last: {last!r})")
            time.sleep(interval)

    def wait_for_inbox(
        self,
        type: str | None = None,
        match: Callable[[JSON], bool] | None = None,
        *,
        since: int | None = None,
        timeout: float = 15.0,
    ) -> JSON:
        """Wait for an inbox record of `type` (and `match`), and return the first such record."""

        def found() -> JSON | None:
            items = self.inbox(since=since, type=type)["items"]
            return next((item for item in items if _matches(item, match)), None)

        return self.wait_until(found, timeout, message=f"inbox record type={type}")

    def follow_state(self, actor: str, target_id: str) -> str | None:
        """`pending`, `accepted` or `rejected` for `actor`'s follow of actor URI `target_id`."""
        for follow in self.following(actor).get(actor, []):
            if follow.get("target") == target_id:
                return str(follow.get("state"))
        return None


class AsyncFedipeerControl(_ControlCalls[Awaitable[JSON]]):
    """Async control client: every call awaits a short-lived `httpx.AsyncClient`.

    A client per call keeps it independent of any particular event loop, so one instance works
    across tests that each run their own loop (pytest's anyio plugin).
    """

    def __init__(self, base_url: str, timeout: float = CONTROL_TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    async def control(
        self,
        method: str,
        path: str,
        json: JSON | None = None,
        *,
        params: Mapping[str, Any] | None = None,
    ) -> JSON:
        async with httpx.AsyncClient(
            base_url=self.base_url, timeout=self.timeout, trust_env=False
        ) as client:
            response = await client.request(method, path, json=json, params=params)
        return _decode(method, path, response)

    async def wait_until(
        self,
        predicate: Callable[[], Any],
        timeout: float = 15.0,
        interval: float = 0.1,
        message: str | None = None,
    ) -> Any:
        """Like `FedipeerControl.wait_until`; `predicate` may be sync or async."""
        timeout *= PATIENCE
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = predicate()
                if inspect.isawaitable(value):
                    value = await value
            except (httpx.HTTPError, ControlError) as exc:
                last: object = f"{type(exc).__name__}: {exc}"
            else:
                if value:
                    return value
                last = value
            if time.monotonic() >= deadline:
                what = message or getattr(predicate, "__name__", repr(predicate))
                raise TimeoutError(f"{what}: not true after {timeout:.1f}s (last: {last!r})")
            await anyio.sleep(interval)

    async def wait_for_inbox(
        self,
        type: str | None = None,
        match: Callable[[JSON], bool] | None = None,
        *,
        since: int | None = None,
        timeout: float = 15.0,
    ) -> JSON:
        async def found() -> JSON | None:
            items = (await self.inbox(since=since, type=type))["items"]
            return next((item for item in items if _matches(item, match)), None)

        record: JSON = await self.wait_until(found, timeout, message=f"inbox record type={type}")
        return record
