"""Nothing of a deleted note outlives it, on every deletion path: expiry, the poster's token, a
moderator removing a note, a moderator removing a thread, a board's self-destruct and a domain's
suspension.

Each test publishes a thread for real (a local root and reply, federated to a follower and to a
remote replier, and a remote reply received through the signed inbox), deletes by one path, lets
the worker settle everything (Deletes delivered, the author retired), then searches every
textual column of every table, as the database itself lists them, for the canaries and what is
derived from them: JSON-escaped and normalised text, the near-duplicate fingerprint, the HTML,
the payloads of the Create and Announce that carried each note, the inbox payload of the remote
reply and the throwaway author's keys. A control note in another thread must still be found
everywhere it is expected, so a search that finds nothing is known to look in the right places.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.blocklists.changes import ChangeActor
from app.blocklists.provenance import BlockValues
from app.blocklists.service import set_manual
from app.core.clock import utcnow
from app.core.ids import new_id
from app.db.tables import (
    activities,
    boards,
    content_fingerprints,
    local_actors,
    notes,
    reports,
)
from app.notes.actors import ensure_board_actor
from app.notes.rendering import render_text
from app.store import notes as note_store
from app.store.boards import Board, insert_board
from app.store.reports import insert_report
from federation.origin import host_of
from federation.vocab import AS_CONTEXT, PUBLIC
from tests.support.admin import form_token, signed_in
from tests.support.app_client import RunningApp
from tests.support.delivery import follow_board, run_worker
from tests.support.fake_inbox import FakeInbox, run_fake_inbox
from tests.support.forms import PostedNote, csrf_from, post_note
from tests.support.traces import escaped_forms, find_traces, key_traces, text_traces

pytestmark = pytest.mark.anyio

ROOT_TEXT = "Lanterns drift over the harbour & the ferry hums; 月光下的港口很安静 kx7q-root"
REPLY_TEXT = "Orchard bees returned early this spring, humming near 老房子 gate kx7q-reply"
REMOTE_TEXT = "Glacier meltwater carved a canyon through basalt cliffs kx7q-remote"
CONTROL_TEXT = "Typewriter ribbons smell of ink and dust in the attic kx7q-control"
ADMIN = ChangeActor("admin", None, "admin: test")


@pytest.fixture
def fake() -> Iterator[FakeInbox]:
    with run_fake_inbox(hang_seconds=1.5) as (control, _server):
        yield control


@dataclass(slots=True)
class Published:
    root: PostedNote
    reply: PostedNote
    remote_id: str
    control: PostedNote
    # label → needle, per note ("root", "reply", "remote", "control") and for the root's author.
    traces: dict[str, dict[str, str]] = field(default_factory=dict)

    def needles(self, *names: str) -> dict[str, str]:
        return {label: needle for name in names for label, needle in self.traces[name].items()}


def remote_create(fake: FakeInbox, name: str, parent_url: str, text: str) -> dict[str, object]:
    note_id = f"{fake.actor_url(name)}/statuses/kx7q"
    return {
        "@context": AS_CONTEXT,
        "id": f"{note_id}/activity",
        "type": "Create",
        "actor": fake.actor_url(name),
        "to": [PUBLIC],
        "object": {
            "id": note_id,
            "type": "Note",
            "attributedTo": fake.actor_url(name),
            "inReplyTo": parent_url,
            "content": f"<p>{text}</p>",
            "to": [PUBLIC],
        },
    }


async def payload_traces(instance: RunningApp, label: str, note_id: str) -> dict[str, str]:
    """The stored payloads of the activities that carried the note, whole."""
    rows = await instance.services.db.fetch_all(
        sa.select(activities.c.type, activities.c.payload).where(activities.c.note_id == note_id)
    )
    found = {f"{label} {row['type']} payload": row["payload"] for row in rows}
    assert found, f"{label} was never federated"
    return found


async def author_keys(instance: RunningApp, note_id: str) -> dict[str, str]:
    db = instance.services.db
    row = await db.fetch_one(
        sa.select(local_actors.c.private_key_pem, local_actors.c.public_key_pem)
        .select_from(notes.join(local_actors, notes.c.local_actor_id == local_actors.c.id))
        .where(notes.c.id == note_id)
    )
    assert row is not None
    return key_traces("root's author", [row["private_key_pem"], row["public_key_pem"]])


async def other_board(instance: RunningApp) -> str:
    """A second board, where the control note lives (the main board may self-destruct)."""
    board = Board(
        id=new_id(), slug="other", title="Other", description="", default_ttl=86400,
        allowed_ttls=(3600, 86400), locked=False, created_at=utcnow(), last_post_at=None,
    )  # fmt: skip
    await insert_board(instance.services.db, board)
    await ensure_board_actor(instance.services.db, board, utcnow())
    return board.slug


async def publish(instance: RunningApp, fake: FakeInbox) -> Published:
    """A federated thread: root and reply (one throwaway author), a remote reply, a control."""
    urls, client = instance.services.urls, instance.client
    await follow_board(instance, fake, "reader")
    await run_worker(instance, fake)
    root = await post_note(client, ROOT_TEXT)
    await run_worker(instance, fake)
    fake.add_actor("writer", shared_inbox=False)
    create = remote_create(fake, "writer", urls.note(root.note_id), REMOTE_TEXT)
    body, headers = fake.signed_post("writer", urls.shared_inbox(), create)
    answer = await client.post(urls.shared_inbox(), content=body, headers=headers)
    assert answer.status_code == 202, answer.text
    await run_worker(instance, fake)
    remote = await note_store.get_note_by_ap_id(instance.services.db, str(create["object"]["id"]))  # type: ignore[index]
    assert remote is not None and remote.state == "live"
    reply = await post_note(client, REPLY_TEXT, thread=root.note_id)
    control = await post_note(client, CONTROL_TEXT, board=await other_board(instance))
    await run_worker(instance, fake)
    assert fake.accepted(type="Create", path=fake.inbox_url("writer")), "the reply was Created"

    published = Published(root, reply, remote.id, control)
    for name, posted, text in (
        ("root", root, ROOT_TEXT),
        ("reply", reply, REPLY_TEXT),
        ("control", control, CONTROL_TEXT),
    ):
        published.traces[name] = {
            **text_traces(name, text),
            **escaped_forms(f"{name} HTML", str(render_text(text))),
            **await payload_traces(instance, name, posted.note_id),
        }
    published.traces["remote"] = {
        **text_traces("remote", REMOTE_TEXT),
        **escaped_forms("remote HTML", f"<p>{REMOTE_TEXT}</p>"),
        "remote inbox payload": body.decode(),
    }
    published.traces["author"] = await author_keys(instance, root.note_id)
    await assert_control_is_found(instance, published)
    return published


async def assert_control_is_found(
    instance: RunningApp, published: Published, *, within_window: bool = True
) -> None:
    """The search finds a live note's text, payloads and (within the near-duplicate window)
    fingerprint where they are kept."""
    found = await find_traces(instance.services.db, published.needles("control"))
    expected = ["notes.content: control", "activities.payload: control Announce payload"]
    if within_window:
        expected.append("content_fingerprints.fingerprint: control fingerprint")
    for place in expected:
        assert place in found, found


async def settle(instance: RunningApp, fake: FakeInbox, now: datetime | None = None) -> None:
    """Worker passes until nothing is left to do: Deletes delivered, authors retired."""
    for _ in range(12):
        if await run_worker(instance, fake, now) == 0:
            return
    raise AssertionError("the worker never settled")


async def assert_gone(
    instance: RunningApp, published: Published, *names: str, within_window: bool = True
) -> None:
    assert await find_traces(instance.services.db, published.needles(*names)) == []
    await assert_control_is_found(instance, published, within_window=within_window)


async def assert_fingerprints_gone(instance: RunningApp, *note_ids: str) -> None:
    rows = await instance.services.db.fetch_all(
        sa.select(content_fingerprints.c.subject_id).where(
            content_fingerprints.c.subject_id.in_(note_ids)
        )
    )
    assert rows == []


async def test_expiry_leaves_nothing_of_the_thread(instance: RunningApp, fake: FakeInbox) -> None:
    """spec: deletion-leaves-no-trace"""
    published = await publish(instance, fake)
    root = await note_store.get_note(instance.services.db, published.root.note_id)
    assert root is not None
    later = root.expires_at + timedelta(seconds=1)
    # The control note lives a week longer than the thread.
    await instance.services.db.execute(
        notes.update()
        .where(notes.c.id == published.control.note_id)
        .values(expires_at=later + timedelta(days=7))
    )
    await settle(instance, fake, later)
    # An hour on, every fingerprint has aged out of its window (the control's too).
    await assert_gone(instance, published, "root", "reply", "remote", "author", within_window=False)


async def test_token_deletion_leaves_nothing_of_the_thread(
    instance: RunningApp, fake: FakeInbox
) -> None:
    """spec: deletion-leaves-no-trace"""
    published = await publish(instance, fake)
    client, root = instance.client, published.root
    page = await client.get(f"/n/{root.note_id}/delete")
    deleted = await client.post(
        f"/n/{root.note_id}/delete", data={"csrf_token": csrf_from(page.text), "token": root.token}
    )
    assert deleted.status_code == 200
    await assert_fingerprints_gone(
        instance, root.note_id, published.reply.note_id, published.remote_id
    )
    await settle(instance, fake)
    await assert_gone(instance, published, "root", "reply", "remote", "author")


async def remove_reported(instance: RunningApp, note_id: str, action: str) -> None:
    """A local report on the note, acted on from the moderator's reports page."""
    db = instance.services.db
    await insert_report(
        db, note_id=note_id, source="local", category="spam", comment="", now=utcnow()
    )
    report_id = await db.fetch_val(sa.select(reports.c.id).where(reports.c.note_id == note_id))
    token = await form_token(instance.client, "/admin/reports")
    answer = await instance.client.post(
        f"/admin/reports/{report_id}", data={"csrf_token": token, "action": action}
    )
    assert answer.status_code == 303, answer.text


