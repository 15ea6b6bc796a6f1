"""Which values a domain block takes, given every source that asserts it (pure).

A manual decision or an API token write is authoritative: the most recent such write wins, so its
values come back exactly as written (research R8: a second FediBlockHole run must find nothing to
change). Only when no authoritative assertion exists do import and subscription assertions merge,
FediBlockHole's way: max (or min) severity, flags or-ed (and-ed), comments joined by ", ".
`MergePolicy.admits` is the hook for thresholds (how many sources must agree).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from app.store.block_assertions import MERGED_KINDS, Assertion
from app.store.domain_blocks import NOOP, SEVERITY_RANK, SILENCE, SUSPEND, BlockValues

MAX_PLAN = "max"
MIN_PLAN = "min"
COMMENT_SEPARATOR = ", "


@dataclass(frozen=True, slots=True)
class MergePolicy:
    """How import and subscription assertions combine. `threshold` counts agreeing sources
    (`threshold_type` "count") or is a percentage of `total_sources` ("pct"); 0 keeps all."""

    mergeplan: str = MAX_PLAN
    threshold: float = 0
    threshold_type: str = "count"
    total_sources: int = 0
    # Per-source severity caps, keyed by (source_kind, source_id).
    max_severity: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def admits(self, merged: Sequence[Assertion]) -> bool:
        if self.threshold <= 0:
            return True
        if self.threshold_type == "pct":
            if self.total_sources <= 0:
                return False
            return 100 * len(merged) / self.total_sources >= self.threshold
        return len(merged) >= self.threshold

    def capped(self, assertion: Assertion) -> BlockValues:
        cap = self.max_severity.get((assertion.source_kind, assertion.source_id))
        values = assertion.values
        if cap is not None and SEVERITY_RANK[values.severity] > SEVERITY_RANK[cap]:
            return BlockValues(**{**values.as_dict(), "severity": cap})
        return values


DEFAULT_POLICY = MergePolicy()


def compute_effective(
    assertions: Sequence[Assertion], policy: MergePolicy = DEFAULT_POLICY
) -> BlockValues | None:
    """The effective block for one domain, or None when nothing supports one."""
    authoritative = [a for a in assertions if a.is_authoritative]
    if authoritative:
        latest = max(authoritative, key=lambda a: (a.last_seen, a.first_seen))
        return latest.values
    merged = sorted(
        (a for a in assertions if a.source_kind in MERGED_KINDS),
        key=lambda a: (a.first_seen, a.source_kind, a.source_id),
    )
    if not merged or not policy.admits(merged):
        return None
    return merge_values([policy.capped(a) for a in merged], policy.mergeplan)


def merge_values(values: Sequence[BlockValues], mergeplan: str = MAX_PLAN) -> BlockValues:
    """FediBlockHole's mergeplan over several sources' values (in source order)."""
    pick = max if mergeplan == MAX_PLAN else min
    flag = any if mergeplan == MAX_PLAN else all
    return BlockValues(
        severity=pick((v.severity for v in values), key=SEVERITY_RANK.__getitem__),
        reject_media=flag(v.reject_media for v in values),
        reject_reports=flag(v.reject_reports for v in values),
        public_comment=merge_comments([v.public_comment for v in values]),
        private_comment=merge_comments([v.private_comment for v in values]),
        obfuscate=flag(v.obfuscate for v in values),
    )


def merge_comments(comments: Sequence[str | None]) -> str | None:
    """Split on ", " and keep each token once, in first-seen order; None if all were None."""
    if all(comment is None for comment in comments):
        return None
    tokens: list[str] = []
    for comment in comments:
        for token in (comment or "").split(COMMENT_SEPARATOR):
            if token and token not in tokens:
                tokens.append(token)
    return COMMENT_SEPARATOR.join(tokens)


def is_stricter_than(child: BlockValues, parent: BlockValues) -> bool:
    """Mastodon's rule for a block under an existing parent block (DomainBlock#stricter_than?):
    a suspend always is; nothing weaker may sit under a suspend, no noop under a silence; and the
    parent's reject flags must be kept."""
    if child.severity == SUSPEND:
        return True
    if parent.severity == SUSPEND:
        return False
    if parent.severity == SILENCE and child.severity == NOOP:
        return False
    return (child.reject_media or not parent.reject_media) and (
        child.reject_reports or not parent.reject_reports
    )


def is_redundant_under(child: BlockValues, parent: BlockValues) -> bool:
    """A child block adds nothing its parent does not already impose."""
    return not is_stricter_than(child, parent) or child == parent
