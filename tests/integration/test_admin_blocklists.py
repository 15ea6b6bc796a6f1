"""The blocklist admin pages: blocks with their sources, add/edit/remove as manual assertions,
the allowlist and excludes, the audit log with undo, import preview/apply/discard/revert, the
CSV export and API tokens. Admins only, CSRF-checked; bad input is a 400 that changes nothing."""

from __future__ import annotations

import html
import re

import httpx
import pytest

from app.db.tables import domain_block_audit
from app.moderation.blocks import is_suspended_host
from app.store import (
    api_tokens,
    block_assertions,
    block_audit,
    blocklist_runs,
    domain_blocks,
    domain_shields,
)
from tests.support.admin import form_token, signed_in
from tests.support.app_client import RunningApp
from tests.support.snapshots import count_rows

pytestmark = pytest.mark.anyio

PAGES = (
    "/admin/blocks",
    "/admin/blocks/audit",
    "/admin/blocks/import",
    "/admin/blocks/export.csv",
    "/admin/tokens",
)
SAMPLE = (
    "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
    "new.example,suspend,false,false,Harassment,false\n"
    "kept.example,silence,false,false,,false\n"
    "also.example,silence,true,false,spam,false\n"
    "bogus..example,suspend,false,false,,false\n"
)
API = "/api/v1/admin/domain_blocks"


async def admin_token(instance: RunningApp) -> str:
    await signed_in(instance.client, instance.services.db, "root", "admin")
    return await form_token(instance.client, "/admin/blocks")


def block_form(token: str, domain: str, severity: str = "suspend", **over: str) -> dict[str, str]:
    return {"csrf_token": token, "domain": domain, "severity": severity, **over}


async def audit_ids(instance: RunningApp) -> list[int]:
    return [e.id for e in await block_audit.list_audit(instance.services.db)]


async def test_admin_blocklists_pages_answer_admin_moderator_and_nobody(
    instance: RunningApp,
) -> None:
    for page in PAGES:
        assert (await instance.client.get(page)).status_code == 401, page
    await signed_in(instance.client, instance.services.db, "mod", "moderator")
    for page in PAGES:
        assert (await instance.client.get(page)).status_code == 403, page
    instance.client.cookies.clear()
    await signed_in(instance.client, instance.services.db, "root", "admin")
    for page in PAGES:
        assert (await instance.client.get(page)).status_code == 200, page
    nav = (await instance.client.get("/admin/queue")).text
    assert 'href="http://treehole.test/admin/blocks"' in nav
    assert 'href="http://treehole.test/admin/tokens"' in nav


async def test_admin_blocks_add_edit_remove_are_audited_and_enforced(instance: RunningApp) -> None:
    """spec: blocklist-provenance (B1), blocklist-audit (B10)"""
    client, db = instance.client, instance.services.db
    token = await admin_token(instance)
    added = await client.post(
        "/admin/blocks",
        data=block_form(token, "Bad.Example.", public_comment="spam", reject_reports="on"),
    )
    assert added.status_code == 303
    assert await is_suspended_host(db, "sub.bad.example")
    [assertion] = await block_assertions.list_assertions(db, "bad.example")
    assert (assertion.source_kind, assertion.source_id) == ("manual", "local")
    assert assertion.values.public_comment == "spam" and assertion.values.reject_reports
    [entry] = await block_audit.list_audit(db)
    assert entry.actor_kind == "admin" and entry.actor_label == "admin: root"
    assert entry.before is None and entry.after is not None and entry.after["severity"] == "suspend"

    edit = await client.get("/admin/blocks?edit=bad.example")
    assert 'value="spam"' in edit.text and '<option value="suspend" selected>' in edit.text
    edited = await client.post("/admin/blocks", data=block_form(token, "bad.example", "silence"))
    assert edited.status_code == 303
    assert not await is_suspended_host(db, "bad.example")
    block = await domain_blocks.get_block(db, "bad.example")
    assert block is not None and block.severity == "silence" and block.public_comment is None
    page = await client.get("/admin/blocks")
    assert "bad.example" in page.text and "This server's admins" in html.unescape(page.text)

    removed = await client.post(
        "/admin/blocks/remove", data={"csrf_token": token, "domain": "bad.example"}
    )
    assert removed.status_code == 303
    assert await domain_blocks.get_block(db, "bad.example") is None
    assert await block_assertions.list_assertions(db, "bad.example") == []
    assert len(await audit_ids(instance)) == 3
    log = await client.get("/admin/blocks/audit")
    assert log.status_code == 200 and log.text.count("bad.example") == 3


