"""What posters and visitors see (issue #15): a held note says why and can be deleted with its
token; deleting asks first and then shows the ledger; the report form shows the note and
chooses nothing; a reply to a reply quotes what it answers; a board explains itself (followers,
notes a day, rules, remote follow); the instance's about page and API carry its about text,
rules and contact; Chinese boards give Chinese pseudonyms."""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from app.core.clock import utcnow
from app.core.ids import new_id
from app.db.tables import boards, notes
from app.moderation.model import OFF as MODEL_OFF
from app.store import notes as note_store
from app.store.followers import insert_follower
from app.store.instance_profile import InstanceProfile, update_instance_profile
from app.store.local_actors import get_board_actor
from app.store.moderation import get_moderation_settings, update_moderation_settings
from tests.conftest import make_settings
from tests.support.admin import make_remote_actor
from tests.support.app_client import RunningApp, running_app
from tests.support.forms import csrf_from, post_note

pytestmark = pytest.mark.anyio

HELD_TEXT = "Find me at https://unknown-site.example/page"


WORDS = (
    "river lantern pebble moth harbor cedar comet fern otter willow heron maple sparrow "
    "meadow acorn brook crane finch lotus reed shell bottle ginkgo bamboo cicada koi hare owl"
).split()


def distinct_text(n: int) -> str:
    """Texts far apart enough that near-duplicate detection holds none of them."""
    digest = hashlib.sha256(str(n).encode()).digest()
    return " ".join(WORDS[byte % len(WORDS)] for byte in digest[:10])


@pytest.fixture
async def roomy(database_url: str, tmp_path: Path) -> AsyncIterator[RunningApp]:
    """An instance whose posting rate limit lets one test post a few dozen notes."""
    settings = make_settings(database_url, tmp_path / "data", TREEHOLE_POST_RATE_LIMIT="100/600")
    async with running_app(settings) as running:
        yield running


async def set_board(instance: RunningApp, **values: object) -> None:
    await instance.services.db.execute(
        boards.update().where(boards.c.slug == "main").values(values)
    )


async def test_held_note_says_why_and_can_be_deleted_by_token(instance: RunningApp) -> None:
    client = instance.client
    posted = await post_note(client, HELD_TEXT)
    note = await note_store.get_note(instance.services.db, posted.note_id)
    assert note is not None and note.state == "held"
    page = html.unescape((await client.get(f"/posted/{posted.note_id}")).text)
    assert "not on this server's list of allowed sites" in page
    assert "What happens next" in page
    # The links the page offers work for a held note.
    delete = await client.get(f"/n/{posted.note_id}/delete")
    assert delete.status_code == 200
    assert "unknown-site.example" in delete.text, "the note is shown before deleting"
    assert (await client.get(f"/n/{posted.note_id}/ledger")).status_code == 200
    answer = await client.post(
        f"/n/{posted.note_id}/delete",
        data={"csrf_token": csrf_from(delete.text), "token": posted.token, "confirmed": "1"},
    )
    assert answer.status_code == 200
    assert "No other server has received this note." in answer.text
    gone = await note_store.get_note(instance.services.db, posted.note_id)
    assert gone is not None and gone.state == "deleted" and gone.content is None


async def test_delete_asks_first_then_shows_the_ledger_without_the_token_again(
    instance: RunningApp,
) -> None:
    client, db = instance.client, instance.services.db
    main = await db.fetch_val(sa.select(boards.c.id).where(boards.c.slug == "main"))
    actor = await get_board_actor(db, main)
    assert actor is not None
    follower = await make_remote_actor(db, "reader", "follower.example")
    await insert_follower(db, actor.id, follower.id, "https://follower.example/f/1", utcnow())
    posted = await post_note(client, "a note that travels, then goes")
    await instance.work()  # publishes it: an Announce to follower.example

    confirm = await client.get(f"/n/{posted.note_id}/delete")
    assert "a note that travels, then goes" in confirm.text
    assert "Delete for good" in confirm.text
    # This browser remembers the token: nothing to type, it is in the form.
    assert f'name="token" value="{posted.token}"' in confirm.text
    deleted = await client.post(
        f"/n/{posted.note_id}/delete",
        data={"csrf_token": csrf_from(confirm.text), "token": posted.token, "confirmed": "1"},
    )
    assert deleted.status_code == 200
    assert "follower.example" in deleted.text, "the ledger is shown at once"
    assert re.search(r'<table class="ledger stack" id="ledger">', deleted.text)
    # "Check again" carries the token, so the poster never types it again.
    again = await client.post(
        f"/n/{posted.note_id}/ledger",
        data={"csrf_token": csrf_from(deleted.text), "token": posted.token},
    )
    assert again.status_code == 200 and "follower.example" in again.text


