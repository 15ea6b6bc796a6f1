"""The effective block from its assertions: authoritative writes win, others merge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.blocklists.provenance import (
    MergePolicy,
    compute_effective,
    is_stricter_than,
    merge_comments,
)
from app.store.block_assertions import Assertion
from app.store.domain_blocks import BlockValues

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def make(kind: str, source: str, values: BlockValues, minutes: int = 0) -> Assertion:
    at = T0 + timedelta(minutes=minutes)
    return Assertion("x.example", kind, source, values, at, at)


def test_compute_effective_nothing_supports_no_block() -> None:
    assert compute_effective([]) is None


def test_compute_effective_latest_authoritative_write_wins_exactly() -> None:
    """spec: blocklist-idempotent-values (R8)"""
    manual = make("manual", "local", BlockValues("suspend", public_comment="local note"), 1)
    token = make("token", "t1", BlockValues("silence", public_comment="", private_comment=None), 2)
    feed = make("subscription", "s1", BlockValues("suspend", reject_media=True), 3)
    assert compute_effective([manual, token, feed]) == BlockValues(
        "silence", public_comment="", private_comment=None
    )


def test_compute_effective_merges_imports_with_max_plan() -> None:
    one = make("import", "r1", BlockValues("silence", reject_media=True, public_comment="spam"))
    two = make("subscription", "s1", BlockValues("suspend", public_comment="spam, bots"), 1)
    assert compute_effective([one, two]) == BlockValues(
        "suspend", reject_media=True, public_comment="spam, bots"
    )


def test_compute_effective_min_plan_takes_the_weakest() -> None:
    one = make("import", "r1", BlockValues("silence", reject_media=True))
    two = make("subscription", "s1", BlockValues("suspend"), 1)
    policy = MergePolicy(mergeplan="min")
    assert compute_effective([one, two], policy) == BlockValues("silence")


def test_compute_effective_threshold_and_caps() -> None:
    one = make("subscription", "s1", BlockValues("suspend"))
    assert compute_effective([one], MergePolicy(threshold=2)) is None
    assert compute_effective(
        [one], MergePolicy(threshold=50, threshold_type="pct", total_sources=2)
    ) == BlockValues("suspend")
    capped = MergePolicy(max_severity={("subscription", "s1"): "silence"})
    assert compute_effective([one], capped) == BlockValues("silence")


def test_merge_comments_keeps_each_token_once() -> None:
    assert merge_comments(["upgrade me", "spam, upgrade me"]) == "upgrade me, spam"
    assert merge_comments([None, None]) is None
    assert merge_comments([None, ""]) == ""


def test_is_stricter_than_follows_mastodon() -> None:
    """spec: blocklist-stricter-than (R6)"""
    suspend, silence, noop = BlockValues("suspend"), BlockValues("silence"), BlockValues("noop")
    assert is_stricter_than(suspend, suspend)
    assert not is_stricter_than(silence, suspend)
    assert not is_stricter_than(noop, silence)
    assert is_stricter_than(silence, silence)
    assert not is_stricter_than(silence, BlockValues("silence", reject_media=True))
    assert is_stricter_than(BlockValues("noop", reject_media=True), BlockValues("noop", True))
