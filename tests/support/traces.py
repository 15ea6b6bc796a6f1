"""Searching a whole database for what a note leaves behind.

The schema is read from the database itself (not from `app.db.tables`), so a table or column the
code forgot is searched too: every column of a textual, JSON or binary type in every table. A
note's traces are its text and every form derived from it that could be stored: JSON-escaped,
normalised for the moderation checks, its near-duplicate fingerprint, its HTML, the payloads of
the activities that carried it, and its author's keys.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from app.db.engine import Db
from app.moderation.duplicates import fingerprint, has_enough_text
from app.moderation.normalize import normalize
from app.moderation.pipeline import Content, content_text

TEXTUAL_SQLITE = ("CHAR", "TEXT", "CLOB", "JSON", "BLOB")
TEXTUAL_POSTGRES = ("text", "character varying", "character", "json", "jsonb", "bytea")
# Shorter normalised forms would be single common words, found in any other note.
MIN_FORM_CHARS = 12
KEY_SAMPLE_CHARS = 48


async def text_columns(db: Db) -> list[tuple[str, str]]:
    """(table, column) for every textual, JSON or binary column of every table."""
    if db.is_postgres:
        rows = await db.database.fetch_all(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
        )
        return [
            (row["table_name"], row["column_name"])
            for row in rows
            if row["data_type"] in TEXTUAL_POSTGRES
        ]
    tables = await db.database.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    found: list[tuple[str, str]] = []
    for table in tables:
        name = table["name"]
        for column in await db.database.fetch_all(f'PRAGMA table_info("{name}")'):
            declared = str(column["type"]).upper()
            if not declared or any(kind in declared for kind in TEXTUAL_SQLITE):
                found.append((name, column["name"]))
    return found


def _as_texts(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (bytes, bytearray, memoryview)):
        return [bytes(value).decode("utf-8", "replace")]
    if isinstance(value, (dict, list)):
        return [json.dumps(value, ensure_ascii=False), json.dumps(value)]
    return [str(value)]


async def find_traces(db: Db, needles: Mapping[str, str]) -> list[str]:
    """Where any needle is found: `table.column: label`, once per place and label."""
    found: set[str] = set()
    for table, column in await text_columns(db):
        rows = await db.database.fetch_all(f'SELECT "{column}" AS value FROM "{table}"')
        for row in rows:
            for text in _as_texts(row["value"]):
                for label, needle in needles.items():
                    if needle and needle in text:
                        found.add(f"{table}.{column}: {label}")
    return sorted(found)


def escaped_forms(label: str, text: str) -> dict[str, str]:
    """`text` as stored raw and inside JSON (with and without non-ASCII escapes)."""
    return {
        label: text,
        f"{label} (JSON)": json.dumps(text, ensure_ascii=False)[1:-1],
        f"{label} (JSON, ASCII)": json.dumps(text)[1:-1],
    }


def text_traces(label: str, text: str, summary: str | None = None) -> dict[str, str]:
    """The text, its normalised forms and its near-duplicate fingerprint."""
    traces = escaped_forms(label, text)
    normalized = normalize(content_text(Content(text, summary, "local", True)))
    for name in ("plain", "folded"):
        traces[f"{label} normalised {name}"] = getattr(normalized, name)
    for index, form in enumerate(normalized.joined):
        if len(form) >= MIN_FORM_CHARS:
            traces[f"{label} normalised joined {index}"] = form
    if has_enough_text(normalized):
        traces[f"{label} fingerprint"] = fingerprint(normalized)
    return traces


def key_traces(label: str, pems: Iterable[str | None]) -> dict[str, str]:
    """A piece from the middle of each key's base64 body (a PEM is stored with line breaks,
    and inside JSON with escaped ones: a piece of one line is found either way)."""
    traces: dict[str, str] = {}
    for index, pem in enumerate(pems):
        if not pem:
            continue
        lines = [line for line in pem.splitlines() if line and not line.startswith("-----")]
        middle = lines[len(lines) // 2]
        traces[f"{label} key {index}"] = middle[:KEY_SAMPLE_CHARS]
    return traces
