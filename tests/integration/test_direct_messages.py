"""Posting by direct message (issue #13), against a Mastodon-like fixture peer over loopback, on
SQLite and PostgreSQL: every outcome of a post sent as a direct message to a board, the board's
signed answers, `delete` by reply, the limits and the board's setting, and what the database and
the logs keep of the sender afterwards (nothing)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.blocklists.changes import ChangeActor
from app.blocklists.service import set_manual
from app.core.clock import utcnow
from app.db.tables import dm_answers, inbox_items, local_actors, notes
from app.moderation.review import approve_notes, remove_notes
from app.store import boards as board_store
from app.store import remote_actors
from app.store.domain_blocks import BlockValues
from app.store.filters import update_category
from app.store.moderation import get_moderation_settings, update_moderation_settings
from tests.conftest import make_settings
from tests.support.app_client import RunningApp, running_app
from tests.support.delivery import trust_our_keys
from tests.support.fixture_peer import MASTODON, Arrival, FixturePeer, run_fixture_peer
from tests.support.forms import post_note
from tests.support.snapshots import dump_database

pytestmark = pytest.mark.anyio
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
TOKEN = re.compile(r"give this token: ([\w-]+)")


@pytest.fixture
def mastodon() -> Iterator[FixturePeer]:
    with run_fixture_peer(MASTODON) as peer:
        yield peer


def direct_message(
    instance: RunningApp,
    peer: FixturePeer,
    name: str,
    text_html: str,
    *,
    in_reply_to: str | None = None,
    to: list[str] | None = None,
    cc: list[str] | None = None,
) -> dict[str, Any]:
    """A Create of a Note as Mastodon sends a direct message mentioning the board: to the board
    alone, a Mention tag, the mention written as an h-card link before the text."""
    board = instance.services.urls.board("main")
    mention = {"type": "Mention", "href": board, "name": "@main@treehole.test"}
    html = (
        f'<p><span class="h-card"><a href="{board}" class="u-url mention">@<span>main</span>'
        f"</a></span> {text_html}</p>"
    )
    note = peer.post(name, html, in_reply_to=in_reply_to, to=to or [board], tags=[mention])
    note["cc"] = cc if cc is not None else []
    return peer.create(name, note)


async def send(
    instance: RunningApp,
    peer: FixturePeer,
    name: str,
    activity: dict[str, Any],
    status: int = 202,
) -> None:
    inbox = instance.services.urls.shared_inbox()
    body, headers = peer.signed_post(name, inbox, activity)
    answer = await instance.client.post(inbox, content=body, headers=headers)
    assert answer.status_code == status, answer.text
    await trust_our_keys(instance.services, peer)
    await instance.work()


def answers(instance: RunningApp, peer: FixturePeer) -> list[Arrival]:
    """The board's direct messages that reached the peer (signed by the board, verified)."""
    board = instance.services.urls.board("main")
    found = [a for a in peer.arrivals("Create") if a.activity["actor"] == board]
    for arrival in found:
        assert arrival.verified, arrival.reason
        assert arrival.key_id == board + "#main-key"
    return found


def text_of(arrival: Arrival) -> str:
    return str(arrival.activity["object"]["content"])


async def dm_notes(instance: RunningApp) -> list[dict[str, Any]]:
    rows = await instance.services.db.fetch_all(sa.select(notes).order_by(notes.c.created_at))
    return [dict(row) for row in rows]


