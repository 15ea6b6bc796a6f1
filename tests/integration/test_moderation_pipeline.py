"""The moderation pipeline end to end, for local posts through the form and for remote replies
arriving in the inbox: publish, publish with a content warning, hold, reject; premoderation; the
self-harm help page; proof of work; the under-attack circuit breaker; near-duplicate floods."""

from __future__ import annotations

import asyncio
import base64
import html
import json
import re
from dataclasses import replace
from datetime import timedelta

import altcha
import pytest
import sqlalchemy as sa

from app.core.clock import utcnow
from app.core.ids import new_id
from app.db.tables import boards, content_fingerprints, moderation_decisions, notes
from app.db.tables import remote_actors as remote_actor_table
from app.moderation.breaker import count_accepted_post, posts_in_last_minute
from app.moderation.filters import FilterSet
from app.moderation.pipeline import Content
from app.moderation.service import DUPLICATE_WINDOW, Moderator
from app.store import filters as filter_store
from app.store import remote_actors
from app.store.moderation import get_moderation_settings, update_moderation_settings
from app.store.remote_actors import RemoteActor
from tests.support.admin import make_remote_actor
from tests.support.app_client import RunningApp
from tests.support.forms import csrf_from, post_note

pytestmark = pytest.mark.anyio


async def submit(instance: RunningApp, text: str, **extra: str) -> object:
    page = await instance.client.get("/b/main")
    form = {"csrf_token": csrf_from(page.text), "text": text, **extra}
    return await instance.client.post("/b/main/post", data=form)


async def note_rows(instance: RunningApp) -> list[dict[str, object]]:
    rows = await instance.services.db.fetch_all(
        sa.select(notes.c.id, notes.c.state, notes.c.summary, notes.c.content)
    )
    return [dict(row) for row in rows]


async def decisions(instance: RunningApp) -> list[dict[str, object]]:
    rows = await instance.services.db.fetch_all(
        sa.select(
            moderation_decisions.c.subject_kind,
            moderation_decisions.c.check_name,
            moderation_decisions.c.action,
            moderation_decisions.c.reason,
        )
    )
    return [dict(row) for row in rows]


async def set_category(instance: RunningApp, name: str, action: str) -> None:
    await filter_store.update_category(instance.services.db, name, True, action, utcnow())


async def test_clean_post_is_published_and_decision_recorded(instance: RunningApp) -> None:
    posted = await post_note(instance.client, "The rain on the window tonight is calming.")
    rows = await note_rows(instance)
    assert rows[0]["state"] == "live" and rows[0]["summary"] is None
    recorded = await decisions(instance)
    assert [(r["subject_kind"], r["action"]) for r in recorded] == [("note", "publish")]
    assert posted.note_id


async def test_warn_category_publishes_with_content_warning(instance: RunningApp) -> None:
    await set_category(instance, "sexual", "warn")
    await post_note(instance.client, "we talked about porn addiction for hours")
    row = (await note_rows(instance))[0]
    assert row["state"] == "live"
    assert row["summary"]  # a content warning was added
    assert (await decisions(instance))[0]["action"] == "publish_with_warning"


async def test_contact_details_are_held_and_hidden(instance: RunningApp) -> None:
    """spec: moderation-contact-held"""
    answer = await submit(instance, "add me on wechat, wx: lonely_cat_1999")
    assert answer.status_code == 303
    held = (await note_rows(instance))[0]
    assert held["state"] == "held"
    board = await instance.client.get("/b/main")
    assert "lonely_cat_1999" not in board.text
    posted_page = await instance.client.get(answer.headers["location"])
    assert "waits for a moderator" in posted_page.text
    assert (await decisions(instance))[0] == {
        "subject_kind": "note",
        "check_name": "links",
        "action": "hold",
        "reason": "contact",
    }


async def test_rejected_post_shows_reason_and_stores_nothing(instance: RunningApp) -> None:
    await set_category(instance, "hate", "reject")
    answer = await submit(instance, "they are all 死基佬, every one of them")
    assert answer.status_code == 400
    assert "was not posted" in answer.text and "hate" in answer.text
    assert await note_rows(instance) == []
    recorded = await decisions(instance)
    assert recorded and recorded[0]["action"] == "reject"
    assert recorded[0]["subject_kind"] == "submission"