async def test_delete_with_a_wrong_token_answers_on_the_same_page(instance: RunningApp) -> None:
    posted = await post_note(instance.client, "keep me")
    instance.client.cookies.clear()
    page = await instance.client.get(f"/n/{posted.note_id}/delete")
    assert 'id="token"' in page.text, "another browser types the token"
    answer = await instance.client.post(
        f"/n/{posted.note_id}/delete",
        data={"csrf_token": csrf_from(page.text), "token": "wrong", "confirmed": "1"},
    )
    assert answer.status_code == 403
    assert "keep me" in answer.text and "does not belong to this note" in answer.text
    note = await note_store.get_note(instance.services.db, posted.note_id)
    assert note is not None and note.state == "live"


async def test_report_form_shows_the_note_and_chooses_nothing(instance: RunningApp) -> None:
    posted = await post_note(instance.client, "reported words here")
    page = await instance.client.get(f"/n/{posted.note_id}/report")
    assert "reported words here" in page.text
    radios = re.findall(r'<input type="radio"[^>]*>', page.text)
    assert len(radios) == 8 and not any("checked" in radio for radio in radios)
    refused = await instance.client.post(
        f"/n/{posted.note_id}/report",
        data={"csrf_token": csrf_from(page.text), "category": "", "comment": "why"},
    )
    assert refused.status_code == 400
    assert "reported words here" in refused.text and ">why</textarea>" in refused.text


async def test_thread_quotes_what_a_reply_to_a_reply_answers(instance: RunningApp) -> None:
    root = await post_note(instance.client, "the first note")
    first = await post_note(instance.client, "an answer to the root", thread=root.note_id)
    second = await post_note(
        instance.client, "an answer to the answer", thread=root.note_id, in_reply_to=first.note_id
    )
    page = html.unescape((await instance.client.get(f"/t/{root.note_id}")).text)
    card = page[page.index(f'id="n-{second.note_id}"') :]
    card = card[: card.index("</article>")]
    assert 'class="answers"' in card and "an answer to the root" in card
    assert f"#n-{first.note_id}" in card
    first_card = page[page.index(f'id="n-{first.note_id}"') :]
    assert 'class="answers"' not in first_card[: first_card.index("</article>")]


async def test_board_page_explains_itself(roomy: RunningApp) -> None:
    instance = roomy
    db = instance.services.db
    await set_board(instance, rules="Be kind.\nNo contact details.")
    main = await db.fetch_val(sa.select(boards.c.id).where(boards.c.slug == "main"))
    actor = await get_board_actor(db, main)
    assert actor is not None
    for name in ("a", "b", "c"):
        follower = await make_remote_actor(db, name, f"{name}.example")
        await insert_follower(db, actor.id, follower.id, f"https://{name}.example/f", utcnow())
    for n in range(14):
        await post_note(instance.client, distinct_text(n))
    page = html.unescape((await instance.client.get("/b/main")).text)
    assert "3 followers" in page
    assert "about 2 notes a day" in page  # 14 in the last 7 days
    assert "@main@treehole.test" in page
    assert "Be kind." in page and "No contact details." in page
    assert "boosts every new note into your home timeline" in page
    assert 'action="http://treehole.test/b/main/follow"' in page