async def test_direct_message_becomes_an_anonymous_post_answered_with_a_token(
    instance: RunningApp, mastodon: FixturePeer
) -> None:
    """spec: dm-post-anonymous, dm-answer-signed-direct, dm-ttl-line"""
    message = direct_message(instance, mastodon, "mia", "my secret confession<br>ttl: 1h")
    await send(instance, mastodon, "mia", message)
    [note] = await dm_notes(instance)
    assert note["origin"] == "local" and note["state"] == "live"
    assert note["content"] == "my secret confession"
    assert note["remote_actor_id"] is None and note["ap_id"] is None
    lifetime = (note["expires_at"] - note["published_at"]).total_seconds()
    assert 3600 <= lifetime < 3600 + 3600
    author = await instance.services.db.fetch_one(
        sa.select(local_actors).where(local_actors.c.id == note["local_actor_id"])
    )
    assert author is not None and author["kind"] == "throwaway"
    [answer] = answers(instance, mastodon)
    sender = mastodon.actor_id("mia")
    created = answer.activity
    assert created["to"] == [sender] and created["cc"] == []
    assert created["object"]["to"] == [sender] and PUBLIC not in str(created)
    assert created["object"]["tag"] == [
        {"type": "Mention", "href": sender, "name": f"@mia@{urlsplit(mastodon.url).netloc}"}
    ]
    assert created["object"]["inReplyTo"] == message["object"]["id"]
    assert "my secret confession" not in str(created), "the answer carries no copy of the text"
    token = TOKEN.search(text_of(answer))
    assert token is not None and instance.services.urls.note_delete(note["id"]) in text_of(answer)
    # The token works on the web, like a web post's.
    page = await instance.client.get(f"/n/{note['id']}/delete")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    deleted = await instance.client.post(
        f"/n/{note['id']}/delete", data={"csrf_token": csrf.group(1), "token": token.group(1)}
    )
    assert deleted.status_code in (200, 303), deleted.text
    assert (await dm_notes(instance))[0]["state"] == "deleted"
    assert await instance.services.db.fetch_all(sa.select(dm_answers)) == []


async def test_delete_by_reply_deletes_the_post_and_federates_the_delete(
    instance: RunningApp, mastodon: FixturePeer
) -> None:
    """spec: dm-delete-by-reply"""
    board = instance.services.urls.board("main")
    await send(instance, mastodon, "fay", mastodon.activity("fay", "Follow", board))
    await send(instance, mastodon, "mia", direct_message(instance, mastodon, "mia", "to go"))
    [note] = await dm_notes(instance)
    assert mastodon.arrivals("Announce"), "the post reached the board's follower"
    [answer] = answers(instance, mastodon)
    answer_id = answer.activity["object"]["id"]
    # Someone else replying `delete` to it deletes nothing.
    other = direct_message(instance, mastodon, "eve", "delete", in_reply_to=answer_id)
    await send(instance, mastodon, "eve", other)
    assert (await dm_notes(instance))[0]["state"] == "live"
    assert "nothing to delete" in text_of(answers(instance, mastodon)[-1])
    mastodon.clear()
    reply = direct_message(instance, mastodon, "mia", "delete", in_reply_to=answer_id)
    await send(instance, mastodon, "mia", reply)
    assert (await dm_notes(instance))[0]["state"] == "deleted"
    assert "is deleted" in text_of(answers(instance, mastodon)[-1])
    deletes = [a.activity["object"] for a in mastodon.arrivals("Delete")]
    assert any(
        isinstance(obj, dict) and obj.get("id") == instance.services.urls.note(note["id"])
        for obj in deletes
    ), deletes


async def test_direct_reply_to_a_board_note_is_an_anonymous_reply_in_its_thread(
    instance: RunningApp, mastodon: FixturePeer
) -> None:
    """spec: dm-reply-in-thread (same pseudonym within a thread, another in the next one)"""
    urls = instance.services.urls
    first = await post_note(instance.client, "first thread")
    second = await post_note(instance.client, "second thread")
    for thread, text in ((first, "one"), (first, "two"), (second, "three")):
        reply = direct_message(
            instance, mastodon, "mia", f"reply {text}", in_reply_to=urls.note(thread.note_id)
        )
        await send(instance, mastodon, "mia", reply)
    rows = {row["content"]: row for row in await dm_notes(instance)}
    one, two, three = rows["reply one"], rows["reply two"], rows["reply three"]
    assert one["thread_id"] == two["thread_id"] == first.note_id
    assert one["in_reply_to_id"] == first.note_id and one["origin"] == "local"
    assert three["thread_id"] == second.note_id
    assert one["pseudonym"] == two["pseudonym"] != three["pseudonym"]
    assert one["local_actor_id"] == two["local_actor_id"] != three["local_actor_id"]
    assert len(answers(instance, mastodon)) == 3
    # A remote reply we hold in the thread can be answered too, in that thread.
    fay_says = mastodon.post("fay", "<p>a public reply</p>", in_reply_to=urls.note(first.note_id))
    await send(instance, mastodon, "fay", mastodon.create("fay", fay_says))
    under_fay = direct_message(instance, mastodon, "mia", "reply four", in_reply_to=fay_says["id"])
    await send(instance, mastodon, "mia", under_fay)
    rows = {row["content"]: row for row in await dm_notes(instance)}
    fay_row = next(row for row in rows.values() if row["ap_id"] == fay_says["id"])
    four = rows["reply four"]
    assert (four["thread_id"], four["in_reply_to_id"]) == (first.note_id, fay_row["id"])
    assert four["pseudonym"] == one["pseudonym"]


