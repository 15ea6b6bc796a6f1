"""Fetching one blocklist source and reading it into listing entries (the network edge of
subscriptions; it never touches the database).

Every request goes through `SafeClient` (SSRF guard, 1 MiB per response, redirect and time caps).
A source answers with its whole listing, or `changed=False` (ETag 304; no new FIRES changes).
Anything wrong with a source (status, size, format, one unreadable row) raises `SourceError`
with a clear reason, so nothing of a half-read list is ever applied: a dropped row would read as
a retraction.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from app.blocklists import fires
from app.blocklists.formats import (
    MAX_ROWS,
    FormatError,
    ParsedList,
    parse_csv,
    parse_json,
)
from app.blocklists.listing import ListedEntry, build_entry
from app.core.errors import Invalid
from app.moderation.domains import normalise_domain
from app.store.blocklist_sources import Source
from app.store.domain_blocks import BlockValues
from federation.client import Fetched, SafeClient
from federation.errors import FetchError, FetchTooLarge

MASTODON_PUBLIC = "mastodon_public"
MASTODON_ADMIN = "mastodon_admin"
CSV = "csv"
JSON = "json"
PLAIN = "plain"
FIRES = "fires"
TREEHOLE = "treehole"
KINDS = (MASTODON_PUBLIC, MASTODON_ADMIN, CSV, JSON, PLAIN, FIRES, TREEHOLE)
AUTH_NONE, AUTH_BEARER, AUTH_BASIC = "none", "bearer", "basic"
AUTH_KINDS = (AUTH_NONE, AUTH_BEARER, AUTH_BASIC)

PUBLIC_PATH = "/api/v1/instance/domain_blocks"
ADMIN_PATH = "/api/v1/admin/domain_blocks"
DATASETS_PATH = "/datasets"
MAX_PAGES = 100
JSON_ACCEPT = "application/json, application/ld+json;q=0.9"
_LINK = re.compile(r'<([^>]*)>\s*;\s*rel="?([^";,]+)"?')


class SourceError(Exception):
    """Why a source could not be read; safe to show an admin (no secret, no body)."""


@dataclass(frozen=True, slots=True)
class Fetch:
    changed: bool
    entries: tuple[ListedEntry, ...] = ()
    etag: str | None = None
    cursor: str | None = None
    # Entries that name a wildcard without a digest: nothing to match them against.
    unusable: int = 0


def _auth_headers(source: Source) -> dict[str, str]:
    secret = source.auth_secret or ""
    if source.auth_kind == AUTH_BEARER and secret:
        return {"Authorization": f"Bearer {secret}"}
    if source.auth_kind == AUTH_BASIC and secret:
        encoded = base64.b64encode(secret.encode("utf-8")).decode("ascii")
        return {"Authorization": f"Basic {encoded}"}
    return {}


def _with_default_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return url.rstrip("/") + path if parts.path in ("", "/") else url


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


async def _get(client: SafeClient, url: str, headers: Mapping[str, str]) -> Fetched:
    try:
        fetched = await client.get(url, headers=headers)
    except FetchTooLarge as error:
        raise SourceError(f"response too large ({error})") from error
    except FetchError as error:
        raise SourceError(f"fetch failed: {error}") from error
    if _origin(fetched.url) != _origin(url) and "authorization" in {k.lower() for k in headers}:
        raise SourceError("redirected to another host")
    return fetched


def _check_status(fetched: Fetched) -> None:
    if not 200 <= fetched.status_code < 300:
        raise SourceError(f"HTTP status {fetched.status_code}")


def _text(fetched: Fetched) -> str:
    try:
        return fetched.body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError("body is not UTF-8 text") from error


def _entries_of(parsed: ParsedList) -> tuple[tuple[ListedEntry, ...], int]:
    if parsed.errors:
        number, reason = parsed.errors[0]
        more = f" (and {len(parsed.errors) - 1} more)" if len(parsed.errors) > 1 else ""
        raise SourceError(f"malformed entry {number}: {reason}{more}")
    entries: list[ListedEntry] = []
    unusable = 0
    for number, parsed_entry in enumerate(parsed.entries, start=1):
        if parsed_entry.is_obfuscated:
            if parsed_entry.digest is None or len(parsed_entry.digest) != 64:
                unusable += 1
                continue
            values = BlockValues(**{**parsed_entry.values.as_dict(), "obfuscate": True})
            entries.append(ListedEntry(None, parsed_entry.digest.lower(), values))
            continue
        try:
            domain = normalise_domain(parsed_entry.domain)
        except Invalid as error:
            raise SourceError(f"malformed entry {number}: domain") from error
        entries.append(build_entry(domain, parsed_entry.values))
    return tuple(entries), unusable


def _parse(kind: str, text: str) -> ParsedList:
    try:
        if kind in (MASTODON_PUBLIC, MASTODON_ADMIN, JSON):
            return parse_json(text)
        return parse_csv(text)
    except FormatError as error:
        raise SourceError(f"malformed {kind} list: {error}") from error


async def fetch_listing(
    client: SafeClient, source: Source, previous: Sequence[ListedEntry]
) -> Fetch:
    """The source's current listing. `previous` is what it said last time (FIRES changes are
    applied to it)."""
    if source.kind in (FIRES, TREEHOLE):
        return await _fetch_fires(client, source, previous)
    if source.kind == MASTODON_ADMIN:
        return await _fetch_admin_pages(client, source)
    if source.kind not in KINDS:
        raise SourceError(f"unknown source kind {source.kind!r}")
    url = (
        _with_default_path(source.url, PUBLIC_PATH)
        if source.kind == MASTODON_PUBLIC
        else (source.url)
    )
    headers = {**_auth_headers(source), "Accept": JSON_ACCEPT if source.kind != CSV else "*/*"}
    if source.etag:
        headers["If-None-Match"] = source.etag
    fetched = await _get(client, url, headers)
    if fetched.status_code == 304 and source.etag:
        return Fetch(changed=False)
    _check_status(fetched)
    entries, unusable = _entries_of(_parse(source.kind, _text(fetched)))
    return Fetch(True, entries, etag=fetched.headers.get("etag"), unusable=unusable)


def _next_link(header: str | None) -> str | None:
    for target, rel in _LINK.findall(header or ""):
        if rel.strip() == "next":
            return str(target)
    return None


async def _fetch_admin_pages(client: SafeClient, source: Source) -> Fetch:
    """Mastodon's admin list, page after page along `Link: rel="next"` (same host only)."""
    url: str | None = _with_default_path(source.url, ADMIN_PATH)
    headers = {**_auth_headers(source), "Accept": "application/json"}
    entries: list[ListedEntry] = []
    unusable = 0
    for _ in range(MAX_PAGES):
        if url is None:
            return Fetch(True, tuple(entries), unusable=unusable)
        fetched = await _get(client, url, headers)
        _check_status(fetched)
        page, skipped = _entries_of(_parse(MASTODON_ADMIN, _text(fetched)))
        entries.extend(page)
        unusable += skipped
        if len(entries) > MAX_ROWS:
            raise SourceError("malformed mastodon_admin list: too_many_rows")
        following = _next_link(fetched.headers.get("link"))
        if following is not None and _origin(urljoin(url, following)) != _origin(url):
            raise SourceError("pagination link to another host")
        url = None if following is None or not page else urljoin(url, following)
    raise SourceError(f"more than {MAX_PAGES} pages")


