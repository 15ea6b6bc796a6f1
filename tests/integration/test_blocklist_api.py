"""The Mastodon-compatible domain-block APIs through the app with a real database
(research/blocklists.md R1–R9): shapes, status codes, Link paging, tokens, idempotence."""

from __future__ import annotations

import re

import httpx
import pytest

from app.blocklists.formats import domain_digest
from app.core.clock import utcnow
from app.db.tables import domain_block_audit
from app.security.api_tokens import issue_api_token
from app.store import block_audit, blocklist_settings, domain_blocks
from tests.support.app_client import RunningApp
from tests.support.snapshots import count_rows

pytestmark = pytest.mark.anyio

BLOCKS = "/api/v1/admin/domain_blocks"


async def token(instance: RunningApp, *scopes: str) -> dict[str, str]:
    _, value = await issue_api_token(instance.services.db, "test", scopes, None, utcnow())
    return {"Authorization": f"Bearer {value}"}


async def writer(instance: RunningApp) -> dict[str, str]:
    return await token(instance, "admin:read", "admin:write")


async def create(instance: RunningApp, auth: dict[str, str], **body: object) -> httpx.Response:
    return await instance.client.post(BLOCKS, json=body, headers=auth)


async def test_admin_api_create_show_update_delete(instance: RunningApp) -> None:
    """spec: blocklist-admin-crud (R5, R7, R8)"""
    auth = await writer(instance)
    created = await create(
        instance,
        auth,
        domain="Example.COM.",
        severity="suspend",
        public_comment="",
        private_comment=None,
        obfuscate=True,
    )
    assert created.status_code == 200
    entity = created.json()
    assert entity["domain"] == "example.com"
    assert entity["digest"] == domain_digest("example.com")
    assert entity["public_comment"] == "" and entity["private_comment"] is None
    assert entity["reject_media"] is False and entity["obfuscate"] is True
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entity["created_at"])
    shown = await instance.client.get(f"{BLOCKS}/{entity['id']}", headers=auth)
    assert shown.status_code == 200 and shown.json() == entity
    updated = await instance.client.put(
        f"{BLOCKS}/{entity['id']}",
        json={
            **{k: entity[k] for k in entity if k not in ("id", "digest", "created_at")},
            "severity": "silence",
            "reject_media": True,
        },
        headers=auth,
    )
    assert updated.status_code == 200
    assert updated.json() == {**entity, "severity": "silence", "reject_media": True}
    deleted = await instance.client.delete(f"{BLOCKS}/{entity['id']}", headers=auth)
    assert deleted.status_code == 200 and deleted.json() == {}
    assert await domain_blocks.get_block(instance.services.db, "example.com") is None


async def test_admin_api_accepts_form_bodies_and_defaults_to_silence(instance: RunningApp) -> None:
    auth = await writer(instance)
    response = await instance.client.post(
        BLOCKS, data={"domain": "form.example", "reject_media": "true"}, headers=auth
    )
    assert response.status_code == 200
    assert response.json()["severity"] == "silence" and response.json()["reject_media"] is True
    assert response.json()["public_comment"] is None


async def test_admin_api_refuses_bad_input_without_changes(instance: RunningApp) -> None:
    """spec: blocklist-admin-errors"""
    auth = await writer(instance)
    db = instance.services.db
    bad = [
        {"domain": "x.example", "severity": "nuke"},
        {"severity": "suspend"},
        {"domain": "not a domain", "severity": "suspend"},
        {"domain": "x.example", "reject_media": "maybe"},
        {"domain": "x.example", "public_comment": 5},
    ]
    for body in bad:
        response = await create(instance, auth, **body)
        assert response.status_code == 422, body
        assert isinstance(response.json()["error"], str)
    broken = await instance.client.post(
        BLOCKS, content=b"{not json", headers={**auth, "Content-Type": "application/json"}
    )
    assert broken.status_code == 422
    assert await domain_blocks.list_blocks(db) == []
    assert await count_rows(db, domain_block_audit) == 0
    assert (await create(instance, auth, domain="x.example", severity="suspend")).status_code == 200
    block_id = (await instance.client.get(BLOCKS, headers=auth)).json()[0]["id"]
    bad_put = await instance.client.put(
        f"{BLOCKS}/{block_id}", json={"severity": "nuke"}, headers=auth
    )
    assert bad_put.status_code == 422
    assert bad_put.json() == {"error": "Validation failed: Severity is not included in the list"}
    moved = await instance.client.put(
        f"{BLOCKS}/{block_id}", json={"domain": "other.example"}, headers=auth
    )
    assert moved.status_code == 422
    for method in ("GET", "PUT", "DELETE"):
        missing = await instance.client.request(method, f"{BLOCKS}/nosuchid", json={}, headers=auth)
        assert missing.status_code == 404 and missing.json() == {"error": "Record not found"}


