"""Admin form input for the blocklist pages, checked (pure): a manual block's domain and values,
an allowlist or exclude change, an uploaded or pasted blocklist's text, a cursor. Every refusal
is `Invalid(field, reason)`; nothing half-valid comes through."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.core.errors import Invalid
from app.moderation.domains import normalise_domain
from app.store.domain_blocks import SEVERITIES, BlockValues

COMMENT_MAX_CHARS = 1000
IMPORT_MAX_BYTES = 1024 * 1024
SHIELD_KINDS = ("allow", "exclude")
SHIELD_CHANGES = ("add", "remove")
CHECKED = "on"


@dataclass(frozen=True, slots=True)
class ShieldChange:
    domain: str
    allow: bool
    on: bool


def parse_domain(raw: str) -> str:
    """A real domain name: normalised, and no `*` (obfuscated names are for public lists)."""
    domain = normalise_domain(raw)
    if "*" in domain:
        raise Invalid("domain", "invalid")
    return domain


def _comment(fields: Mapping[str, str], name: str) -> str | None:
    text = fields.get(name, "").strip()
    if len(text) > COMMENT_MAX_CHARS:
        raise Invalid(name, "too_long")
    return text or None


def parse_block_form(fields: Mapping[str, str]) -> tuple[str, BlockValues]:
    """(domain, values) of a manual block; an empty comment is stored as none."""
    domain = parse_domain(fields.get("domain", ""))
    severity = fields.get("severity", "")
    if severity not in SEVERITIES:
        raise Invalid("severity", "invalid")
    values = BlockValues(
        severity=severity,
        reject_media=fields.get("reject_media") == CHECKED,
        reject_reports=fields.get("reject_reports") == CHECKED,
        public_comment=_comment(fields, "public_comment"),
        private_comment=_comment(fields, "private_comment"),
        obfuscate=fields.get("obfuscate") == CHECKED,
    )
    return domain, values


def parse_shield_form(fields: Mapping[str, str]) -> ShieldChange:
    kind, change = fields.get("kind", ""), fields.get("change", "")
    if kind not in SHIELD_KINDS:
        raise Invalid("kind", "unknown_shield")
    if change not in SHIELD_CHANGES:
        raise Invalid("change", "unknown")
    return ShieldChange(parse_domain(fields.get("domain", "")), kind == "allow", change == "add")


def decode_blocklist(data: bytes) -> str:
    """An uploaded file's text: UTF-8 (a byte-order mark is fine), at most IMPORT_MAX_BYTES."""
    if len(data) > IMPORT_MAX_BYTES:
        raise Invalid("file", "too_large")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("file", "encoding") from None
    return check_blocklist_text(text)


def check_blocklist_text(text: str) -> str:
    # PostgreSQL refuses NUL in text and JSON; no blocklist has a use for one.
    if "\x00" in text:
        raise Invalid("file", "encoding")
    if len(text.encode("utf-8")) > IMPORT_MAX_BYTES:
        raise Invalid("file", "too_large")
    if not text.strip():
        raise Invalid("file", "empty")
    return text


def parse_cursor(raw: str | None, name: str) -> int | None:
    """A positive whole-number cursor from a query string, or None when absent."""
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18 or int(raw) < 1:
        raise Invalid(name, "bad_cursor")
    return int(raw)