async def test_chinese_filters_match_traditional_and_obfuscated(instance: RunningApp) -> None:
    await set_category(instance, "fraud", "reject")
    for text in ("代 开 发 票，量大从优", "代開發票，量大從優"):
        answer = await submit(instance, text)
        assert answer.status_code == 400, text
    assert await note_rows(instance) == []


async def test_near_duplicate_is_held(instance: RunningApp) -> None:
    text = "Limited offer!!! the best deal of the year is waiting for you right now, act fast"
    await post_note(instance.client, text)
    await submit(instance, text.replace("year", "yeaaar") + "!")
    states = sorted(row["state"] for row in await note_rows(instance))
    assert states == ["held", "live"]


async def test_flood_of_near_identical_posts_is_stopped(instance: RunningApp) -> None:
    """spec: moderation-flood"""
    moderator = instance.services.moderator
    now = utcnow()
    outcomes = []
    for i in range(200):
        text = f"Sunny morning {i % 7} in the park, the ducks are out and the coffee is {i} cents"
        decision = await moderator.screen(Content(text, None, "local", True), now)
        outcomes.append(decision.outcome)
    assert outcomes[0] == "publish"
    assert outcomes[1:].count("hold") >= 195


async def test_premoderation_holds_new_threads_only(instance: RunningApp) -> None:
    db = instance.services.db
    live = await post_note(instance.client, "a thread before premoderation")
    await db.execute(boards.update().values(premoderation="threads"))
    held = await submit(instance, "a new thread under premoderation")
    assert held.status_code == 303
    await post_note(instance.client, "a reply is fine", thread=live.note_id)
    rows = {row["content"]: row["state"] for row in await note_rows(instance)}
    assert rows["a new thread under premoderation"] == "held"
    assert rows["a reply is fine"] == "live"
    await db.execute(boards.update().values(premoderation="all"))
    await submit(instance, "now every post waits")
    rows = {row["content"]: row["state"] for row in await note_rows(instance)}
    assert rows["now every post waits"] == "held"


async def test_self_harm_shows_help_page_then_posts_after_confirming(instance: RunningApp) -> None:
    """spec: moderation-self-harm-help"""
    answer = await submit(instance, "i want to kill myself tonight")
    assert answer.status_code == 200
    assert "You are not alone" in answer.text and "988" in answer.text
    assert await note_rows(instance) == []
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', answer.text))
    assert hidden["confirmed"] == "1" and "kill myself" in hidden["text"]
    confirmed = await instance.client.post("/b/main/post", data=hidden)
    assert confirmed.status_code == 303
    assert len(await note_rows(instance)) == 1


# Made up for this test; no self-harm rule matches it, the model's care head scores it ~0.97.
ONLY_THE_MODEL_ASKS = "活得好累，每天都在想是不是该放弃了"


async def test_model_help_set_to_off_stops_the_models_help_pages(instance: RunningApp) -> None:
    answer = await submit(instance, ONLY_THE_MODEL_ASKS)
    assert answer.status_code == 200 and "You are not alone" in answer.text
    db = instance.services.db
    await update_moderation_settings(db, replace(await get_moderation_settings(db), model_help=1.0))
    posted = await submit(instance, ONLY_THE_MODEL_ASKS)
    assert posted.status_code == 303
    assert [row["content"] for row in await note_rows(instance)] == [ONLY_THE_MODEL_ASKS]


