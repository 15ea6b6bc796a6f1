"""The subscription merge: thresholds, mergeplans, caps, parent and child domains, digests and
shields (pure)."""

from __future__ import annotations

from app.blocklists.formats import domain_digest
from app.blocklists.listing import ListedEntry, build_entry
from app.blocklists.merge import (
    ALLOWED,
    BELOW_THRESHOLD,
    COVERED_BY_PARENT,
    EXCLUDED,
    NO_EFFECT,
    UNKNOWN_DIGEST,
    KnownDomains,
    MergeSettings,
    SourceListing,
    SourcePolicy,
    merge_listings,
)
from app.store.domain_blocks import BlockValues


def entry(domain: str, severity: str = "suspend", **flags: object) -> ListedEntry:
    return build_entry(domain, BlockValues(severity=severity, **flags))  # type: ignore[arg-type]


def hidden(domain: str, severity: str = "suspend") -> ListedEntry:
    return ListedEntry(None, domain_digest(domain), BlockValues(severity, obfuscate=True))


def listing(source_id: str, *entries: ListedEntry, **policy: object) -> SourceListing:
    return SourceListing(SourcePolicy(source_id, source_id, **policy), entries)  # type: ignore[arg-type]


def reasons(result: object) -> dict[str, str]:
    return {s.key: s.reason for s in result.skipped}  # type: ignore[attr-defined]


THREE = [
    listing("a", entry("bad.example"), entry("spam.example", "silence")),
    listing("b", entry("bad.example", "silence"), entry("spam.example", "silence")),
    listing("c", entry("bad.example"), entry("lone.example")),
]


def test_merge_listings_threshold_count_keeps_domains_enough_sources_list() -> None:
    result = merge_listings(THREE, MergeSettings(threshold=2), KnownDomains())
    assert sorted(result.blocks) == ["bad.example", "spam.example"]
    assert reasons(result)["lone.example"] == BELOW_THRESHOLD
    assert result.blocks["bad.example"].listed_by == ("a", "b", "c")


def test_merge_listings_threshold_pct_counts_share_of_sources() -> None:
    result = merge_listings(
        THREE, MergeSettings(threshold=100, threshold_type="pct"), KnownDomains()
    )
    assert sorted(result.blocks) == ["bad.example"]
    result = merge_listings(
        THREE, MergeSettings(threshold=60, threshold_type="pct"), KnownDomains()
    )
    assert sorted(result.blocks) == ["bad.example", "spam.example"]


def test_merge_listings_trust_weights_support() -> None:
    weighted = [
        listing("a", entry("x.example"), trust=0.5),
        listing("b", entry("x.example"), trust=0.5),
        listing("c", entry("y.example"), trust=0.0),
    ]
    result = merge_listings(weighted, MergeSettings(threshold=1), KnownDomains())
    assert list(result.blocks) == ["x.example"]
    assert reasons(result)["y.example"] == BELOW_THRESHOLD


def test_merge_listings_max_and_min_plans() -> None:
    top = merge_listings(THREE, MergeSettings(mergeplan="max"), KnownDomains())
    low = merge_listings(THREE, MergeSettings(mergeplan="min"), KnownDomains())
    assert top.blocks["bad.example"].values.severity == "suspend"
    assert low.blocks["bad.example"].values.severity == "silence"
    assert top.blocks["bad.example"].disputed


def test_merge_listings_min_plan_ands_flags_and_max_ors_them() -> None:
    flagged = [
        listing("a", entry("m.example", "silence", reject_media=True)),
        listing("b", entry("m.example", "silence")),
    ]
    assert (
        merge_listings(flagged, MergeSettings(), KnownDomains())
        .blocks["m.example"]
        .values.reject_media
    )
    assert (
        not merge_listings(flagged, MergeSettings(mergeplan="min"), KnownDomains())
        .blocks["m.example"]
        .values.reject_media
    )


