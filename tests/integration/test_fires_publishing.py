"""Our domain blocks as a FIRES dataset, and a second Treehole subscribing to it over loopback
(real HTTP through SafeClient), on both engines."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.blocklists import fires, subscriptions
from app.blocklists.formats import domain_digest
from app.blocklists.service import ChangeActor, lift, set_manual
from app.core.urls import Urls
from app.db.engine import Db, connect, disconnect
from app.main import create_app
from app.store import blocklist_runs, blocklist_settings, blocklist_sources, domain_blocks
from app.store.domain_blocks import BlockValues
from tests.conftest import make_settings
from tests.support.app_client import RunningApp
from tests.support.ports import free_port
from tests.support.servers import run_asgi_in_thread

pytestmark = pytest.mark.anyio

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
ADMIN = ChangeActor("admin", "a1", "admin: root")


async def publish(db: Db) -> None:
    await blocklist_settings.set_visibility(
        db, blocklist_settings.SHOW_DOMAIN_BLOCKS, blocklist_settings.ALL
    )


async def block(db: Db, urls: Urls, domain: str, values: BlockValues, minutes: int) -> None:
    await set_manual(db, urls, domain, values, ADMIN, T0 + timedelta(minutes=minutes))


async def test_fires_dataset_snapshot_and_changes(instance: RunningApp) -> None:
    """spec: fires-dataset"""
    db, urls, client = instance.services.db, instance.services.urls, instance.client
    assert (await client.get("/datasets")).status_code == 404  # not published by default
    await publish(db)
    await block(db, urls, "gone.example", BlockValues("suspend"), 0)
    await block(db, urls, "hidden.example", BlockValues("silence", obfuscate=True), 1)
    await block(db, urls, "media.example", BlockValues("noop", reject_media=True), 2)
    await lift(db, "gone.example", ADMIN, T0 + timedelta(minutes=3))

    index = (await client.get("/datasets")).json()
    dataset = index["items"][0]
    assert index["@context"][:2] == [fires.AS_CONTEXT, fires.FIRES_CONTEXT]
    assert dataset["type"] == "Dataset" and dataset["name"]
    snapshot_response = await client.get(dataset["endpoints"]["snapshot"])
    assert snapshot_response.headers["content-type"].startswith("application/ld+json")
    snapshot = snapshot_response.json()
    items = snapshot["orderedItems"]
    assert [i.get("entityKey") for i in items] == ["media.example", None]
    assert items[0]["recommendedPolicy"] == "filter"
    assert items[0]["recommendedFilters"] == ["reject-media"]
    assert items[1]["entityDigest"] == "sha256:" + domain_digest("hidden.example")
    assert "hidden.example" not in snapshot_response.text

    first = (await client.get(dataset["endpoints"]["changes"])).json()["first"]
    page = (await client.get(first)).json()
    assert page["type"] == "OrderedCollectionPage" and "next" not in page
    changes = page["orderedItems"]
    assert [(c["type"], c.get("entityKey")) for c in changes] == [
        ("Recommendation", "gone.example"),
        ("Recommendation", None),
        ("Recommendation", "media.example"),
        ("Retraction", "gone.example"),
    ]
    assert changes[0]["recommendedPolicy"] == "drop"
    assert changes[1]["recommendedFilters"][:1] == ["auto-unlisted"]
    ids = [c["id"].rsplit("/", 1)[1] for c in changes]
    assert ids == sorted(ids) and all(i[14] == "7" for i in ids)
    assert snapshot["changes"].endswith(f"since={ids[-1]}")
    later = (await client.get(snapshot["changes"])).json()
    assert later["orderedItems"] == []
    # Deterministic: the same ids on a second read.
    assert [c["id"] for c in (await client.get(first)).json()["orderedItems"]] == [
        c["id"] for c in changes
    ]


async def test_fires_bad_cursor_and_unknown_dataset(instance: RunningApp) -> None:
    await publish(instance.services.db)
    dataset = fires.dataset_id(instance.services.urls.base)
    for since in ("nonsense", "12345678-1234-4234-8234-123456789012"):
        response = await instance.client.get(
            f"/datasets/{dataset}/changes", params={"since": since}
        )
        assert response.status_code == 400
    assert (await instance.client.get("/datasets/not-ours/snapshot")).status_code == 404


async def test_fires_etag_answers_not_modified(instance: RunningApp) -> None:
    await publish(instance.services.db)
    first = await instance.client.get("/datasets")
    again = await instance.client.get("/datasets", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


@dataclass(slots=True)
class Publisher:
    db: Db
    urls: Urls


@pytest.fixture
def publisher_url(make_database_url: Callable[[str], str]) -> str:
    # Prepared outside the event loop: the PostgreSQL template runs its own.
    return make_database_url("publisher")


@pytest.fixture
async def publisher(publisher_url: str, tmp_path: Path) -> AsyncIterator[Publisher]:
    """A second Treehole served over loopback by uvicorn in a thread, with its own database."""
    url = publisher_url
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = make_settings(url, tmp_path / "publisher", TREEHOLE_BASE_URL=base)
    db = await connect(url)
    try:
        await publish(db)
        with run_asgi_in_thread(create_app(settings, run_workers=False), port=port):
            yield Publisher(db, Urls(base))
    finally:
        await disconnect(db)


async def sync(app: RunningApp, source_id: str, minutes: int) -> subscriptions.SyncOutcome:
    services = app.services
    return await subscriptions.sync_source(
        services.db,
        services.fetcher.client,
        services.urls,
        source_id,
        T0 + timedelta(minutes=minutes),
    )


async def test_fires_second_treehole_subscribes_to_our_feed(
    instance: RunningApp, publisher: Publisher
) -> None:
    """spec: fires-subscribe"""
    await block(publisher.db, publisher.urls, "clear.example", BlockValues("suspend"), 0)
    await block(
        publisher.db, publisher.urls, "secret.example", BlockValues("suspend", obfuscate=True), 1
    )
    await block(publisher.db, publisher.urls, "quiet.example", BlockValues("silence"), 2)
    db = instance.services.db
    values = {"name": "peer", "kind": "treehole", "url": publisher.urls.base, "mode": "auto"}
    source_id = await blocklist_sources.insert_source(db, values, T0)
    outcome = await sync(instance, source_id, 10)
    assert outcome.status == "ok", outcome.error
    blocks = {b.domain: b.severity for b in await domain_blocks.list_blocks(db)}
    assert blocks == {"clear.example": "suspend", "quiet.example": "silence"}
    run = await blocklist_runs.get_run(db, outcome.run_ids[0])
    assert run is not None
    assert {"key": "sha256:" + domain_digest("secret.example"), "reason": "unknown_digest"} in (
        run.summary["skipped"]
    )
    source = await blocklist_sources.get_source(db, source_id)
    assert source is not None and source.cursor is not None

    await lift(publisher.db, "clear.example", ADMIN, T0 + timedelta(minutes=20))
    await block(publisher.db, publisher.urls, "new.example", BlockValues("suspend"), 21)
    assert (await sync(instance, source_id, 30)).status == "ok"
    blocks = {b.domain: b.severity for b in await domain_blocks.list_blocks(db)}
    assert blocks == {"quiet.example": "silence", "new.example": "suspend"}
    assert (await sync(instance, source_id, 40)).status == "not_modified"