async def test_held_post_is_answered_then_its_approval_and_a_removal(
    instance: RunningApp, mastodon: FixturePeer
) -> None:
    """spec: dm-held-then-decided (the sender's address is kept only until the decision)"""
    db = instance.services.db
    board = await board_store.get_board_by_slug(db, "main")
    assert board is not None
    await db.execute(
        sa.update(board_store.boards).where(board_store.boards.c.id == board.id)
        .values(premoderation="all")
    )  # fmt: skip
    await send(instance, mastodon, "mia", direct_message(instance, mastodon, "mia", "wait one"))
    await send(instance, mastodon, "mia", direct_message(instance, mastodon, "mia", "wait two"))
    held = await dm_notes(instance)
    assert [row["state"] for row in held] == ["held", "held"]
    assert all("held for review" in text_of(a) for a in answers(instance, mastodon))
    waiting = await db.fetch_all(sa.select(dm_answers.c.notify_inbox))
    assert [row["notify_inbox"] for row in waiting] == [mastodon.inbox("mia")] * 2
    mastodon.clear()
    urls = instance.services.urls
    assert await approve_notes(db, [held[0]["id"]], utcnow(), urls) == 1
    assert await remove_notes(db, urls, [held[1]["id"]], utcnow()) == 1
    await instance.work()
    # Delivered side by side: in either order.
    removed, approved = sorted(answers(instance, mastodon), key=lambda a: "approved" in text_of(a))
    assert "approved" in text_of(approved) and urls.thread(held[0]["id"]) in text_of(approved)
    assert "removed" in text_of(removed)
    left = await db.fetch_all(sa.select(dm_answers))
    assert [row["notify_inbox"] for row in left] == [None], "forgotten at the decision"


async def test_self_harm_is_held_and_answered_with_help(
    instance: RunningApp, mastodon: FixturePeer
) -> None:
    """spec: dm-self-harm-held"""
    text = "i want to kill myself tonight"
    await send(instance, mastodon, "mia", direct_message(instance, mastodon, "mia", text))
    [note] = await dm_notes(instance)
    assert note["state"] == "held"
    [answer] = answers(instance, mastodon)
    assert "988" in text_of(answer) and "self-harm" in text_of(answer)
    assert "held for review" in text_of(answer)


async def test_rejected_and_invalid_posts_are_answered_with_the_reason(
    instance: RunningApp, mastodon: FixturePeer
) -> None:
    """spec: dm-rejected-reason"""
    await update_category(instance.services.db, "hate", True, "reject", utcnow())
    hateful = direct_message(instance, mastodon, "mia", "they are all 死基佬, every one of them")
    await send(instance, mastodon, "mia", hateful)
    too_long_ttl = direct_message(instance, mastodon, "mia", "hello<br>ttl: 90d")
    await send(instance, mastodon, "mia", too_long_ttl)
    assert await dm_notes(instance) == []
    rejected, invalid = answers(instance, mastodon)
    assert "Not posted" in text_of(rejected) and "hate" in text_of(rejected)
    assert "lifetime is not offered" in text_of(invalid)
    assert "they are all" not in str(rejected.activity)