async def _get_document(client: SafeClient, url: str, headers: Mapping[str, str]) -> Any:
    fetched = await _get(client, url, {**headers, "Accept": JSON_ACCEPT})
    _check_status(fetched)
    try:
        document = json.loads(_text(fetched))
    except (ValueError, RecursionError) as error:
        raise SourceError("malformed FIRES document: not JSON") from error
    if not isinstance(document, dict):
        raise SourceError("malformed FIRES document: not an object")
    return document


def _same_origin(url: Any, base: str, what: str) -> str:
    if not isinstance(url, str) or not url:
        raise SourceError(f"malformed FIRES document: no {what}")
    absolute = urljoin(base, url)
    if _origin(absolute) != _origin(base):
        raise SourceError(f"FIRES {what} on another host")
    return absolute


async def _dataset(client: SafeClient, source: Source, headers: Mapping[str, str]) -> Any:
    """The dataset document: the source URL itself (FIRES), or the first dataset another
    Treehole lists at /datasets."""
    if source.kind == FIRES:
        return await _get_document(client, source.url, headers)
    index_url = _with_default_path(source.url, DATASETS_PATH)
    index = await _get_document(client, index_url, headers)
    items = index.get("items") or index.get("orderedItems") or []
    first = items[0] if isinstance(items, list) and items else None
    if isinstance(first, dict) and isinstance(first.get("endpoints"), dict):
        return first
    if isinstance(first, dict):
        first = first.get("id")
    return await _get_document(client, _same_origin(first, index_url, "dataset"), headers)


