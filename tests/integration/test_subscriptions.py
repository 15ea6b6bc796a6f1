"""Blocklist subscriptions end to end: sources served over loopback by a fake server, fetched
through the real SafeClient, merged, applied through the block service, on both engines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.blocklists import subscriptions
from app.blocklists.formats import domain_digest
from app.blocklists.service import ChangeActor, revert_run, set_manual
from app.store import block_assertions, blocklist_runs, blocklist_sources, domain_blocks
from app.store.domain_blocks import BlockValues
from app.store.subscription_settings import SubscriptionSettings, update_subscription_settings
from tests.support.app_client import RunningApp
from tests.support.fake_lists import FakeLists
from tests.support.servers import ThreadServer, run_asgi_in_thread

pytestmark = pytest.mark.anyio

HEADER = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
ADMIN = ChangeActor("admin", "a1", "admin: root")


def csv(*rows: str) -> str:
    return HEADER + "".join(f"{row}\n" for row in rows)


@pytest.fixture
def lists() -> Iterator[tuple[FakeLists, ThreadServer]]:
    fake = FakeLists()
    with run_asgi_in_thread(fake.app()) as server:
        yield fake, server


async def add_source(app: RunningApp, url: str, name: str, kind: str = "csv", **over: Any) -> str:
    values = {"name": name, "kind": kind, "url": url, "mode": "auto", **over}
    return await blocklist_sources.insert_source(app.services.db, values, T0)


async def sync(app: RunningApp, source_id: str, minutes: int) -> subscriptions.SyncOutcome:
    services = app.services
    return await subscriptions.sync_source(
        services.db,
        services.fetcher.client,
        services.urls,
        source_id,
        T0 + timedelta(minutes=minutes),
    )


async def severities(app: RunningApp) -> dict[str, str]:
    return {b.domain: b.severity for b in await domain_blocks.list_blocks(app.services.db)}


async def owners(app: RunningApp, domain: str) -> set[str]:
    found = await block_assertions.list_assertions(app.services.db, domain)
    return {a.source_id for a in found if a.source_kind == "subscription"}


async def settings(app: RunningApp, **values: Any) -> None:
    await update_subscription_settings(app.services.db, SubscriptionSettings(**values))


async def three_sources(app: RunningApp, fake: FakeLists, server: ThreadServer) -> list[str]:
    fake.put(
        "/a.csv",
        csv(
            "bad.example,suspend,false,false,harassment,false",
            "spam.example,silence,false,false,spam,false",
        ),
        content_type="text/csv",
    )
    fake.put(
        "/b.csv",
        csv("bad.example,silence,false,false,,false", "spam.example,silence,true,false,,false"),
        content_type="text/csv",
    )
    fake.put(
        "/c.csv",
        csv("bad.example,suspend,false,false,,false", "lone.example,suspend,false,false,,false"),
        content_type="text/csv",
    )
    return [await add_source(app, f"{server.url}/{n}.csv", n) for n in "abc"]


async def test_subscriptions_three_sources_threshold_and_max_merge(
    instance: RunningApp, lists: tuple[FakeLists, ThreadServer]
) -> None:
    fake, server = lists
    await settings(instance, threshold=2)
    ids = await three_sources(instance, fake, server)
    for minute, source_id in enumerate(ids):
        outcome = await sync(instance, source_id, minute)
        assert outcome.status == "ok"
    assert await severities(instance) == {"bad.example": "suspend", "spam.example": "silence"}
    assert await owners(instance, "bad.example") == set(ids)
    assert await owners(instance, "spam.example") == set(ids[:2])
    block = await domain_blocks.get_block(instance.services.db, "spam.example")
    assert block is not None and block.reject_media  # max: any source's flag


async def test_subscriptions_min_plan_and_percentage(
    instance: RunningApp, lists: tuple[FakeLists, ThreadServer]
) -> None:
    fake, server = lists
    await settings(instance, mergeplan="min", threshold=100, threshold_type="pct")
    ids = await three_sources(instance, fake, server)
    for minute, source_id in enumerate(ids):
        await sync(instance, source_id, minute)
    assert await severities(instance) == {"bad.example": "silence"}


async def test_subscriptions_source_going_away_retracts_nothing(
    instance: RunningApp, lists: tuple[FakeLists, ThreadServer]
) -> None:
    fake, server = lists
    fake.put("/a.csv", csv("bad.example,suspend,false,false,,false"))
    source_id = await add_source(instance, f"{server.url}/a.csv", "a")
    await sync(instance, source_id, 0)
    fake.put("/a.csv", "oops", status=500)
    outcome = await sync(instance, source_id, 1)
    assert outcome.status == "error" and outcome.error == "HTTP status 500"
    source = await blocklist_sources.get_source(instance.services.db, source_id)
    assert source is not None
    assert (source.last_status, source.last_error) == ("error", "HTTP status 500")
    del fake.paths["/a.csv"]
    assert (await sync(instance, source_id, 2)).status == "error"
    assert await severities(instance) == {"bad.example": "suspend"}


async def test_subscriptions_retraction_only_removes_that_sources_assertion(
    instance: RunningApp, lists: tuple[FakeLists, ThreadServer]
) -> None:
    fake, server = lists
    fake.put(
        "/a.csv",
        csv("both.example,suspend,false,false,,false", "only-a.example,silence,false,false,,false"),
    )
    fake.put("/b.csv", csv("both.example,suspend,false,false,,false"))
    a = await add_source(instance, f"{server.url}/a.csv", "a")
    b = await add_source(instance, f"{server.url}/b.csv", "b")
    await sync(instance, a, 0)
    await sync(instance, b, 1)
    await set_manual(
        instance.services.db,
        instance.services.urls,
        "only-a.example",
        BlockValues("silence"),
        ADMIN,
        T0,
    )
    fake.put("/a.csv", csv())
    await sync(instance, a, 2)
    assert await owners(instance, "both.example") == {b}
    # The manual decision still supports only-a.example; both.example still has b.
    assert await severities(instance) == {"both.example": "suspend", "only-a.example": "silence"}
    fake.put("/b.csv", csv())
    await sync(instance, b, 3)
    assert await severities(instance) == {"only-a.example": "silence"}


async def test_subscriptions_removing_source_retracts_what_only_it_asked_for(
    instance: RunningApp, lists: tuple[FakeLists, ThreadServer]
) -> None:
    fake, server = lists
    fake.put(
        "/a.csv",
        csv("shared.example,suspend,false,false,,false", "mine.example,suspend,false,false,,false"),
    )
    fake.put("/b.csv", csv("shared.example,silence,false,false,,false"))
    a = await add_source(instance, f"{server.url}/a.csv", "a")
    b = await add_source(instance, f"{server.url}/b.csv", "b")
    await sync(instance, a, 0)
    await sync(instance, b, 1)
    db, urls = instance.services.db, instance.services.urls
    await subscriptions.remove_source(db, urls, a, ADMIN, T0 + timedelta(minutes=2))
    assert await blocklist_sources.get_source(db, a) is None
    assert await severities(instance) == {"shared.example": "silence"}
    assert await owners(instance, "shared.example") == {b}


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (csv("bad.example,annihilate,false,false,,false"), "malformed entry 2: severity"),
        ('[{"domain": 7}]', "malformed entry 1: domain"),
        ('{"not": "a list"}', "malformed json list: json"),
        ("x" * (1_048_576 + 10), "response too large"),
    ],
)
async def test_subscriptions_malformed_or_huge_source_applies_nothing(
    instance: RunningApp, lists: tuple[FakeLists, ThreadServer], body: str, reason: str
) -> None:
    fake, server = lists
    kind = "json" if body.startswith(("[", "{")) else "csv"
    fake.put("/list", body)
    source_id = await add_source(instance, f"{server.url}/list", "bad", kind=kind)
    outcome = await sync(instance, source_id, 0)
    assert outcome.status == "error"
    assert outcome.error is not None and outcome.error.startswith(reason)
    source = await blocklist_sources.get_source(instance.services.db, source_id)
    assert source is not None and source.last_error == outcome.error
    assert await severities(instance) == {}


async def test_subscriptions_etag_not_modified_makes_no_run(
    instance: RunningApp, lists: tuple[FakeLists, ThreadServer]
) -> None:
    fake, server = lists
    fake.put("/a.csv", csv("bad.example,suspend,false,false,,false"), headers={"ETag": '"v1"'})
    source_id = await add_source(instance, f"{server.url}/a.csv", "a")
    assert (await sync(instance, source_id, 0)).status == "ok"
    second = await sync(instance, source_id, 1)
    assert second.status == "not_modified" and second.run_ids == []
    assert fake.requests[-1] == ("/a.csv", None)
    runs = await blocklist_sources.list_subscription_runs(instance.services.db, source_id)
    assert len(runs) == 1


async def test_subscriptions_bearer_and_basic_auth_are_sent(
    instance: RunningApp, lists: tuple[FakeLists, ThreadServer]
) -> None:
    fake, server = lists
    fake.put("/a.csv", csv())
    bearer = await add_source(
        instance, f"{server.url}/a.csv", "a", auth_kind="bearer", auth_secret="tok"
    )
    basic = await add_source(
        instance, f"{server.url}/a.csv", "b", auth_kind="basic", auth_secret="u:p"
    )
    await sync(instance, bearer, 0)
    await sync(instance, basic, 1)
    assert [auth for _, auth in fake.requests] == ["Bearer tok", "Basic dTpw"]


async def test_subscriptions_circuit_breaker_holds_then_approve_applies(
    instance: RunningApp, lists: tuple[FakeLists, ThreadServer]
) -> None:
    fake, server = lists
    await settings(instance, max_changes=2)
    rows = [f"d{i}.example,suspend,false,false,,false" for i in range(3)]
    fake.put("/a.csv", csv(*rows))
    source_id = await add_source(instance, f"{server.url}/a.csv", "a")
    outcome = await sync(instance, source_id, 0)
    db, urls = instance.services.db, instance.services.urls
    run = await blocklist_runs.get_run(db, outcome.run_ids[0])
    assert run is not None and run.state == "held" and run.summary["held"] == "breaker"
    assert [item["kind"] for item in run.proposal["items"]] == ["new"] * 3
    assert await severities(instance) == {}
    await subscriptions.approve_run(db, urls, run.id, ADMIN, T0 + timedelta(minutes=1))
    assert sorted(await severities(instance)) == ["d0.example", "d1.example", "d2.example"]
    approved = await blocklist_runs.get_run(db, run.id)
    assert approved is not None and approved.state == "applied"
    outcome = await revert_run(db, urls, run.id, ADMIN, T0 + timedelta(minutes=2))
    assert await severities(instance) == {}


async def test_subscriptions_review_mode_holds_and_discard(
    instance: RunningApp, lists: tuple[FakeLists, ThreadServer]
) -> None:
    fake, server = lists
    fake.put("/a.json", '[{"domain": "bad.example", "severity": "suspend"}]')
    source_id = await add_source(instance, f"{server.url}/a.json", "a", kind="json", mode="review")
    outcome = await sync(instance, source_id, 0)
    db = instance.services.db
    run = await blocklist_runs.get_run(db, outcome.run_ids[0])
    assert run is not None and run.summary["held"] == "review"
    await subscriptions.discard_run(db, run.id, T0)
    assert (await blocklist_runs.get_run(db, run.id)).state == "discarded"  # type: ignore[union-attr]
    assert await severities(instance) == {}


async def test_subscriptions_mastodon_public_list_obfuscated_by_digest_and_admin_paging(
    instance: RunningApp, lists: tuple[FakeLists, ThreadServer]
) -> None:
    fake, server = lists
    db = instance.services.db
    await set_manual(
        db,
        instance.services.urls,
        "known.example",
        BlockValues("noop", reject_reports=True),
        ADMIN,
        T0,
    )
    public = [
        {
            "domain": "kno***.example",
            "digest": domain_digest("known.example"),
            "severity": "suspend",
            "comment": None,
        },
        {
            "domain": "unk****.example",
            "digest": domain_digest("unknown.example"),
            "severity": "suspend",
            "comment": None,
        },
        {
            "domain": "clear.example",
            "digest": domain_digest("clear.example"),
            "severity": "silence",
            "comment": "spam",
        },
    ]
    fake.put_json("/api/v1/instance/domain_blocks", public)
    pub = await add_source(instance, server.url, "public", kind="mastodon_public")
    await sync(instance, pub, 1)
    assert await owners(instance, "known.example") == {pub}
    assert "unknown.example" not in await severities(instance)
    page2 = f"{server.url}/api/v1/admin/domain_blocks?max_id=1"
    fake.put_json(
        "/api/v1/admin/domain_blocks",
        [{"id": "2", "domain": "one.example", "severity": "suspend"}],
        headers={"Link": f'<{page2}>; rel="next", <{server.url}/x>; rel="prev"'},
    )
    fake.put_json(
        "/api/v1/admin/domain_blocks?max_id=1",
        [{"id": "1", "domain": "two.example", "severity": "silence"}],
    )
    admin = await add_source(
        instance, server.url, "admin", kind="mastodon_admin", auth_kind="bearer", auth_secret="t"
    )
    assert (await sync(instance, admin, 2)).status == "ok"
    assert {"one.example", "two.example"} <= set(await severities(instance))
