"""What an admin sees (issue #15): the dashboard's 30 days of charts and what waits; federation
health with a failing server, followers and inbox refusals per reason; the circuit breaker's
banner on every admin page, ended with one button (and gone once it has ended); queue and
reports with context; boards added from the UI; the instance's about page settings; the
subscription page in words; a board actor that explains itself."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from app.core.clock import utcnow
from app.db.tables import activities, boards, deliveries, delivery_domains, reports
from app.store import counters
from app.store import notes as note_store
from app.store.boards import get_board_by_slug
from app.store.domain_blocks import get_block
from app.store.followers import insert_follower
from app.store.instance_profile import get_instance_profile
from app.store.local_actors import get_board_actor
from app.store.moderation import record_decision, set_under_attack_until
from app.store.reports import insert_report
from tests.support.admin import (
    form_token,
    held_local_note,
    make_remote_actor,
    remote_reply,
    signed_in,
)
from tests.support.app_client import RunningApp
from tests.support.forms import post_note

pytestmark = pytest.mark.anyio

ADMIN_PAGES = (
    "/admin",
    "/admin/queue",
    "/admin/reports",
    "/admin/federation",
    "/admin/domains",
    "/admin/filters",
    "/admin/boards",
    "/admin/instance",
    "/admin/settings",
    "/admin/blocks",
    "/admin/subscriptions",
    "/admin/tokens",
)


@pytest.fixture
async def admin(instance: RunningApp) -> RunningApp:
    await signed_in(instance.client, instance.services.db, "root", "admin")
    return instance


def bars(page: str, chart: str) -> dict[str, int]:
    """The bars of one dashboard chart: day → count, as drawn."""
    start = page.index(f'id="chart-{chart}"')
    svg = page[start : page.index("</svg>", start)]
    return {day: int(n) for day, n in re.findall(r'data-key="([\d-]+)" data-count="(\d+)"', svg)}


async def submit(instance: RunningApp, page: str, action: str, data: dict[str, object]) -> int:
    token = await form_token(instance.client, page)
    answer = await instance.client.post(action, data={"csrf_token": token, **data})
    return answer.status_code


async def test_dashboard_charts_30_days_and_counts_what_waits(admin: RunningApp) -> None:
    db, client = admin.services.db, admin.client
    now = utcnow()
    await post_note(client, "a note posted today")
    held = await held_local_note(client, db, "a held note")
    await record_decision(db, held, "note", "links", "hold", "link", now)
    ten_days_ago = now - timedelta(days=10)
    for _ in range(3):
        await record_decision(db, "x", "submission", "filters", "reject", "hate", ten_days_ago)
    await record_decision(
        db, "y", "note", "moderator", "remove", "removed", now - timedelta(days=40)
    )
    await insert_report(db, note_id=held, source="local", category="spam", comment="", now=now)

    page = html.unescape((await client.get("/admin")).text)
    assert "<script" not in page
    posts = bars(page, "posts")
    assert len(posts) == 30 and posts[now.date().isoformat()] == 2
    assert bars(page, "rejections")[ten_days_ago.date().isoformat()] == 3
    assert sum(bars(page, "removals").values()) == 0, "40 days ago is outside the charts"
    assert bars(page, "holds")[now.date().isoformat()] == 1
    assert bars(page, "reports")[now.date().isoformat()] == 1
    # What waits is counted in the navigation of every admin page.
    for path in ("/admin", "/admin/settings", "/admin/blocks"):
        nav = (await client.get(path)).text
        nav = nav[nav.index('<nav class="admin"') : nav.index("</nav>", nav.index('class="admin"'))]
        assert re.search(r'Review queue<span class="waiting"[^>]*>1</span>', nav), path
        assert re.search(r'Reports<span class="waiting"[^>]*>1</span>', nav), path


async def test_federation_health_shows_a_failing_server_followers_and_refusals(
    admin: RunningApp,
) -> None:
    db, client = admin.services.db, admin.client
    now = utcnow()
    board = await get_board_by_slug(db, "main")
    assert board is not None
    actor = await get_board_actor(db, board.id)
    assert actor is not None
    for name, domain in (("a", "up.example"), ("b", "up.example"), ("c", "down.example")):
        follower = await make_remote_actor(db, name, domain)
        await insert_follower(db, actor.id, follower.id, f"https://{domain}/f/{name}", now)
    await db.execute(
        delivery_domains.insert().values(
            domain="down.example", failing_since=now - timedelta(minutes=15),
            last_failure_at=now - timedelta(minutes=1), dead=False,
        )
    )  # fmt: skip
    await db.execute(
        deliveries.insert().values(
            activity_id="act1", note_id=None, inbox_url="https://down.example/inbox",
            domain="down.example", state="pending", attempts=3,
            run_after=now + timedelta(minutes=12), last_status=None,
            last_error="connection refused", created_at=now - timedelta(minutes=15),
        )
    )  # fmt: skip
    await db.execute(
        deliveries.insert().values(
            activity_id="act2", note_id=None, inbox_url="https://up.example/inbox",
            domain="up.example", state="pending", attempts=0,
            run_after=now - timedelta(minutes=5), created_at=now - timedelta(minutes=5),
        )
    )  # fmt: skip
    refused = await client.post(
        "/inbox", content=b"{not json", headers={"Content-Type": "application/activity+json"}
    )
    assert refused.status_code == 400
    # A relayed activity is answered 202 and dropped (app/api/inbox.py), counted as such.
    await counters.count_event(db, "inbox_dropped_relayed", now)

    page = html.unescape((await client.get("/admin/federation")).text)
    assert re.search(r'id="queue-depth">.*?<p class="big">2</p>', page, re.S)
    assert re.search(r'id="oldest-due">.*?5m ago', page, re.S)
    failing = page[page.index('id="failing-domains"') : page.index("</table>")]
    assert "down.example" in failing and "connection refused" in failing
    assert "Failing" in failing and "in 12m" in failing and "15m ago" in failing
    assert "up.example" not in failing
    assert re.search(r"<dt>up\.example</dt><dd>2</dd>", page)
    assert re.search(r"<dt>@main</dt><dd>3</dd>", page)
    refusals = page[page.index('id="refusals"') :]
    assert re.search(r"Not a readable activity</th><td[^>]*>1</td>", refusals)
    assert re.search(
        r'id="dropped-relayed"><th scope="row">Relayed: .*?</th><td[^>]*>1</td>', refusals
    )


async def test_breaker_banner_on_every_admin_page_ends_now_and_goes(admin: RunningApp) -> None:
    db, client = admin.services.db, admin.client
    await set_under_attack_until(db, utcnow() + timedelta(minutes=10))
    for path in ADMIN_PAGES:
        page = await client.get(path)
        assert page.status_code == 200, path
        assert 'id="breaker-banner"' in page.text, path
    status = await submit(admin, "/admin/boards", "/admin/breaker/end", {"back": "/admin/boards"})
    assert status == 303
    for path in ADMIN_PAGES:
        assert 'id="breaker-banner"' not in (await client.get(path)).text, path
    # A breaker whose time is up is off, whatever is stored (the settings page used to say "on").
    await set_under_attack_until(db, utcnow() - timedelta(minutes=1))
    settings = (await client.get("/admin/settings")).text
    assert "circuit breaker is on" not in settings


async def test_moderator_sees_the_banner_but_cannot_end_it(instance: RunningApp) -> None:
    await signed_in(instance.client, instance.services.db, "helper", "moderator")
    await set_under_attack_until(instance.services.db, utcnow() + timedelta(minutes=10))
    page = (await instance.client.get("/admin/queue")).text
    assert 'id="breaker-banner"' in page and "End it now" not in page
    assert await submit(instance, "/admin/queue", "/admin/breaker/end", {}) == 403


async def test_queue_shows_context_and_blocks_the_server_in_one_click(admin: RunningApp) -> None:
    db, client = admin.services.db, admin.client
    root = await post_note(client, "the thread's first words")
    troll = await make_remote_actor(db, "troll", "spam.example")
    held = await remote_reply(db, root.note_id, troll, "buy followers", state="held")
    await record_decision(db, held, "remote_note", "links", "hold", "link_shortener", utcnow())
    page = html.unescape((await client.get("/admin/queue")).text)
    card = page[page.index(f'id="held-{held}"') :]
    card = card[: card.index("</article>")]
    assert "Board: " in card and f"/t/{root.note_id}" in card
    assert "the thread's first words" in card, "the note it answers is quoted"
    assert "a shortened link" in card and "links" not in card.replace("link_", "")
    assert "troll on spam.example" in card
    assert 'form="block-spam.example"' in card
    assert 'id="block-spam.example"' in page
    status = await submit(
        admin, "/admin/queue", "/admin/domains",
        {"domain": "spam.example", "severity": "silence", "back": "/admin/queue"},
    )  # fmt: skip
    assert status == 303
    block = await get_block(db, "spam.example")
    assert block is not None and block.severity == "silence"


async def test_queue_approves_all_shown(admin: RunningApp) -> None:
    db, client = admin.services.db, admin.client
    ids = [await held_local_note(client, db, f"held number {n}") for n in range(3)]
    token = await form_token(client, "/admin/queue")
    answer = await client.post(
        "/admin/queue",
        data={"csrf_token": token, "bulk": "approve_all", "shown_id": ids[:2]},
    )
    assert answer.status_code == 303
    states = [(await note_store.get_note(db, i)).state for i in ids]  # type: ignore[union-attr]
    assert states == ["live", "live", "held"], "only what the page showed"


async def test_reports_grouped_per_note_and_thread_removal_asks_first(admin: RunningApp) -> None:
    db, client = admin.services.db, admin.client
    now = utcnow()
    root = await post_note(client, "the root of a bad thread")
    bad = await post_note(client, "a reply worth two reports", thread=root.note_id)
    for category in ("spam", "harassment"):
        await insert_report(db, note_id=bad.note_id, source="local", category=category,
                            comment=f"{category} here", now=now)  # fmt: skip
    page = html.unescape((await client.get("/admin/reports")).text)
    assert page.count('<article class="note report"') == 1
    assert "2 reports" in page and "Spam or advertising" in page and "Harassment" in page
    assert "the root of a bad thread" in page, "the note it answers"
    action = f"/admin/reports/notes/{bad.note_id}"
    token = await form_token(client, "/admin/reports")
    confirm = await client.post(action, data={"csrf_token": token, "action": "remove_thread"})
    assert confirm.status_code == 200
    assert "Remove all 2 notes" in confirm.text and "the root of a bad thread" in confirm.text
    assert (await note_store.get_note(db, root.note_id)).state == "live"  # type: ignore[union-attr]
    token = await form_token(client, "/admin/reports")
    done = await client.post(
        action, data={"csrf_token": token, "action": "remove_thread", "confirmed": "yes"}
    )
    assert done.status_code == 303
    assert (await note_store.get_note(db, root.note_id)).state == "deleted"  # type: ignore[union-attr]
    rows = await db.fetch_all(sa.select(reports.c.state, reports.c.resolution))
    assert sorted((row["state"], row["resolution"]) for row in rows) == [
        ("resolved", "remove_thread"),
        ("resolved", "remove_thread"),
    ]


async def test_reports_dismiss_all_closes_every_report_on_the_note(admin: RunningApp) -> None:
    db, client = admin.services.db, admin.client
    note = await post_note(client, "reported twice, harmless")
    for category in ("spam", "other"):
        await insert_report(db, note_id=note.note_id, source="local", category=category,
                            comment="", now=utcnow())  # fmt: skip
    assert (
        await submit(
            admin, "/admin/reports", f"/admin/reports/notes/{note.note_id}", {"action": "dismiss"}
        )
        == 303
    )
    rows = await db.fetch_all(sa.select(reports.c.resolution))
    assert [row["resolution"] for row in rows] == ["dismiss", "dismiss"]
    assert "No open reports." in (await client.get("/admin/reports")).text


async def test_admin_adds_a_board_that_federates(admin: RunningApp) -> None:
    db, client = admin.services.db, admin.client
    form = {"slug": "night", "title": "深夜", "description": "睡不着", "language": "zh",
            "rules": "友善\n不留联系方式"}  # fmt: skip
    assert await submit(admin, "/admin/boards", "/admin/boards/new", form) == 303
    board = await get_board_by_slug(db, "night")
    assert board is not None and board.language == "zh"
    assert board.rule_list == ("友善", "不留联系方式")
    assert await get_board_actor(db, board.id) is not None
    finger = await client.get(
        "/.well-known/webfinger", params={"resource": "acct:night@treehole.test"}
    )
    assert finger.status_code == 200
    page = html.unescape((await client.get("/b/night")).text)
    assert "深夜" in page and "不留联系方式" in page
    for bad, reason in (({"slug": "night"}, "already"), ({"slug": "Bad Slug"}, "lowercase")):
        token = await form_token(client, "/admin/boards")
        refused = await client.post("/admin/boards/new", data={"csrf_token": token, **form, **bad})
        assert refused.status_code == 400 and reason in html.unescape(refused.text)
    assert len(await db.fetch_all(sa.select(boards.c.id))) == 2


async def test_instance_profile_is_set_from_its_page(admin: RunningApp) -> None:
    form = {"about": "A quiet place.", "rules": "Be kind\n\nNo doxxing\n", "contact": "a@b.example"}
    assert await submit(admin, "/admin/instance", "/admin/instance", form) == 303
    profile = await get_instance_profile(admin.services.db)
    assert profile.rules == ("Be kind", "No doxxing") and profile.contact == "a@b.example"
    token = await form_token(admin.client, "/admin/instance")
    refused = await admin.client.post(
        "/admin/instance",
        data={"csrf_token": token, "about": "x" * 5001, "rules": "", "contact": ""},
    )
    assert refused.status_code == 400
    assert (await get_instance_profile(admin.services.db)).about == "A quiet place."


async def test_subscription_choices_are_words(admin: RunningApp) -> None:
    page = html.unescape((await admin.client.get("/admin/subscriptions")).text)
    options = re.findall(r"<option value=\"([^\"]+)\"[^>]*>([^<]+)</option>", page)
    shown = {value: text for value, text in options}
    assert shown["mastodon_public"].startswith("Mastodon's public list")
    assert shown["review"] == "Wait for me to approve each change"
    assert shown["max"] == "The strictest source wins"
    assert all(value != text for value, text in options if value not in ("suspend", "silence"))
    zh = await admin.client.get("/admin/subscriptions", headers={"Accept-Language": "zh-CN"})
    assert "每项改动等我批准" in zh.text


async def test_board_actor_explains_itself_in_its_language(admin: RunningApp) -> None:
    db = admin.services.db
    await db.execute(
        boards.update().where(boards.c.slug == "main").values(rules="Be kind.", description="Hi")
    )
    answer = await admin.client.get("/b/main", headers={"Accept": "application/activity+json"})
    document = json.loads(answer.text)
    assert "boosts every new note" in document["summary"] and "Be kind." in document["summary"]
    fields = {field["name"]: field["value"] for field in document["attachment"]}
    assert all(field["type"] == "PropertyValue" for field in document["attachment"])
    assert "http://treehole.test/b/main" in fields["Post anonymously"]
    assert fields["Notes disappear after"] == "1 day"
    assert "Notes a day" in fields
    assert {"PropertyValue": "schema:PropertyValue"}.items() <= document["@context"][-1].items()
    await db.execute(boards.update().where(boards.c.slug == "main").values(language="zh"))
    answer = await admin.client.get("/b/main", headers={"Accept": "application/activity+json"})
    document = json.loads(answer.text)
    assert "关注之后" in document["summary"]
    assert "留言保留时长" in {field["name"] for field in document["attachment"]}


async def test_editing_a_boards_profile_sends_followers_an_update(admin: RunningApp) -> None:
    """Mastodon shows a remote profile from its cache: a new description or rules reach
    followers as an Update of the board's actor; a change that the profile does not show (the
    pre-moderation mode) sends nothing."""
    db = admin.services.db
    board = await get_board_by_slug(db, "main")
    assert board is not None
    actor = await get_board_actor(db, board.id)
    assert actor is not None
    follower = await make_remote_actor(db, "reader", "follows.example")
    await insert_follower(db, actor.id, follower.id, "https://follows.example/inbox", utcnow())
    form = {
        "title": board.title,
        "description": "Whisper here, kindly.",
        "language": "en",
        "rules": "No names.\nNo photos.",
        "premoderation": "off",
        "allowed_ttls": "1h, 1d",
        "default_ttl": "1d",
    }
    assert await submit(admin, "/admin/boards", "/admin/boards/main", form) == 303

    async def updates() -> list[tuple[str, dict[str, Any]]]:
        query = sa.select(activities.c.id, activities.c.payload).where(
            activities.c.type == "Update", activities.c.local_actor_id == actor.id
        )
        return [(row["id"], json.loads(row["payload"])) for row in await db.fetch_all(query)]

    [(row_id, update)] = await updates()
    assert update["actor"] == update["object"]["id"] == "http://treehole.test/b/main"
    summary = update["object"]["summary"]
    assert "Whisper here, kindly." in summary and "No photos." in summary
    inboxes = await db.fetch_all(
        sa.select(deliveries.c.inbox_url).where(deliveries.c.activity_id == row_id)
    )
    assert [row["inbox_url"] for row in inboxes] == ["https://follows.example/inbox"]

    assert (
        await submit(admin, "/admin/boards", "/admin/boards/main", form | {"premoderation": "all"})
        == 303
    )
    assert len(await updates()) == 1, "nothing the profile shows changed"