async def test_self_harm_help_keeps_the_post_and_its_proof_of_work_while_the_breaker_asks(
    instance: RunningApp,
) -> None:
    """spec: moderation-self-harm-help (with proof of work on: the help page spends nothing, so
    the proof it sends back posts the note, held for care with its warning and lifetime)"""
    db = instance.services.db
    settings = await get_moderation_settings(db)
    await update_moderation_settings(
        db, replace(settings, under_attack_until=utcnow() + timedelta(minutes=5))
    )
    page = await instance.client.get("/b/main")
    ttl = re.findall(r'<option value="(\d+)"', page.text)[0]
    text = "i have been saving my pills, i want to kill myself this weekend"
    form = {
        "csrf_token": csrf_from(page.text),
        "text": text,
        "summary": "dark thoughts",
        "ttl": ttl,
        "altcha": solve(page.text),
    }
    answer = await instance.client.post("/b/main/post", data=form)
    assert answer.status_code == 200 and "You are not alone" in answer.text
    assert await note_rows(instance) == []
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', answer.text))
    kept = {name: html.unescape(hidden[name]) for name in ("text", "summary", "ttl", "altcha")}
    assert kept == {name: form[name] for name in kept}
    confirmed = await instance.client.post("/b/main/post", data=hidden)
    assert confirmed.status_code == 303, confirmed.text
    rows = await instance.services.db.fetch_all(
        sa.select(notes.c.state, notes.c.summary, notes.c.created_at, notes.c.expires_at)
    )
    assert len(rows) == 1 and rows[0]["state"] == "held" and rows[0]["summary"] == "dark thoughts"
    lifetime = rows[0]["expires_at"] - rows[0]["created_at"]
    assert abs(lifetime.total_seconds() - int(ttl)) <= 600
    recorded = await decisions(instance)
    assert ("note", "hold", "care") in [
        (r["subject_kind"], r["action"], r["reason"]) for r in recorded
    ]
    # The proof is spent now: the same form again is refused and stores nothing.
    browser = {"Sec-Fetch-Site": "same-origin"}  # the form token predates the poster cookie
    again = await instance.client.post(
        "/b/main/post", data={**hidden, "text": "again"}, headers=browser
    )
    assert again.status_code == 400 and len(await note_rows(instance)) == 1


def solve(page: str) -> str:
    box = re.search(r'<div class="pow" ([^>]+)>', page)
    assert box, "the form carries a proof-of-work challenge"
    attrs = {k: html.unescape(v) for k, v in re.findall(r'data-([a-z-]+)="([^"]*)"', box.group(1))}
    solution = altcha.solve_challenge_v1(
        attrs["challenge"], attrs["salt"], attrs["algorithm"], int(attrs["max-number"]), 0
    )
    assert solution is not None
    payload = {
        "algorithm": attrs["algorithm"],
        "challenge": attrs["challenge"],
        "number": solution.number,
        "salt": attrs["salt"],
        "signature": attrs["signature"],
    }
    return base64.b64encode(json.dumps(payload).encode()).decode()


async def test_proof_of_work_required_checked_and_single_use(instance: RunningApp) -> None:
    """spec: moderation-pow"""
    db = instance.services.db
    page = await instance.client.get("/b/main")
    assert 'class="pow"' not in page.text  # off by default: no JavaScript needed
    await db.execute(boards.update().values(pow_required=True))
    page = await instance.client.get("/b/main")
    assert 'class="pow"' in page.text and "pow.js" in page.text
    missing = await instance.client.post(
        "/b/main/post", data={"csrf_token": csrf_from(page.text), "text": "no puzzle"}
    )
    assert missing.status_code == 400 and await note_rows(instance) == []
    solution = solve(page.text)
    form = {"csrf_token": csrf_from(page.text), "text": "solved it", "altcha": solution}
    assert (await instance.client.post("/b/main/post", data=form)).status_code == 303
    # The same page sent again, as a browser does (its form token predates the poster cookie
    # the first post set, which a same-origin send is allowed).
    browser = {"Sec-Fetch-Site": "same-origin"}
    again = await instance.client.post(
        "/b/main/post", data={**form, "text": "reuse"}, headers=browser
    )
    assert again.status_code == 400
    forged = {**form, "text": "forged", "altcha": base64.b64encode(b'{"x":1}').decode()}
    answer = await instance.client.post("/b/main/post", data=forged, headers=browser)
    assert answer.status_code == 400
    assert [row["content"] for row in await note_rows(instance)] == ["solved it"]


async def test_circuit_breaker_sends_everything_to_review(instance: RunningApp) -> None:
    """spec: moderation-circuit-breaker"""
    db = instance.services.db
    settings = await get_moderation_settings(db)
    await update_moderation_settings(
        db, replace(settings, breaker_posts_per_minute=2, breaker_mode="review")
    )
    texts = ("the tea went cold again", "a cat sat on my balcony", "finished the long novel")
    for text in texts:
        await post_note(instance.client, text)
    after = await submit(instance, "this one arrives while under attack")
    assert after.status_code == 303
    rows = {row["content"]: row["state"] for row in await note_rows(instance)}
    assert rows["this one arrives while under attack"] == "held"
    assert (await get_moderation_settings(db)).under_attack_until is not None