def test_merge_listings_priority_plan_and_max_severity_cap() -> None:
    sources = [
        listing("low", entry("p.example", "suspend"), priority=1),
        listing("high", entry("p.example", "silence"), priority=9),
    ]
    result = merge_listings(sources, MergeSettings(mergeplan="priority"), KnownDomains())
    assert result.blocks["p.example"].values.severity == "silence"
    capped = [listing("a", entry("p.example", "suspend"), max_severity="silence")]
    assert (
        merge_listings(capped, MergeSettings(), KnownDomains()).blocks["p.example"].values.severity
        == "silence"
    )
    to_noop = [listing("a", entry("p.example", "suspend"), max_severity="noop")]
    assert reasons(merge_listings(to_noop, MergeSettings(), KnownDomains())) == {
        "p.example": NO_EFFECT
    }


def test_merge_listings_parent_listing_supports_child_and_covers_weaker_child() -> None:
    sources = [
        listing("a", entry("example.com")),
        listing("b", entry("sub.example.com", "suspend"), entry("other.example.org", "silence")),
    ]
    result = merge_listings(sources, MergeSettings(threshold=2), KnownDomains())
    # b lists the child; a's parent listing makes two sources agree on it.
    assert "sub.example.com" in result.blocks
    assert result.blocks["sub.example.com"].listed_by == ("b",)
    assert reasons(result)["example.com"] == BELOW_THRESHOLD
    weaker = [listing("a", entry("example.com"), entry("sub.example.com", "silence"))]
    result = merge_listings(weaker, MergeSettings(), KnownDomains())
    assert list(result.blocks) == ["example.com"]
    assert reasons(result)["sub.example.com"] == COVERED_BY_PARENT


def test_merge_listings_standing_parent_block_covers_child() -> None:
    standing = {"example.com": BlockValues("suspend")}
    result = merge_listings(
        [listing("a", entry("sub.example.com", "silence"))],
        MergeSettings(),
        KnownDomains(standing=standing),
    )
    assert reasons(result) == {"sub.example.com": COVERED_BY_PARENT}


def test_merge_listings_matches_digests_against_known_domains() -> None:
    sources = [listing("a", hidden("secret.example"), hidden("unknown.example"))]
    result = merge_listings(sources, MergeSettings(), KnownDomains(known=["secret.example"]))
    assert list(result.blocks) == ["secret.example"]
    assert result.blocks["secret.example"].values.obfuscate
    assert reasons(result)[f"sha256:{domain_digest('unknown.example')}"] == UNKNOWN_DIGEST


def test_merge_listings_digest_of_parent_of_known_host_and_of_other_sources() -> None:
    sources = [
        listing("a", hidden("example.net"), hidden("clear.example")),
        listing("b", entry("clear.example")),
    ]
    known = KnownDomains(known=["social.example.net"])
    result = merge_listings(sources, MergeSettings(threshold=2), known)
    assert result.blocks["clear.example"].listed_by == ("a", "b")
    assert reasons(result)["example.net"] == BELOW_THRESHOLD


def test_merge_listings_allowlist_and_excludes_always_win() -> None:
    known = KnownDomains(allows=["example.com"], excludes=["bad.example"])
    sources = [
        listing("a", entry("sub.example.com"), entry("bad.example"), entry("ok.example")),
        listing("b", entry("sub.example.com"), entry("bad.example")),
    ]
    result = merge_listings(sources, MergeSettings(threshold=1), known)
    assert list(result.blocks) == ["ok.example"]
    assert reasons(result) == {"sub.example.com": ALLOWED, "bad.example": EXCLUDED}


def test_merge_listings_comments_merged_in_priority_order() -> None:
    sources = [
        listing("a", entry("c.example", public_comment="spam"), priority=1),
        listing("b", entry("c.example", public_comment="harassment, spam"), priority=5),
    ]
    result = merge_listings(sources, MergeSettings(), KnownDomains())
    assert result.blocks["c.example"].values.public_comment == "harassment, spam"
