"""Issue #15 in a real browser (Debian's headless Chromium) against a real `treehole serve` with
two federating peers, one of them down: the admin dashboard, federation health, the remote-follow
form, deleting with a confirmation and the ledger, the held-note answer, and the layout of every
public and admin page at 390 px and 1280 px in English and Chinese (tap targets, whole words, no
sideways scrolling). Screenshots of every page land in tests/artifacts/ (git-ignored) for people
to look at.

One server and one browser per engine for the whole module; the tests share them and each
brings what it needs. Plain sync tests: Playwright's sync API refuses a running asyncio loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, Route, ViewportSize

from app.core.clock import utcnow
from app.core.ids import new_id
from app.db.engine import connect, disconnect
from app.db.tables import boards, deliveries, followers, local_actors, remote_actors
from app.store.instance_profile import InstanceProfile, update_instance_profile
from app.store.moderation import record_decision
from app.store.reports import insert_report
from tests.conftest import ENGINES
from tests.e2e.test_browser_admin import PASSWORD, create_logins, sign_in
from tests.support.browser import bounded, chromium_browser
from tests.support.databases import PostgresTemplate, fresh_sqlite, in_ci, postgres_problem
from tests.support.fake_inbox import FakeInbox, run_fake_inbox
from tests.support.forms import csrf_from
from tests.support.instance import run_treehole
from tests.support.layout import scrolls_sideways, small_tap_targets, words_broken_mid_word
from tests.support.ports import free_port, wait_until
from tests.support.servers import REPO_ROOT, ServerProcess

pytestmark = pytest.mark.e2e
T = TypeVar("T")

PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1280, height=800)
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
DOWN_DOMAIN = "127.0.0.1"  # the peer that is down: nothing listens on its port
UP_DOMAIN = "localhost"  # the fake peer that answers


@dataclass(slots=True)
class Ui:
    engine: str
    server: ServerProcess
    database_url: str
    browser: Browser
    peer: FakeInbox
    base: str
    admin: Page
    visitor: Page


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a database coroutine from this sync test: in a thread of its own, since Playwright's
    sync API keeps an event loop on this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _seed(url: str, peer: FakeInbox, down_port: int) -> None:
    """Two followers of /b/main (one per peer), rules, an about text and a second board."""
    db = await connect(url)
    try:
        board_id = await db.fetch_val(sa.select(boards.c.id).where(boards.c.slug == "main"))
        await db.execute(
            boards.update()
            .where(boards.c.id == board_id)
            .values(rules="Be kind to each other.\nNo names, no contact details.")
        )
        board_actor = await db.fetch_val(
            sa.select(local_actors.c.id).where(local_actors.c.board_id == board_id)
        )
        now = utcnow()
        peer.add_actor("reader")
        for name, base, inbox in (
            ("reader", peer.url, peer.shared_inbox_url),
            (
                "sleeper",
                f"http://{DOWN_DOMAIN}:{down_port}",
                f"http://{DOWN_DOMAIN}:{down_port}/inbox",
            ),
        ):
            actor_id = new_id()
            await db.execute(
                remote_actors.insert().values(
                    id=actor_id, ap_id=f"{base}/users/{name}", domain=urlsplit(base).hostname,
                    preferred_username=name, inbox=inbox, shared_inbox=inbox,
                    key_id=f"{base}/users/{name}#main-key", fetched_at=now,
                )
            )  # fmt: skip
            await db.execute(
                followers.insert().values(
                    id=new_id(), local_actor_id=board_actor, remote_actor_id=actor_id,
                    follow_ap_id=f"{base}/follows/{name}", created_at=now,
                )
            )  # fmt: skip
        await update_instance_profile(
            db,
            InstanceProfile(
                "A quiet place to say what you cannot say elsewhere.",
                ("Be kind.", "Nothing that identifies anyone."),
                "admins@tree.example",
            ),
        )
    finally:
        await disconnect(db)


@pytest.fixture(scope="module", params=ENGINES)
def ui(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: Path,
    postgres_template: PostgresTemplate | None,
) -> Iterator[Ui]:
    engine: str = request.param
    if engine == "postgresql" and not in_ci() and (problem := postgres_problem()) is not None:
        pytest.skip(f"PostgreSQL not available: {problem}")
    directory = tmp_path_factory.mktemp(f"ui-{engine}")
    if engine == "sqlite":
        database_url = fresh_sqlite(sqlite_template, directory)
    else:
        assert postgres_template is not None
        database_url = postgres_template.prepare("ui")
    data_dir = directory / "data"
    down_port = free_port()
    with (
        run_fake_inbox(host=UP_DOMAIN) as (peer, _),
        run_treehole(database_url, data_dir, {"TREEHOLE_POST_RATE_LIMIT": "60/600"}) as server,
        chromium_browser() as browser,
    ):
        run_async(_seed(database_url, peer, down_port))
        create_logins(server, database_url, data_dir, {"warden": "admin"})
        admin = bounded(browser.new_context(viewport=DESKTOP, locale="en-US")).new_page()
        visitor = bounded(browser.new_context(viewport=DESKTOP, locale="en-US")).new_page()
        assert sign_in(admin, server.url, "warden", PASSWORD) is not None
        yield Ui(engine, server, database_url, browser, peer, server.url, admin, visitor)


def post_from(page: Page, base: str, text: str, board: str = "main", warning: str = "") -> str:
    page.goto(f"{base}/b/{board}")
    page.get_by_label("Your note").fill(text)
    if warning:
        page.get_by_label("Content warning (optional)").fill(warning)
    with page.expect_navigation():
        page.get_by_role("button", name="Post anonymously").click()
    assert "/posted/" in page.url
    return page.url.rstrip("/").rsplit("/", 1)[1]


async def _attempts_to(database_url: str, domain: str) -> int:
    db = await connect(database_url)
    try:
        query = sa.select(deliveries.c.attempts).where(deliveries.c.domain == domain)
        return sum(row["attempts"] for row in await db.fetch_all(query))
    finally:
        await disconnect(db)


def attempts_to(database_url: str, domain: str) -> int:
    return run_async(_attempts_to(database_url, domain))


def test_browser_dashboard_charts_thirty_days_and_counts_what_waits(ui: Ui) -> None:
    post_from(ui.visitor, ui.base, "Nobody on this street knows my name, and that is fine.")
    page = ui.admin
    page.goto(f"{ui.base}/admin")
    assert page.locator("h1").inner_text() == "Dashboard"
    charts = page.locator("svg.chart")
    assert charts.count() == 5
    for index in range(5):
        assert charts.nth(index).locator("rect.bar").count() == 30
    today = utcnow().date().isoformat()
    posted = page.locator(f'#chart-posts rect[data-key="{today}"]')
    assert int(posted.get_attribute("data-count") or 0) >= 1
    assert (posted.bounding_box() or {"height": 0})["height"] > 0, "today's bar is drawn"
    assert page.locator("script").count() == 0
    nav = page.get_by_role("navigation", name="Moderation")
    assert nav.get_by_role("link", name="Dashboard").get_attribute("aria-current") == "page"
    with page.expect_navigation():
        page.get_by_role("link", name="Federation health").click()
    assert page.url == f"{ui.base}/admin/federation"


def test_browser_federation_health_with_one_peer_down(ui: Ui) -> None:
    before = attempts_to(ui.database_url, DOWN_DOMAIN)
    post_from(ui.visitor, ui.base, "The river is loud tonight and I cannot sleep.")
    # The in-process worker publishes and delivers: the Announce reaches the peer that is up…
    ui.peer.wait_for(lambda: bool(ui.peer.accepted(type="Announce")), timeout=30)
    # …and the one that is down fails (connection refused) and is retried later.
    wait_until(
        lambda: attempts_to(ui.database_url, DOWN_DOMAIN) > before,
        timeout=30,
        message="a delivery to the peer that is down was attempted",
    )
    page = ui.admin
    page.goto(f"{ui.base}/admin/federation")
    failing = page.locator("#failing-domains")
    row = failing.locator("tr", has_text=DOWN_DOMAIN)
    assert row.count() == 1
    assert row.get_by_text("Failing").is_visible()
    assert row.locator("td", has_text="in ").count() >= 1, "the next attempt is shown"
    assert UP_DOMAIN not in failing.inner_text()
    followers_by_server = page.locator("#followers-by-domain").inner_text()
    assert UP_DOMAIN in followers_by_server and DOWN_DOMAIN in followers_by_server
    assert int(page.locator("#queue-depth .big").inner_text()) >= 1
    with page.expect_navigation():
        row.get_by_role("link", name="Block or limit").click()
    assert page.get_by_label("Domain", exact=True).input_value() == DOWN_DOMAIN


def test_browser_remote_follow_form_goes_to_the_visitors_server(ui: Ui) -> None:
    page = ui.visitor
    seen: list[str] = []

    def authorize(route: Route) -> None:
        seen.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>Follow?</h1>")

    page.context.route("https://mastodon.example/**", authorize)
    page.goto(f"{ui.base}/b/main")
    assert page.get_by_text("Be kind to each other.").is_visible()
    assert page.get_by_text("2 followers").is_visible()
    assert page.locator("#handle").inner_text() == f"@main@{urlsplit(ui.base).netloc}"
    page.get_by_label("Your server").fill("@someone@mastodon.example")
    with page.expect_navigation():
        page.get_by_role("button", name="Follow from my server").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Go to mastodon.example").click()
    assert len(seen) == 1
    target = urlsplit(seen[0])
    assert target.path == "/authorize_interaction"
    assert parse_qs(target.query) == {"uri": [f"{ui.base}/b/main"]}
    page.context.unroute("https://mastodon.example/**")


def test_browser_delete_asks_first_then_shows_the_ledger(ui: Ui) -> None:
    page = ui.visitor
    text = "I said something I regret, and I would rather it were gone."
    note_id = post_from(page, ui.base, text)
    ui.peer.wait_for(
        lambda: any(note_id in str(a.object) for a in ui.peer.accepted(type="Announce")),
        timeout=30,
    )
    page.goto(f"{ui.base}/b/main")
    with page.expect_navigation():
        page.locator(f"#n-{note_id}").get_by_role("link", name="Delete").click()
    assert page.locator("h1").inner_text() == "Delete this note?"
    assert page.get_by_text(text).is_visible(), "the note is shown before it goes"
    assert page.get_by_label("Deletion token").count() == 0, "this browser knows the token"
    with page.expect_navigation() as deleted:
        page.get_by_role("button", name="Delete for good").click()
    assert deleted.value is not None and deleted.value.status == 200
    ledger = page.locator("#ledger")
    assert (
        ledger.get_by_text(UP_DOMAIN).is_visible() and ledger.get_by_text(DOWN_DOMAIN).is_visible()
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Check again").click()
    assert page.locator("h1").inner_text() == "Where your note went"
    assert page.locator("#ledger").get_by_text(UP_DOMAIN).is_visible()


def test_browser_held_note_says_why_and_can_be_deleted(ui: Ui) -> None:
    page = ui.visitor
    note_id = post_from(
        page, ui.base, "My shop is at https://cheap-things.example/sale come and see"
    )
    assert page.locator("h1").inner_text() == "Your note waits for a moderator"
    assert (
        "not on this server's list of allowed sites" in page.locator("#held-because").inner_text()
    )
    assert page.get_by_text("What happens next").is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Delete it").click()
    assert page.url == f"{ui.base}/n/{note_id}/delete"
    assert page.get_by_text("waiting for a moderator").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Delete for good").click()
    assert page.locator("h1").inner_text() == "Deleted"
    assert page.get_by_text("No other server has received this note.").is_visible()


def test_browser_copy_button_copies_the_handle_and_select_all_picks_every_held_note(
    ui: Ui,
) -> None:
    context = bounded(
        ui.browser.new_context(
            viewport=PHONE, locale="en-US", permissions=["clipboard-read", "clipboard-write"]
        )
    )
    page = context.new_page()
    page.goto(f"{ui.base}/b/main")
    copy = page.get_by_role("button", name="Copy")
    # The label says "Copied" once the clipboard write resolves, and goes back two seconds later:
    # record every label it shows, so a slow machine can neither check too early nor too late.
    page.evaluate(
        """() => {
            const button = document.querySelector("button[data-copy-target]");
            window.copyLabels = [];
            new MutationObserver(() => window.copyLabels.push(button.textContent)).observe(
                button, {childList: true, characterData: true, subtree: true});
        }"""
    )
    copy.click()
    page.wait_for_function("window.copyLabels.includes('Copied')")
    handle = f"@main@{urlsplit(ui.base).netloc}"
    assert page.evaluate("navigator.clipboard.readText()") == handle
    context.close()

    for text in (
        "Cheap bags at https://bags-sale.example/today",
        "Visit https://pills.example/now",
    ):
        post_from(ui.visitor, ui.base, text)
    admin = ui.admin
    admin.goto(f"{ui.base}/admin/queue")
    picks = admin.locator("input.pick")
    assert picks.count() >= 2
    select_all = admin.get_by_label("Select all")
    select_all.check()
    assert all(picks.nth(i).is_checked() for i in range(picks.count()))
    picks.first.uncheck()
    assert not select_all.is_checked(), "unpicking one note clears 'select all'"
    picks.first.check()
    assert select_all.is_checked()


# --- layout of every page --------------------------------------------------------------------


def layout_pages(ui: Ui) -> dict[str, str]:
    """Every public and admin page, in a state worth looking at: name → path."""
    visitor = ui.visitor
    root = post_from(
        visitor, ui.base, "Some evenings I walk to the harbour just to hear the boats."
    )
    visitor.get_by_role("link", name="See it in its thread").click()
    visitor.get_by_label("Your reply").fill("I do that too, by the lake.")
    with visitor.expect_navigation():
        visitor.get_by_role("button", name="Post reply").click()
    reply = visitor.url.rstrip("/").rsplit("/", 1)[1]
    visitor.goto(f"{ui.base}/t/{root}?reply_to={reply}")
    visitor.get_by_label("Your reply").fill("Which lake? I would like to go.")
    with visitor.expect_navigation():
        visitor.get_by_role("button", name="Post reply").click()
    held = post_from(visitor, ui.base, "Write to me at someone@mail.example for the details")
    # People's words may be long: they wrap inside the card, never push the page sideways.
    long_word = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 2
    post_from(visitor, ui.base, f"Words words {long_word} words.", warning=f"sad {long_word}")
    with httpx.Client(base_url=ui.base) as seed:
        report_twice(seed, root)
    run_async(_seed_admin(ui.database_url))
    return {
        "home": "/",
        "board": "/b/main",
        "thread": f"/t/{root}",
        "bottle": "/random",
        "posted-held": f"/posted/{held}",
        "delete": f"/n/{root}/delete",
        "ledger": f"/n/{root}/ledger",
        "report": f"/n/{root}/report",
        "follow": "/b/main/follow?server=mastodon.example",
        "about": "/about",
        "transparency": "/transparency",
        "not-found": "/b/nothing-here",
        "admin-dashboard": "/admin",
        "admin-queue": "/admin/queue",
        "admin-reports": "/admin/reports",
        "admin-federation": "/admin/federation",
        "admin-domains": "/admin/domains",
        "admin-filters": "/admin/filters",
        "admin-boards": "/admin/boards",
        "admin-instance": "/admin/instance",
        "admin-settings": "/admin/settings",
        "admin-blocks": "/admin/blocks",
        "admin-block-audit": "/admin/blocks/audit",
        "admin-block-import": "/admin/blocks/import",
        "admin-subscriptions": "/admin/subscriptions",
        "admin-tokens": "/admin/tokens",
    }


def report_twice(client: httpx.Client, note_id: str) -> None:
    for category in ("spam", "harassment"):
        page = client.get(f"/n/{note_id}/report")
        form = {"csrf_token": csrf_from(page.text), "category": category}
        assert client.post(f"/n/{note_id}/report", data=form).status_code == 200


async def _seed_admin(url: str) -> None:
    db = await connect(url)
    try:
        now = utcnow()
        for days in range(0, 30, 3):
            await record_decision(
                db, new_id(), "submission", "filters", "reject", "spam", now - timedelta(days=days)
            )
        await insert_report(
            db, note_id=None, source="remote", category="other", comment="gone", now=now
        )
    finally:
        await disconnect(db)


def check_layout(page: Page, name: str, width: ViewportSize, problems: list[str]) -> None:
    page.set_viewport_size(width)
    label = f"{name} at {width['width']} px"
    if scrolls_sideways(page):
        problems.append(f"{label}: scrolls sideways")
    for word in words_broken_mid_word(page):
        problems.append(f"{label}: '{word}' broken mid-word")
    if width == PHONE:
        for target in small_tap_targets(page):
            problems.append(f"{label}: tap target {target}")


def test_browser_layout_every_page_phone_and_desktop_in_both_languages(ui: Ui) -> None:
    """Tap targets ≥ 44 px on phones; no word broken outside people's text; no sideways scroll;
    a screenshot of each page at both widths (and in Chinese on a phone) for people to look at."""
    pages = layout_pages(ui)
    shots = ARTIFACTS / "screens"
    shots.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for language, switch in (("en", "English"), ("zh", "简体中文")):
        for page in (ui.visitor, ui.admin):
            page.goto(f"{ui.base}/lang/{language}?next=/")
        for name, path in pages.items():
            page = ui.admin if name.startswith("admin-") else ui.visitor
            page.set_viewport_size(DESKTOP)
            page.goto(f"{ui.base}{path}")
            assert page.locator("html").get_attribute("lang") == (
                "en" if language == "en" else "zh-Hans"
            )
            for width in (PHONE, DESKTOP):
                check_layout(page, f"{name} [{language}]", width, problems)
                if ui.engine == ENGINES[0] and (language == "en" or width == PHONE):
                    suffix = "phone" if width == PHONE else "desktop"
                    page.screenshot(
                        path=str(shots / f"{name}-{language}-{suffix}.png"), full_page=True
                    )
            assert switch  # both languages were visited
    for page in (ui.visitor, ui.admin):
        page.goto(f"{ui.base}/lang/en?next=/")
        page.set_viewport_size(DESKTOP)
    (ARTIFACTS / f"layout-problems-{ui.engine}.txt").write_text("\n".join(problems) + "\n")
    assert problems == []