async def test_admin_api_conflicts_carry_the_existing_block(instance: RunningApp) -> None:
    """spec: blocklist-conflicts (R6)"""
    auth = await writer(instance)
    parent = (await create(instance, auth, domain="example.com", severity="suspend")).json()
    same = await create(instance, auth, domain="example.com", severity="silence")
    assert same.status_code == 422
    assert same.json()["existing_domain_block"] == parent and same.json()["error"]
    weaker = await create(instance, auth, domain="sub.example.com", severity="silence")
    assert weaker.status_code == 422
    assert weaker.json()["existing_domain_block"]["domain"] == "example.com"
    silenced = (await create(instance, auth, domain="quiet.example", severity="silence")).json()
    child = await create(instance, auth, domain="a.quiet.example", severity="suspend")
    assert child.status_code == 200 and silenced["domain"] == "quiet.example"


async def test_admin_api_tokens_and_scopes(instance: RunningApp) -> None:
    """spec: blocklist-tokens (R10)"""
    reader = await token(instance, "admin:read:domain_blocks")
    narrow_writer = await token(instance, "admin:write:domain_blocks")
    assert (await instance.client.get(BLOCKS)).status_code == 401
    assert (await instance.client.get(BLOCKS, headers={"Authorization": "Bearer nope"})).json() == {
        "error": "The access token is invalid"
    }
    assert (await instance.client.get(BLOCKS, headers=reader)).status_code == 200
    refused = await create(instance, reader, domain="x.example", severity="suspend")
    assert refused.status_code == 403 and refused.json() == {"error": "This action is not allowed"}
    assert (await instance.client.get(BLOCKS, headers=narrow_writer)).status_code == 403
    made = await create(instance, narrow_writer, domain="x.example", severity="suspend")
    assert made.status_code == 200
    entry = (await block_audit.list_audit(instance.services.db))[0]
    assert entry.actor_kind == "token" and entry.actor_label == "token test"


async def test_admin_api_pages_with_link_headers(instance: RunningApp) -> None:
    """spec: blocklist-pagination (R3)"""
    auth = await writer(instance)
    for n in range(5):
        assert (await create(instance, auth, domain=f"d{n}.example", severity="suspend")).is_success
    seen: list[str] = []
    url: str | None = f"{BLOCKS}?limit=1"
    pages = 0
    while url is not None:
        response = await instance.client.get(url, headers=auth)
        page = response.json()
        pages += 1
        link = response.headers.get("link")
        if not page:
            assert link is None
            break
        seen += [entry["id"] for entry in page]
        parts = link.split(", ")
        assert parts[-1].endswith('>; rel="prev"') and "min_id=" in parts[-1]
        assert parts[0].startswith("<http://treehole.test/api/v1/admin/domain_blocks?limit=1&")
        url = parts[0][1:].split(">; ")[0] if len(parts) == 2 else None
    assert len(seen) == 5 and seen == sorted(seen, reverse=True) and pages == 6
    full = (await instance.client.get(BLOCKS, headers=auth)).json()
    assert [entry["id"] for entry in full] == seen
    newer = await instance.client.get(f"{BLOCKS}?limit=2&min_id={seen[3]}", headers=auth)
    assert [entry["id"] for entry in newer.json()] == seen[1:3]
    empty = await instance.client.get(f"{BLOCKS}?max_id={seen[-1]}", headers=auth)
    assert empty.json() == [] and "link" not in empty.headers


