"""The subscriptions admin pages: admins only, CSRF-checked, a source added, fetched (over
loopback) and reviewed through the forms; bad input refused with a 400 that changes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.store import blocklist_sources, domain_blocks
from tests.support.admin import form_token, make_admin, sign_in, signed_in
from tests.support.app_client import RunningApp
from tests.support.fake_lists import FakeLists
from tests.support.servers import ThreadServer, run_asgi_in_thread

pytestmark = pytest.mark.anyio

PAGE = "/admin/subscriptions"


@pytest.fixture
def lists() -> Iterator[tuple[FakeLists, ThreadServer]]:
    fake = FakeLists()
    with run_asgi_in_thread(fake.app()) as server:
        yield fake, server


def source_form(url: str, **over: str) -> dict[str, str]:
    return {
        "name": "peer list",
        "kind": "csv",
        "url": url,
        "auth_kind": "none",
        "auth_secret": "",
        "trust": "1",
        "max_severity": "suspend",
        "priority": "0",
        "mode": "review",
        "enabled": "on",
        "fetch_every_seconds": "3600",
        **over,
    }


async def test_admin_subscriptions_requires_admin_role(instance: RunningApp) -> None:
    assert (await instance.client.get(PAGE)).status_code == 401
    await make_admin(instance.services.db, "mod", "moderator")
    await sign_in(instance.client, "mod")
    assert (await instance.client.get(PAGE)).status_code == 403


async def test_admin_subscriptions_add_fetch_review_approve_revert(
    instance: RunningApp, lists: tuple[FakeLists, ThreadServer]
) -> None:
    fake, server = lists
    fake.put("/list.csv", "#domain,#severity\nbad.example,suspend\n", content_type="text/csv")
    client, db = instance.client, instance.services.db
    await signed_in(client, db, "root", "admin")
    refused = await client.post(PAGE, data=source_form(f"{server.url}/list.csv"))
    assert refused.status_code == 403  # no CSRF token
    token = await form_token(client, PAGE)
    added = await client.post(
        PAGE, data={"csrf_token": token, **source_form(f"{server.url}/list.csv")}
    )
    assert added.status_code == 303
    [source] = await blocklist_sources.list_sources(db)
    fetched = await client.post(f"{PAGE}/{source.id}/fetch", data={"csrf_token": token})
    assert fetched.status_code == 303
    [line] = await blocklist_sources.list_subscription_runs(db, source.id)
    assert line.state == "held" and await domain_blocks.list_blocks(db) == []
    page = await client.get(f"{PAGE}/runs/{line.id}")
    assert page.status_code == 200 and "bad.example" in page.text
    approved = await client.post(f"{PAGE}/runs/{line.id}/approve", data={"csrf_token": token})
    assert approved.status_code == 303
    assert [b.domain for b in await domain_blocks.list_blocks(db)] == ["bad.example"]
    again = await client.post(f"{PAGE}/runs/{line.id}/approve", data={"csrf_token": token})
    assert again.status_code == 409
    reverted = await client.post(f"{PAGE}/runs/{line.id}/revert", data={"csrf_token": token})
    assert reverted.status_code == 303
    assert await domain_blocks.list_blocks(db) == []
    listing = await client.get(PAGE)
    assert "peer list" in listing.text and "ok" in listing.text


@pytest.mark.parametrize(
    "over",
    [
        {"url": "ftp://x.example/list"},
        {"kind": "rss"},
        {"trust": "nan"},
        {"priority": "999"},
        {"fetch_every_seconds": "5"},
        {"auth_kind": "bearer"},
        {"name": ""},
        {"mode": "yolo"},
    ],
)
async def test_admin_subscriptions_bad_source_input_changes_nothing(
    instance: RunningApp, over: dict[str, str]
) -> None:
    client, db = instance.client, instance.services.db
    await signed_in(client, db, "root", "admin")
    token = await form_token(client, PAGE)
    data = {"csrf_token": token, **source_form("https://lists.example/x.csv"), **over}
    answer = await client.post(PAGE, data=data)
    assert answer.status_code == 400
    assert await blocklist_sources.list_sources(db) == []


async def test_admin_subscriptions_settings_and_unknown_ids(instance: RunningApp) -> None:
    client, db = instance.client, instance.services.db
    await signed_in(client, db, "root", "admin")
    token = await form_token(client, PAGE)
    settings = {
        "mergeplan": "min",
        "threshold": "50",
        "threshold_type": "pct",
        "max_changes": "10",
        "max_share_pct": "5",
        "share_floor": "3",
    }
    answer = await client.post(f"{PAGE}/settings", data={"csrf_token": token, **settings})
    assert answer.status_code == 303
    bad = await client.post(
        f"{PAGE}/settings", data={"csrf_token": token, **settings, "threshold": "500"}
    )
    assert bad.status_code == 400
    page = await client.get(PAGE)
    assert 'value="50.0"' in page.text
    assert (await client.get(f"{PAGE}/runs/nope")).status_code == 404
    missing = await client.post(f"{PAGE}/nope/fetch", data={"csrf_token": token})
    assert missing.status_code == 404
