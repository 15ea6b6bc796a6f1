"""Subscription syncs: fetch a source, merge every source's latest listing, and turn the
difference between what each source should assert and what it asserts now into a run.

A run belongs to one source and holds that source's listing and its proposed changes (assert or
retract its own assertion on a domain), each classified against the effective block (new,
upgraded, downgraded, retracted, conflicting, refreshed) with its impact (board followers on the
domain, inbound items from it in the last seven days). Mode `auto` applies through
`app.blocklists.service` unless the circuit breaker trips; mode `review` always holds. Because a
threshold couples sources, a sync also re-merges the other sources and gives each one whose
assertions must change a run of its own. A source that fails to fetch keeps its last listing:
an outage retracts nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.blocklists import service
from app.blocklists.listing import (
    ListedEntry,
    listing_from_json,
    listing_to_json,
)
from app.blocklists.merge import (
    KnownDomains,
    MergeResult,
    MergeSettings,
    SourceListing,
    SourcePolicy,
    merge_listings,
)
from app.blocklists.proposals import (
    ASSERT,
    REFRESHED,
    breaker_trips,
    counts_of,
    item_for,
    items_for,
)
from app.blocklists.service import ChangeActor
from app.blocklists.sources import SourceError, fetch_listing
from app.core.errors import Invalid, NotFound
from app.core.states import APPLIED, DISCARDED, FAILED, HELD
from app.core.urls import Urls
from app.db.engine import Db
from app.store import (
    block_assertions,
    blocklist_runs,
    blocklist_sources,
    domain_reach,
    domain_shields,
)
from app.store.block_assertions import SUBSCRIPTION
from app.store.blocklist_sources import Source
from app.store.domain_blocks import BlockValues
from app.store.subscription_settings import SubscriptionSettings, get_subscription_settings
from federation.client import SafeClient

log = logging.getLogger("treehole.subscriptions")

AUTO = "auto"
REVIEW = "review"
MODES = (AUTO, REVIEW)
STATUS_OK = "ok"
STATUS_NOT_MODIFIED = "not_modified"
STATUS_ERROR = "error"
HELD_BY_REVIEW = "review"
HELD_BY_BREAKER = "breaker"
SKIPPED_KEPT = 200


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    status: str
    run_ids: list[str] = field(default_factory=list)
    error: str | None = None


def actor_for(source: Source) -> ChangeActor:
    return ChangeActor(SUBSCRIPTION, source.id, f"subscription: {source.name}")


def _policy(source: Source) -> SourcePolicy:
    return SourcePolicy(source.id, source.name, source.trust, source.max_severity, source.priority)


async def _listings(
    db: Db, sources: Sequence[Source], fresh: Mapping[str, Sequence[ListedEntry]]
) -> dict[str, Sequence[ListedEntry]]:
    """Each source's latest listing (a fresh one where given); sources never read are left
    out, so they do not count towards a percentage."""
    found: dict[str, Sequence[ListedEntry]] = {}
    for source in sources:
        if source.id in fresh:
            found[source.id] = fresh[source.id]
            continue
        raw = await blocklist_sources.get_latest_listing(db, source.id)
        if raw is not None:
            found[source.id] = listing_from_json(raw)
    return found


async def _merge(
    db: Db,
    settings: SubscriptionSettings,
    sources: Sequence[Source],
    listings: Mapping[str, Sequence[ListedEntry]],
) -> MergeResult:
    known = KnownDomains(
        known=await domain_reach.list_known_domains(db),
        allows=await domain_shields.list_allows(db),
        excludes=await domain_shields.list_excludes(db),
        standing=dict(await domain_reach.list_standing_blocks(db, SUBSCRIPTION)),
    )
    merge_settings = MergeSettings(settings.mergeplan, settings.threshold, settings.threshold_type)
    chosen = [SourceListing(_policy(s), listings[s.id]) for s in sources if s.id in listings]
    return merge_listings(chosen, merge_settings, known)


async def _hold_reason(
    db: Db, source: Source, items: Sequence[Mapping[str, Any]], settings: SubscriptionSettings
) -> str | None:
    if not items:
        return None
    if source.mode != AUTO:
        return HELD_BY_REVIEW
    changes = sum(1 for item in items if item["kind"] != REFRESHED)
    if breaker_trips(changes, await domain_reach.count_blocks(db), settings):
        return HELD_BY_BREAKER
    return None


async def apply_items(
    db: Db,
    urls: Urls,
    source_id: str,
    items: Sequence[Mapping[str, Any]],
    actor: ChangeActor,
    now: datetime,
    run_id: str,
    reason: str,
) -> int:
    """Make the run's changes through the service; returns how many were made."""
    for item in items:
        if item["op"] == ASSERT:
            values = BlockValues(**item["values"])
            await service.assert_block(
                db,
                urls,
                item["domain"],
                SUBSCRIPTION,
                source_id,
                values,
                actor,
                now,
                run_id,
                reason,
            )
        else:
            await service.retract_block(
                db, urls, item["domain"], SUBSCRIPTION, source_id, actor, now, run_id, reason
            )
    return len(items)


