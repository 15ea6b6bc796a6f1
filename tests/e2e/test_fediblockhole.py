"""Unmodified FediBlockHole 0.4.6 (PyPI, its own venv, a separate process) against a real
Treehole server over plain HTTP on loopback (research/blocklists.md §2.6, §2.7, R1–R12): it
reads our public and admin lists and a local Mastodon CSV, merges them and pushes the result
into us with a token. The blocks arrive with values intact, a new suspension is enforced at
once, and a second run writes nothing. And the public list, closed by default, opened by an
admin in Chromium, is then read by FediBlockHole as a source.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from app.db.tables import domain_block_audit, moderation_settings
from federation.httpsig import sign_request_cavage
from federation.keys import generate_rsa_keypair, public_key_id
from federation.vocab import AS_CONTEXT
from tests.e2e.test_browser_admin import create_logins, new_page, sign_in, status_of
from tests.support.browser import chromium_browser
from tests.support.dbquery import execute, fetch_all
from tests.support.instance import instance_env, run_treehole
from tests.support.servers import ServerProcess

FBH_VERSION = "0.4.6"
FBH_VENV = Path.home() / ".cache" / "treehole" / f"fbh-{FBH_VERSION}"
FBH_TIMEOUT_SECONDS = 180
BLOCKS = "/api/v1/admin/domain_blocks"
LOCAL_CSV = (
    "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
    "evil.test,suspend,false,false,Harassment,true\n"
    'spam.test,silence,true,false,"spam, bots",false\n'
)


def fediblock_sync() -> Path:
    """The FBH command, installed once into a cached venv of its own (never into ours)."""
    command = FBH_VENV / "bin" / "fediblock-sync"
    if not command.exists():
        subprocess.run([sys.executable, "-m", "venv", str(FBH_VENV)], check=True)
        subprocess.run(
            [str(FBH_VENV / "bin" / "pip"), "install", "-q", f"fediblockhole=={FBH_VERSION}"],
            check=True,
        )
    return command


@pytest.fixture
def treehole(database_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    with run_treehole(database_url, tmp_path / "data") as server:
        yield server


def make_token(database_url: str, tmp_path: Path, server: ServerProcess, scopes: str) -> str:
    env = {
        **os.environ,
        **instance_env(database_url, tmp_path / "data", server.port),
    }
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "admin", "token", "--name", "fbh", "--scopes", scopes],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def show_everything(database_url: str) -> None:
    for key in ("show_domain_blocks", "show_domain_blocks_rationale"):
        execute(
            database_url,
            moderation_settings.insert().values(key=key, value={"value": "all"}),
        )


def audit_count(database_url: str) -> int:
    rows = fetch_all(
        database_url, sa.select(sa.func.count().label("n")).select_from(domain_block_audit)
    )
    return int(rows[0]["n"])


def write_config(tmp_path: Path, server: ServerProcess) -> Path:
    host = f"127.0.0.1:{server.port}"
    csv_path = tmp_path / "local.csv"
    csv_path.write_text(LOCAL_CSV)
    config = tmp_path / "fbh.toml"
    config.write_text(
        f"""
