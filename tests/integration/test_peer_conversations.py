"""Conversations with servers of each kind (fixture peers that sign and verify their own way):
replies that notify, Deletes that reach every copy, answers to Follows, an Undo Misskey can
resolve, notes that carry their language and tags and can be found by URL, and reports naming
an account or a board."""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from app.core.clock import utcnow
from app.db.tables import activities, boards, notes, reports
from app.fedi.outbound import store_and_enqueue
from app.moderation.review import approve_notes
from app.notes.ledger import ledger_for_poster
from app.store import local_actors
from app.store.boards import get_board_by_slug, update_board_hashtags
from tests.support.admin import form_token, signed_in
from tests.support.app_client import RunningApp
from tests.support.delivery import trust_our_keys
from tests.support.fixture_peer import (
    GOTOSOCIAL,
    MASTODON,
    MISSKEY,
    Arrival,
    FixturePeer,
    run_fixture_peer,
)
from tests.support.forms import PostedNote, csrf_from, post_note

pytestmark = pytest.mark.anyio
AS2 = {"Accept": "application/activity+json"}


@pytest.fixture
def mastodon() -> Iterator[FixturePeer]:
    with run_fixture_peer(MASTODON) as peer:
        yield peer


@pytest.fixture
def misskey() -> Iterator[FixturePeer]:
    # Another host name: the ledger tells servers apart by domain.
    with run_fixture_peer(MISSKEY, host="localhost") as peer:
        yield peer


async def deliver(
    instance: RunningApp, peer: FixturePeer, name: str, activity: dict[str, Any]
) -> None:
    """`name` of the peer POSTs `activity` to our shared inbox, signed its way; then we work."""
    inbox = instance.services.urls.shared_inbox()
    body, headers = peer.signed_post(name, inbox, activity)
    answer = await instance.client.post(inbox, content=body, headers=headers)
    assert answer.status_code == 202, answer.text
    await work(instance, peer)


async def work(instance: RunningApp, *peers: FixturePeer) -> None:
    for peer in peers:
        await trust_our_keys(instance.services, peer)
    await instance.work()


async def note_document(instance: RunningApp, note_id: str) -> dict[str, Any]:
    answer = await instance.client.get(f"/n/{note_id}", headers=AS2)
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    return document


async def remote_reply(
    instance: RunningApp, peer: FixturePeer, name: str, parent_url: str, text: str
) -> str:
    """The peer's `name` replies to `parent_url`; returns our row id of the stored reply."""
    reply = peer.post(name, f"<p>{text}</p>", in_reply_to=parent_url)
    await deliver(instance, peer, name, peer.create(name, reply))
    row = await instance.services.db.fetch_one(
        sa.select(notes.c.id).where(notes.c.ap_id == reply["id"])
    )
    assert row is not None, "the reply was stored"
    return str(row["id"])


def only(arrivals: list[Arrival]) -> Arrival:
    assert len(arrivals) == 1, arrivals
    assert arrivals[0].verified, arrivals[0].reason
    return arrivals[0]


async def test_reply_to_a_remote_note_mentions_its_author(
    instance: RunningApp, mastodon: FixturePeer
) -> None:
    """spec: reply-mentions-remote-author (Mention tag, author in cc, h-card link; typed
    @user@host stays text)"""
    posted = await post_note(instance.client, "Tell me about your morning, fediverse.")
    await work(instance, mastodon)
    parent = await remote_reply(
        instance, mastodon, "mia", instance.services.urls.note(posted.note_id), "Coffee!"
    )
    reply = await post_note(
        instance.client,
        "Sounds good, ask @bob@elsewhere.example too",
        thread=posted.note_id,
        in_reply_to=parent,
    )
    # A typed handle looks like contact details: a moderator lets it through.
    await approve_notes(instance.services.db, [reply.note_id], utcnow())
    await work(instance, mastodon)
    create = only(mastodon.arrivals("Create"))
    note = create.activity["object"]
    mia = mastodon.actor_id("mia")
    assert note["tag"] == [{"type": "Mention", "href": mia, "name": f"@mia@{mastodon.url[7:]}"}]
    assert mia in note["cc"] and mia in create.activity["cc"]
    assert f'<a href="{mia}" class="u-url mention">@<span>mia</span></a>' in note["content"]
    assert "@bob@elsewhere.example" in note["content"]
    assert "elsewhere.example" not in str(note["tag"])


