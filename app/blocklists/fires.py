"""FIRES documents (pure): our domain blocks as a FIRES dataset, and FIRES changes read back into
listing entries (research §4.1, severity mapping §6).

Changes are a projection of the domain-block audit log: each audit row whose public effect
differs before and after becomes a Recommendation (or a Retraction when the block went away).
A change id is a UUIDv7 derived from the row's time and id (the row id fills the 74 "random"
bits), so ids are deterministic, sort by (time, id), and a `since` cursor decodes back to the
audit id it names. Obfuscated domains are published only as their SHA-256 digest.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.blocklists.formats import domain_digest
from app.blocklists.listing import ListedEntry, has_effect
from app.store.domain_blocks import NOOP, SILENCE, SUSPEND, BlockValues
from app.store.published_changes import AuditRow

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
FIRES_CONTEXT = "https://fires.fedimod.org/context/fires.jsonld"
CONTENT_TYPE = f'application/ld+json; profile="{AS_CONTEXT}"'
PAGE_SIZE = 100
ZERO_CURSOR = "00000000-0000-7000-a000-000000000000"
DIGEST_PREFIX = "sha256:"

RECOMMENDATION = "Recommendation"
RETRACTION = "Retraction"
TOMBSTONE = "Tombstone"
DOMAIN = "domain"

ACCEPT = "accept"
FILTER = "filter"
REJECT = "reject"
DROP = "drop"
SILENCE_FILTERS = (
    "auto-unlisted",
    "prevent-trending",
    "prevent-recommendations",
    "require-follow-requests",
)
REJECT_MEDIA = "reject-media"
REJECT_REPORTS = "reject-reports"
IGNORE_REPORTS = "ignore-reports"

_RAND_B_BITS = 62
_RAND_A_MASK = 0xFFF
_RAND_B_MASK = (1 << _RAND_B_BITS) - 1
_MS_MASK = (1 << 48) - 1


class CursorError(ValueError):
    """A `since` value that is not one of our change ids."""


def context(base_url: str) -> list[Any]:
    # entityDigest is ours: FIRES has no term for an entity known only by its digest.
    return [AS_CONTEXT, FIRES_CONTEXT, {"entityDigest": f"{base_url}/ns#entityDigest"}]


def change_uuid(at: datetime, audit_id: int) -> str:
    """The UUIDv7 for audit row `audit_id` written at `at`."""
    millis = int(at.timestamp() * 1000) & _MS_MASK
    rand_a = (audit_id >> _RAND_B_BITS) & _RAND_A_MASK
    rand_b = audit_id & _RAND_B_MASK
    value = (millis << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
    return str(uuid.UUID(int=value))


def audit_id_of(cursor: str) -> int:
    """The audit id a change id encodes (0 for the zero cursor); CursorError otherwise."""
    try:
        value = uuid.UUID(cursor)
    except (ValueError, AttributeError, TypeError) as error:
        raise CursorError(cursor) from error
    if value.version != 7:
        raise CursorError(cursor)
    number = value.int
    if number >> 80 == 0:  # the zero cursor (time 0): from the beginning
        return 0
    return (((number >> 64) & _RAND_A_MASK) << _RAND_B_BITS) | (number & _RAND_B_MASK)


def policy_of(values: BlockValues) -> tuple[str, list[str]]:
    """Our severity and flags as a FIRES policy and filters (research §6)."""
    if values.severity == SUSPEND:
        return DROP, []
    if not has_effect(values):
        return ACCEPT, []
    filters = list(SILENCE_FILTERS) if values.severity == SILENCE else []
    if values.reject_media:
        filters.append(REJECT_MEDIA)
    if values.reject_reports:
        filters.append(REJECT_REPORTS)
    return FILTER, filters


def values_of_policy(policy: str, filters: Sequence[str]) -> BlockValues | None:
    """A FIRES recommendation as our block values; None for `accept` or an unknown policy.
    A `filter` that names none of the filters we know is taken as a silence (as FBH PR #71)."""
    if policy in (DROP, REJECT):
        return BlockValues(severity=SUSPEND)
    if policy != FILTER:
        return None
    media = REJECT_MEDIA in filters
    reports = REJECT_REPORTS in filters or IGNORE_REPORTS in filters
    silence = any(name in SILENCE_FILTERS for name in filters) or not (media or reports)
    return BlockValues(
        severity=SILENCE if silence else NOOP, reject_media=media, reject_reports=reports
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _effect(values: Mapping[str, Any] | None) -> tuple[str, bool, bool] | None:
    if values is None:
        return None
    severity = str(values.get("severity", NOOP))
    media, reports = bool(values.get("reject_media")), bool(values.get("reject_reports"))
    if severity == NOOP and not (media or reports):
        return None
    return severity, media, reports


def _entity(domain: str, hidden: bool) -> dict[str, Any]:
    if hidden:
        return {"entityKind": DOMAIN, "entityDigest": DIGEST_PREFIX + domain_digest(domain)}
    return {"entityKind": DOMAIN, "entityKey": domain}


def build_change(
    row: AuditRow, changes_url: str, hidden_domains: frozenset[str]
) -> dict[str, Any] | None:
    """The FIRES change an audit row stands for, or None when its public effect is unchanged."""
    before, after = _effect(row.before), _effect(row.after)
    if before == after:
        return None
    obfuscated = any(bool(v and v.get("obfuscate")) for v in (row.before, row.after))
    hidden = obfuscated or row.domain in hidden_domains
    change: dict[str, Any] = {
        "id": f"{changes_url}/{change_uuid(row.at, row.id)}",
        "published": _iso(row.at),
        **_entity(row.domain, hidden),
    }
    if after is None:
        return {**change, "type": RETRACTION}
    policy, filters = policy_of(
        BlockValues(after[0], reject_media=after[1], reject_reports=after[2])
    )
    return {
        **change,
        "type": RECOMMENDATION,
        "recommendedPolicy": policy,
        "recommendedFilters": filters,
    }


def build_snapshot_item(
    domain: str, values: BlockValues, change_id: str, published: datetime
) -> dict[str, Any]:
    policy, filters = policy_of(values)
    return {
        "id": change_id,
        "type": RECOMMENDATION,
        "published": _iso(published),
        **_entity(domain, values.obfuscate),
        "recommendedPolicy": policy,
        "recommendedFilters": filters,
    }


@dataclass(frozen=True, slots=True)
class ReadChange:
    """A FIRES change as a consumer reads it: the listing entry it sets (None to remove one),
    the entity's digest, and its UUID (the next cursor)."""

    digest: str
    entry: ListedEntry | None
    cursor: str | None


def parse_change(item: Any) -> ReadChange | None:
    """One change from a snapshot or changes page; None for what a domain blocklist ignores
    (advisories, actors, unknown types). ValueError for a malformed domain change."""
    if not isinstance(item, dict) or item.get("entityKind") != DOMAIN:
        return None
    kind = item.get("type")
    cursor = _last_segment(item.get("id"))
    key, digest = item.get("entityKey"), item.get("entityDigest")
    if isinstance(key, str) and key:
        domain: str | None = key.strip().lower()
        digest = domain_digest(key.strip().lower())
    elif isinstance(digest, str) and digest.startswith(DIGEST_PREFIX):
        domain, digest = None, digest.removeprefix(DIGEST_PREFIX)
    else:
        raise ValueError("entity")
    if kind in (RETRACTION, TOMBSTONE):
        return ReadChange(digest, None, cursor)
    if kind != RECOMMENDATION:
        return None
    policy, filters = item.get("recommendedPolicy"), item.get("recommendedFilters") or []
    if not isinstance(policy, str) or not isinstance(filters, list):
        raise ValueError("policy")
    values = values_of_policy(policy, [str(name) for name in filters])
    if values is not None and domain is None:
        values = BlockValues(**{**values.as_dict(), "obfuscate": True})
    entry = None if values is None else ListedEntry(domain, digest, values)
    return ReadChange(digest, entry, cursor)


def _last_segment(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    return value.rstrip("/").rsplit("/", 1)[-1]


def dataset_id(base_url: str) -> str:
    """Our one dataset's UUID: stable for a base URL."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base_url}/datasets/domain-blocks"))
