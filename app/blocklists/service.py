"""The public write API for domain blocks: every change (admin, API token, import, subscription,
undo, revert) comes through here or through `app.moderation.domains`, which share
`app.blocklists.changes`. A change that makes a domain newly suspended is enforced at once
(followers removed, content deleted, deliveries cancelled).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.blocklists.changes import (
    MANUAL_SOURCE_ID,
    BlockChange,
    ChangeActor,
    recompute,
    write_assertion,
)
from app.blocklists.compound_changes import (
    ALLOW,
    EXCLUDE,
    change_shield,
    lift_block,
    parse_compound,
    undo_compound,
)
from app.blocklists.provenance import DEFAULT_POLICY, MergePolicy
from app.core.errors import NotFound
from app.core.states import REVERTED
from app.core.urls import Urls
from app.db.engine import Db
from app.moderation.domains import enforce_suspension, normalise_domain
from app.store import block_assertions, block_audit, blocklist_runs
from app.store.block_assertions import MANUAL, TOKEN
from app.store.block_audit import AuditEntry
from app.store.domain_blocks import BlockValues

__all__ = [
    "BlockChange",
    "BlockValues",
    "ChangeActor",
    "RevertOutcome",
    "assert_block",
    "lift",
    "retract_block",
    "revert_run",
    "undo_change",
]


@dataclass(frozen=True, slots=True)
class RevertOutcome:
    reverted: list[str] = field(default_factory=list)
    # Domains whose assertion changed again after the run: left alone, listed for the admin.
    skipped: list[str] = field(default_factory=list)


async def _enforced(db: Db, urls: Urls, change: BlockChange, now: datetime) -> BlockChange:
    if change.is_new_suspension:
        await enforce_suspension(db, urls, change.domain, now)
    return change


async def assert_block(
    db: Db,
    urls: Urls,
    domain: str,
    source_kind: str,
    source_id: str,
    values: BlockValues,
    actor: ChangeActor,
    now: datetime,
    run_id: str | None = None,
    reason: str = "",
    *,
    policy: MergePolicy = DEFAULT_POLICY,
) -> BlockChange:
    """One source says `domain` should be blocked with `values` (domain normalised here)."""
    change = await write_assertion(
        db,
        normalise_domain(domain),
        source_kind,
        source_id,
        values,
        actor,
        now,
        run_id=run_id,
        reason=reason,
        policy=policy,
    )
    return await _enforced(db, urls, change, now)


async def retract_block(
    db: Db,
    urls: Urls,
    domain: str,
    source_kind: str,
    source_id: str,
    actor: ChangeActor,
    now: datetime,
    run_id: str | None = None,
    reason: str = "",
    *,
    policy: MergePolicy = DEFAULT_POLICY,
) -> BlockChange:
    """One source no longer asserts `domain`; the block stays while anything else supports it."""
    change = await write_assertion(
        db,
        normalise_domain(domain),
        source_kind,
        source_id,
        None,
        actor,
        now,
        run_id=run_id,
        reason=reason,
        policy=policy,
    )
    return await _enforced(db, urls, change, now)


async def lift(
    db: Db, domain: str, actor: ChangeActor, now: datetime, reason: str = ""
) -> BlockChange:
    """Lift the block outright (admin removal, API DELETE); see `changes.lift_block`."""
    changes = await lift_block(db, normalise_domain(domain), actor, now, reason=reason)
    return changes[-1]


async def set_manual(
    db: Db, urls: Urls, domain: str, values: BlockValues, actor: ChangeActor, now: datetime
) -> BlockChange:
    return await assert_block(db, urls, domain, MANUAL, MANUAL_SOURCE_ID, values, actor, now)


async def set_by_token(
    db: Db, urls: Urls, domain: str, values: BlockValues, actor: ChangeActor, now: datetime
) -> BlockChange:
    assert actor.kind == TOKEN and actor.id is not None
    return await assert_block(db, urls, domain, TOKEN, actor.id, values, actor, now)


async def _restore(
    db: Db,
    urls: Urls,
    entry: AuditEntry,
    actor: ChangeActor,
    now: datetime,
    reason: str,
) -> bool:
    """Put back what the entry changed (one source's assertion, or a lift's or shield change's
    several moves) as it was before the entry; False when it has changed again since (a later
    change wins over an old undo)."""
    recorded: dict[str, Any] = entry.assertion or {}
    compound = parse_compound(entry.domain, recorded)
    if compound is not None:
        undone = await undo_compound(db, entry.domain, compound, actor, now, reason=reason)
        if undone is None:
            return False
        await _enforced(db, urls, undone, now)
        return True
    if not recorded:
        await _enforced(db, urls, await recompute(db, entry.domain, actor, now, reason=reason), now)
        return True
    kind, source_id = recorded["source_kind"], recorded["source_id"]
    current = await block_assertions.get_assertion(db, entry.domain, kind, source_id)
    current_values = None if current is None else current.values.as_dict()
    if current_values != recorded["after"]:
        return False
    before = recorded["before"]
    values = None if before is None else BlockValues(**before)
    change = await write_assertion(
        db, entry.domain, kind, source_id, values, actor, now, reason=reason
    )
    await _enforced(db, urls, change, now)
    return True


async def undo_change(db: Db, urls: Urls, audit_id: int, actor: ChangeActor, now: datetime) -> bool:
    """Undo one audited change; False when the source's assertion has changed since."""
    entry = await block_audit.get_audit(db, audit_id)
    if entry is None:
        raise NotFound("not_found")
    return await _restore(db, urls, entry, actor, now, f"undo #{audit_id}")


async def revert_run(
    db: Db, urls: Urls, run_id: str, actor: ChangeActor, now: datetime
) -> RevertOutcome:
    """Undo everything one import or sync run changed, newest first, and mark it reverted."""
    outcome = RevertOutcome()
    for entry in reversed(await block_audit.list_audit_of_run(db, run_id)):
        restored = await _restore(db, urls, entry, actor, now, f"revert run {run_id}")
        (outcome.reverted if restored else outcome.skipped).append(entry.domain)
    # Only an applied run becomes reverted (its graph); the entries above are undone either way.
    await blocklist_runs.update_run_state(db, run_id, REVERTED, finished_at=now)
    return outcome


async def set_shield(
    db: Db,
    urls: Urls,
    domain: str,
    *,
    allow: bool,
    on: bool,
    actor: ChangeActor,
    now: datetime,
) -> BlockChange:
    """Add or remove an allow (domain and subdomains) or a local exclude, then recompute."""
    kind = ALLOW if allow else EXCLUDE
    change = await change_shield(db, normalise_domain(domain), kind, on, actor, now, reason=kind)
    return await _enforced(db, urls, change, now)