async def test_delete_reaches_servers_that_liked_or_replied(
    instance: RunningApp, mastodon: FixturePeer, misskey: FixturePeer
) -> None:
    """spec: delivery-delete-to-every-copy (servers whose people liked, boosted or replied get
    the Delete; the poster's ledger lists them)"""
    posted = await post_note(instance.client, "A note that will be liked and answered.")
    await work(instance, mastodon, misskey)
    note_url = instance.services.urls.note(posted.note_id)
    await deliver(instance, misskey, "kai", misskey.activity("kai", "Like", note_url))
    await remote_reply(instance, mastodon, "mia", note_url, "An answer")
    mastodon.clear()
    misskey.clear()
    await delete(instance, posted)
    await work(instance, mastodon, misskey)
    author = await instance.services.db.fetch_val(
        sa.select(notes.c.local_actor_id).where(notes.c.id == posted.note_id)
    )
    actor_url = instance.services.urls.actor(author)
    for peer in (mastodon, misskey):
        deletes = peer.arrivals("Delete")
        assert all(a.verified and a.activity["actor"] == actor_url for a in deletes)
        # The note's Delete, then (the author having nothing left) the author's own.
        assert [a.activity["object"] for a in deletes] == [
            {"id": note_url, "type": "Tombstone", "formerType": "Note"},
            actor_url,
        ]
    ledger = await ledger_for_poster(instance.services.db, posted.note_id, posted.token)
    assert {(line.domain, line.received, line.deletion) for line in ledger} == {
        ("127.0.0.1", "fetched", "delivered"),
        ("localhost", "fetched", "delivered"),
    }


async def delete(instance: RunningApp, posted: PostedNote) -> None:
    page = await instance.client.get(f"/n/{posted.note_id}/delete")
    answer = await instance.client.post(
        f"/n/{posted.note_id}/delete",
        data={"csrf_token": csrf_from(page.text), "token": posted.token},
    )
    assert answer.status_code in (200, 303), answer.text


async def test_follows_of_unfollowable_actors_are_rejected(
    instance: RunningApp, mastodon: FixturePeer
) -> None:
    """spec: follow-unfollowable-reject (a throwaway author and the instance actor answer
    Reject, signed by the actor followed)"""
    posted = await post_note(instance.client, "Who wrote me?")
    author = (await note_document(instance, posted.note_id))["attributedTo"]
    instance_actor = instance.services.urls.instance_actor()
    follows = [mastodon.activity("mia", "Follow", target) for target in (author, instance_actor)]
    for follow in follows:
        await deliver(instance, mastodon, "mia", follow)
    rejects = mastodon.arrivals("Reject")
    assert sorted((r.activity["actor"], r.activity["object"]["id"]) for r in rejects) == sorted(
        [(author, follows[0]["id"]), (instance_actor, follows[1]["id"])]
    )
    assert all(r.verified and r.path == "/users/mia/inbox" for r in rejects)


async def test_locked_board_accepts_a_follower_again_and_rejects_newcomers(
    instance: RunningApp, mastodon: FixturePeer
) -> None:
    """spec: follow-locked-board-refollow-accepted (a Reject would make Mastodon unfollow)"""
    board = instance.services.urls.board("main")
    await deliver(instance, mastodon, "mia", mastodon.activity("mia", "Follow", board))
    await instance.services.db.execute(boards.update().values(locked=True))
    await deliver(instance, mastodon, "mia", mastodon.activity("mia", "Follow", board))
    await deliver(instance, mastodon, "newt", mastodon.activity("newt", "Follow", board))
    answers = [(a.type, a.activity["object"]["actor"]) for a in mastodon.arrivals()]
    assert answers == [
        ("Accept", mastodon.actor_id("mia")),
        ("Accept", mastodon.actor_id("mia")),
        ("Reject", mastodon.actor_id("newt")),
    ]


async def test_undo_announce_resolves_on_misskey(
    instance: RunningApp, misskey: FixturePeer
) -> None:
    """spec: delivery-undo-announce-embedded (Misskey resolves the Undo's object; our Announce
    goes in whole, so nothing is fetched that answers 404)"""
    board = instance.services.urls.board("main")
    await deliver(instance, misskey, "kai", misskey.activity("kai", "Follow", board))
    posted = await post_note(instance.client, "Boosted, then gone.")
    await work(instance, misskey)
    announce = next(
        a for a in misskey.arrivals("Announce") if isinstance(a.activity["object"], str)
    )
    await delete(instance, posted)
    await work(instance, misskey)
    undo = only(misskey.arrivals("Undo"))

    async def fetch(url: str) -> tuple[int, Any]:
        answer = await instance.client.get(url, headers=AS2)
        return answer.status_code, answer.json() if answer.status_code == 200 else None

    undone = await misskey.resolve_undo(undo, fetch)
    assert {k: undone[k] for k in ("id", "type", "actor", "object")} == {
        k: announce.activity[k] for k in ("id", "type", "actor", "object")
    }


async def test_note_carries_language_tags_and_its_own_url(instance: RunningApp) -> None:
    """spec: note-contentmap-language, note-hashtags, note-url-is-the-note"""
    posted = await post_note(
        instance.client, "Good morning everyone, the weather is lovely today #Sunshine"
    )
    note = await note_document(instance, posted.note_id)
    assert list(note["contentMap"]) == ["en"] and note["contentMap"]["en"] == note["content"]
    tag_url = instance.services.urls.tag("Sunshine")
    assert note["tag"] == [{"type": "Hashtag", "href": tag_url, "name": "#Sunshine"}]
    assert (
        f'<a href="{tag_url}" class="mention hashtag" rel="tag">#<span>Sunshine</span></a>'
        in (note["content"])
    )
    assert "lovely today" in (await instance.client.get(tag_url)).text
    # Pasting the note's url into a search box finds the Note itself.
    assert note["url"] == note["id"]
    assert (await instance.client.get(note["url"], headers=AS2)).json()["type"] == "Note"
    short = await post_note(instance.client, "ok")
    assert "contentMap" not in await note_document(instance, short.note_id)