async def _record_run(
    db: Db,
    urls: Urls,
    source: Source,
    listing: Sequence[ListedEntry],
    items: list[dict[str, Any]],
    settings: SubscriptionSettings,
    now: datetime,
    extra: Mapping[str, Any],
) -> str:
    held = await _hold_reason(db, source, items, settings)
    summary = {
        "counts": counts_of(items),
        "changes": sum(1 for item in items if item["kind"] != REFRESHED),
        "held": held,
        "entries": len(listing),
        **extra,
    }
    proposal = {"listing": listing_to_json(listing), "items": items}
    run_id = await blocklist_runs.insert_run(
        db,
        SUBSCRIPTION,
        HELD,
        now,
        source_id=source.id,
        proposal=proposal,
        summary=summary,
    )
    if held is None:
        await apply_items(db, urls, source.id, items, actor_for(source), now, run_id, "sync")
        await blocklist_runs.update_run_state(db, run_id, APPLIED, finished_at=now)
    return run_id


async def _remerge(
    db: Db,
    urls: Urls,
    now: datetime,
    fresh: Mapping[str, Sequence[ListedEntry]],
    first: Source | None,
    extra: Mapping[str, Any],
) -> list[str]:
    """Merge every source's latest listing and give each source whose assertions must change
    a run (`first`, the fetched source, always gets one: its run keeps its new listing)."""
    settings = await get_subscription_settings(db)
    sources = await blocklist_sources.list_sources(db)
    listings = await _listings(db, sources, fresh)
    merged = await _merge(db, settings, sources, listings)
    run_ids = []
    ordered = ([first] if first else []) + [s for s in sources if first is None or s.id != first.id]
    for source in ordered:
        if source.id not in listings:
            continue
        items = await items_for(db, source, merged, now)
        if source is not first and not items:
            continue
        details = dict(extra) if source is first else {"trigger": extra.get("trigger")}
        if source is first:
            details["skipped"] = [
                {"key": s.key, "reason": s.reason} for s in merged.skipped if source.id in s.sources
            ][:SKIPPED_KEPT]
        run_ids.append(
            await _record_run(db, urls, source, listings[source.id], items, settings, now, details)
        )
    return run_ids