async def test_second_identical_write_adds_no_audit_row(instance: RunningApp) -> None:
    """spec: blocklist-idempotent-values (R8)"""
    auth = await writer(instance)
    db = instance.services.db
    body = {"domain": "x.example", "severity": "suspend", "public_comment": "", "obfuscate": False}
    entity = (await create(instance, auth, **body)).json()
    rows = await count_rows(db, domain_block_audit)
    again = await instance.client.put(f"{BLOCKS}/{entity['id']}", json=body, headers=auth)
    assert again.json() == entity
    assert await count_rows(db, domain_block_audit) == rows == 1


async def test_measures_counts_follows(instance: RunningApp) -> None:
    """spec: blocklist-measures (R9)"""
    auth = await token(instance, "admin:read")
    body = {"keys": ["instance_follows"], "instance_follows": {"domain": "x.example"}}
    response = await instance.client.post("/api/v1/admin/measures", json=body, headers=auth)
    assert response.status_code == 200
    assert response.json() == [
        {"key": "instance_follows", "unit": None, "total": "0", "previous_total": "0", "data": []}
    ]
    narrow = await token(instance, "admin:read:domain_blocks")
    refused = await instance.client.post("/api/v1/admin/measures", json=body, headers=narrow)
    assert refused.status_code == 403
    bad = await instance.client.post(
        "/api/v1/admin/measures", json={"keys": ["instance_follows"]}, headers=auth
    )
    assert bad.status_code == 422


async def test_public_list_follows_visibility_settings(instance: RunningApp) -> None:
    """spec: blocklist-public-list (R1)"""
    db = instance.services.db
    auth = await writer(instance)
    await create(
        instance,
        auth,
        domain="example.com",
        severity="suspend",
        public_comment="Harassment",
        obfuscate=True,
    )
    await create(instance, auth, domain="quiet.example", severity="noop", reject_media=True)
    public = "/api/v1/instance/domain_blocks"
    hidden = await instance.client.get(public)
    assert hidden.status_code == 404 and hidden.content == b""
    await blocklist_settings.set_visibility(db, blocklist_settings.SHOW_DOMAIN_BLOCKS, "users")
    assert (await instance.client.get(public)).status_code == 401
    assert (await instance.client.get(public, headers=auth)).json()[0]["comment"] is None
    await blocklist_settings.set_visibility(db, blocklist_settings.SHOW_DOMAIN_BLOCKS, "all")
    await blocklist_settings.set_visibility(
        db, blocklist_settings.SHOW_DOMAIN_BLOCKS_RATIONALE, "all"
    )
    assert (await instance.client.get(public)).json() == [
        {
            "domain": "exa****.*om",
            "digest": "a379a6f6eeafb9a55e378c118034e2751e682fab9f2d30ab13d2125586ce1947",
            "severity": "suspend",
            "comment": "Harassment",
        }
    ]
    csv_text = (await instance.client.get("/domain_blocks.csv")).text
    assert csv_text.splitlines()[1:] == [
        "exa****.*om,suspend,false,false,Harassment,true",
        "quiet.example,noop,true,false,,false",
    ]


async def test_admin_csv_export_is_mastodons(instance: RunningApp) -> None:
    """spec: blocklist-csv-export (R4)"""
    auth = await writer(instance)
    await create(
        instance,
        auth,
        domain="spam.example",
        severity="silence",
        reject_media=True,
        public_comment="spam, bots",
        obfuscate=True,
    )
    response = await instance.client.get(f"{BLOCKS}/export.csv", headers=auth)
    assert response.status_code == 200
    assert response.text == (
        "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
        'spam.example,silence,true,false,"spam, bots",true\n'
    )
    assert (await instance.client.get(f"{BLOCKS}/export.csv")).status_code == 401