async def test_admin_blocks_undo_restores_the_previous_values(instance: RunningApp) -> None:
    """spec: blocklist-audit (B10)"""
    client, db = instance.client, instance.services.db
    token = await admin_token(instance)
    await client.post("/admin/blocks", data=block_form(token, "x.example", "silence"))
    await client.post("/admin/blocks", data=block_form(token, "x.example", "suspend"))
    newest, older = await audit_ids(instance)
    # The older change's source entry has changed since: skipped, said so, nothing changed.
    skipped = await client.post(f"/admin/blocks/audit/{older}/undo", data={"csrf_token": token})
    assert skipped.status_code == 409
    assert f"#{older} was not undone" in html.unescape(skipped.text)
    assert await is_suspended_host(db, "x.example")
    assert len(await audit_ids(instance)) == 2
    undone = await client.post(f"/admin/blocks/audit/{newest}/undo", data={"csrf_token": token})
    assert undone.status_code == 303
    block = await domain_blocks.get_block(db, "x.example")
    assert block is not None and block.severity == "silence"
    [undo_entry, *_] = await block_audit.list_audit(db)
    assert undo_entry.reason == f"undo #{newest}" and undo_entry.actor_label == "admin: root"
    # Now the older one applies: the block it made goes.
    again = await client.post(f"/admin/blocks/audit/{older}/undo", data={"csrf_token": token})
    assert again.status_code == 303
    assert await domain_blocks.get_block(db, "x.example") is None
    missing = await client.post("/admin/blocks/audit/999999/undo", data={"csrf_token": token})
    assert missing.status_code == 404
    bad = await client.post("/admin/blocks/audit/main/undo", data={"csrf_token": token})
    assert bad.status_code == 404


async def test_admin_blocks_allowlist_and_excludes(instance: RunningApp) -> None:
    client, db = instance.client, instance.services.db
    token = await admin_token(instance)
    for kind, domain in (("allow", "friend.example"), ("exclude", "one.example")):
        answer = await client.post(
            "/admin/blocks/shields",
            data={"csrf_token": token, "domain": domain, "kind": kind, "change": "add"},
        )
        assert answer.status_code == 303
    assert await domain_shields.list_allows(db) == ["friend.example"]
    assert await domain_shields.list_excludes(db) == ["one.example"]
    assert await domain_shields.is_shielded(db, "sub.friend.example")
    page = await client.get("/admin/blocks")
    assert "friend.example" in page.text and "one.example" in page.text
    removed = await client.post(
        "/admin/blocks/shields",
        data={"csrf_token": token, "domain": "friend.example", "kind": "allow", "change": "remove"},
    )
    assert removed.status_code == 303
    assert await domain_shields.list_allows(db) == []


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/admin/blocks", {"domain": "not a domain", "severity": "suspend"}),
        ("/admin/blocks", {"domain": "b*d.example", "severity": "suspend"}),
        ("/admin/blocks", {"domain": "ok.example", "severity": "nuke"}),
        (
            "/admin/blocks",
            {"domain": "ok.example", "severity": "suspend", "public_comment": "x" * 1001},
        ),
        ("/admin/blocks/remove", {"domain": "-bad-.example"}),
        ("/admin/blocks/shields", {"domain": "ok.example", "kind": "bless", "change": "add"}),
        ("/admin/blocks/shields", {"domain": "ok.example", "kind": "allow", "change": "maybe"}),
        ("/admin/blocks/shields", {"domain": "", "kind": "allow", "change": "add"}),
    ],
)
async def test_admin_blocks_bad_input_answers_400_and_changes_nothing(
    instance: RunningApp, path: str, data: dict[str, str]
) -> None:
    db = instance.services.db
    token = await admin_token(instance)
    answer = await instance.client.post(path, data={"csrf_token": token, **data})
    assert answer.status_code == 400
    assert 'role="alert"' in answer.text
    assert await domain_blocks.list_blocks(db) == []
    assert await count_rows(db, domain_block_audit) == 0
    assert await domain_shields.list_allows(db) == [] == await domain_shields.list_excludes(db)


async def test_admin_blocks_bad_cursors_answer_400(instance: RunningApp) -> None:
    await admin_token(instance)
    for page in ("/admin/blocks?page=0", "/admin/blocks?page=x", "/admin/blocks/audit?before=-1"):
        assert (await instance.client.get(page)).status_code == 400, page
    assert (await instance.client.get("/admin/blocks/audit?before=5")).status_code == 200


