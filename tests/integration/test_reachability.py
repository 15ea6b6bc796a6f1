"""Every capability the README promises is reachable by a person, not only by a test
(spec: capabilities-reachable).

- Admin: an admin, signed in, starting at /admin and following only links and forms of the
  pages themselves, reaches every admin page and finds a form for every admin action (with the
  instance holding one of each thing an action applies to). The login form is reached from the
  page a signed-out visitor gets.
- Public: a visitor starting at / reaches every page meant for people the same way; every
  route for machines (ActivityPub, WebFinger, NodeInfo, the Mastodon-compatible APIs, FIRES,
  health checks) is named in the README or deploy/README.md.
- Settings: each admin setting kept in the database is a field of a form on its admin page, a
  key of `treehole settings`, and in the README; each environment variable is in the README.
- Commands: each `treehole` command and subcommand is in the README.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable
from dataclasses import fields
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from starlette.routing import Mount, Route

from app import cli
from app.blocklists.changes import ChangeActor
from app.blocklists.imports import preview_import
from app.blocklists.provenance import BlockValues
from app.blocklists.service import set_manual
from app.core.clock import utcnow
from app.core.settings import Settings
from app.main import routes
from app.moderation.instance_settings import SETTINGS
from app.security.api_tokens import issue_api_token
from app.store import blocklist_runs, blocklist_sources, filters
from app.store.moderation import set_under_attack_until
from app.store.reports import insert_report
from tests.support.admin import held_local_note, make_remote_actor, remote_reply, signed_in
from tests.support.app_client import RunningApp
from tests.support.forms import post_note

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parents[2]
DOCS = (ROOT / "README.md").read_text() + (ROOT / "deploy" / "README.md").read_text()
BASE = "http://treehole.test"
PAGE_LIMIT = 300


class _Page(HTMLParser):
    """The links and the POST forms' actions of one page. A GET form (the remote-follow form) is
    a link a person completes: its action counts as a link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.actions: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if tag == "form" and (values.get("method") or "get").lower() == "post":
            self.actions.append(values.get("action") or "")
        elif tag == "form" and values.get("action"):
            self.links.append(values["action"] or "")


def _local_path(url: str, page_url: str) -> str | None:
    absolute = urljoin(page_url, url)
    parts = urlsplit(absolute)
    if f"{parts.scheme}://{parts.netloc}" != BASE:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


async def crawl(
    client: httpx.AsyncClient, start: Iterable[str], within: str
) -> tuple[set[str], set[str]]:
    """Paths reached by following links from `start` (GET, only under `within`), and the
    actions of every POST form on those pages."""
    queue, seen, actions = list(start), set(start), set()
    while queue and len(seen) < PAGE_LIMIT:
        path = queue.pop(0)
        answer = await client.get(path, follow_redirects=True)
        landed = _local_path(str(answer.url), BASE + path) or path
        seen.add(landed)
        if "text/html" not in answer.headers.get("content-type", ""):
            continue
        page = _Page()
        page.feed(answer.text)
        for action in page.actions:
            local = _local_path(action, BASE + landed)
            if local is not None:
                actions.add(urlsplit(local).path)
        for link in page.links:
            local = _local_path(link, BASE + landed)
            if local is None or not urlsplit(local).path.startswith(within) or local in seen:
                continue
            seen.add(local)
            queue.append(local)
    return {urlsplit(path).path for path in seen}, actions


def pattern(route_path: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(route_path)) + "$")


def app_routes() -> list[tuple[str, str]]:
    """(method, path) of every route, HEAD left out."""
    found = []
    for route in routes():
        if isinstance(route, Mount):
            continue
        assert isinstance(route, Route)
        for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
            found.append((method, route.path))
    return found


def unreached(wanted: Iterable[str], reached: set[str]) -> list[str]:
    return sorted(path for path in wanted if not any(pattern(path).match(p) for p in reached))


async def one_of_everything(instance: RunningApp) -> None:
    """One of each thing an admin action applies to: a held note, an open report (and one that
    names a board rather than a note), a filter term and an allowlist word, a domain block (with
    its audit entry) and a remote actor, an API token, an import waiting for review, a
    subscription with a run held for review, and the circuit breaker on."""
    services = instance.services
    db, now = services.db, utcnow()
    await held_local_note(instance.client, db, "a note that waits for a moderator")
    reported = await post_note(instance.client, "a note somebody reported")
    await insert_report(
        db, note_id=reported.note_id, source="local", category="spam", comment="", now=now
    )
    actor = await make_remote_actor(db)
    await insert_report(
        db, note_id=None, source="remote", category="spam", comment="", now=now,
        remote_actor_id=actor.id, target_url=services.urls.board("main"),
    )  # fmt: skip
    await set_under_attack_until(db, now + timedelta(hours=1))
    await remote_reply(db, reported.note_id, actor, "a remote reply")
    await filters.insert_term(db, "spam", "cheap pills", "word", now)
    await filters.insert_allowlist_term(db, "scunthorpe", now)
    values = BlockValues("suspend", False, False, "spam", "", False)
    await set_manual(
        db, services.urls, "spam.example", values, ChangeActor("admin", None, "t"), now
    )
    await issue_api_token(db, "reader", ["admin:read"], None, now)
    await preview_import(db, "#domain,#severity\nbad.example,suspend\n", "list.csv", now)
    source = await blocklist_sources.insert_source(
        db, {"name": "friends", "kind": "csv", "url": "https://lists.example/b.csv"}, now
    )
    await blocklist_runs.insert_run(
        db, "subscription", "held", now, source_id=source, proposal={"entries": []}, summary={}
    )


