"""A subscription run's proposal for one source (reads, never writes): which of the source's
assertions to set or drop, and for each, where the effective block would go (new, upgraded,
downgraded, retracted, conflicting with a manual decision, or only refreshed) and what it would
cut (board followers on the domain, inbound items from it in the last seven days). Also the
circuit breaker's rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from app.blocklists.changes import values_of
from app.blocklists.listing import has_effect
from app.blocklists.merge import MergedBlock, MergeResult
from app.blocklists.provenance import compute_effective
from app.db.engine import Db
from app.store import block_assertions, domain_reach, domain_shields
from app.store import domain_blocks as block_store
from app.store.block_assertions import SUBSCRIPTION, Assertion
from app.store.blocklist_sources import Source
from app.store.domain_blocks import SEVERITY_RANK, BlockValues
from app.store.subscription_settings import SubscriptionSettings

ASSERT = "assert"
RETRACT = "retract"
NEW = "new"
UPGRADED = "upgraded"
DOWNGRADED = "downgraded"
RETRACTED = "retracted"
CONFLICTING = "conflicting"
REFRESHED = "refreshed"


def _effect(values: BlockValues | None) -> tuple[int, bool, bool] | None:
    if values is None or not has_effect(values):
        return None
    return SEVERITY_RANK[values.severity], values.reject_media, values.reject_reports


def classify(before: BlockValues | None, after: BlockValues | None, overruled: bool) -> str:
    """Where the effective block goes if this one change is made."""
    if overruled:
        return CONFLICTING
    was, will = _effect(before), _effect(after)
    if was == will:
        return REFRESHED
    if will is None:
        return RETRACTED
    if was is None:
        return NEW
    return UPGRADED if will > was else DOWNGRADED


def _claims_json(block: MergedBlock | None) -> list[dict[str, Any]]:
    if block is None:
        return []
    return [{"source_id": c.source_id, "via": c.via, **c.values.as_dict()} for c in block.claims]


async def item_for(
    db: Db,
    source: Source,
    domain: str,
    values: BlockValues | None,
    block: MergedBlock | None,
    now: datetime,
) -> dict[str, Any]:
    """One proposed change with its classification and impact."""
    others = [
        a
        for a in await block_assertions.list_assertions(db, domain)
        if not (a.source_kind == SUBSCRIPTION and a.source_id == source.id)
    ]
    predicted = list(others)
    if values is not None:
        predicted.append(Assertion(domain, SUBSCRIPTION, source.id, values, now, now))
    if await domain_shields.is_shielded(db, domain):
        predicted = [a for a in predicted if a.is_authoritative]
    before = values_of(await block_store.get_block(db, domain))
    after = compute_effective(predicted)
    overruled = values is not None and any(
        a.is_authoritative and _effect(a.values) != _effect(values) for a in others
    )
    kind = classify(before, after, overruled)
    impact = {"followers": 0, "traffic": 0}
    if kind != REFRESHED:
        impact = {
            "followers": await domain_reach.count_followers_on(db, domain),
            "traffic": await domain_reach.count_recent_inbound(db, domain, now),
        }
    return {
        "domain": domain,
        "op": ASSERT if values is not None else RETRACT,
        "kind": kind,
        "values": None if values is None else values.as_dict(),
        "before": None if before is None else before.as_dict(),
        "after": None if after is None else after.as_dict(),
        "claims": _claims_json(block),
        "disputed": bool(block and block.disputed),
        "impact": impact,
    }


async def items_for(
    db: Db, source: Source, merged: MergeResult, now: datetime
) -> list[dict[str, Any]]:
    desired = {d: b for d, b in merged.blocks.items() if source.id in b.listed_by}
    current = {
        a.domain: a.values
        for a in await block_assertions.list_assertions_of_source(db, SUBSCRIPTION, source.id)
    }
    items = []
    for domain in sorted(set(desired) | set(current)):
        block = desired.get(domain)
        values = None if block is None else block.values
        if values == current.get(domain):
            continue
        items.append(await item_for(db, source, domain, values, block, now))
    return items


def counts_of(items: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item["kind"]] = counts.get(item["kind"], 0) + 1
    return counts


def breaker_trips(changes: int, blocks: int, settings: SubscriptionSettings) -> bool:
    """More than `max_changes` effective changes, or more than `max_share_pct` percent of the
    blocks we have (once there are `share_floor` of them)."""
    if changes > settings.max_changes:
        return True
    return blocks >= settings.share_floor and 100 * changes > settings.max_share_pct * blocks
