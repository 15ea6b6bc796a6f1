"""The one code path that changes domain blocks: set or drop one source's assertion, recompute
the effective block, write it (or delete it when nothing supports it) and append an audit row,
all in one transaction. Lifts and shield changes, which move several things under one audit row,
are in `app.blocklists.compound_changes`, on top of this module. It does not enforce:
`app.blocklists.service` (the public write API) and `app.moderation.domains` enforce a new
suspension after the transaction, so this module depends on neither (they both depend on it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.blocklists.provenance import DEFAULT_POLICY, MergePolicy, compute_effective
from app.core.errors import Invalid
from app.db.engine import Db
from app.store import block_assertions, block_audit, domain_blocks, domain_shields
from app.store.block_assertions import MANUAL, MERGED_KINDS, SOURCE_KINDS, Assertion
from app.store.domain_blocks import SEVERITIES, SUSPEND, BlockValues, DomainBlock

ACTOR_KINDS = ("admin", "token", "subscription", "import", "system")
REASON_MAX_CHARS = 200
LABEL_MAX_CHARS = 200
# Manual decisions are one voice whoever the admin is; the audit row says who.
MANUAL_SOURCE_ID = "local"


@dataclass(frozen=True, slots=True)
class ChangeActor:
    """Who or what makes a change, as the audit log shows it."""

    kind: str
    id: str | None
    label: str


@dataclass(frozen=True, slots=True)
class BlockChange:
    domain: str
    before: BlockValues | None
    after: BlockValues | None
    # The effective row after the change (None when the domain is not blocked).
    block: DomainBlock | None
    audited: bool

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def is_new_suspension(self) -> bool:
        was = self.before is not None and self.before.severity == SUSPEND
        return self.after is not None and self.after.severity == SUSPEND and not was


def values_of(block: DomainBlock | None) -> BlockValues | None:
    if block is None:
        return None
    return BlockValues(
        severity=block.severity,
        reject_media=block.reject_media,
        reject_reports=block.reject_reports,
        public_comment=block.public_comment,
        private_comment=block.private_comment,
        obfuscate=block.obfuscate,
    )


def values_dict(values: BlockValues | None) -> dict[str, Any] | None:
    return None if values is None else values.as_dict()


def check_values(values: BlockValues) -> None:
    if values.severity not in SEVERITIES:
        raise Invalid("severity", "invalid")


async def effective_for(db: Db, domain: str, policy: MergePolicy) -> BlockValues | None:
    assertions: Sequence[Assertion] = await block_assertions.list_assertions(db, domain)
    if await domain_shields.is_shielded(db, domain):
        assertions = [a for a in assertions if a.source_kind not in MERGED_KINDS]
    return compute_effective(assertions, policy)


async def write_effective(
    db: Db, domain: str, before: BlockValues | None, after: BlockValues | None, now: datetime
) -> None:
    if after == before:
        return
    if after is None:
        await domain_blocks.delete_block(db, domain)
    else:
        await domain_blocks.upsert_block(db, {"domain": domain, **after.as_dict()}, now)


async def write_assertion(
    db: Db,
    domain: str,
    source_kind: str,
    source_id: str,
    values: BlockValues | None,
    actor: ChangeActor,
    now: datetime,
    *,
    run_id: str | None = None,
    reason: str = "",
    policy: MergePolicy = DEFAULT_POLICY,
) -> BlockChange:
    """Set (values) or drop (None) one source's assertion on an already-normalised domain.
    Writes nothing, and no audit row, when neither the assertion nor the effective block
    changes."""
    if source_kind not in SOURCE_KINDS:
        raise Invalid("source_kind", "invalid")
    if actor.kind not in ACTOR_KINDS:
        raise Invalid("actor", "invalid")
    if values is not None:
        check_values(values)
    async with db.transaction():
        before = values_of(await domain_blocks.get_block(db, domain))
        await adopt_orphan(db, domain, before, now)
        previous = await block_assertions.get_assertion(db, domain, source_kind, source_id)
        if values is None and previous is not None:
            await block_assertions.delete_assertion(db, domain, source_kind, source_id)
        elif values is not None:
            await block_assertions.upsert_assertion(db, domain, source_kind, source_id, values, now)
        after = await effective_for(db, domain, policy)
        await write_effective(db, domain, before, after, now)
        assertion_before = None if previous is None else previous.values
        audited = assertion_before != values or before != after
        if audited:
            await append_audit(
                db,
                domain,
                actor,
                now,
                (before, after),
                {
                    "source_kind": source_kind,
                    "source_id": source_id,
                    "before": values_dict(assertion_before),
                    "after": values_dict(values),
                },
                run_id,
                reason,
            )
        block = await domain_blocks.get_block(db, domain)
    return BlockChange(domain, before, after, block, audited)


async def adopt_orphan(db: Db, domain: str, before: BlockValues | None, now: datetime) -> None:
    """A block written before provenance existed has no assertion: it becomes a manual one, so
    the first import or subscription that mentions the domain does not silently replace it."""
    if before is None or await block_assertions.list_assertions(db, domain):
        return
    await block_assertions.upsert_assertion(db, domain, MANUAL, MANUAL_SOURCE_ID, before, now)


async def append_audit(
    db: Db,
    domain: str,
    actor: ChangeActor,
    now: datetime,
    effective: tuple[BlockValues | None, BlockValues | None],
    assertion: dict[str, Any],
    run_id: str | None,
    reason: str,
) -> None:
    await block_audit.insert_audit(
        db,
        {
            "at": now,
            "actor_kind": actor.kind,
            "actor_id": actor.id,
            "actor_label": actor.label[:LABEL_MAX_CHARS],
            "domain": domain,
            "before": values_dict(effective[0]),
            "after": values_dict(effective[1]),
            "reason": reason[:REASON_MAX_CHARS],
            "run_id": run_id,
            "assertion": assertion,
        },
    )


async def recompute(
    db: Db,
    domain: str,
    actor: ChangeActor,
    now: datetime,
    *,
    run_id: str | None = None,
    reason: str = "",
    policy: MergePolicy = DEFAULT_POLICY,
) -> BlockChange:
    """Bring the effective block in line with the assertions and shields (after an allow or
    exclude changed, or a policy did); audited only when it changes."""
    async with db.transaction():
        before = values_of(await domain_blocks.get_block(db, domain))
        after = await effective_for(db, domain, policy)
        await write_effective(db, domain, before, after, now)
        audited = before != after
        if audited:
            await append_audit(db, domain, actor, now, (before, after), {}, run_id, reason)
        block = await domain_blocks.get_block(db, domain)
    return BlockChange(domain, before, after, block, audited)
