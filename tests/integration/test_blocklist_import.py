"""Importing a blocklist file: preview with a diff, apply as import assertions, revert the run."""

from __future__ import annotations

import pytest

from app.blocklists import imports, service
from app.blocklists.changes import ChangeActor
from app.core.clock import utcnow
from app.core.errors import Invalid
from app.db.tables import domain_block_audit
from app.store import block_audit, blocklist_runs, domain_blocks
from app.store.domain_blocks import BlockValues
from tests.support.app_client import RunningApp
from tests.support.snapshots import count_rows

pytestmark = pytest.mark.anyio

ADMIN = ChangeActor("admin", "a1", "admin alice")
SAMPLE = (
    "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
    "bad.example,suspend,false,false,Harassment,false\n"
    'spam.example,silence,true,false,"spam, bots",true\n'
    "media.example,noop,true,false,,false\n"
    "sub.parent.example,silence,false,false,,false\n"
    "kept.example,silence,false,false,,false\n"
    "bogus..example,suspend,false,false,,false\n"
)


async def test_import_preview_apply_and_revert(instance: RunningApp) -> None:
    """spec: blocklist-import"""
    db, urls = instance.services.db, instance.services.urls
    now = utcnow()
    admin = ChangeActor("admin", None, "admin: test")
    suspend = BlockValues("suspend", public_comment="", private_comment="")
    noop = BlockValues("noop", public_comment="", private_comment="")
    await service.set_manual(db, urls, "parent.example", suspend, admin, now)
    await service.set_manual(db, urls, "kept.example", BlockValues("silence"), admin, now)
    await service.set_manual(db, urls, "spam.example", noop, admin, now)
    before = {b.domain: b for b in await domain_blocks.list_blocks(db)}
    audit_rows = await count_rows(db, domain_block_audit)

    run_id = await imports.preview_import(db, SAMPLE, "list.csv", now)
    run = await blocklist_runs.get_run(db, run_id)
    assert run is not None and run.state == "previewed"
    statuses = {p.domain: (p.status, p.note) for p in imports.proposal_entries(run)}
    assert statuses == {
        "bad.example": ("new", ""),
        "spam.example": ("conflict", "manual"),
        "media.example": ("new", ""),
        "sub.parent.example": ("conflict", "parent"),
        "kept.example": ("unchanged", ""),
    }
    assert run.summary == {"new": 2, "changed": 0, "unchanged": 1, "conflict": 2, "errors": 1}
    assert {b.domain for b in await domain_blocks.list_blocks(db)} == set(before)

    assert await imports.apply_import(db, urls, run_id, ADMIN, utcnow()) == 2
    bad = await domain_blocks.get_block(db, "bad.example")
    assert bad is not None and (bad.severity, bad.public_comment) == ("suspend", "Harassment")
    assert (await blocklist_runs.get_run(db, run_id)).state == "applied"  # type: ignore[union-attr]
    entries = await block_audit.list_audit_of_run(db, run_id)
    assert [e.domain for e in entries] == ["bad.example", "media.example"]
    assert all(e.actor_label == "admin alice" for e in entries)
    with pytest.raises(Invalid):
        await imports.apply_import(db, urls, run_id, ADMIN, utcnow())

    outcome = await imports.revert_import(db, urls, run_id, ADMIN, utcnow())
    assert sorted(outcome.reverted) == ["bad.example", "media.example"] and outcome.skipped == []
    assert {b.domain: b for b in await domain_blocks.list_blocks(db)}.keys() == before.keys()
    assert (await blocklist_runs.get_run(db, run_id)).state == "reverted"  # type: ignore[union-attr]
    assert await count_rows(db, domain_block_audit) == audit_rows + 4


async def test_import_does_not_override_manual_and_yields_to_allowlist(
    instance: RunningApp,
) -> None:
    db, urls = instance.services.db, instance.services.urls
    await service.set_shield(
        db, urls, "friend.example", allow=True, on=True, actor=ADMIN, now=utcnow()
    )
    run_id = await imports.preview_import(db, "friend.example\nfoe.example\n", "bare.txt", utcnow())
    run = await blocklist_runs.get_run(db, run_id)
    assert run is not None
    assert {p.domain: p.status for p in imports.proposal_entries(run)} == {
        "friend.example": "conflict",
        "foe.example": "new",
    }
    await imports.apply_import(db, urls, run_id, ADMIN, utcnow())
    assert await domain_blocks.get_block(db, "friend.example") is None
    # A manual decision wins over the import; lifting it manually leaves no block behind.
    await service.set_manual(db, urls, "foe.example", BlockValues("silence"), ADMIN, utcnow())
    foe = await domain_blocks.get_block(db, "foe.example")
    assert foe is not None and foe.severity == "silence"
    await service.lift(db, "foe.example", ADMIN, utcnow())
    assert await domain_blocks.get_block(db, "foe.example") is None


async def test_import_refuses_unreadable_files(instance: RunningApp) -> None:
    db = instance.services.db
    with pytest.raises(Invalid):
        await imports.preview_import(db, "[{", "x.json", utcnow())
    assert await blocklist_runs.list_runs(db) == []


async def test_undo_one_change_from_the_audit_log(instance: RunningApp) -> None:
    db, urls = instance.services.db, instance.services.urls
    await service.set_manual(db, urls, "x.example", BlockValues("silence"), ADMIN, utcnow())
    await service.set_manual(db, urls, "x.example", BlockValues("suspend"), ADMIN, utcnow())
    latest = (await block_audit.list_audit(db))[0]
    assert await service.undo_change(db, urls, latest.id, ADMIN, utcnow())
    block = await domain_blocks.get_block(db, "x.example")
    assert block is not None and block.severity == "silence"
