"""Blocklist file and JSON formats (pure): Mastodon's domain-block CSV exactly as Mastodon writes
it, the plain-header CSV FediBlockHole writes, bare domain lists, and Mastodon's JSON shapes
(admin entity and public list), with Mastodon's obfuscation and SHA-256 digests.

Mastodon writes CSV with Ruby's CSV defaults: `\\n` line ends, a field quoted only when it holds
a comma, a quote or a line break, `nil` as an empty field and `""` as `""` (quote_empty).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.store.domain_blocks import NOOP, SEVERITIES, SILENCE, SUSPEND, BlockValues

MASTODON_HEADER = (
    "#domain",
    "#severity",
    "#reject_media",
    "#reject_reports",
    "#public_comment",
    "#obfuscate",
)
PLAIN_HEADER = tuple(name.removeprefix("#") for name in MASTODON_HEADER)
MAX_ROWS = 20_000
TRUE_WORDS = frozenset({"true", "t", "1", "y", "yes", "on"})
FALSE_WORDS = frozenset({"false", "f", "0", "n", "no", "off", ""})

MASTODON_CSV = "mastodon_csv"
PLAIN_CSV = "csv"
BARE_LIST = "plain"
JSON_LIST = "json"


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    """One row of a blocklist. An obfuscated public entry has `*` in `domain` and its `digest`."""

    domain: str
    values: BlockValues
    digest: str | None = None

    @property
    def is_obfuscated(self) -> bool:
        return "*" in self.domain


@dataclass(slots=True)
class ParsedList:
    format: str
    entries: list[ParsedEntry] = field(default_factory=list)
    # (row number, reason) for rows that were dropped.
    errors: list[tuple[int, str]] = field(default_factory=list)


class FormatError(ValueError):
    """The whole file is unreadable (not one bad row)."""


def obfuscate_domain(domain: str) -> str:
    """Mastodon's DomainBlock#public_domain: with v = len // 4, every character at index i with
    v < i < len - v that is not a dot becomes `*`."""
    length = len(domain)
    keep = length // 4
    return "".join(
        "*" if keep < i < length - keep and char != "." else char for i, char in enumerate(domain)
    )


def domain_digest(domain: str) -> str:
    return hashlib.sha256(domain.encode("utf-8")).hexdigest()


def is_exported(values: BlockValues) -> bool:
    """Mastodon exports blocks with limitations: silence, suspend, or reject_media."""
    return values.severity in (SILENCE, SUSPEND) or values.reject_media


def _csv_field(value: str | None) -> str:
    if value is None:
        return ""
    if value == "" or any(char in value for char in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _word(flag: bool) -> str:
    return "true" if flag else "false"


def build_mastodon_csv(blocks: Iterable[tuple[str, BlockValues]]) -> str:
    """The export file, byte for byte as Mastodon writes it (no private comments)."""
    lines = [",".join(MASTODON_HEADER)]
    for domain, values in blocks:
        if not is_exported(values):
            continue
        row = [
            domain,
            values.severity,
            _word(values.reject_media),
            _word(values.reject_reports),
            values.public_comment,
            _word(values.obfuscate),
        ]
        lines.append(",".join(_csv_field(item) for item in row))
    return "\n".join(lines) + "\n"


def build_plain_csv(blocks: Iterable[tuple[str, BlockValues]]) -> str:
    """The same rows under a plain `domain,severity,…` header (FediBlockHole's `format='csv'`)."""
    text = build_mastodon_csv(blocks)
    return ",".join(PLAIN_HEADER) + text[text.index("\n") :]


def _flag(raw: str | None) -> bool:
    word = (raw or "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("boolean")


def _severity(raw: str | None, default: str) -> str:
    word = (raw or "").strip().lower()
    if not word:
        return default
    if word not in SEVERITIES:
        raise ValueError("severity")
    return word


def _comment(raw: str | None) -> str | None:
    text = (raw or "").strip()
    return text or None


def _entry_from_row(row: Mapping[str, str | None], default_severity: str) -> ParsedEntry:
    domain = (row.get("domain") or "").strip()
    if not domain:
        raise ValueError("domain")
    values = BlockValues(
        severity=_severity(row.get("severity"), default_severity),
        reject_media=_flag(row.get("reject_media")),
        reject_reports=_flag(row.get("reject_reports")),
        public_comment=_comment(row.get("public_comment")),
        private_comment=_comment(row.get("private_comment")),
        obfuscate=_flag(row.get("obfuscate")),
    )
    return ParsedEntry(domain, values)


def _read_rows(text: str) -> list[list[str]]:
    try:
        return [row for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)]
    except csv.Error as error:
        raise FormatError("csv") from error


def parse_csv(text: str) -> ParsedList:
    """Mastodon's `#domain` CSV, a plain `domain` header CSV, or a bare domain list."""
    rows = _read_rows(text)
    if not rows:
        return ParsedList(BARE_LIST)
    first = [cell.strip().lower() for cell in rows[0]]
    if first[0] == "#domain":
        return _parse_headed(MASTODON_CSV, [c.removeprefix("#") for c in first], rows[1:], SUSPEND)
    if first[0] == "domain":
        return _parse_headed(PLAIN_CSV, first, rows[1:], NOOP)
    bare = [[row[0]] for row in rows if not row[0].lstrip().startswith("#")]
    return _parse_headed(BARE_LIST, ["domain"], bare, SUSPEND, first_row=1)


def _parse_headed(
    kind: str, header: list[str], rows: list[list[str]], default: str, first_row: int = 2
) -> ParsedList:
    parsed = ParsedList(kind)
    if len(rows) > MAX_ROWS:
        raise FormatError("too_many_rows")
    for number, cells in enumerate(rows, start=first_row):
        row = dict(zip(header, cells, strict=False))
        try:
            parsed.entries.append(_entry_from_row(row, default))
        except ValueError as error:
            parsed.errors.append((number, str(error)))
    return parsed


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("comment")
    return value


def _json_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, str):
        return _flag(value)
    raise ValueError("boolean")