async def test_board_setting_turns_hashtags_off(instance: RunningApp) -> None:
    """spec: note-hashtags (a board setting on the admin boards page turns them off)"""
    await signed_in(instance.client, instance.services.db, "root", "admin")
    main = await get_board_by_slug(instance.services.db, "main")
    assert main is not None
    form = {
        # The page's whole form: the board's profile (#15) beside its settings, hashtags unticked.
        "title": main.title,
        "language": main.language,
        "premoderation": "off",
        "self_destruct_hours": "",
        "allowed_ttls": "1h, 1d, 7d",
        "default_ttl": "1d",
    }
    token = await form_token(instance.client, "/admin/boards")
    answer = await instance.client.post("/admin/boards/main", data={"csrf_token": token, **form})
    assert answer.status_code == 303, answer.text
    board = await get_board_by_slug(instance.services.db, "main")
    assert board is not None and board.hashtags is False
    posted = await post_note(instance.client, "No tags here, just #words on a quiet board")
    note = await note_document(instance, posted.note_id)
    assert "tag" not in note and "hashtag" not in note["content"]
    await update_board_hashtags(instance.services.db, board.id, True)
    assert "tag" in await note_document(instance, posted.note_id)


async def test_pages_link_their_activitystreams_alternate(instance: RunningApp) -> None:
    """spec: page-alternate-activity-json"""
    posted = await post_note(instance.client, "Find me from a search box.")
    urls = instance.services.urls
    thread = (await instance.client.get(f"/t/{posted.note_id}")).text
    board = (await instance.client.get("/b/main")).text
    link = '<link rel="alternate" type="application/activity+json" href="{}">'
    assert link.format(urls.note(posted.note_id)) in thread
    assert link.format(urls.board("main")) in board


async def test_deleted_note_answers_404_in_activity_json(instance: RunningApp) -> None:
    """spec: note-deleted-404-activity-json"""
    posted = await post_note(instance.client, "Soon gone.")
    await delete(instance, posted)
    answer = await instance.client.get(f"/n/{posted.note_id}", headers=AS2)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/activity+json")
    assert answer.json()["type"] == "Tombstone"


async def test_activity_over_64_kib_is_never_stored(instance: RunningApp) -> None:
    """spec: delivery-body-cap-64k (Misskey's inbox takes at most 64 KiB)"""
    db, urls = instance.services.db, instance.services.urls
    actor = await local_actors.get_instance_actor(db)
    assert actor is not None
    big = {"id": urls.activity("big"), "type": "Note", "content": "x" * 65_536}
    small = {"id": urls.activity("small"), "type": "Note", "content": "x" * 60_000}
    async with db.transaction():
        assert not await store_and_enqueue(
            db, urls, "big", big, actor, None, ["http://a/i"], utcnow()
        )
        assert await store_and_enqueue(
            db, urls, "small", small, actor, None, ["http://a/i"], utcnow()
        )
    stored = await db.fetch_all(sa.select(activities.c.id))
    assert [row["id"] for row in stored] == ["small"]


@pytest.mark.parametrize("target", ["board", "actor"])
async def test_flag_naming_only_an_account_or_board_is_reported(
    instance: RunningApp, mastodon: FixturePeer, target: str
) -> None:
    """spec: inbox-flag-account-or-board"""
    posted = await post_note(instance.client, "Someone will report my author.")
    named = (
        instance.services.urls.board("main")
        if target == "board"
        else (await note_document(instance, posted.note_id))["attributedTo"]
    )
    flag = mastodon.activity("mia", "Flag", [named], content="please look at this")
    await deliver(instance, mastodon, "mia", flag)
    rows = await instance.services.db.fetch_all(sa.select(reports))
    assert [(r["note_id"], r["target_url"], r["comment"]) for r in rows] == [
        (None, named, "please look at this")
    ]
    await signed_in(instance.client, instance.services.db, "root", "admin")
    page = html.unescape((await instance.client.get("/admin/reports")).text)
    assert named in page


async def test_gotosocial_follower_gets_the_announce_at_its_personal_inbox(
    instance: RunningApp,
) -> None:
    """spec: delivery-no-shared-inbox (GoToSocial offers none: its actors' own inboxes)"""
    with run_fixture_peer(GOTOSOCIAL) as gts:
        await trust_our_keys(instance.services, gts)
        board = instance.services.urls.board("main")
        await deliver(instance, gts, "gina", gts.activity("gina", "Follow", board))
        await post_note(instance.client, "To GoToSocial")
        await work(instance, gts)
        paths = {a.path for a in gts.arrivals("Announce")}
        assert paths == {"/users/gina/inbox"}
