"""Anonymity of time (issue #15): `published` is the posting time floored to 10 minutes, and
every other time a note exposes is as coarse: the expiry on its pages, its AS2 `endTime`, its
Create and Announce, its author's actor, its Atom entry. A note posted at 12:07:43.123456 shows
no time finer than 12:00, wherever it is read."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.core.clock import utcnow
from app.db.tables import activities
from app.store import notes as note_store
from tests.support.app_client import RunningApp
from tests.support.forms import post_note

pytestmark = pytest.mark.anyio

AS2 = {"Accept": "application/activity+json"}
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")


def is_coarse(text: str) -> bool:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    return moment.second == 0 and moment.microsecond == 0 and moment.minute % 10 == 0


def times_in(body: str) -> list[str]:
    return ISO_TIME.findall(body)


async def test_every_time_a_note_exposes_is_as_coarse_as_published(
    instance: RunningApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    posted_at = (utcnow() - timedelta(minutes=30)).replace(second=43, microsecond=123456)
    monkeypatch.setattr("app.web.forms.utcnow", lambda: posted_at)
    client, db = instance.client, instance.services.db
    root = await post_note(client, "a note whose second must not show", ttl="3600")
    reply = await post_note(client, "and a reply to it", thread=root.note_id)
    await instance.work()  # federate both: Create and Announce are stored

    bodies = {
        "thread": (await client.get(f"/t/{root.note_id}")).text,
        "board": (await client.get("/b/main")).text,
        "posted": (await client.get(f"/posted/{root.note_id}")).text,
        "feed": (await client.get("/b/main/feed.atom")).text,
        "delete": (await client.get(f"/n/{root.note_id}/delete")).text,
        "report": (await client.get(f"/n/{reply.note_id}/report")).text,
    }
    for note_id in (root.note_id, reply.note_id):
        document = (await client.get(f"/n/{note_id}", headers=AS2)).json()
        bodies[f"as2 {note_id}"] = json.dumps(document)
        assert is_coarse(document["published"]) and is_coarse(document["endTime"])
        author = (await client.get(document["attributedTo"], headers=AS2)).json()
        bodies[f"actor {note_id}"] = json.dumps(author)
    for row in await db.fetch_all(sa.select(activities.c.type, activities.c.payload)):
        bodies[f"activity {row['type']}"] = row["payload"]

    found = {name: times_in(body) for name, body in bodies.items()}
    fine = {name: [t for t in times if not is_coarse(t)] for name, times in found.items()}
    assert {name: times for name, times in fine.items() if times} == {}
    # Every source above did expose times (a test that found none would prove nothing).
    assert all(found[name] for name in ("thread", "board", "posted", "feed", "delete"))
    assert {"activity Create", "activity Announce"} <= set(bodies)
    # And the second it was posted shows nowhere, in any format.
    for name, body in bodies.items():
        assert posted_at.strftime("%H:%M:%S") not in body, name
        assert posted_at.isoformat()[:19] not in body, name

    note = await note_store.get_note(db, root.note_id)
    assert note is not None
    assert note.published_at == posted_at.replace(
        minute=posted_at.minute // 10 * 10, second=0, microsecond=0
    )
    assert note.expires_at == note.published_at + timedelta(hours=1)
