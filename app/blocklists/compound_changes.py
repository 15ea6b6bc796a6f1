"""Changes that move more than one source's assertion, or a shield, under one audit row: an admin's
lift (every manual and token assertion dropped, a local exclude added while imports or
subscriptions still assert the domain), an allowlist or exclude change, and the undo of either.
The audit row's `assertion` column records what moved (`{"dropped", "restored", "shield"}`, the
assertions with their timestamps) so an undo puts it back exactly, and refuses when any of it has
changed again since. Like `app.blocklists.changes`, this module writes and audits but does not
enforce.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.blocklists.changes import (
    BlockChange,
    ChangeActor,
    adopt_orphan,
    append_audit,
    effective_for,
    values_of,
    write_effective,
)
from app.blocklists.provenance import DEFAULT_POLICY, MergePolicy
from app.core.errors import Invalid
from app.db.engine import Db
from app.store import block_assertions, domain_blocks, domain_shields
from app.store.block_assertions import MERGED_KINDS, Assertion
from app.store.domain_blocks import BlockValues

ALLOW = "allow"
EXCLUDE = "exclude"
SHIELD_KINDS = (ALLOW, EXCLUDE)
ADD = "add"
REMOVE = "remove"


@dataclass(frozen=True, slots=True)
class ShieldMove:
    """An allow (domain and subdomains) or a local exclude (one domain) added or removed."""

    kind: str
    action: str

    def inverse(self) -> ShieldMove:
        return ShieldMove(self.kind, REMOVE if self.action == ADD else ADD)


@dataclass(frozen=True, slots=True)
class Compound:
    """What one audit row moved on one domain: assertions dropped (as they were) or restored, and
    at most one shield."""

    dropped: tuple[Assertion, ...] = ()
    restored: tuple[Assertion, ...] = ()
    shield: ShieldMove | None = None

    @property
    def is_empty(self) -> bool:
        return not self.dropped and not self.restored and self.shield is None

    def inverse(self) -> Compound:
        shield = None if self.shield is None else self.shield.inverse()
        return Compound(dropped=self.restored, restored=self.dropped, shield=shield)


def _assertion_dict(assertion: Assertion) -> dict[str, Any]:
    return {
        "source_kind": assertion.source_kind,
        "source_id": assertion.source_id,
        "values": assertion.values.as_dict(),
        "first_seen": assertion.first_seen.isoformat(),
        "last_seen": assertion.last_seen.isoformat(),
    }


def _parse_assertion(domain: str, recorded: Mapping[str, Any]) -> Assertion:
    return Assertion(
        domain=domain,
        source_kind=recorded["source_kind"],
        source_id=recorded["source_id"],
        values=BlockValues(**recorded["values"]),
        first_seen=datetime.fromisoformat(recorded["first_seen"]),
        last_seen=datetime.fromisoformat(recorded["last_seen"]),
    )


def build_payload(compound: Compound) -> dict[str, Any]:
    """The audit row's `assertion` column for a compound change."""
    shield = compound.shield
    return {
        "dropped": [_assertion_dict(a) for a in compound.dropped],
        "restored": [_assertion_dict(a) for a in compound.restored],
        "shield": None if shield is None else {"kind": shield.kind, "action": shield.action},
    }


def parse_compound(domain: str, payload: Mapping[str, Any] | None) -> Compound | None:
    """The compound change an audit row records, or None for a one-source row (or an old row)."""
    if not payload or "dropped" not in payload:
        return None
    shield = payload.get("shield")
    return Compound(
        dropped=tuple(_parse_assertion(domain, a) for a in payload["dropped"]),
        restored=tuple(_parse_assertion(domain, a) for a in payload.get("restored", ())),
        shield=None if shield is None else ShieldMove(shield["kind"], shield["action"]),
    )


async def _has_shield(db: Db, domain: str, kind: str) -> bool:
    if kind == ALLOW:
        return await domain_shields.has_allow(db, domain)
    return await domain_shields.has_exclude(db, domain)