async def test_public_mention_is_refused_with_how_to_post_privately(
    instance: RunningApp, mastodon: FixturePeer
) -> None:
    """spec: dm-public-mention-refused"""
    board = instance.services.urls.board("main")
    followers = mastodon.actor_id("mia") + "/followers"
    public = direct_message(instance, mastodon, "mia", "hi board", to=[PUBLIC], cc=[board])
    unlisted = direct_message(instance, mastodon, "mia", "hi", to=[followers], cc=[PUBLIC, board])
    private = direct_message(instance, mastodon, "mia", "hi", to=[followers, board], cc=[])
    for activity in (public, unlisted, private):
        await send(instance, mastodon, "mia", activity)
    assert await dm_notes(instance) == []
    refused = answers(instance, mastodon)
    assert len(refused) == 3
    assert all("never posted anonymously" in text_of(a) for a in refused)
    assert all("direct message" in text_of(a) for a in refused)


async def test_help_and_empty_messages_get_the_help_text(
    instance: RunningApp, mastodon: FixturePeer
) -> None:
    """spec: dm-help"""
    await send(instance, mastodon, "mia", direct_message(instance, mastodon, "mia", "help"))
    await send(instance, mastodon, "mia", direct_message(instance, mastodon, "mia", ""))
    assert await dm_notes(instance) == []
    helped = answers(instance, mastodon)
    assert len(helped) == 2
    assert all("To post anonymously on @main@treehole.test" in text_of(a) for a in helped)


async def test_board_setting_off_and_followers_only(
    instance: RunningApp, mastodon: FixturePeer
) -> None:
    """spec: dm-board-setting"""
    db = instance.services.db
    board = await board_store.get_board_by_slug(db, "main")
    assert board is not None
    await board_store.update_board_dm_posting(db, board.id, "off")
    await send(instance, mastodon, "mia", direct_message(instance, mastodon, "mia", "closed?"))
    await send(instance, mastodon, "mia", direct_message(instance, mastodon, "mia", "help"))
    await board_store.update_board_dm_posting(db, board.id, "followers")
    await send(instance, mastodon, "mia", direct_message(instance, mastodon, "mia", "stranger"))
    assert await dm_notes(instance) == []
    off, help_when_off, followers_only = answers(instance, mastodon)
    assert "does not take posts by direct message" in text_of(off)
    assert "does not take posts by direct message" in text_of(help_when_off)
    assert "followers only" in text_of(followers_only)
    board_url = instance.services.urls.board("main")
    await send(instance, mastodon, "fay", mastodon.activity("fay", "Follow", board_url))
    await send(instance, mastodon, "fay", direct_message(instance, mastodon, "fay", "member"))
    assert [row["content"] for row in await dm_notes(instance)] == ["member"]


async def test_suspended_actor_is_dropped_and_silenced_actor_held(
    instance: RunningApp, mastodon: FixturePeer
) -> None:
    """spec: dm-blocks-first"""
    db = instance.services.db
    board_url = instance.services.urls.board("main")
    for name in ("sam", "sid"):  # followers, so their cached actors stay to be moderated
        await send(instance, mastodon, name, mastodon.activity(name, "Follow", board_url))
    sam = await remote_actors.get_by_ap_id(db, mastodon.actor_id("sam"))
    sid = await remote_actors.get_by_ap_id(db, mastodon.actor_id("sid"))
    assert sam is not None and sid is not None
    await remote_actors.set_moderation(db, sam.id, suspended=True, silenced=False)
    await remote_actors.set_moderation(db, sid.id, suspended=False, silenced=True)
    mastodon.clear()
    refused = direct_message(instance, mastodon, "sam", "let me in")
    await send(instance, mastodon, "sam", refused, status=403)  # refused at the door
    await send(instance, mastodon, "sid", direct_message(instance, mastodon, "sid", "quietly"))
    assert [(row["content"], row["state"]) for row in await dm_notes(instance)] == [
        ("quietly", "held")
    ]
    [answer] = answers(instance, mastodon)
    assert answer.activity["to"] == [mastodon.actor_id("sid")]