@pytest.mark.parametrize(
    ("typed", "server"),
    [
        ("mastodon.example", "mastodon.example"),
        ("https://Mastodon.Example/", "mastodon.example"),
        ("@me@mastodon.example", "mastodon.example"),
        ("me@social.example:8443", "social.example:8443"),
    ],
)
async def test_remote_follow_leads_to_the_visitors_authorize_interaction_page(
    instance: RunningApp, typed: str, server: str
) -> None:
    answer = await instance.client.get("/b/main/follow", params={"server": typed})
    assert answer.status_code == 200
    link = re.search(r'id="go-follow" href="([^"]+)"', answer.text)
    assert link is not None
    target = urlsplit(html.unescape(link.group(1)))
    assert (target.scheme, target.netloc, target.path) == (
        "https",
        server,
        "/authorize_interaction",
    )
    assert parse_qs(target.query) == {"uri": ["http://treehole.test/b/main"]}


@pytest.mark.parametrize("typed", ["", "not a server", "https://", "a" * 300, "x@", "bad..host"])
async def test_remote_follow_refuses_what_is_not_a_server(instance: RunningApp, typed: str) -> None:
    answer = await instance.client.get("/b/main/follow", params={"server": typed})
    assert answer.status_code == 400
    assert "Enter the name of your fediverse server" in html.unescape(answer.text)
    assert (await instance.client.get("/b/nope/follow?server=a.example")).status_code == 404


async def test_about_page_and_instance_api_carry_about_rules_and_contact(
    instance: RunningApp,
) -> None:
    profile = InstanceProfile(
        "A quiet place.\n\nSecond paragraph.", ("Be kind", "No doxxing"), "admin@tree.example"
    )
    await update_instance_profile(instance.services.db, profile)
    page = (await instance.client.get("/about")).text
    assert "A quiet place." in page and "No doxxing" in page and "admin@tree.example" in page
    assert 'href="http://treehole.test/about"' in (await instance.client.get("/")).text
    v1 = (await instance.client.get("/api/v1/instance")).json()
    assert v1["description"].startswith("A quiet place.")
    assert v1["short_description"] == "A quiet place."
    assert v1["email"] == "admin@tree.example"
    assert v1["rules"] == [
        {"id": "1", "text": "Be kind", "hint": ""},
        {"id": "2", "text": "No doxxing", "hint": ""},
    ]
    v2 = (await instance.client.get("/api/v2/instance")).json()
    assert v2["contact"]["email"] == "admin@tree.example"
    assert [rule["text"] for rule in v2["rules"]] == ["Be kind", "No doxxing"]


async def test_chinese_board_gives_chinese_pseudonyms(instance: RunningApp) -> None:
    await set_board(instance, language="zh")
    posted = await post_note(instance.client, "今天下雨了")
    note = await note_store.get_note(instance.services.db, posted.note_id)
    assert note is not None
    assert re.fullmatch(r"[\u4e00-\u9fff]+的[\u4e00-\u9fff]+", note.pseudonym), note.pseudonym


async def test_board_pages_never_show_exact_creation_times(roomy: RunningApp) -> None:
    """The 'older notes' cursor used to carry a note's created_at to the microsecond."""
    # Word salad, not posts: the n-gram model may hold some of it (this test is about cursors).
    db = roomy.services.db
    await update_moderation_settings(
        db, replace(await get_moderation_settings(db), model_hold=MODEL_OFF)
    )
    instance = roomy
    for n in range(21):
        await post_note(instance.client, distinct_text(n))
    page = (await instance.client.get("/b/main")).text
    cursor = re.search(r'href="http://treehole.test/b/main\?before=([^"]+)"', page)
    assert cursor is not None and cursor.group(1).isalnum()
    rows = await instance.services.db.fetch_all(sa.select(notes.c.created_at))
    for row in rows:
        assert row["created_at"].isoformat()[:19] not in page
    older = await instance.client.get(f"/b/main?before={cursor.group(1)}")
    assert older.status_code == 200 and distinct_text(0) in older.text
    assert (await instance.client.get("/b/main?before=" + new_id())).status_code == 400
