"""Inbox POSTs are answered before Starlette's routing (app/api/inbox_route.py) and must come out
as the regular stack would make them: security headers on every answer, the body limit, and
every other method or look-alike path left to the routes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from app.api import inbox_route
from app.api.inbox_route import INBOX_PATH
from app.http.middleware import SECURITY_HEADERS
from tests.support.app_client import RunningApp
from tests.support.fake_actors import FakeActors, run_fake_actors, sign_cavage_covering

pytestmark = pytest.mark.anyio


@pytest.fixture
def fake() -> Iterator[FakeActors]:
    with run_fake_actors() as actors:
        yield actors


def _has_security_headers(headers: dict[str, str]) -> bool:
    return all(headers.get(name.lower()) == value for name, value in SECURITY_HEADERS.items())


@pytest.mark.parametrize(
    ("path", "fast"),
    [
        ("/inbox", True),
        ("/actor/inbox", True),
        ("/b/main/inbox", True),
        ("/a/0123abcd/inbox", True),
        ("/b/main/inbox/x", False),
        ("/b//inbox", False),
        ("/c/main/inbox", False),
        ("/inboxes", False),
        ("/b/main/outbox", False),
    ],
)
def test_inbox_path_matches_exactly_the_inbox_routes(path: str, fast: bool) -> None:
    assert bool(INBOX_PATH.fullmatch(path)) is fast


async def test_inbox_answers_carry_the_security_headers(
    instance: RunningApp, fake: FakeActors
) -> None:
    base = instance.services.settings.base_url
    actor = fake.add_actor("carol")
    activity = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{actor}#follows/1",
        "type": "Follow",
        "actor": actor,
        "object": instance.services.urls.base + "/b/main",
    }
    body = json.dumps(activity).encode()
    headers = sign_cavage_covering(
        base + "/inbox", body, fake.key_id("carol"), fake.keypair.private_pem, datetime.now(UTC)
    )
    accepted = await instance.client.post("/inbox", content=body, headers=headers)
    unsigned = await instance.client.post("/b/main/inbox", content=body)
    oversized = await instance.client.post("/actor/inbox", content=b"x" * (1024 * 1024 + 1))
    assert [accepted.status_code, unsigned.status_code, oversized.status_code] == [202, 401, 413]
    for answer in (accepted, unsigned, oversized):
        assert _has_security_headers(dict(answer.headers)), answer.headers


async def test_other_methods_and_look_alike_paths_take_the_routes(instance: RunningApp) -> None:
    assert (await instance.client.get("/inbox")).status_code == 405
    assert (await instance.client.post("/b/main/inbox/x", content=b"{}")).status_code in (404, 405)
    missing = await instance.client.get("/b/main/inbox/x")
    assert missing.status_code == 404 and _has_security_headers(dict(missing.headers))


async def test_an_unexpected_inbox_failure_is_logged_and_answered_500(
    instance: RunningApp, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """As ServerErrorMiddleware answers every other route: a bug is a logged 500, not a hang."""

    async def broken(request: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(inbox_route, "receive_activity", broken)
    answer = await instance.client.post("/inbox", content=b"{}")
    assert answer.status_code == 500 and _has_security_headers(dict(answer.headers))
    assert "inbox request failed" in caplog.text
