"""A reader in a real browser (Debian's headless Chromium) against a real `treehole serve`:
post with the keyboard, keep the token, reply, delete with the typed token, find the thread gone.

Plain sync tests: Playwright's sync API refuses to run inside an asyncio loop.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, Response

from app.db.tables import notes
from tests.support import fixtures_fedipeer
from tests.support.browser import chromium_page
from tests.support.dbquery import allow_links, fetch_all
from tests.support.fedipeer import Fedipeer
from tests.support.instance import run_treehole
from tests.support.sync_forms import post_note_sync

pytestmark = pytest.mark.e2e
fedipeer = fixtures_fedipeer.fedipeer
peer = fixtures_fedipeer.peer

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 3
LONG_URL = "https://example.org/" + "a-very-long-path-segment/" * 8 + "?q=" + "y" * 60


def focused_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement.id"))


def shoot(page: Page, directory: Path, name: str) -> None:
    """Desktop and phone screenshots of the current page (full height)."""
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(directory / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(directory / f"{name}-phone.png"), full_page=True)
    assert not overflows_sideways(page), f"{name} scrolls sideways on a phone"
    page.set_viewport_size(DESKTOP)


def overflows_sideways(page: Page) -> bool:
    return bool(
        page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    )


def status_of(response: Response | None) -> int:
    assert response is not None, "navigation gave no response"
    return response.status


def post_with_keyboard(page: Page, text: str, warning: str) -> None:
    """Tab order: note → content warning → lifetime → submit; Enter submits."""
    page.get_by_label("Your note").focus()
    page.keyboard.type(text)
    page.keyboard.press("Tab")
    assert focused_id(page) == "cw-p"
    page.keyboard.type(warning)
    page.keyboard.press("Tab")
    assert focused_id(page) == "ttl-p"
    lifetime = page.get_by_label("Disappears after")
    before = lifetime.input_value()
    page.keyboard.press("ArrowDown")
    assert lifetime.input_value() != before, "the lifetime can be changed from the keyboard"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert status_of(navigation.value) == 200


def test_browser_posts_replies_and_deletes_with_token(database_url: str, tmp_path: Path) -> None:
    text = f"Nobody knows I still listen to that song. {LONG_WORD} {LONG_URL}"
    shots = tmp_path / "shots"
    shots.mkdir()
    allow_links(database_url, "example.org")  # other links would wait for a moderator
    with run_treehole(database_url, tmp_path / "data") as server, chromium_page() as page:
        assert status_of(page.goto(f"{server.url}/b/main")) == 200
        assert page.locator("h1").count() == 1
        post_with_keyboard(page, text, f"a little sad {LONG_WORD}")

        assert "/posted/" in page.url
        root_id = page.url.rstrip("/").rsplit("/", 1)[1]
        token = page.locator("#deletion-token").inner_text().strip()
        assert len(token) >= 20
        shoot(page, shots, "posted")

        page.goto(f"{server.url}/b/main")
        root = page.locator(f"#n-{root_id}")
        root.get_by_text("Content warning: a little sad").click()  # open the <details>
        assert root.get_by_text("Nobody knows I still listen").is_visible()
        shoot(page, shots, "board")

        with page.expect_navigation():
            root.get_by_role("link", name="Open thread").click()
        assert page.url == f"{server.url}/t/{root_id}"
        page.get_by_label("Your reply").fill("You are not alone.")
        with page.expect_navigation():
            page.get_by_role("button", name="Post reply").click()
        reply_id = page.url.rstrip("/").rsplit("/", 1)[1]
        page.locator("#view-note").click()
        page.wait_for_url(f"**/t/{root_id}#n-{reply_id}")

        reply = page.locator(f"#n-{reply_id}")
        assert reply.get_by_text("You are not alone.").is_visible()
        root_name = page.locator(f"#n-{root_id} .who").inner_text()
        assert reply.locator(".who").inner_text() == root_name
        assert reply.locator(".badge", has_text="OP").is_visible()
        assert page.locator("h1").count() == 1
        shoot(page, shots, "thread")

        # Another browser: no cookie remembers the token, so it has to be typed.
        page.context.clear_cookies()
        page.goto(f"{server.url}/n/{root_id}/delete")
        field = page.get_by_label("Deletion token")
        assert field.input_value() == ""
        field.focus()
        page.keyboard.type("not-the-token")
        with page.expect_navigation() as refused:
            page.keyboard.press("Enter")
        assert status_of(refused.value) == 403
        assert page.get_by_text("That deletion token does not belong to this note.").is_visible()

        page.goto(f"{server.url}/n/{root_id}/delete")
        page.get_by_label("Deletion token").focus()
        page.keyboard.type(token)
        with page.expect_navigation() as deleted:
            page.get_by_role("button", name="Delete for good").click()
        assert status_of(deleted.value) == 200
        assert page.locator("h1").inner_text() == "Deleted"

        assert status_of(page.goto(f"{server.url}/t/{root_id}")) == 410
        assert page.get_by_text("This note is gone.").is_visible()
        shoot(page, shots, "gone")
    for name in ("posted", "board", "thread", "gone"):
        assert (shots / f"{name}-phone.png").read_bytes().startswith(b"\x89PNG")


def test_browser_chinese_interface_and_switch(database_url: str, tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    shots.mkdir()
    with (
        run_treehole(database_url, tmp_path / "data") as server,
        chromium_page(locale="zh-CN") as page,
    ):
        page.goto(f"{server.url}/b/main")
        assert page.locator("html").get_attribute("lang") == "zh-Hans"
        page.get_by_label("想说的话").fill("今天终于把憋了很久的话说出来了。")
        page.get_by_label("内容警告（可选）").fill("有点丧")
        with page.expect_navigation():
            page.get_by_role("button", name="匿名发布").click()
        assert page.locator("h1").inner_text() == "你的留言已经发出"
        assert page.locator("#deletion-token").inner_text().strip()
        page.get_by_role("link", name="在帖子里查看").click()
        page.wait_for_url("**/t/**")
        assert page.get_by_text("楼主").first.is_visible()
        shoot(page, shots, "thread-zh")

        with page.expect_navigation():
            page.get_by_role("link", name="English").click()
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("button", name="Post reply").is_visible()
        assert "/t/" in page.url


def test_note_posted_by_direct_message_shows_on_the_board(
    database_url: str, tmp_path: Path, peer: Fedipeer
) -> None:
    """spec: dm-post-anonymous (a note sent by direct message from a Fedify account shows on the
    board and in its thread exactly as a web post does: a pseudonym, no fediverse badge, nothing
    of the sender)"""
    text = "A note from a fediverse account"
    with run_treehole(database_url, tmp_path / "data") as server:
        with httpx.Client(base_url=server.url) as client:
            post_note_sync(client, "A note from the web form")
        handle = f"acct:main@{server.url.removeprefix('http://')}"
        sent = peer.post("bob", text, visibility="direct", mentions=[handle])
        assert sent["ok"], sent
        # Database reads before the browser starts (Playwright's sync API runs its own loop).
        query = sa.select(notes.c.id).where(notes.c.content == text)
        [row] = peer.wait_until(lambda: fetch_all(database_url, query), timeout=30)
        bob = peer.actor("bob")
        with chromium_page() as page:
            assert status_of(page.goto(f"{server.url}/b/main")) == 200
            cards = page.locator("article.note")
            assert cards.count() == 2
            dm_card = cards.filter(has_text=text)
            web_card = cards.filter(has_text="A note from the web form")
            assert dm_card.count() == 1 and web_card.count() == 1
            # The same shape as the web post: a pseudonym, the OP badge, no "fediverse" badge.
            for card in (dm_card, web_card):
                assert card.locator(".who").inner_text().strip()
                assert card.locator(".badge.remote").count() == 0
                assert card.locator(".badge").count() == 1
            assert bob.id not in page.content() and "bob" not in dm_card.inner_text().lower()
            pseudonym = dm_card.locator(".who").inner_text()
            assert status_of(page.goto(f"{server.url}/t/{row['id']}")) == 200
            assert page.locator("article.note .who").inner_text() == pseudonym
            assert text in page.locator("article.note .body").inner_text()
