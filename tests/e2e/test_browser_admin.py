"""A moderator in a real browser (Debian's headless Chromium) against a real `treehole serve`:
sign in with the keyboard, turn on pre-moderation for a board, approve a held thread, remove a
reported note, and find it gone for the visitor and from the database. An anonymous visitor
posts and reports from a separate browser context that never holds an admin cookie.

Plain sync tests: Playwright's sync API refuses to run inside an asyncio loop.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, Response, ViewportSize

from app.db.tables import notes, reports
from app.security.sessions import ADMIN_COOKIE
from tests.support.browser import bounded, chromium_browser
from tests.support.dbquery import fetch_all
from tests.support.instance import instance_env, run_treehole
from tests.support.servers import REPO_ROOT, ServerProcess

pytestmark = pytest.mark.e2e

PASSWORD = "a long and unguessable passphrase"
PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1280, height=800)
HELD_TEXT = "I told my sister the truth today and the house went quiet."
# Something moderation lets through but a reader may still object to.
REPORTED_TEXT = "This whole board is a waste of time and the posts here are boring."


def create_logins(
    server: ServerProcess, database_url: str, data_dir: Path, roles: dict[str, str]
) -> None:
    """`treehole admin create NAME --role ROLE --password-stdin` per login, with the instance's
    settings; the commands run side by side (each pays for start-up and scrypt)."""
    env = {**os.environ, **instance_env(database_url, data_dir, server.port)}
    create = [sys.executable, "-m", "app.cli", "admin", "create"]
    running = {
        name: subprocess.Popen(
            [*create, name, "--role", role, "--password-stdin"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=REPO_ROOT,
            text=True,
        )
        for name, role in roles.items()
    }
    for name, process in running.items():
        try:
            out, err = process.communicate(PASSWORD + "\n", timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise
        assert process.returncode == 0, err
        assert f"created {roles[name]} {name}" in out


def status_of(response: Response | None) -> int:
    assert response is not None, "navigation gave no response"
    return response.status


def focused_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement.id"))


def overflows_sideways(page: Page) -> bool:
    return bool(
        page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    )


def shoot(page: Page, path: Path, viewport: ViewportSize = DESKTOP) -> None:
    page.set_viewport_size(viewport)
    page.screenshot(path=str(path), full_page=True)
    assert not overflows_sideways(page), f"{path.name}: the page scrolls sideways"
    page.set_viewport_size(DESKTOP)


def new_page(browser: Browser) -> Page:
    """A page in a fresh context: its own cookies, shared with no other page."""
    return bounded(browser.new_context(viewport=DESKTOP, locale="en-US")).new_page()


def sign_in(page: Page, base: str, name: str, password: str = PASSWORD) -> Response | None:
    """The login form with the keyboard only: username, Tab, password, Enter."""
    assert status_of(page.goto(f"{base}/admin/login")) == 200
    page.get_by_label("Username").focus()
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    assert focused_id(page) == "password"
    page.keyboard.type(password)
    with page.expect_navigation() as signed:
        page.keyboard.press("Enter")
    return signed.value


def set_premoderation(page: Page, base: str, label: str) -> None:
    assert status_of(page.goto(f"{base}/admin/boards")) == 200
    board = page.locator("form", has=page.locator("#premoderation-main"))
    board.get_by_label("Pre-moderation").select_option(label=label)
    with page.expect_navigation() as saved:
        board.get_by_role("button", name="Save board").click()
    assert status_of(saved.value) == 200
    assert page.url == f"{base}/admin/boards#board-main", "back at the board just saved"
    chosen = page.locator("#premoderation-main option:checked").inner_text()
    assert chosen == label, "the board keeps the chosen mode"


def post_thread(page: Page, base: str, text: str) -> str:
    """Post a new thread on /b/main; the note's id from the posted page's address."""
    assert status_of(page.goto(f"{base}/b/main")) == 200
    page.get_by_label("Your note").fill(text)
    with page.expect_navigation() as posted:
        page.get_by_role("button", name="Post anonymously").click()
    assert status_of(posted.value) == 200
    assert "/posted/" in page.url
    return page.url.rstrip("/").rsplit("/", 1)[1]


def test_browser_moderator_approves_held_and_removes_reported(
    database_url: str, tmp_path: Path
) -> None:
    shots = tmp_path / "shots"
    shots.mkdir()
    data_dir = tmp_path / "data"
    with run_treehole(database_url, data_dir) as server, chromium_browser() as browser:
        base = server.url
        create_logins(server, database_url, data_dir, {"warden": "admin"})
        admin = new_page(browser)
        visitor = new_page(browser)

        # Signed out, the queue asks for a login and links to the form.
        assert status_of(admin.goto(f"{base}/admin/queue")) == 401
        with admin.expect_navigation():
            admin.get_by_role("link", name="Sign in").click()
        assert admin.url == f"{base}/admin/login"
        refused = sign_in(admin, base, "warden", "not the passphrase")
        assert status_of(refused) == 401
        assert admin.get_by_role("alert").inner_text() == "That username and password do not match."

        assert status_of(sign_in(admin, base, "warden")) == 200
        assert admin.url == f"{base}/admin"
        assert admin.locator("h1").inner_text() == "Dashboard"
        assert admin.get_by_text("Signed in as warden (admin)").is_visible()
        set_premoderation(admin, base, "New threads wait for approval")

        held_id = post_thread(visitor, base, HELD_TEXT)
        assert visitor.locator("h1").inner_text() == "Your note waits for a moderator"
        assert visitor.locator("#view-note").count() == 0
        visitor.goto(f"{base}/b/main")
        assert visitor.get_by_text(HELD_TEXT).count() == 0
        assert status_of(visitor.goto(f"{base}/t/{held_id}")) == 404

        assert status_of(admin.goto(f"{base}/admin/queue")) == 200
        held = admin.locator("article.note", has_text=HELD_TEXT)
        assert held.count() == 1
        assert "the board reviews new posts" in held.locator(".reason").inner_text()
        assert held.get_by_text("New thread").is_visible()
        shoot(admin, shots / "queue-desktop.png")
        shoot(admin, shots / "queue-phone.png", PHONE)
        admin.emulate_media(color_scheme="dark")
        shoot(admin, shots / "queue-dark-phone.png", PHONE)
        admin.emulate_media(color_scheme="light")
        with admin.expect_navigation() as approved:
            held.get_by_role("button", name="Approve", exact=True).click()
        assert status_of(approved.value) == 200
        assert admin.get_by_text("Nothing is waiting.").is_visible()

        visitor.goto(f"{base}/b/main")
        assert visitor.locator(f"#n-{held_id}").get_by_text(HELD_TEXT).is_visible()

        # Pre-moderation holds every thread, so switch it off for a note that goes up at once.
        set_premoderation(admin, base, "Off")
        reported_id = post_thread(visitor, base, REPORTED_TEXT)
        assert visitor.locator("h1").inner_text() == "Your note is up"
        visitor.goto(f"{base}/b/main")
        reported = visitor.locator(f"#n-{reported_id}")
        assert reported.get_by_text(REPORTED_TEXT).is_visible()
        with visitor.expect_navigation():
            reported.get_by_role("link", name="Report").click()
        assert visitor.url == f"{base}/n/{reported_id}/report"
        visitor.get_by_label("Something else").check()
        visitor.get_by_label("Anything a moderator should know (optional)").fill(
            "Off-topic for this board."
        )
        with visitor.expect_navigation() as sent:
            visitor.get_by_role("button", name="Send report").click()
        assert status_of(sent.value) == 200
        assert visitor.get_by_text("Thank you. A moderator will look at it.").is_visible()

        with admin.expect_navigation():
            admin.get_by_role("navigation", name="Moderation").get_by_role(
                "link", name="Reports"
            ).click()
        assert admin.url == f"{base}/admin/reports"
        report = admin.locator("article.report", has_text=REPORTED_TEXT)
        assert report.count() == 1
        assert report.get_by_text("Something else").first.is_visible()
        assert report.get_by_text("Off-topic for this board.").is_visible()
        shoot(admin, shots / "reports-desktop.png")
        shoot(admin, shots / "reports-phone.png", PHONE)
        with admin.expect_navigation() as removed:
            report.get_by_role("button", name="Remove the note").click()
        assert status_of(removed.value) == 200
        assert admin.get_by_text("No open reports.").is_visible()

        assert status_of(visitor.goto(f"{base}/t/{reported_id}")) == 410
        visitor.goto(f"{base}/b/main")
        assert visitor.get_by_text(REPORTED_TEXT).count() == 0
        assert visitor.get_by_text(HELD_TEXT).is_visible()
        assert ADMIN_COOKIE not in {c["name"] for c in visitor.context.cookies()}

    rows = fetch_all(database_url, sa.select(notes).where(notes.c.id == reported_id))
    assert [(row["state"], row["content"], row["summary"]) for row in rows] == [
        ("deleted", None, None)
    ]
    kept = fetch_all(database_url, sa.select(notes).where(notes.c.id == held_id))
    assert [(row["state"], row["content"]) for row in kept] == [("live", HELD_TEXT)]
    closed = fetch_all(database_url, sa.select(reports).where(reports.c.note_id == reported_id))
    assert [(row["state"], row["resolution"]) for row in closed] == [("resolved", "remove")]
    for name in (
        "queue-desktop",
        "queue-phone",
        "queue-dark-phone",
        "reports-desktop",
        "reports-phone",
    ):
        assert (shots / f"{name}.png").read_bytes().startswith(b"\x89PNG")


def test_browser_admin_pages_need_the_right_login(database_url: str, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with run_treehole(database_url, data_dir) as server, chromium_browser() as browser:
        base = server.url
        create_logins(server, database_url, data_dir, {"helper": "moderator", "warden": "admin"})
        page = new_page(browser)

        for path in ("/admin/queue", "/admin/reports", "/admin/settings", "/admin/boards"):
            assert status_of(page.goto(f"{base}{path}")) == 401, path
            assert page.locator("h1").inner_text() == "Sign in first"
            assert page.get_by_role("link", name="Sign in").is_visible()

        assert status_of(sign_in(page, base, "helper")) == 200
        assert page.get_by_text("Signed in as helper (moderator)").is_visible()
        nav = page.get_by_role("navigation", name="Moderation")
        assert nav.get_by_role("link", name="Reports").is_visible()
        assert nav.get_by_role("link", name="Settings").count() == 0
        assert status_of(page.goto(f"{base}/admin/reports")) == 200
        assert status_of(page.goto(f"{base}/admin/settings")) == 403
        assert page.locator("h1").inner_text() == "Not allowed"
        assert status_of(page.goto(f"{base}/admin/boards")) == 403

        assert status_of(page.goto(f"{base}/admin/queue")) == 200
        with page.expect_navigation() as out:
            page.get_by_role("button", name="Sign out").click()
        assert status_of(out.value) == 200
        assert page.url == f"{base}/admin/login"
        assert status_of(page.goto(f"{base}/admin/queue")) == 401

        assert status_of(sign_in(page, base, "warden")) == 200
        assert status_of(page.goto(f"{base}/admin/settings")) == 200
        assert page.locator("h1").count() == 1