def _entry_from_json(item: Any) -> ParsedEntry:
    if not isinstance(item, dict):
        raise ValueError("entry")
    domain = item.get("domain")
    severity = item.get("severity", SUSPEND)
    if not isinstance(domain, str) or not domain.strip():
        raise ValueError("domain")
    if not isinstance(severity, str):
        raise ValueError("severity")
    public = item["public_comment"] if "public_comment" in item else item.get("comment")
    values = BlockValues(
        severity=_severity(severity, SUSPEND),
        reject_media=_json_flag(item.get("reject_media")),
        reject_reports=_json_flag(item.get("reject_reports")),
        public_comment=_json_text(public),
        private_comment=_json_text(item.get("private_comment")),
        obfuscate=_json_flag(item.get("obfuscate")),
    )
    digest = item.get("digest")
    return ParsedEntry(domain.strip(), values, digest if isinstance(digest, str) else None)


def parse_json(text: str) -> ParsedList:
    """An array of Mastodon admin entities or public-list entries (`comment` → public)."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise FormatError("json") from error
    if not isinstance(document, list):
        raise FormatError("json")
    if len(document) > MAX_ROWS:
        raise FormatError("too_many_rows")
    parsed = ParsedList(JSON_LIST)
    for number, item in enumerate(document, start=1):
        try:
            parsed.entries.append(_entry_from_json(item))
        except ValueError as error:
            parsed.errors.append((number, str(error)))
    return parsed


def parse_blocklist(text: str) -> ParsedList:
    """Any supported format, recognised by its first character and header."""
    stripped = text.lstrip("\ufeff \t\r\n")
    return parse_json(stripped) if stripped.startswith(("[", "{")) else parse_csv(stripped)


def iso_millis(moment: datetime) -> str:
    """Mastodon's timestamp shape: 2026-01-02T03:04:05.678Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def build_admin_entity(
    block_id: str, domain: str, values: BlockValues, created_at: datetime
) -> dict[str, Any]:
    """Mastodon's Admin::DomainBlock, values exactly as stored."""
    return {
        "id": block_id,
        "domain": domain,
        "digest": domain_digest(domain),
        "created_at": iso_millis(created_at),
        "severity": values.severity,
        "reject_media": values.reject_media,
        "reject_reports": values.reject_reports,
        "private_comment": values.private_comment,
        "public_comment": values.public_comment,
        "obfuscate": values.obfuscate,
    }


def build_public_entry(domain: str, values: BlockValues, show_comment: bool) -> dict[str, Any]:
    """One entry of GET /api/v1/instance/domain_blocks; `comment` is always present."""
    return {
        "domain": obfuscate_domain(domain) if values.obfuscate else domain,
        "digest": domain_digest(domain),
        "severity": values.severity,
        "comment": values.public_comment if show_comment else None,
    }


def build_public_list(
    blocks: Sequence[tuple[str, BlockValues]], show_comment: bool
) -> list[dict[str, Any]]:
    """Silence and suspend only, silence first, then by domain (Mastodon's order)."""
    shown = [(d, v) for d, v in blocks if v.severity in (SILENCE, SUSPEND)]
    shown.sort(key=lambda item: (item[1].severity != SILENCE, item[0]))
    return [build_public_entry(d, v, show_comment) for d, v in shown]
