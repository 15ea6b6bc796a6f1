"""Our domain blocks published as a FIRES dataset: the documents behind /datasets, the dataset,
its snapshot and its change pages (reads the audit log and the current blocks; writes nothing).
"""

from __future__ import annotations

from typing import Any

from app.blocklists import fires
from app.blocklists.changes import values_of
from app.blocklists.listing import has_effect
from app.core.urls import Urls
from app.db.engine import Db
from app.store import domain_blocks, published_changes

DATASET_NAME = "Domain blocks"
# Rows read per page: projected rows whose public effect did not change are skipped, so a page
# reads more rows than it shows.
SCAN_ROWS = 500


def build_dataset(urls: Urls) -> dict[str, Any]:
    dataset = fires.dataset_id(urls.base)
    return {
        "@context": fires.context(urls.base),
        "id": urls.dataset(dataset),
        "type": "Dataset",
        "name": DATASET_NAME,
        "summary": f"Domains moderated by {urls.base}, as recommendations.",
        "endpoints": {
            "changes": urls.dataset_changes(dataset),
            "snapshot": urls.dataset_snapshot(dataset),
        },
    }


def build_datasets(urls: Urls) -> dict[str, Any]:
    dataset = build_dataset(urls)
    del dataset["@context"]
    return {
        "@context": fires.context(urls.base),
        "id": urls.datasets(),
        "type": "Collection",
        "totalItems": 1,
        "items": [dataset],
    }


async def build_snapshot(db: Db, urls: Urls) -> dict[str, Any]:
    """The latest change of every blocked domain, newest first, and where to go on from."""
    dataset = fires.dataset_id(urls.base)
    changes_url = urls.dataset_changes(dataset)
    latest = await published_changes.latest_audit_of_blocked(db)
    items = []
    for block in await domain_blocks.list_blocks(db):
        values = values_of(block)
        if values is None or not has_effect(values):
            continue
        audit_id, at = latest.get(block.domain, (0, block.updated_at))
        change_id = f"{changes_url}/{fires.change_uuid(at, audit_id)}"
        items.append((at, audit_id, fires.build_snapshot_item(block.domain, values, change_id, at)))
    items.sort(key=lambda item: (item[0], item[1]), reverse=True)
    newest = await published_changes.get_latest_audit(db)
    cursor = fires.ZERO_CURSOR if newest is None else fires.change_uuid(newest[1], newest[0])
    return {
        "@context": fires.context(urls.base),
        "id": urls.dataset_snapshot(dataset),
        "type": "Collection",
        "totalItems": len(items),
        "orderedItems": [document for _, _, document in items],
        "changes": urls.dataset_changes(dataset, since=cursor),
    }


def build_changes_index(urls: Urls) -> dict[str, Any]:
    dataset = fires.dataset_id(urls.base)
    return {
        "@context": fires.context(urls.base),
        "id": urls.dataset_changes(dataset),
        "type": "OrderedCollection",
        "first": urls.dataset_changes(dataset, since=fires.ZERO_CURSOR),
    }


async def build_changes_page(db: Db, urls: Urls, since: str) -> dict[str, Any]:
    """Up to 100 changes after `since`, oldest first. CursorError for a bad `since`."""
    after = fires.audit_id_of(since)
    dataset = fires.dataset_id(urls.base)
    changes_url = urls.dataset_changes(dataset)
    hidden = await published_changes.list_obfuscated_domains(db)
    items: list[dict[str, Any]] = []
    last: str | None = None
    while len(items) < fires.PAGE_SIZE:
        rows = await published_changes.list_audit_after(db, after, SCAN_ROWS)
        for row in rows:
            after = row.id
            last = fires.change_uuid(row.at, row.id)
            change = fires.build_change(row, changes_url, hidden)
            if change is not None:
                items.append(change)
            if len(items) == fires.PAGE_SIZE:
                break
        if len(rows) < SCAN_ROWS:
            break
    page: dict[str, Any] = {
        "@context": fires.context(urls.base),
        "id": urls.dataset_changes(dataset, since=since),
        "type": "OrderedCollectionPage",
        "partOf": changes_url,
        "orderedItems": items,
    }
    if len(items) == fires.PAGE_SIZE and last is not None:
        page["next"] = urls.dataset_changes(dataset, since=last)
    return page
