"""Merging several sources' listings into one proposed blocklist (pure; no I/O, no clock).

FediBlockHole's merge (research §2.2) and then some:
- a threshold by count or percentage of sources, where each source counts with its trust weight
  (trust 0: its entries never count towards a block);
- mergeplan `max`, `min` (FBH's) or `priority` (the highest-priority source listing the domain
  decides, as GoToSocial's subscription priorities do); each source is capped at its
  `max_severity` first;
- parent and child domains: a source listing `example.com` also supports `a.example.com`, and a
  child block that is not stricter than its parent's (Mastodon's rule) is dropped as redundant;
- obfuscated entries are matched by SHA-256 digest against domains we know, instead of dropped;
- the allowlist (a domain and its subdomains) and local excludes (one domain) always win.
Every merged block keeps each source's own (capped) claim: that is its provenance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from app.blocklists.formats import domain_digest
from app.blocklists.listing import ListedEntry, capped, has_effect
from app.blocklists.provenance import MAX_PLAN, MIN_PLAN, is_redundant_under, merge_values
from app.store.domain_blocks import SUSPEND, BlockValues, host_and_parents

PRIORITY_PLAN = "priority"
MERGEPLANS = (MAX_PLAN, MIN_PLAN, PRIORITY_PLAN)
COUNT = "count"
PCT = "pct"
THRESHOLD_TYPES = (COUNT, PCT)

# Why a listed entry does not become a block.
ALLOWED = "allowed"
EXCLUDED = "excluded"
BELOW_THRESHOLD = "below_threshold"
UNKNOWN_DIGEST = "unknown_digest"
NO_EFFECT = "no_effect"
COVERED_BY_PARENT = "covered_by_parent"


@dataclass(frozen=True, slots=True)
class SourcePolicy:
    id: str
    name: str
    trust: float = 1.0
    max_severity: str = SUSPEND
    priority: int = 0


@dataclass(frozen=True, slots=True)
class SourceListing:
    source: SourcePolicy
    entries: Sequence[ListedEntry]


@dataclass(frozen=True, slots=True)
class MergeSettings:
    mergeplan: str = MAX_PLAN
    threshold: float = 0
    threshold_type: str = COUNT


@dataclass(frozen=True, slots=True)
class Claim:
    """One source's say about a domain, capped at the source's max_severity. `via` names the
    parent domain the source listed when it did not list this domain itself."""

    source_id: str
    values: BlockValues
    via: str | None = None


@dataclass(frozen=True, slots=True)
class MergedBlock:
    domain: str
    values: BlockValues
    claims: tuple[Claim, ...]
    support: float

    @property
    def listed_by(self) -> tuple[str, ...]:
        """Sources that list exactly this domain (they own an assertion on it)."""
        return tuple(claim.source_id for claim in self.claims if claim.via is None)

    @property
    def disputed(self) -> bool:
        """Sources disagree about the severity."""
        return len({claim.values.severity for claim in self.claims if claim.via is None}) > 1


@dataclass(frozen=True, slots=True)
class Skipped:
    """A listed domain (or `sha256:<digest>`) that is not proposed, and why."""

    key: str
    reason: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MergeResult:
    blocks: Mapping[str, MergedBlock] = field(default_factory=dict)
    skipped: tuple[Skipped, ...] = ()


@dataclass(frozen=True, slots=True)
class KnownDomains:
    """What the merge may consult: domains we know (for digests), shields, and standing blocks
    that are not ours to change (for the parent rule)."""

    known: Iterable[str] = ()
    allows: Iterable[str] = ()
    excludes: Iterable[str] = ()
    standing: Mapping[str, BlockValues] = field(default_factory=dict)


def build_digest_index(domains: Iterable[str]) -> dict[str, str]:
    """digest → domain for each domain and its parents (a block is often on the parent of the
    host we met)."""
    index: dict[str, str] = {}
    for domain in domains:
        for name in host_and_parents(domain):
            index.setdefault(domain_digest(name), name)
    return index


def merge_listings(
    listings: Sequence[SourceListing], settings: MergeSettings, known: KnownDomains
) -> MergeResult:
    """The merged blocklist, each block with its claims, and what was left out."""
    skipped: list[Skipped] = []
    direct = _direct_claims(listings, known, skipped)
    trust = {listing.source.id: max(listing.source.trust, 0.0) for listing in listings}
    priority = {listing.source.id: listing.source.priority for listing in listings}
    allows, excludes = set(known.allows), set(known.excludes)
    blocks: dict[str, MergedBlock] = {}
    for domain in sorted(direct):
        sources = tuple(claim.source_id for claim in direct[domain])
        if any(name in allows for name in host_and_parents(domain)):
            skipped.append(Skipped(domain, ALLOWED, sources))
            continue
        if domain in excludes:
            skipped.append(Skipped(domain, EXCLUDED, sources))
            continue
        claims = direct[domain] + _parent_claims(domain, direct)
        support = sum(trust[source_id] for source_id in {c.source_id for c in claims})
        if not _passes(support, sum(trust.values()), settings):
            skipped.append(Skipped(domain, BELOW_THRESHOLD, sources))
            continue
        values = _merged_values(direct[domain], settings.mergeplan, priority)
        if not has_effect(values):
            skipped.append(Skipped(domain, NO_EFFECT, sources))
            continue
        blocks[domain] = MergedBlock(domain, values, tuple(claims), support)
    return MergeResult(_drop_redundant(blocks, known.standing, skipped), tuple(skipped))


def _direct_claims(
    listings: Sequence[SourceListing], known: KnownDomains, skipped: list[Skipped]
) -> dict[str, tuple[Claim, ...]]:
    clear = (e.domain for listing in listings for e in listing.entries if e.domain)
    index = build_digest_index([*known.known, *known.standing, *clear])
    direct: dict[str, dict[str, Claim]] = {}
    for listing in listings:
        source = listing.source
        for entry in listing.entries:
            domain = entry.domain or index.get(entry.digest)
            if domain is None:
                skipped.append(Skipped(f"sha256:{entry.digest}", UNKNOWN_DIGEST, (source.id,)))
                continue
            claims = direct.setdefault(domain, {})
            # A source listing a domain twice: the first entry counts.
            if source.id not in claims:
                claims[source.id] = Claim(source.id, capped(entry, source.max_severity).values)
    return {domain: tuple(claims.values()) for domain, claims in direct.items()}


def _parent_claims(domain: str, direct: Mapping[str, tuple[Claim, ...]]) -> tuple[Claim, ...]:
    own = {claim.source_id for claim in direct[domain]}
    inherited: list[Claim] = []
    for parent in host_and_parents(domain)[1:]:
        for claim in direct.get(parent, ()):
            if claim.source_id not in own:
                own.add(claim.source_id)
                inherited.append(Claim(claim.source_id, claim.values, via=parent))
    return tuple(inherited)


def _passes(support: float, total: float, settings: MergeSettings) -> bool:
    if support <= 0:
        return False
    if settings.threshold <= 0:
        return True
    if settings.threshold_type == PCT:
        return total > 0 and 100 * support / total >= settings.threshold
    return support >= settings.threshold


def _merged_values(
    claims: Sequence[Claim], mergeplan: str, priority: Mapping[str, int]
) -> BlockValues:
    ordered = sorted(claims, key=lambda claim: (-priority[claim.source_id], claim.source_id))
    if mergeplan == PRIORITY_PLAN:
        return ordered[0].values
    return merge_values([claim.values for claim in ordered], mergeplan)


def _drop_redundant(
    blocks: dict[str, MergedBlock], standing: Mapping[str, BlockValues], skipped: list[Skipped]
) -> dict[str, MergedBlock]:
    kept: dict[str, MergedBlock] = {}
    for domain, block in blocks.items():
        parent = _closest_parent(domain, blocks, standing)
        if parent is not None and is_redundant_under(block.values, parent):
            skipped.append(Skipped(domain, COVERED_BY_PARENT, block.listed_by))
            continue
        kept[domain] = block
    return kept


def _closest_parent(
    domain: str, blocks: Mapping[str, MergedBlock], standing: Mapping[str, BlockValues]
) -> BlockValues | None:
    for parent in host_and_parents(domain)[1:]:
        if parent in blocks:
            return blocks[parent].values
        if parent in standing:
            return standing[parent]
    return None