async def _move_shield(db: Db, domain: str, shield: ShieldMove, now: datetime) -> None:
    if shield.kind == ALLOW:
        if shield.action == ADD:
            await domain_shields.insert_allow(db, domain, now)
        else:
            await domain_shields.delete_allow(db, domain)
    elif shield.action == ADD:
        await domain_shields.insert_exclude(db, domain, now)
    else:
        await domain_shields.delete_exclude(db, domain)


async def _is_in_force(db: Db, domain: str, compound: Compound) -> bool:
    """Everything the compound change did still stands: nothing has changed it since."""
    for gone in compound.dropped:
        if await block_assertions.get_assertion(db, domain, gone.source_kind, gone.source_id):
            return False
    for back in compound.restored:
        current = await block_assertions.get_assertion(db, domain, back.source_kind, back.source_id)
        if current is None or current.values != back.values:
            return False
    shield = compound.shield
    return shield is None or await _has_shield(db, domain, shield.kind) == (shield.action == ADD)


async def _commit(
    db: Db,
    domain: str,
    compound: Compound,
    actor: ChangeActor,
    now: datetime,
    reason: str,
    policy: MergePolicy,
) -> BlockChange:
    """Apply `compound`, recompute and write the effective block, and audit it as one row
    (unless nothing moved at all). The caller holds the transaction."""
    before = values_of(await domain_blocks.get_block(db, domain))
    for gone in compound.dropped:
        await block_assertions.delete_assertion(db, domain, gone.source_kind, gone.source_id)
    for back in compound.restored:
        await block_assertions.insert_assertion(db, back)
    if compound.shield is not None:
        await _move_shield(db, domain, compound.shield, now)
    after = await effective_for(db, domain, policy)
    await write_effective(db, domain, before, after, now)
    audited = before != after or not compound.is_empty
    if audited:
        payload = build_payload(compound)
        await append_audit(db, domain, actor, now, (before, after), payload, None, reason)
    block = await domain_blocks.get_block(db, domain)
    return BlockChange(domain, before, after, block, audited)


async def lift_block(
    db: Db,
    domain: str,
    actor: ChangeActor,
    now: datetime,
    *,
    reason: str = "",
    policy: MergePolicy = DEFAULT_POLICY,
) -> list[BlockChange]:
    """Lift a block outright (admin or API delete): drop every manual and token assertion, and
    exclude the domain locally if imports or subscriptions still assert it, so they cannot bring
    it back (GoToSocial's excludes). One audit row, which undo reverses exactly."""
    async with db.transaction():
        await adopt_orphan(db, domain, values_of(await domain_blocks.get_block(db, domain)), now)
        assertions = await block_assertions.list_assertions(db, domain)
        shield = None
        if any(a.source_kind in MERGED_KINDS for a in assertions):
            if not await domain_shields.has_exclude(db, domain):
                shield = ShieldMove(EXCLUDE, ADD)
        dropped = tuple(a for a in assertions if a.is_authoritative)
        compound = Compound(dropped=dropped, shield=shield)
        return [await _commit(db, domain, compound, actor, now, reason, policy)]


async def change_shield(
    db: Db,
    domain: str,
    kind: str,
    on: bool,
    actor: ChangeActor,
    now: datetime,
    *,
    reason: str = "",
    policy: MergePolicy = DEFAULT_POLICY,
) -> BlockChange:
    """Add (`on`) or remove an allow or a local exclude on an already-normalised domain and
    recompute its block; audited whenever the shield actually changes, so it can be undone."""
    if kind not in SHIELD_KINDS:
        raise Invalid("kind", "unknown_shield")
    async with db.transaction():
        present = await _has_shield(db, domain, kind)
        shield = None if present == on else ShieldMove(kind, ADD if on else REMOVE)
        return await _commit(db, domain, Compound(shield=shield), actor, now, reason, policy)


async def undo_compound(
    db: Db,
    domain: str,
    compound: Compound,
    actor: ChangeActor,
    now: datetime,
    *,
    reason: str = "",
    policy: MergePolicy = DEFAULT_POLICY,
) -> BlockChange | None:
    """Reverse a compound change (itself audited as one, so it can be undone in turn); None, and
    nothing written, when any part of it has changed again since (a later change wins)."""
    async with db.transaction():
        if not await _is_in_force(db, domain, compound):
            return None
        return await _commit(db, domain, compound.inverse(), actor, now, reason, policy)