async def test_moderator_removal_leaves_nothing_of_the_notes(
    instance: RunningApp, fake: FakeInbox
) -> None:
    """spec: deletion-leaves-no-trace"""
    published = await publish(instance, fake)
    await signed_in(instance.client, instance.services.db, "kestrel", "moderator")
    await remove_reported(instance, published.reply.note_id, "remove")
    await remove_reported(instance, published.remote_id, "remove")
    await assert_fingerprints_gone(instance, published.reply.note_id, published.remote_id)
    await settle(instance, fake)
    await assert_gone(instance, published, "reply", "remote")
    # The thread's root is still live: its text is where it was.
    kept = await find_traces(instance.services.db, published.needles("root"))
    assert "notes.content: root" in kept


async def test_thread_removal_leaves_nothing_of_the_thread(
    instance: RunningApp, fake: FakeInbox
) -> None:
    """spec: deletion-leaves-no-trace"""
    published = await publish(instance, fake)
    await signed_in(instance.client, instance.services.db, "kestrel", "moderator")
    await remove_reported(instance, published.reply.note_id, "remove_thread")
    await assert_fingerprints_gone(
        instance, published.root.note_id, published.reply.note_id, published.remote_id
    )
    await settle(instance, fake)
    await assert_gone(instance, published, "root", "reply", "remote", "author")


async def test_board_self_destruct_leaves_nothing_of_its_threads(
    instance: RunningApp, fake: FakeInbox
) -> None:
    """spec: deletion-leaves-no-trace"""
    published = await publish(instance, fake)
    db = instance.services.db
    await db.execute(boards.update().where(boards.c.slug == "main").values(self_destruct_hours=1))
    await settle(instance, fake, utcnow() + timedelta(hours=2))
    await assert_gone(instance, published, "root", "reply", "remote", "author", within_window=False)


async def test_domain_suspension_leaves_nothing_of_its_notes(
    instance: RunningApp, fake: FakeInbox
) -> None:
    """spec: deletion-leaves-no-trace"""
    published = await publish(instance, fake)
    services = instance.services
    host = host_of(fake.url)
    assert host is not None
    suspend = BlockValues("suspend", False, False, "", "", False)
    await set_manual(services.db, services.urls, host, suspend, ADMIN, utcnow())
    await assert_fingerprints_gone(instance, published.remote_id)
    await settle(instance, fake)
    await assert_gone(instance, published, "remote")
    remote = await note_store.get_note(services.db, published.remote_id)
    assert remote is not None and remote.state == "deleted"