async def test_admin_blocklists_posts_without_csrf_answer_403(instance: RunningApp) -> None:
    client, db = instance.client, instance.services.db
    await admin_token(instance)
    for path, data in (
        ("/admin/blocks", {"domain": "x.example", "severity": "suspend"}),
        ("/admin/blocks/remove", {"domain": "x.example"}),
        ("/admin/blocks/shields", {"domain": "x.example", "kind": "allow", "change": "add"}),
        ("/admin/blocks/import", {"text": "x.example\n"}),
        ("/admin/tokens", {"name": "t", "scopes": "admin:read"}),
    ):
        assert (await client.post(path, data=data)).status_code == 403, path
    assert await domain_blocks.list_blocks(db) == []
    assert await blocklist_runs.list_runs(db) == []
    assert await api_tokens.list_tokens(db) == []


async def preview(client: httpx.AsyncClient, token: str, text: str) -> httpx.Response:
    return await client.post(
        "/admin/blocks/import",
        data={"csrf_token": token},
        files={"file": ("list.csv", text.encode(), "text/csv")},
    )


async def test_admin_import_preview_apply_and_revert(instance: RunningApp) -> None:
    """spec: blocklist-import, blocklist-revert (B10)"""
    client, db = instance.client, instance.services.db
    token = await admin_token(instance)
    await client.post("/admin/blocks", data=block_form(token, "kept.example", "silence"))
    answer = await preview(client, token, SAMPLE)
    assert answer.status_code == 303
    run_page = answer.headers["location"]
    [run] = await blocklist_runs.list_runs(db, "import")
    assert run.state == "previewed" and run_page.endswith(f"/admin/blocks/import/{run.id}")
    assert [b.domain for b in await domain_blocks.list_blocks(db)] == ["kept.example"]
    shown = await client.get(run_page)
    assert shown.status_code == 200
    text = html.unescape(shown.text)
    assert "New (2)" in text and "Unchanged (1)" in text and "Rows not read" in text
    assert "list.csv" in text and "Mastodon CSV" in text

    applied = await client.post(
        f"/admin/blocks/import/{run.id}/apply",
        data={"csrf_token": token, "scope": "selected", "domain": "new.example"},
    )
    assert applied.status_code == 303
    assert await is_suspended_host(db, "new.example")
    assert await domain_blocks.get_block(db, "also.example") is None
    [assertion] = await block_assertions.list_assertions(db, "new.example")
    assert (assertion.source_kind, assertion.source_id) == ("import", run.id)
    page = await client.get("/admin/blocks")
    assert "Import (list.csv)" in page.text
    again = await client.post(
        f"/admin/blocks/import/{run.id}/apply", data={"csrf_token": token, "scope": "all"}
    )
    assert again.status_code == 409

    reverted = await client.post(
        f"/admin/blocks/import/{run.id}/revert", data={"csrf_token": token}
    )
    assert reverted.status_code == 200 and "Reverted: 1." in reverted.text
    assert await domain_blocks.get_block(db, "new.example") is None
    assert [b.domain for b in await domain_blocks.list_blocks(db)] == ["kept.example"]
    run_after = await blocklist_runs.get_run(db, run.id)
    assert run_after is not None and run_after.state == "reverted"
    listing = await client.get("/admin/blocks/import")
    assert "list.csv" in listing.text and "Reverted" in listing.text


async def test_admin_import_paste_apply_all_and_discard(instance: RunningApp) -> None:
    client, db = instance.client, instance.services.db
    token = await admin_token(instance)
    pasted = await client.post(
        "/admin/blocks/import",
        data={"csrf_token": token, "text": '[{"domain": "json.example", "severity": "silence"}]'},
    )
    assert pasted.status_code == 303
    [run] = await blocklist_runs.list_runs(db, "import")
    nothing = await client.post(
        f"/admin/blocks/import/{run.id}/apply", data={"csrf_token": token, "scope": "selected"}
    )
    assert nothing.status_code == 400
    everything = await client.post(
        f"/admin/blocks/import/{run.id}/apply", data={"csrf_token": token, "scope": "all"}
    )
    assert everything.status_code == 303
    block = await domain_blocks.get_block(db, "json.example")
    assert block is not None and block.severity == "silence"

    await client.post("/admin/blocks/import", data={"csrf_token": token, "text": "bare.example\n"})
    latest = (await blocklist_runs.list_runs(db, "import"))[0]
    discarded = await client.post(
        f"/admin/blocks/import/{latest.id}/discard", data={"csrf_token": token}
    )
    assert discarded.status_code == 303
    assert await domain_blocks.get_block(db, "bare.example") is None
    gone = await blocklist_runs.get_run(db, latest.id)
    assert gone is not None and gone.state == "discarded"
    for path in (f"/admin/blocks/import/{latest.id}/explode", "/admin/blocks/import/nope/apply"):
        assert (await client.post(path, data={"csrf_token": token})).status_code == 404
    assert (await client.get("/admin/blocks/import/no%00such")).status_code == 404