async def test_circuit_breaker_counts_a_burst_straddling_a_minute_boundary(
    instance: RunningApp,
) -> None:
    """spec: moderation-circuit-breaker (a sliding minute, not calendar minutes)"""
    db = instance.services.db
    settings = replace(await get_moderation_settings(db), breaker_posts_per_minute=3)
    boundary = utcnow().replace(second=0, microsecond=0) + timedelta(minutes=1)
    before = [boundary - timedelta(seconds=2), boundary - timedelta(seconds=1)]
    after = [boundary + timedelta(seconds=1), boundary + timedelta(seconds=2)]
    tripped = [await count_accepted_post(db, settings, moment) for moment in before + after]
    # Two posts in each calendar minute, four within three seconds: the fourth trips it.
    assert tripped == [False, False, False, True]
    assert posts_in_last_minute(0, 10, boundary + timedelta(seconds=45)) == 2.5


async def test_circuit_breaker_in_pow_mode_asks_for_proof_of_work(instance: RunningApp) -> None:
    db = instance.services.db
    settings = await get_moderation_settings(db)
    await update_moderation_settings(
        db, replace(settings, under_attack_until=utcnow() + timedelta(minutes=5))
    )
    page = await instance.client.get("/b/main")
    assert 'class="pow"' in page.text


async def remote_author(instance: RunningApp, domain: str = "remote.example") -> RemoteActor:
    actor = RemoteActor(
        id=new_id(),
        ap_id=f"https://{domain}/users/ann",
        domain=domain,
        preferred_username="ann",
        name="Ann",
        url=None,
        inbox=f"https://{domain}/users/ann/inbox",
        shared_inbox=f"https://{domain}/inbox",
        key_id=f"https://{domain}/users/ann#main-key",
        public_key_pem=None,
        blocks_us=False,
        suspended=False,
        silenced=False,
        fetched_at=utcnow(),
    )
    return await remote_actors.upsert_remote_actor(instance.services.db, actor)


def reply_create(actor: RemoteActor, in_reply_to: str, text: str) -> dict[str, object]:
    note_id = f"{actor.ap_id}/statuses/{new_id()}"
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{note_id}/activity",
        "type": "Create",
        "actor": actor.ap_id,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": {
            "id": note_id,
            "type": "Note",
            "attributedTo": actor.ap_id,
            "content": f"<p>{text}</p>",
            "inReplyTo": in_reply_to,
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
        },
    }


async def test_remote_replies_go_through_the_same_pipeline(instance: RunningApp) -> None:
    """spec: moderation-remote"""
    posted = await post_note(instance.client, "a thread for remote replies")
    note_url = f"http://treehole.test/n/{posted.note_id}"
    ann = await remote_author(instance)
    inbound = instance.services.inbound
    await set_category(instance, "hate", "reject")
    now = utcnow()
    await inbound.apply(reply_create(ann, note_url, "a kind remote reply"), now)
    await inbound.apply(reply_create(ann, note_url, "call me, mail me at ann@example.org"), now)
    await inbound.apply(reply_create(ann, note_url, "they are all 死基佬 here"), now)
    rows = {row["content"]: row["state"] for row in await note_rows(instance)}
    assert rows["<p>a kind remote reply</p>"] == "live"
    assert rows["<p>call me, mail me at ann@example.org</p>"] == "held"
    assert not any("死基佬" in (content or "") for content in rows)
    kinds = {row["subject_kind"] for row in await decisions(instance)}
    assert "remote_note" in kinds


# Replies that meet each outcome of today's pipeline (default settings): the same text must
# meet the same outcome whether it comes from the form or from the fediverse.
SAME_EITHER_WAY = (
    "a kind reply, i hope your week gets better",
    "call me, mail me at ann@example.org",
    "they are all 死基佬 here",
    "look at https://prizes.example.net/win-now it pays",
    "you worthless stupid idiot, nobody wants you here, go away",
)