blocklist_instance_sources = [
  {{ domain = '{host}', scheme = 'http' }},
  {{ domain = '{host}', scheme = 'http', admin = true, token_env_var = 'TH_READ' }},
]
blocklist_url_sources = [ {{ url = '{csv_path.as_uri()}', format = 'mastodon_csv' }} ]
blocklist_instance_destinations = [
  {{ domain = '{host}', scheme = 'http', token_env_var = 'TH_WRITE' }},
]
import_fields = ['public_comment', 'private_comment', 'reject_media', 'reject_reports', 'obfuscate']
save_intermediate = true
savedir = '{tmp_path}'
blocklist_savefile = '{tmp_path / "merged.csv"}'
"""
    )
    return config


def run_fbh(config: Path, read: str, write: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
        "TH_READ": read,
        "TH_WRITE": write,
    }
    done = subprocess.run(
        [str(fediblock_sync()), "-c", str(config), "--loglevel", "info"],
        env=env,
        capture_output=True,
        text=True,
        timeout=FBH_TIMEOUT_SECONDS,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return done


def signed_inbox_post(server: ServerProcess, actor: str) -> httpx.Response:
    keys = generate_rsa_keypair()
    activity = {
        "@context": AS_CONTEXT,
        "id": f"{actor}/activities/1",
        "type": "Follow",
        "actor": actor,
        "object": f"{server.url}/actor",
    }
    body = json.dumps(activity).encode()
    url = f"{server.url}/inbox"
    headers = sign_request_cavage(
        "POST",
        url,
        {"Content-Type": "application/activity+json"},
        body,
        public_key_id(actor),
        keys.private_pem,
        datetime.now(UTC),
    )
    return httpx.post(url, content=body, headers=headers, timeout=10)


def test_fediblockhole_reads_merges_and_pushes_into_treehole(
    treehole: ServerProcess, database_url: str, tmp_path: Path
) -> None:
    """spec: blocklist-fediblockhole (R1–R12)"""
    write = make_token(database_url, tmp_path, treehole, "admin:read,admin:write")
    read = make_token(database_url, tmp_path, treehole, "admin:read:domain_blocks")
    show_everything(database_url)
    auth = {"Authorization": f"Bearer {write}"}
    seeded = [
        {
            "domain": "known.test",
            "severity": "suspend",
            "public_comment": "spam",
            "private_comment": None,
            "obfuscate": False,
        },
        {
            "domain": "hidden.test",
            "severity": "silence",
            "public_comment": "",
            "private_comment": "local note",
            "obfuscate": True,
        },
    ]
    for body in seeded:
        assert httpx.post(f"{treehole.url}{BLOCKS}", json=body, headers=auth).status_code == 200
    before = audit_count(database_url)
    # The inbox takes evil.test's requests before the run (refused only for its signature).
    assert signed_inbox_post(treehole, "https://evil.test/users/x").status_code != 403

    config = write_config(tmp_path, treehole)
    run_fbh(config, read, write)

    listed = {
        entry["domain"]: entry
        for entry in httpx.get(f"{treehole.url}{BLOCKS}", headers=auth).json()
    }
    assert set(listed) == {"known.test", "hidden.test", "evil.test", "spam.test"}
    evil, spam = listed["evil.test"], listed["spam.test"]
    assert (evil["severity"], evil["public_comment"], evil["obfuscate"]) == (
        "suspend",
        "Harassment",
        True,
    )
    assert (spam["severity"], spam["reject_media"], spam["public_comment"]) == (
        "silence",
        True,
        "spam, bots",
    )
    assert listed["hidden.test"]["private_comment"] == "local note"
    public = httpx.get(f"{treehole.url}/api/v1/instance/domain_blocks").json()
    assert {
        "domain": "evi*.**st",
        "digest": evil["digest"],
        "severity": "suspend",
        "comment": "Harassment",
    } in public
    # Enforced at once: a signed POST from the newly suspended domain is refused before any fetch.
    refused = signed_inbox_post(treehole, "https://evil.test/users/x")
    assert refused.status_code == 403
    assert signed_inbox_post(treehole, "https://a.evil.test/users/y").status_code == 403
    after_first = audit_count(database_url)
    assert after_first > before

    second = run_fbh(config, read, write)
    assert audit_count(database_url) == after_first, second.stderr[-4000:]


def test_admin_opens_the_list_in_a_browser_and_fediblockhole_reads_it(
    treehole: ServerProcess, database_url: str, tmp_path: Path
) -> None:
    """spec: blocklist-visibility-reachable. The public list is closed by default, as on
    Mastodon; an admin opens it on the settings page in Chromium, and FediBlockHole then reads
    it as a plain instance source (no token)."""
    write = make_token(database_url, tmp_path, treehole, "admin:read,admin:write")
    auth = {"Authorization": f"Bearer {write}"}
    block = {"domain": "known.test", "severity": "suspend", "public_comment": "spam"}
    assert httpx.post(f"{treehole.url}{BLOCKS}", json=block, headers=auth).status_code == 200
    public = f"{treehole.url}/api/v1/instance/domain_blocks"
    assert httpx.get(public).status_code == 404

    create_logins(treehole, database_url, tmp_path / "data", {"warden": "admin"})
    with chromium_browser() as browser:
        page = new_page(browser)
        assert status_of(sign_in(page, treehole.url, "warden")) == 200
        assert status_of(page.goto(f"{treehole.url}/admin/settings")) == 200
        page.get_by_label("Who may see the list").select_option(label="Everyone")
        page.get_by_label("Who may see the reasons").select_option(label="Everyone")
        with page.expect_navigation() as saved:
            page.get_by_role("button", name="Save who sees the list").click()
        assert status_of(saved.value) == 200 and page.url == f"{treehole.url}/admin/settings"
        assert page.locator("#show_domain_blocks option:checked").inner_text() == "Everyone"

    listed = httpx.get(public).json()
    assert [(e["domain"], e["severity"], e["comment"]) for e in listed] == [
        ("known.test", "suspend", "spam")
    ]
    host = f"127.0.0.1:{treehole.port}"
    merged = tmp_path / "public-merged.csv"
    config = tmp_path / "fbh-public.toml"
    config.write_text(
        f"""
blocklist_instance_sources = [ {{ domain = '{host}', scheme = 'http' }} ]
blocklist_instance_destinations = []
blocklist_savefile = '{merged}'
"""
    )
    run_fbh(config, "", "")
    assert "known.test,suspend" in merged.read_text().splitlines()