@pytest.fixture
async def limited(database_url: str, tmp_path: Any) -> Any:
    settings = make_settings(
        database_url, tmp_path / "data",
        TREEHOLE_DM_RATE_LIMIT="2/3600", TREEHOLE_DM_DOMAIN_RATE_LIMIT="3/3600",
    )  # fmt: skip
    async with running_app(settings) as running:
        yield running


async def test_sender_and_server_limits(limited: RunningApp, mastodon: FixturePeer) -> None:
    """spec: dm-limits (TREEHOLE_DM_RATE_LIMIT per sender, TREEHOLE_DM_DOMAIN_RATE_LIMIT per
    server; past the server's, nothing is answered)"""
    for index in range(3):
        message = direct_message(limited, mastodon, "mia", f"note number {index} from mia")
        await send(limited, mastodon, "mia", message)
    assert len(await dm_notes(limited)) == 2
    assert "too many posts" in text_of(answers(limited, mastodon)[-1])
    await send(limited, mastodon, "ann", direct_message(limited, mastodon, "ann", "ann posts"))
    assert len(await dm_notes(limited)) == 2, "the server's allowance of 3 is spent"
    assert len(answers(limited, mastodon)) == 3, "and past it nothing is answered"
    # Messages that post nothing are answered as often as posts are allowed, then no more.
    for _ in range(3):
        await send(limited, mastodon, "bea", direct_message(limited, mastodon, "bea", "help"))
    assert len(answers(limited, mastodon)) == 3 + 2


async def test_no_proof_of_work_but_the_breakers_review_applies(
    instance: RunningApp, mastodon: FixturePeer
) -> None:
    """spec: dm-breaker-no-pow (a board asking for proof of work still takes direct messages;
    the circuit breaker's "review everything" holds them)"""
    db = instance.services.db
    await db.execute(sa.update(board_store.boards).values(pow_required=True))
    await send(instance, mastodon, "mia", direct_message(instance, mastodon, "mia", "no puzzle"))
    assert [row["state"] for row in await dm_notes(instance)] == ["live"]
    settings = await get_moderation_settings(db)
    under_attack = replace(
        settings, breaker_mode="review", under_attack_until=utcnow() + timedelta(hours=1)
    )
    await update_moderation_settings(db, under_attack)
    await send(instance, mastodon, "mia", direct_message(instance, mastodon, "mia", "attack"))
    rows = await dm_notes(instance)
    assert [(row["content"], row["state"]) for row in rows][-1] == ("attack", "held")
    assert "checking every new post" in text_of(answers(instance, mastodon)[-1])


async def test_nothing_of_the_sender_is_kept_after_a_post(
    instance: RunningApp, mastodon: FixturePeer, caplog: pytest.LogCaptureFixture
) -> None:
    """spec: dm-anonymity (every table, and every line of our own logs at their most verbose,
    searched for the sender's actor id, inbox, server and activity ids once the answer is sent;
    third-party loggers that echo queries or URLs are off in `app/core/logs.py`)"""
    caplog.set_level(logging.DEBUG, logger="treehole")
    message = direct_message(instance, mastodon, "mia", "an unlinkable confession")
    await send(instance, mastodon, "mia", message)
    [answer] = answers(instance, mastodon)
    answer_id = answer.activity["object"]["id"]
    reply = direct_message(instance, mastodon, "mia", "second thought", in_reply_to=answer_id)
    await send(instance, mastodon, "mia", reply)  # not `delete`: answered with help
    await instance.work()
    dump = await dump_database(instance.services.db)
    assert "an unlinkable confession" in dump, "the dump covers the notes table"
    assert "dm_answers:" in dump, "the answer's delete capability is kept"
    server = urlsplit(mastodon.url).netloc
    needles = [
        mastodon.actor_id("mia"), mastodon.inbox("mia"), server, message["id"],
        message["object"]["id"], reply["id"], "@mia",
    ]  # fmt: skip
    for needle in needles:
        assert needle not in dump, f"{needle!r} found in the database"
    logged = "\n".join(
        f"{r.name} {r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records
    )
    assert "direct message posted" in logged, "the worker's log lines were captured"
    for needle in [mastodon.actor_id("mia"), server]:
        assert needle not in logged, f"{needle!r} found in the logs"


