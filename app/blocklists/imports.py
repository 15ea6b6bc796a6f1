"""Importing a blocklist file: parse it into a run in state `previewed` with a diff against the
current blocks, apply it (each row becomes an `import` assertion whose source is the run), or
revert the whole run in one step from its audit rows.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.blocklists import service
from app.blocklists.changes import ChangeActor, values_of
from app.blocklists.formats import FormatError, ParsedEntry, domain_digest, parse_blocklist
from app.blocklists.provenance import is_stricter_than
from app.core.errors import Invalid, NotFound
from app.core.states import APPLIED, DISCARDED, PREVIEWED
from app.core.urls import Urls
from app.db.engine import Db
from app.moderation.domains import normalise_domain
from app.store import block_assertions, blocklist_runs, domain_blocks, domain_shields
from app.store.block_assertions import IMPORT
from app.store.blocklist_runs import Run
from app.store.domain_blocks import BlockValues

NEW = "new"
CHANGED = "changed"
UNCHANGED = "unchanged"
CONFLICT = "conflict"
STATUSES = (NEW, CHANGED, UNCHANGED, CONFLICT)
FILENAME_MAX_CHARS = 100


@dataclass(frozen=True, slots=True)
class ProposedBlock:
    domain: str
    values: BlockValues
    status: str
    # Why a conflict: "parent" (a stricter parent block), "manual" (an admin or token decision
    # differs), "allowed" (allowlisted or excluded).
    note: str = ""
    current: BlockValues | None = None


def _entry_json(item: ProposedBlock) -> dict[str, Any]:
    return {
        "domain": item.domain,
        "values": item.values.as_dict(),
        "status": item.status,
        "note": item.note,
        "current": None if item.current is None else item.current.as_dict(),
    }


def proposal_entries(run: Run) -> list[ProposedBlock]:
    entries = (run.proposal or {}).get("entries", [])
    return [
        ProposedBlock(
            domain=e["domain"],
            values=BlockValues(**e["values"]),
            status=e["status"],
            note=e["note"],
            current=None if e["current"] is None else BlockValues(**e["current"]),
        )
        for e in entries
    ]


def _resolve(entry: ParsedEntry, known: Mapping[str, str]) -> str:
    """The real domain: normalised, or found by its digest among domains we know."""
    if entry.is_obfuscated:
        if entry.digest is None or entry.digest not in known:
            raise Invalid("domain", "obfuscated")
        return known[entry.digest]
    return normalise_domain(entry.domain)


async def _classify(db: Db, domain: str, values: BlockValues) -> ProposedBlock:
    current = values_of(await domain_blocks.get_block(db, domain))
    governing = await domain_blocks.block_for_host(db, domain)
    if governing is not None and governing.domain != domain:
        parent = values_of(governing)
        assert parent is not None
        if not is_stricter_than(values, parent):
            return ProposedBlock(domain, values, CONFLICT, "parent", parent)
    if await domain_shields.is_shielded(db, domain):
        return ProposedBlock(domain, values, CONFLICT, "allowed", current)
    if current is None:
        return ProposedBlock(domain, values, NEW)
    if current == values:
        return ProposedBlock(domain, values, UNCHANGED, current=current)
    assertions = await block_assertions.list_assertions(db, domain)
    if any(a.is_authoritative for a in assertions) or not assertions:
        return ProposedBlock(domain, values, CONFLICT, "manual", current)
    return ProposedBlock(domain, values, CHANGED, current=current)


async def _known_digests(db: Db) -> dict[str, str]:
    return {domain_digest(b.domain): b.domain for b in await domain_blocks.list_blocks(db)}


async def preview_import(db: Db, text: str, filename: str, now: datetime) -> str:
    """Parse `text` and store the proposal as a previewed run; returns the run id. `Invalid`
    when the file as a whole cannot be read."""
    try:
        parsed = parse_blocklist(text)
    except FormatError as error:
        raise Invalid("file", str(error)) from None
    known = await _known_digests(db)
    errors: list[list[Any]] = [[row, reason] for row, reason in parsed.errors]
    proposed: dict[str, ProposedBlock] = {}
    for number, entry in enumerate(parsed.entries, start=1):
        try:
            domain = _resolve(entry, known)
        except Invalid as error:
            errors.append([number, error.reason])
            continue
        proposed[domain] = await _classify(db, domain, entry.values)
    summary = {s: sum(1 for p in proposed.values() if p.status == s) for s in STATUSES}
    summary["errors"] = len(errors)
    proposal = {
        "filename": filename[:FILENAME_MAX_CHARS],
        "format": parsed.format,
        "entries": [_entry_json(p) for p in proposed.values()],
        "errors": errors,
    }
    return await blocklist_runs.insert_run(
        db, IMPORT, PREVIEWED, now, proposal=proposal, summary=summary
    )


async def _run_in(db: Db, run_id: str, states: Collection[str]) -> Run:
    run = await blocklist_runs.get_run(db, run_id)
    if run is None or run.kind != IMPORT:
        raise NotFound("not_found")
    if run.state not in states:
        raise Invalid("run", "state")
    return run


async def apply_import(
    db: Db,
    urls: Urls,
    run_id: str,
    actor: ChangeActor,
    now: datetime,
    selected: Collection[str] | None = None,
) -> int:
    """Assert every new or changed entry (or only the `selected` domains) as this run's import;
    returns how many blocks changed."""
    run = await _run_in(db, run_id, (PREVIEWED,))
    reason = f"import {(run.proposal or {}).get('filename', '')}"
    changed = 0
    for item in proposal_entries(run):
        if item.status not in (NEW, CHANGED) or (
            selected is not None and item.domain not in selected
        ):
            continue
        change = await service.assert_block(
            db, urls, item.domain, IMPORT, run_id, item.values, actor, now, run_id, reason
        )
        changed += change.changed
    await blocklist_runs.update_run_state(
        db,
        run_id,
        APPLIED,
        finished_at=now,
        summary={**run.summary, "applied": changed},
    )
    return changed


async def discard_import(db: Db, run_id: str, now: datetime) -> None:
    await _run_in(db, run_id, (PREVIEWED,))
    await blocklist_runs.update_run_state(db, run_id, DISCARDED, finished_at=now)


async def revert_import(
    db: Db, urls: Urls, run_id: str, actor: ChangeActor, now: datetime
) -> service.RevertOutcome:
    await _run_in(db, run_id, (APPLIED,))
    return await service.revert_run(db, urls, run_id, actor, now)