async def sync_source(
    db: Db, client: SafeClient, urls: Urls, source_id: str, now: datetime
) -> SyncOutcome:
    """Fetch one source and run the merge; a failure is recorded on the source and its run,
    and changes nothing else."""
    source = await blocklist_sources.get_source(db, source_id)
    if source is None:
        raise NotFound("source")
    previous = listing_from_json(await blocklist_sources.get_latest_listing(db, source.id))
    try:
        fetched = await fetch_listing(client, source, previous)
    except SourceError as error:
        message = str(error)[:500]
        log.info("blocklist source %s failed: %s", source.id, message)
        await blocklist_sources.record_fetch(db, source.id, now, STATUS_ERROR, message)
        run_id = await blocklist_runs.insert_run(
            db,
            SUBSCRIPTION,
            FAILED,
            now,
            source_id=source.id,
            summary={"error": message},
            error=message,
            finished_at=now,
        )
        return SyncOutcome(STATUS_ERROR, [run_id], message)
    if not fetched.changed:
        await blocklist_sources.record_fetch(
            db, source.id, now, STATUS_NOT_MODIFIED, cursor=fetched.cursor
        )
        return SyncOutcome(STATUS_NOT_MODIFIED)
    extra = {"trigger": source.id, "fetched": True, "unusable": fetched.unusable}
    run_ids = await _remerge(db, urls, now, {source.id: fetched.entries}, source, extra)
    await blocklist_sources.record_fetch(
        db, source.id, now, STATUS_OK, etag=fetched.etag, cursor=fetched.cursor
    )
    return SyncOutcome(STATUS_OK, run_ids)


async def sync_due_sources(db: Db, client: SafeClient, urls: Urls, now: datetime) -> int:
    """The periodic job: every due source, each on its own (one failure stops no other)."""
    done = 0
    for source in await blocklist_sources.list_due_sources(db, now):
        try:
            await sync_source(db, client, urls, source.id, now)
        except Exception:  # loop boundary: one source must never stop the others
            log.exception("blocklist source %s sync failed", source.id)
            await blocklist_sources.record_fetch(db, source.id, now, STATUS_ERROR, "internal error")
        done += 1
    return done


async def _held_run(db: Db, run_id: str) -> blocklist_runs.Run:
    run = await blocklist_runs.get_run(db, run_id)
    if run is None or run.kind != SUBSCRIPTION:
        raise NotFound("run")
    if run.state != HELD:
        raise Invalid("run", "not_held")
    return run


async def approve_run(db: Db, urls: Urls, run_id: str, actor: ChangeActor, now: datetime) -> int:
    """Apply a held run's proposal as it stands."""
    run = await _held_run(db, run_id)
    if run.source_id is None or await blocklist_sources.get_source(db, run.source_id) is None:
        raise Invalid("run", "source_gone")
    items = run.proposal.get("items", []) if isinstance(run.proposal, dict) else []
    done = await apply_items(db, urls, run.source_id, items, actor, now, run.id, "approved")
    await blocklist_runs.update_run_state(db, run.id, APPLIED, finished_at=now)
    return done


async def discard_run(db: Db, run_id: str, now: datetime) -> None:
    await _held_run(db, run_id)
    await blocklist_runs.update_run_state(db, run_id, DISCARDED, finished_at=now)


async def remove_source(
    db: Db, urls: Urls, source_id: str, actor: ChangeActor, now: datetime
) -> list[str]:
    """Retract everything the source asserts (blocks stay where something else supports them),
    forget the source, then re-merge the others (a threshold may no longer be met)."""
    source = await blocklist_sources.get_source(db, source_id)
    if source is None:
        raise NotFound("source")
    current = await block_assertions.list_assertions_of_source(db, SUBSCRIPTION, source.id)
    items = [await item_for(db, source, a.domain, None, None, now) for a in current]
    run_id = await blocklist_runs.insert_run(
        db,
        SUBSCRIPTION,
        HELD,
        now,
        source_id=source.id,
        proposal={"listing": [], "items": items},
        summary={"counts": counts_of(items), "removed": True},
    )
    await apply_items(db, urls, source.id, items, actor, now, run_id, "source removed")
    await blocklist_runs.update_run_state(db, run_id, APPLIED, finished_at=now)
    await blocklist_sources.delete_source(db, source.id)
    return [run_id, *await _remerge(db, urls, now, {}, None, {"trigger": source.id})]