@pytest.mark.parametrize(
    "content",
    [
        b'#domain,#severity\n"' + b"x" * 140_000 + b'",suspend\n',
        b"[{not json",
        b'{"domain": "x.example"}',
        b"\xff\xfe bad bytes",
        b"x.example\x00\n",
        b"   \n",
        b"x" * (1024 * 1024 + 1),
    ],
    ids=["csv", "json", "json-object", "encoding", "nul", "empty", "oversize"],
)
async def test_admin_import_bad_files_answer_400_and_store_nothing(
    instance: RunningApp, content: bytes
) -> None:
    db = instance.services.db
    token = await admin_token(instance)
    answer = await instance.client.post(
        "/admin/blocks/import",
        data={"csrf_token": token},
        files={"file": ("list.csv", content, "text/csv")},
    )
    assert answer.status_code == 400
    assert 'role="alert"' in answer.text
    assert await blocklist_runs.list_runs(db) == []
    assert await domain_blocks.list_blocks(db) == []


async def test_admin_import_body_over_the_limit_answers_413(instance: RunningApp) -> None:
    token = await admin_token(instance)
    answer = await instance.client.post(
        "/admin/blocks/import",
        data={"csrf_token": token},
        files={"file": ("list.csv", b"a.example\n" * 300_000, "text/csv")},
    )
    assert answer.status_code == 413
    assert await blocklist_runs.list_runs(instance.services.db) == []


async def test_admin_export_csv_is_mastodon_csv(instance: RunningApp) -> None:
    client = instance.client
    token = await admin_token(instance)
    await client.post("/admin/blocks", data=block_form(token, "b.example", public_comment="a, b"))
    await client.post("/admin/blocks", data=block_form(token, "a.example", "silence"))
    answer = await client.get("/admin/blocks/export.csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.text == (
        "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
        "a.example,silence,false,false,,false\n"
        'b.example,suspend,false,false,"a, b",false\n'
    )


def shown_token(page: str) -> str:
    match = re.search(r'id="new-token" readonly value="(th_[A-Za-z0-9_-]+)"', page)
    assert match, "no token shown"
    return match.group(1)


async def test_admin_tokens_create_use_and_revoke(instance: RunningApp) -> None:
    """spec: blocklist-tokens (R10)"""
    client, db = instance.client, instance.services.db
    await signed_in(client, db, "root", "admin")
    csrf = await form_token(client, "/admin/tokens")
    created = await client.post(
        "/admin/tokens",
        data={
            "csrf_token": csrf,
            "name": "fediblockhole",
            "scopes": ["admin:read:domain_blocks", "admin:write:domain_blocks"],
        },
    )
    assert created.status_code == 200
    assert created.headers["cache-control"] == "no-store"
    value = shown_token(created.text)
    [stored] = await api_tokens.list_tokens(db)
    assert stored.name == "fediblockhole" and value not in (await client.get("/admin/tokens")).text
    assert stored.scopes == ["admin:read:domain_blocks", "admin:write:domain_blocks"]

    bearer = {"Authorization": f"Bearer {value}"}
    pushed = await client.post(
        API, json={"domain": "api.example", "severity": "suspend"}, headers=bearer
    )
    assert pushed.status_code == 200
    assert (await client.get(API, headers=bearer)).status_code == 200
    page = await client.get("/admin/blocks")
    assert "API token (fediblockhole)" in page.text
    listing = await client.get("/admin/tokens")
    assert "fediblockhole" in listing.text and "Never" not in listing.text

    revoked = await client.post(f"/admin/tokens/{stored.id}/revoke", data={"csrf_token": csrf})
    assert revoked.status_code == 303
    assert (await client.get(API, headers=bearer)).status_code == 401
    again = await client.post(f"/admin/tokens/{stored.id}/revoke", data={"csrf_token": csrf})
    assert again.status_code == 303
    unknown = await client.post("/admin/tokens/nosuchtoken/revoke", data={"csrf_token": csrf})
    assert unknown.status_code == 404


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "scopes": "admin:read"},
        {"name": "x" * 101, "scopes": "admin:read"},
        {"name": "t"},
        {"name": "t", "scopes": "admin:everything"},
    ],
)
async def test_admin_tokens_bad_input_answers_400_and_creates_nothing(
    instance: RunningApp, data: dict[str, str]
) -> None:
    await signed_in(instance.client, instance.services.db, "root", "admin")
    csrf = await form_token(instance.client, "/admin/tokens")
    answer = await instance.client.post("/admin/tokens", data={"csrf_token": csrf, **data})
    assert answer.status_code == 400 and 'role="alert"' in answer.text
    assert "th_" not in answer.text
    assert await api_tokens.list_tokens(instance.services.db) == []
