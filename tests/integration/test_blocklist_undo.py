"""Undo of any audited blocklist change: allowlist and local-exclude changes are reversed (the
shield goes or comes back and the block is recomputed and enforced), a lift comes back exactly
(the dropped manual and token assertions with their values and timestamps, and without the exclude
the lift added), and a change that has been superseded since is skipped, changing nothing."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest

from app.blocklists import service
from app.blocklists.changes import ChangeActor, values_of
from app.core.clock import utcnow
from app.db.tables import domain_block_audit
from app.moderation.blocks import is_suspended_host
from app.store import block_assertions, block_audit, domain_blocks, domain_shields
from app.store.block_assertions import IMPORT, SUBSCRIPTION
from app.store.block_audit import AuditEntry
from app.store.domain_blocks import BlockValues
from tests.support.admin import form_token, signed_in
from tests.support.app_client import RunningApp
from tests.support.snapshots import count_rows

pytestmark = pytest.mark.anyio

ADMIN = ChangeActor("admin", "a1", "admin alice")
SYNC = ChangeActor("subscription", "s1", "subscription: shared list")
TOKEN = ChangeActor("token", "t1", "token: ci")
LISTED = BlockValues("suspend", public_comment="spam")
MANUAL_VALUES = BlockValues("suspend", reject_reports=True, public_comment="ours", obfuscate=True)
TOKEN_VALUES = BlockValues("silence", reject_media=True, private_comment="from the tool")


async def latest_entry(instance: RunningApp) -> AuditEntry:
    return (await block_audit.list_audit(instance.services.db))[0]


async def undo_latest(instance: RunningApp) -> bool:
    db, urls = instance.services.db, instance.services.urls
    entry = await latest_entry(instance)
    return await service.undo_change(db, urls, entry.id, ADMIN, utcnow())


async def listed(instance: RunningApp, domain: str, kind: str = SUBSCRIPTION) -> None:
    """A subscription (or import) asserts `domain`: blocked and suspended."""
    db, urls = instance.services.db, instance.services.urls
    await service.assert_block(db, urls, domain, kind, "src1", LISTED, SYNC, utcnow())
    assert await is_suspended_host(db, domain)


async def shield(instance: RunningApp, domain: str, kind: str, *, on: bool) -> None:
    db, urls = instance.services.db, instance.services.urls
    allow = kind == "allow"
    await service.set_shield(db, urls, domain, allow=allow, on=on, actor=ADMIN, now=utcnow())


async def shields(instance: RunningApp, kind: str) -> list[str]:
    db = instance.services.db
    if kind == "allow":
        return list(await domain_shields.list_allows(db))
    return list(await domain_shields.list_excludes(db))


@pytest.mark.parametrize("kind", ["allow", "exclude"])
async def test_undo_shield_add_removes_it_and_the_block_comes_back(
    instance: RunningApp, kind: str
) -> None:
    """spec: blocklist-audit (B10)"""
    db = instance.services.db
    await listed(instance, "friend.example")
    await shield(instance, "friend.example", kind, on=True)
    assert not await is_suspended_host(db, "friend.example")
    entry = await latest_entry(instance)
    assert entry.assertion is not None
    assert entry.assertion["shield"] == {"kind": kind, "action": "add"}
    assert entry.before is not None and entry.after is None

    assert await undo_latest(instance)
    assert await shields(instance, kind) == []
    block = await domain_blocks.get_block(db, "friend.example")
    assert block is not None and block.public_comment == "spam"
    assert await is_suspended_host(db, "friend.example")
    # The undo is itself a change that can be undone: the shield is back.
    assert await undo_latest(instance)
    assert await shields(instance, kind) == ["friend.example"]
    assert not await is_suspended_host(db, "friend.example")


@pytest.mark.parametrize("kind", ["allow", "exclude"])
async def test_undo_shield_remove_restores_it_and_lifts_the_block_again(
    instance: RunningApp, kind: str
) -> None:
    db = instance.services.db
    await shield(instance, "friend.example", kind, on=True)
    await listed(instance, "other.example")
    await service.assert_block(
        db, instance.services.urls, "friend.example", SUBSCRIPTION, "src1", LISTED, SYNC, utcnow()
    )
    assert not await is_suspended_host(db, "friend.example")
    await shield(instance, "friend.example", kind, on=False)
    assert await is_suspended_host(db, "friend.example")
    entry = await latest_entry(instance)
    assert entry.assertion is not None
    assert entry.assertion["shield"] == {"kind": kind, "action": "remove"}

    assert await undo_latest(instance)
    assert await shields(instance, kind) == ["friend.example"]
    assert await domain_blocks.get_block(db, "friend.example") is None
    assert not await is_suspended_host(db, "friend.example")
    assert await is_suspended_host(db, "other.example")


async def test_shield_change_on_an_unblocked_domain_is_audited_and_undone(
    instance: RunningApp,
) -> None:
    db = instance.services.db
    await shield(instance, "quiet.example", "allow", on=True)
    entry = await latest_entry(instance)
    assert entry.domain == "quiet.example" and entry.before is None and entry.after is None
    rows = await count_rows(db, domain_block_audit)
    # Adding what is already there changes nothing and is not audited.
    await shield(instance, "quiet.example", "allow", on=True)
    assert await count_rows(db, domain_block_audit) == rows
    assert await service.undo_change(db, instance.services.urls, entry.id, ADMIN, utcnow())
    assert await domain_shields.list_allows(db) == []


async def token_then_manual(instance: RunningApp, domain: str) -> None:
    """A token write, then a later manual decision (the latest authoritative one wins)."""
    db, urls = instance.services.db, instance.services.urls
    now = utcnow()
    await service.set_by_token(db, urls, domain, TOKEN_VALUES, TOKEN, now)
    await service.set_manual(db, urls, domain, MANUAL_VALUES, ADMIN, now + timedelta(seconds=1))


@pytest.mark.parametrize("kind", [IMPORT, SUBSCRIPTION])
async def test_undo_lift_with_a_source_still_asserting_restores_the_block_exactly(
    instance: RunningApp, kind: str
) -> None:
    """spec: blocklist-audit (B10)"""
    db = instance.services.db
    await listed(instance, "foe.example", kind)
    await token_then_manual(instance, "foe.example")
    before = await block_assertions.list_assertions(db, "foe.example")
    rows = await count_rows(db, domain_block_audit)

    await service.lift(db, "foe.example", ADMIN, utcnow(), reason="removed")
    assert await domain_blocks.get_block(db, "foe.example") is None
    assert await domain_shields.list_excludes(db) == ["foe.example"]
    assert not await is_suspended_host(db, "foe.example")
    # One audit row for the whole lift, which is what undo reverses.
    assert await count_rows(db, domain_block_audit) == rows + 1

    assert await undo_latest(instance)
    assert await domain_shields.list_excludes(db) == []
    block = await domain_blocks.get_block(db, "foe.example")
    assert block is not None and values_of(block) == MANUAL_VALUES
    assert sorted(await block_assertions.list_assertions(db, "foe.example"), key=repr) == sorted(
        before, key=repr
    )
    assert await is_suspended_host(db, "foe.example")


async def test_undo_lift_without_other_sources_restores_the_block(instance: RunningApp) -> None:
    db = instance.services.db
    await token_then_manual(instance, "solo.example")
    await service.lift(db, "solo.example", ADMIN, utcnow())
    assert await domain_shields.list_excludes(db) == []
    assert await block_assertions.list_assertions(db, "solo.example") == []
    assert not await is_suspended_host(db, "solo.example")

    assert await undo_latest(instance)
    block = await domain_blocks.get_block(db, "solo.example")
    assert block is not None and values_of(block) == MANUAL_VALUES
    assert len(await block_assertions.list_assertions(db, "solo.example")) == 2
    assert await domain_shields.list_excludes(db) == []
    assert await is_suspended_host(db, "solo.example")
    # Undoing the undo lifts it again.
    assert await undo_latest(instance)
    assert await domain_blocks.get_block(db, "solo.example") is None


async def test_undo_lift_keeps_an_exclude_the_lift_did_not_add(instance: RunningApp) -> None:
    db = instance.services.db
    await shield(instance, "foe.example", "exclude", on=True)
    await service.assert_block(
        db, instance.services.urls, "foe.example", IMPORT, "run1", LISTED, SYNC, utcnow()
    )
    await service.set_manual(
        db, instance.services.urls, "foe.example", MANUAL_VALUES, ADMIN, utcnow()
    )
    await service.lift(db, "foe.example", ADMIN, utcnow())
    assert await undo_latest(instance)
    assert await domain_shields.list_excludes(db) == ["foe.example"]
    block = await domain_blocks.get_block(db, "foe.example")
    assert block is not None and values_of(block) == MANUAL_VALUES


async def test_undo_lift_of_a_block_without_provenance_restores_it(instance: RunningApp) -> None:
    db, now = instance.services.db, utcnow()
    await domain_blocks.upsert_block(db, {"domain": "old.example", **MANUAL_VALUES.as_dict()}, now)
    await service.lift(db, "old.example", ADMIN, now)
    assert await domain_blocks.get_block(db, "old.example") is None
    assert await undo_latest(instance)
    block = await domain_blocks.get_block(db, "old.example")
    assert block is not None and values_of(block) == MANUAL_VALUES


async def test_undo_superseded_lift_is_skipped_and_changes_nothing(instance: RunningApp) -> None:
    db, urls = instance.services.db, instance.services.urls
    await listed(instance, "foe.example")
    await service.set_manual(db, urls, "foe.example", MANUAL_VALUES, ADMIN, utcnow())
    await service.lift(db, "foe.example", ADMIN, utcnow())
    lift_entry = await latest_entry(instance)
    # The exclude the lift added was removed since: the subscription's block is back.
    await shield(instance, "foe.example", "exclude", on=False)
    rows = await count_rows(db, domain_block_audit)
    assert not await service.undo_change(db, urls, lift_entry.id, ADMIN, utcnow())
    assert await count_rows(db, domain_block_audit) == rows
    assert [a.source_kind for a in await block_assertions.list_assertions(db, "foe.example")] == [
        SUBSCRIPTION
    ]
    block = await domain_blocks.get_block(db, "foe.example")
    assert block is not None and values_of(block) == LISTED

    # A new manual decision after a lift also wins over undoing the lift.
    await service.set_manual(db, urls, "foe.example", MANUAL_VALUES, ADMIN, utcnow())
    await service.lift(db, "foe.example", ADMIN, utcnow())
    lift_entry = await latest_entry(instance)
    silence = BlockValues("silence")
    await service.set_manual(db, urls, "foe.example", silence, ADMIN, utcnow())
    assert not await service.undo_change(db, urls, lift_entry.id, ADMIN, utcnow())
    block = await domain_blocks.get_block(db, "foe.example")
    assert block is not None and values_of(block) == silence
    assert not await is_suspended_host(db, "foe.example")
    assert await domain_shields.list_excludes(db) == ["foe.example"]


async def test_admin_undo_of_a_superseded_shield_change_answers_409(instance: RunningApp) -> None:
    """spec: blocklist-audit (B10)"""
    client, db = instance.client, instance.services.db
    await signed_in(client, db, "root", "admin")
    token = await form_token(client, "/admin/blocks")
    await listed(instance, "friend.example")
    for change in ("add", "remove"):
        answer = await client.post(
            "/admin/blocks/shields",
            data={
                "csrf_token": token,
                "domain": "friend.example",
                "kind": "allow",
                "change": change,
            },
        )
        assert answer.status_code == 303
    removed, added = [e.id for e in (await block_audit.list_audit(db))[:2]]
    skipped = await client.post(f"/admin/blocks/audit/{added}/undo", data={"csrf_token": token})
    assert skipped.status_code == 409
    assert f"#{added} was not undone" in html.unescape(skipped.text)
    assert await domain_shields.list_allows(db) == []
    assert await is_suspended_host(db, "friend.example")

    undone = await client.post(f"/admin/blocks/audit/{removed}/undo", data={"csrf_token": token})
    assert undone.status_code == 303
    assert await domain_shields.list_allows(db) == ["friend.example"]
    assert not await is_suspended_host(db, "friend.example")
    # With the removal undone, the add is in force again and can be undone in turn.
    again = await client.post(f"/admin/blocks/audit/{added}/undo", data={"csrf_token": token})
    assert again.status_code == 303
    assert await domain_shields.list_allows(db) == []
    assert await is_suspended_host(db, "friend.example")