async def test_every_admin_page_and_action_is_reachable_from_the_admin_pages(
    instance: RunningApp,
) -> None:
    client = instance.client
    signed_out = await client.get("/admin/queue")
    assert signed_out.status_code == 401
    # Signed out: the 401 page links to the login form.
    reached, actions = await crawl(client, ["/admin/queue"], "/admin/login")
    await signed_in(client, instance.services.db, "root", "admin")
    await one_of_everything(instance)
    pages, forms = await crawl(client, ["/admin"], "/admin")
    reached |= pages
    actions |= forms
    admin = [(m, p) for m, p in app_routes() if p == "/admin" or p.startswith("/admin/")]
    assert unreached([p for m, p in admin if m == "GET"], reached) == []
    assert unreached([p for m, p in admin if m == "POST"], actions) == []


# Pages for machines: reached by servers and tools, documented rather than linked.
MACHINE_PREFIXES = (
    "/.well-known/", "/nodeinfo/", "/api/", "/datasets", "/actor", "/inbox", "/a/",
    "/activities/", "/healthz", "/readyz", "/domain_blocks.csv", "/robots.txt",
)  # fmt: skip
MACHINE_SUFFIXES = ("/inbox", "/outbox", "/followers", "/following", "/feed.atom")
# A note's own address: what other servers link to (a person arriving there is sent to the
# note in its thread).
PERMALINKS = {"/n/{note_id}"}


def is_for_machines(path: str) -> bool:
    return (
        path.startswith(MACHINE_PREFIXES) or path.endswith(MACHINE_SUFFIXES) or path in PERMALINKS
    )


def documented(path: str) -> bool:
    """The route, or its pattern up to the first parameter, is named in the docs."""
    literal = path.split("{", 1)[0].rstrip("/") or path
    return path in DOCS or literal in DOCS


async def test_every_public_page_is_reachable_and_every_machine_route_documented(
    instance: RunningApp,
) -> None:
    client = instance.client
    root = await post_note(client, "a thread with a reply, for the crawl #treehole")
    await post_note(client, "the reply", thread=root.note_id)
    reached, actions = await crawl(client, ["/"], "/")
    # The posted page and the ledger form are what a poster is sent to after posting.
    posted = await post_note(client, "one more, to be sent to the posted page")
    more, more_actions = await crawl(client, [f"/posted/{posted.note_id}"], "/")
    reached |= more
    actions |= more_actions
    public = [
        (method, path)
        for method, path in app_routes()
        if not path.startswith("/admin") and not is_for_machines(path)
    ]
    assert unreached([p for m, p in public if m == "GET"], reached) == []
    assert unreached([p for m, p in public if m == "POST"], actions) == []
    machine = sorted({path for _, path in app_routes() if is_for_machines(path)})
    assert [path for path in machine if not documented(path)] == []


async def test_every_database_setting_has_its_form_field_command_and_documentation(
    instance: RunningApp,
) -> None:
    await signed_in(instance.client, instance.services.db, "root", "admin")
    for setting in SETTINGS:
        page = await instance.client.get(setting.group.page)
        assert page.status_code == 200
        assert f'name="{setting.field}"' in page.text, (setting.name, setting.group.page)
        assert f"`{setting.name}`" in DOCS, setting.name


def test_every_environment_variable_is_documented() -> None:
    missing = [
        f"TREEHOLE_{field.name.upper()}"
        for field in fields(Settings)
        if f"`TREEHOLE_{field.name.upper()}`" not in DOCS
    ]
    assert missing == []


def command_paths(parser: argparse.ArgumentParser, prefix: str = "treehole") -> list[str]:
    """Every command a person can type: `treehole serve`, `treehole board add`, …"""
    found = []
    for action in parser._actions:  # argparse keeps its subcommands only here
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                nested = command_paths(sub, f"{prefix} {name}")
                found.extend(nested or [f"{prefix} {name}"])
    return found


def test_every_command_is_documented() -> None:
    commands = command_paths(cli._parser())
    assert "treehole settings set" in commands and "treehole board rotate-key" in commands
    assert [command for command in commands if command not in DOCS] == []