async def test_remote_replies_meet_the_outcome_local_replies_meet(instance: RunningApp) -> None:
    """spec: moderation-remote (the same text: live, held or rejected alike from the inbox and
    from the form)"""
    db = instance.services.db
    posted = await post_note(instance.client, "a thread where both kinds of replies arrive")
    ann = await remote_author(instance)
    note_url = f"http://treehole.test/n/{posted.note_id}"
    for text in SAME_EITHER_WAY:
        await instance.services.inbound.apply(reply_create(ann, note_url, text), utcnow())
    remote = {row["content"]: row["state"] for row in await note_rows(instance)}
    # The local copies must not count as near-duplicates of the remote ones.
    await db.execute(content_fingerprints.delete())
    page = await instance.client.get(f"/t/{posted.note_id}")
    for text in SAME_EITHER_WAY:
        form = {"csrf_token": csrf_from(page.text), "text": text}
        answer = await instance.client.post(f"/t/{posted.note_id}/reply", data=form)
        assert answer.status_code in (303, 400), answer.text
    local = {row["content"]: row["state"] for row in await note_rows(instance)}
    outcomes = {
        text: (remote.get(f"<p>{html.escape(text, quote=False)}</p>", "rejected"),
               local.get(text, "rejected"))
        for text in SAME_EITHER_WAY
    }  # fmt: skip
    assert all(remote_state == local_state for remote_state, local_state in outcomes.values()), (
        outcomes
    )
    assert {state for state, _ in outcomes.values()} == {"live", "held", "rejected"}


async def test_silenced_sender_is_held(instance: RunningApp) -> None:
    posted = await post_note(instance.client, "thread")
    ann = await remote_author(instance, "quiet.example")
    await instance.services.db.execute(
        remote_actor_table.update().where(remote_actor_table.c.id == ann.id).values(silenced=True)
    )
    await instance.services.inbound.apply(
        reply_create(ann, f"http://treehole.test/n/{posted.note_id}", "hello there"), utcnow()
    )
    rows = {row["content"]: row["state"] for row in await note_rows(instance)}
    assert rows["<p>hello there</p>"] == "held"