async def test_links_are_kept_under_the_link_policy(
    instance: RunningApp, mastodon: FixturePeer
) -> None:
    """spec: dm-post-anonymous (a link the policy does not allow holds the post, as on the web)"""
    link = '<a href="https://shady.example/offer">https://shady.example/offer</a>'
    await send(instance, mastodon, "mia", direct_message(instance, mastodon, "mia", f"see {link}"))
    [note] = await dm_notes(instance)
    assert (note["content"], note["state"]) == ("see https://shady.example/offer", "held")
    assert "held for review" in text_of(answers(instance, mastodon)[0])


@pytest.fixture
def named_host() -> Iterator[FixturePeer]:
    """A Mastodon-like server whose host is a name a domain block can name."""
    with run_fixture_peer(MASTODON, host="localhost") as peer:
        yield peer


async def test_silenced_server_is_held_and_suspended_server_refused(
    instance: RunningApp, named_host: FixturePeer
) -> None:
    """spec: dm-blocks-first (domain blocks apply before anything else)"""
    db, urls = instance.services.db, instance.services.urls
    admin = ChangeActor("admin", None, "admin: test")
    silence = BlockValues("silence", False, False, "", "", False)
    await set_manual(db, urls, "localhost", silence, admin, utcnow())
    quiet = direct_message(instance, named_host, "mia", "from a silenced server")
    await send(instance, named_host, "mia", quiet)
    assert [row["state"] for row in await dm_notes(instance)] == ["held"]
    assert "held for review" in text_of(answers(instance, named_host)[0])
    suspend = BlockValues("suspend", False, False, "", "", False)
    await set_manual(db, urls, "localhost", suspend, admin, utcnow())
    named_host.clear()
    refused = direct_message(instance, named_host, "mia", "from a suspended server")
    inbox = urls.shared_inbox()
    body, headers = named_host.signed_post("mia", inbox, refused)
    answer = await instance.client.post(inbox, content=body, headers=headers)
    assert answer.status_code in (202, 403), answer.text
    await instance.work()
    # The held post stays for a moderator: nothing links it to that server any more.
    assert [row["content"] for row in await dm_notes(instance)] == ["from a silenced server"]
    assert answers(instance, named_host) == [], "nothing is sent to a suspended server"


async def test_a_replayed_direct_message_is_posted_and_answered_once(
    instance: RunningApp, mastodon: FixturePeer
) -> None:
    """spec: dm-replay-once (the inbox item keeps a keyed digest of the activity id, not the id,
    and still recognises the same activity sent again)"""
    message = direct_message(instance, mastodon, "mia", "only once please")
    await send(instance, mastodon, "mia", message)
    await send(instance, mastodon, "mia", message)
    assert [row["content"] for row in await dm_notes(instance)] == ["only once please"]
    assert len(answers(instance, mastodon)) == 1
    items = await instance.services.db.fetch_all(sa.select(inbox_items))
    assert len(items) == 1 and items[0]["ap_id"].startswith("urn:treehole:dm:")
    assert items[0]["payload"] == "" and message["id"] not in str(dict(items[0]))


async def test_a_chinese_board_answers_in_chinese_and_takes_its_commands(
    instance: RunningApp, mastodon: FixturePeer
) -> None:
    """spec: dm-answer-signed-direct (answers are written in the board's language)"""
    db = instance.services.db
    await db.execute(sa.update(board_store.boards).values(language="zh"))
    await send(instance, mastodon, "mia", direct_message(instance, mastodon, "mia", "树洞你好"))
    [answer] = answers(instance, mastodon)
    assert "已匿名发布" in text_of(answer) and TOKEN.search(text_of(answer)) is None
    assert "输入这个令牌" in text_of(answer)
    answer_id = answer.activity["object"]["id"]
    reply = direct_message(instance, mastodon, "mia", "删除", in_reply_to=answer_id)
    await send(instance, mastodon, "mia", reply)
    assert [row["state"] for row in await dm_notes(instance)] == ["deleted"]
    assert "你的帖子已删除" in text_of(answers(instance, mastodon)[-1])
