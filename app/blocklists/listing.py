"""What one blocklist source says, entry by entry, in a form that survives a JSON round trip (a
run keeps its source's listing, so later merges use it without fetching again).

An entry names its domain, or only the SHA-256 digest of it when the source obfuscated the name.
This module owns that value type and its (de)serialisation; it does no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from app.blocklists.formats import domain_digest
from app.store.domain_blocks import NOOP, SEVERITIES, SEVERITY_RANK, BlockValues


@dataclass(frozen=True, slots=True)
class ListedEntry:
    """One listed domain. `domain` is None when the source published only its digest."""

    domain: str | None
    digest: str
    values: BlockValues


def has_effect(values: BlockValues) -> bool:
    """A block that changes anything: a severity above noop, or a reject flag."""
    return values.severity != NOOP or values.reject_media or values.reject_reports


def build_entry(domain: str, values: BlockValues) -> ListedEntry:
    return ListedEntry(domain=domain, digest=domain_digest(domain), values=values)


def cap_severity(severity: str, cap: str) -> str:
    """The lower of `severity` and `cap`."""
    return severity if SEVERITY_RANK[severity] <= SEVERITY_RANK[cap] else cap


def capped(entry: ListedEntry, cap: str) -> ListedEntry:
    values = replace(entry.values, severity=cap_severity(entry.values.severity, cap))
    return replace(entry, values=values)


def entry_to_json(entry: ListedEntry) -> dict[str, Any]:
    return {"domain": entry.domain, "digest": entry.digest, **entry.values.as_dict()}


def entry_from_json(raw: Mapping[str, Any]) -> ListedEntry | None:
    """The entry, or None when the stored form is not one (never trust JSON blindly)."""
    severity = raw.get("severity")
    digest = raw.get("digest")
    domain = raw.get("domain")
    if severity not in SEVERITIES or not isinstance(digest, str):
        return None
    if domain is not None and not isinstance(domain, str):
        return None
    values = BlockValues(
        severity=str(severity),
        reject_media=bool(raw.get("reject_media")),
        reject_reports=bool(raw.get("reject_reports")),
        public_comment=_text(raw.get("public_comment")),
        private_comment=_text(raw.get("private_comment")),
        obfuscate=bool(raw.get("obfuscate")),
    )
    return ListedEntry(domain=domain, digest=digest, values=values)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def listing_to_json(entries: Iterable[ListedEntry]) -> list[dict[str, Any]]:
    return [entry_to_json(entry) for entry in entries]


def listing_from_json(raw: Any) -> list[ListedEntry]:
    if not isinstance(raw, Sequence):
        return []
    entries = (entry_from_json(item) for item in raw if isinstance(item, Mapping))
    return [entry for entry in entries if entry is not None]