async def test_concurrent_first_posts_build_the_filters_once(
    instance: RunningApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold (or just changed) filter configuration is built by one request while the others
    wait for it, not once per post in flight."""
    db = instance.services.db
    moderator = Moderator(db)
    builds = 0
    original = Moderator._build_filter_set

    async def counted(self: Moderator) -> FilterSet:
        nonlocal builds
        builds += 1
        await asyncio.sleep(0.05)  # a build takes a while: the other posts arrive meanwhile
        return await original(self)

    monkeypatch.setattr(Moderator, "_build_filter_set", counted)
    first = await asyncio.gather(*(moderator.filter_set() for _ in range(20)))
    assert builds == 1 and all(built is first[0] for built in first)
    await filter_store.insert_term(db, "spam", "zqxjunkword", filter_store.WORD, utcnow())
    changed = await asyncio.gather(*(moderator.filter_set() for _ in range(5)))
    assert builds == 2 and all(built is changed[0] for built in changed)
    assert changed[0] is not first[0]


async def fingerprint_subjects(instance: RunningApp) -> list[str | None]:
    rows = await instance.services.db.fetch_all(
        sa.select(content_fingerprints.c.subject_id).order_by(content_fingerprints.c.id)
    )
    return [row["subject_id"] for row in rows]


async def test_fingerprints_age_out_after_their_window(instance: RunningApp) -> None:
    """The worker forgets fingerprints once the near-duplicate window is over; younger ones
    stay (they still stop a flood).
    spec: fingerprints-short-lived
    """
    old = await post_note(instance.client, "Old words about mountain passes and snowy ridges")
    db = instance.services.db
    await db.execute(
        content_fingerprints.update()
        .where(content_fingerprints.c.subject_id == old.note_id)
        .values(created_at=utcnow() - DUPLICATE_WINDOW - timedelta(seconds=1))
    )
    young = await post_note(instance.client, "Young words about river deltas and wide marshes")
    assert await fingerprint_subjects(instance) == [old.note_id, young.note_id]
    await instance.worker.run_once(force=True)
    assert await fingerprint_subjects(instance) == [young.note_id]
    # Thirty minutes on, the young one has aged out too.
    await instance.worker.run_once(now=utcnow() + DUPLICATE_WINDOW, force=True)
    assert await fingerprint_subjects(instance) == []


async def test_fingerprints_go_with_their_note(instance: RunningApp) -> None:
    """Deleting a note (a root takes its replies) deletes its fingerprints at once, and only
    those: a near-copy of a deleted post is no longer held.
    spec: fingerprints-short-lived
    """
    client = instance.client
    root = await post_note(client, "A lighthouse keeper counts the gulls every single morning")
    reply = await post_note(
        client, "The gulls never sit still long enough to be counted", thread=root.note_id
    )
    other = await post_note(client, "Bakers wake at four to knead the sourdough loaves")
    assert await fingerprint_subjects(instance) == [root.note_id, reply.note_id, other.note_id]
    page = await client.get(f"/n/{root.note_id}/delete")
    answer = await client.post(
        f"/n/{root.note_id}/delete", data={"csrf_token": csrf_from(page.text), "token": root.token}
    )
    assert answer.status_code == 200
    assert await fingerprint_subjects(instance) == [other.note_id]
    again = await post_note(client, "A lighthouse keeper counts the gulls every single morning!")
    note = await instance.services.db.fetch_one(
        sa.select(notes.c.state).where(notes.c.id == again.note_id)
    )
    assert note is not None and note["state"] == "live"


async def test_remote_reply_fingerprint_goes_with_it(instance: RunningApp) -> None:
    """spec: fingerprints-short-lived"""
    db = instance.services.db
    root = await post_note(instance.client, "Tell me about the tides where you live, friends")
    actor = await make_remote_actor(db)
    inbound = instance.services.inbound
    parent = instance.services.urls.note(root.note_id)
    create = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{actor.ap_id}/statuses/1/activity", "type": "Create", "actor": actor.ap_id,
        "object": {
            "id": f"{actor.ap_id}/statuses/1", "type": "Note", "attributedTo": actor.ap_id,
            "inReplyTo": parent, "content": "<p>Here the tide runs out two miles at dawn</p>",
        },
    }  # fmt: skip
    assert await inbound.apply(create, utcnow()) == "reply stored"
    stored = await db.fetch_one(sa.select(notes.c.id).where(notes.c.origin == "remote"))
    assert stored is not None
    assert await fingerprint_subjects(instance) == [root.note_id, stored["id"]]
    delete = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{actor.ap_id}/statuses/1#delete", "type": "Delete", "actor": actor.ap_id,
        "object": f"{actor.ap_id}/statuses/1",
    }  # fmt: skip
    assert await inbound.apply(delete, utcnow()) == "reply removed"
    assert await fingerprint_subjects(instance) == [root.note_id]


async def test_remote_links_go_through_the_link_policy(instance: RunningApp) -> None:
    """A remote reply's `<a href>` is held like the same URL typed as text, whatever the
    link's visible words; mentions and hashtags linking to the sender's own server or to us
    are not external links, and an allowlisted domain passes."""
    posted = await post_note(instance.client, "a thread for remote links")
    note_url = f"http://treehole.test/n/{posted.note_id}"
    ann = await remote_author(instance)
    inbound, now = instance.services.inbound, utcnow()
    mention = '<a href="https://remote.example/@bob" class="u-url mention">@<span>bob</span></a>'
    hashtag = '<a href="https://remote.example/tags/tide" class="mention hashtag">#tide</a>'
    ours = '<a href="http://treehole.test/b/main" class="u-url mention">@main</a>'
    # Each reply names itself in its first word.
    texts = {
        "hidden": 'hidden: read <a href="https://buy-pills.example/now">this page</a> please',
        "short": 'short: <a href="https://bit.ly/3xYz">my photos</a>',
        "typed": "typed: read https://buy-pills.example/now please",
        "elsewhere": 'elsewhere: <a href="https://third.example/@cat" class="mention">@cat</a>',
        "allowed": 'allowed: <a href="https://docs.example.org/guide">the guide</a> helps',
        "own": f"own: {mention} {hashtag} {ours} thanks for the tide tables",
    }
    settings = await get_moderation_settings(instance.services.db)
    await update_moderation_settings(
        instance.services.db, replace(settings, link_allowlist=("example.org",))
    )
    for text in texts.values():
        assert await inbound.apply(reply_create(ann, note_url, text), now) == "reply stored"
    rows = await instance.services.db.fetch_all(
        sa.select(notes.c.content, notes.c.state).where(notes.c.origin == "remote")
    )
    states = {row["content"][3:].split(":", 1)[0]: row["state"] for row in rows}
    assert states == {
        "hidden": "held", "short": "held", "typed": "held", "elsewhere": "held",
        "allowed": "live", "own": "live",
    }  # fmt: skip
    reasons = {row["reason"] for row in await decisions(instance) if row["check_name"] == "links"}
    assert {"link_not_allowed", "link_shortener"} <= reasons