def _apply(listing: dict[str, ListedEntry], items: Iterable[Any], cursor: str | None) -> str | None:
    for number, item in enumerate(items, start=1):
        try:
            change = fires.parse_change(item)
        except ValueError as error:
            raise SourceError(f"malformed FIRES change {number}: {error}") from error
        if change is None:
            continue
        if change.entry is None:
            listing.pop(change.digest, None)
        else:
            listing[change.digest] = change.entry
        cursor = change.cursor or cursor
    return cursor


def _items(document: Any) -> list[Any]:
    items = document.get("orderedItems", document.get("items", []))
    if not isinstance(items, list):
        raise SourceError("malformed FIRES document: items")
    if len(items) > MAX_ROWS:
        raise SourceError("malformed FIRES document: too_many_rows")
    return items


def _since_of(url: Any) -> str | None:
    if not isinstance(url, str):
        return None
    match = re.search(r"[?&]since=([0-9a-fA-F-]{36})", url)
    return match.group(1) if match else None


async def _fetch_fires(
    client: SafeClient, source: Source, previous: Sequence[ListedEntry]
) -> Fetch:
    headers = _auth_headers(source)
    dataset = await _dataset(client, source, headers)
    endpoints = dataset.get("endpoints")
    if not isinstance(endpoints, dict):
        raise SourceError("malformed FIRES document: no endpoints")
    if not source.cursor:
        snapshot_url = _same_origin(endpoints.get("snapshot"), source.url, "snapshot")
        return await _read_snapshot(client, snapshot_url, headers)
    changes_url = _same_origin(endpoints.get("changes"), source.url, "changes")
    return await _read_changes(client, changes_url, headers, previous, source.cursor)


async def _read_snapshot(client: SafeClient, url: str, headers: Mapping[str, str]) -> Fetch:
    snapshot = await _get_document(client, url, headers)
    listing: dict[str, ListedEntry] = {}
    latest = _apply(listing, reversed(_items(snapshot)), None)
    cursor = _since_of(snapshot.get("changes")) or latest or fires.ZERO_CURSOR
    return Fetch(True, tuple(listing.values()), cursor=cursor)


async def _read_changes(
    client: SafeClient,
    changes_url: str,
    headers: Mapping[str, str],
    previous: Sequence[ListedEntry],
    since: str,
) -> Fetch:
    """Pages of changes after `since`, applied to the previous listing."""
    listing = {entry.digest: entry for entry in previous}
    cursor: str | None = since
    url = _with_query(changes_url, cursor)
    seen = 0
    for _ in range(MAX_PAGES):
        page = await _get_document(client, url, headers)
        items = _items(page)
        seen += len(items)
        cursor = _apply(listing, items, cursor)
        following = page.get("next")
        if not items or not following:
            return Fetch(seen > 0, tuple(listing.values()), cursor=cursor)
        url = _same_origin(following, changes_url, "next page")
    raise SourceError(f"more than {MAX_PAGES} pages")


def _with_query(url: str, since: str | None) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}{urlencode({'since': since or fires.ZERO_CURSOR})}"
