"""Discovery and documents as servers see them: WebFinger, NodeInfo, instance API, actors, notes,
collections, content negotiation, coarse timestamps and no mentions."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.core.clock import utcnow
from app.db.tables import activities, local_actors
from app.moderation.review import approve_notes
from tests.support.app_client import RunningApp
from tests.support.forms import csrf_from, post_note

pytestmark = pytest.mark.anyio
AS2 = {"Accept": "application/activity+json"}
LD = {"Accept": 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'}
BASE = "http://treehole.test"


async def test_webfinger_resolves_board_instance_and_throwaway(instance: RunningApp) -> None:
    """spec: webfinger-board, webfinger-throwaway-roundtrip"""
    client = instance.client
    board = await client.get(
        "/.well-known/webfinger", params={"resource": "acct:main@treehole.test"}
    )
    assert board.status_code == 200
    assert board.headers["content-type"].startswith("application/jrd+json")
    links = {link["rel"]: link for link in board.json()["links"]}
    assert links["self"]["href"] == f"{BASE}/b/main"
    assert links["self"]["type"] == "application/activity+json"
    instance_finger = await client.get(
        "/.well-known/webfinger", params={"resource": "acct:treehole.test@treehole.test"}
    )
    assert instance_finger.json()["links"][0]["href"] == f"{BASE}/actor"
    posted = await post_note(client, "who wrote this?")
    note = (await client.get(f"/n/{posted.note_id}", headers=AS2)).json()
    actor = (await client.get(note["attributedTo"], headers=AS2)).json()
    finger = await client.get(
        "/.well-known/webfinger",
        params={"resource": f"acct:{actor['preferredUsername']}@treehole.test"},
    )
    assert finger.status_code == 200
    assert finger.json()["subject"] == f"acct:{actor['preferredUsername']}@treehole.test"
    assert any(link.get("href") == actor["id"] for link in finger.json()["links"])


async def test_webfinger_unknown_is_404_and_bad_request_is_400(instance: RunningApp) -> None:
    client = instance.client
    missing = await client.get(
        "/.well-known/webfinger", params={"resource": "acct:nobody@treehole.test"}
    )
    assert missing.status_code == 404
    other_host = await client.get(
        "/.well-known/webfinger", params={"resource": "acct:main@elsewhere.test"}
    )
    assert other_host.status_code == 404
    assert (await client.get("/.well-known/webfinger")).status_code == 400


async def finger(instance: RunningApp, resource: str) -> tuple[int, str | None]:
    answer = await instance.client.get("/.well-known/webfinger", params={"resource": resource})
    if answer.status_code != 200:
        return answer.status_code, None
    return 200, next(link["href"] for link in answer.json()["links"] if link["rel"] == "self")


@pytest.mark.parametrize(
    "resource",
    [
        "acct:main@treehole.test=",
        "acct=main@treehole.test",
        "main@treehole.test@x",
        "acct:",
        "https://[treehole.test/b/main",
        "https://treehole.test:99999/b/main",
        "nothing-at-all",
    ],
)
async def test_webfinger_malformed_resource_is_400(instance: RunningApp, resource: str) -> None:
    """spec: webfinger-malformed-400 (Mastodon's WebfingerResource::InvalidRequest)"""
    assert await finger(instance, resource) == (400, None)


async def test_webfinger_matches_case_insensitively_and_takes_urls(instance: RunningApp) -> None:
    """spec: webfinger-case-insensitive, webfinger-url-resource, webfinger-bare-acct"""
    board = f"{BASE}/b/main"
    assert await finger(instance, "acct:MAIN@Treehole.Test") == (200, board)
    assert await finger(instance, "main@treehole.test") == (200, board)
    assert await finger(instance, f"{BASE}/b/main") == (200, board)
    assert await finger(instance, f"{BASE}/actor") == (200, f"{BASE}/actor")
    # Valid resources that name nothing of ours stay 404.
    assert await finger(instance, f"{BASE}/b/nope") == (404, None)
    assert await finger(instance, f"{BASE}/n/{'a' * 26}") == (404, None)
    assert await finger(instance, "https://elsewhere.test/b/main") == (404, None)
    assert await finger(instance, "acct:nobody@treehole.test") == (404, None)


async def test_nodeinfo_host_meta_and_instance_api(instance: RunningApp) -> None:
    """spec: nodeinfo-index, nodeinfo-schema"""
    client = instance.client
    index = (await client.get("/.well-known/nodeinfo")).json()
    rels = {link["rel"]: link["href"] for link in index["links"]}
    for version in ("2.0", "2.1"):
        href = rels[f"http://nodeinfo.diaspora.software/ns/schema/{version}"]
        document = (await client.get(href.removeprefix(BASE))).json()
        assert document["version"] == version
        assert document["software"]["name"] == "treehole"
        assert document["protocols"] == ["activitypub"]
    assert (await client.get("/nodeinfo/9.9")).status_code == 404
    meta = await client.get("/.well-known/host-meta")
    assert "/.well-known/webfinger?resource={uri}" in meta.text
    v1 = (await client.get("/api/v1/instance")).json()
    assert v1["uri"] == "treehole.test" and v1["registrations"] is False
    v2 = (await client.get("/api/v2/instance")).json()
    assert v2["domain"] == "treehole.test"


async def test_actor_documents_have_what_mastodon_needs(instance: RunningApp) -> None:
    """spec: actor-shape-served"""
    client = instance.client
    posted = await post_note(client, "actor check")
    note = (await client.get(f"/n/{posted.note_id}", headers=AS2)).json()
    for url, kind in (
        (f"{BASE}/actor", "Application"),
        (f"{BASE}/b/main", "Group"),
        (note["attributedTo"], "Person"),
    ):
        answer = await client.get(url.removeprefix(BASE), headers=AS2)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("application/activity+json")
        actor = answer.json()
        assert actor["type"] == kind
        for field in (
            "inbox",
            "outbox",
            "followers",
            "preferredUsername",
            "name",
            "published",
            "manuallyApprovesFollowers",
            "discoverable",
            "indexable",
        ):
            assert field in actor, (kind, field)
        assert actor["endpoints"]["sharedInbox"] == f"{BASE}/inbox"
        assert actor["publicKey"]["id"] == f"{actor['id']}#main-key"
        assert actor["publicKey"]["owner"] == actor["id"]
        assert "BEGIN PUBLIC KEY" in actor["publicKey"]["publicKeyPem"]
        assert actor["indexable"] is False
        assert "icon" not in actor
        assert all(
            str(value).startswith(BASE)
            for key, value in actor.items()
            if key in ("id", "inbox", "outbox", "followers")
        )
    person = (await client.get(note["attributedTo"].removeprefix(BASE), headers=AS2)).json()
    assert person["discoverable"] is False
    assert person["name"] == note_pseudonym(await client.get(f"/t/{posted.note_id}"))


def note_pseudonym(page: object) -> str:
    match = re.search(r'<span class="who">([^<]+)</span>', page.text)  # type: ignore[attr-defined]
    assert match
    return match.group(1)


async def test_note_document_and_content_negotiation(instance: RunningApp) -> None:
    """spec: note-shape-served, conneg-as2"""
    client = instance.client
    posted = await post_note(client, "see @someone@elsewhere.test <tag>", summary="cw here")
    # A handle looks like contact details, so moderation holds it; a moderator lets it through.
    await approve_notes(instance.services.db, [posted.note_id], utcnow())
    for headers in (AS2, LD):
        answer = await client.get(f"/n/{posted.note_id}", headers=headers)
        assert answer.status_code == 200
        assert answer.headers["vary"] == "Accept"
    note = (await client.get(f"/n/{posted.note_id}", headers=AS2)).json()
    assert note["type"] == "Note" and note["id"] == f"{BASE}/n/{posted.note_id}"
    assert note["to"] == ["https://www.w3.org/ns/activitystreams#Public"]
    assert note["cc"] == [f"{BASE}/b/main/followers"]
    assert note["summary"] == "cw here" and note["sensitive"] is True
    assert note["context"] == f"{BASE}/t/{posted.note_id}"
    assert "&lt;tag&gt;" in note["content"]
    assert "tag" not in note or not any(t.get("type") == "Mention" for t in note["tag"])
    assert "endTime" in note
    # Coarse timestamps: the minute and second never say exactly when it was posted.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d0:00Z", note["published"])
    person = (await client.get(note["attributedTo"].removeprefix(BASE), headers=AS2)).json()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:00:00Z", person["published"])
    html = await client.get(f"/n/{posted.note_id}")
    assert html.status_code == 303 and html.headers["location"].endswith(f"#n-{posted.note_id}")
    board_html = await client.get("/b/main", headers={"Accept": "text/html"})
    assert board_html.headers["content-type"].startswith("text/html")
    assert "@main@treehole.test" in board_html.text


async def test_mentions_never_become_delivery_targets(instance: RunningApp) -> None:
    """spec: no-unsolicited-mentions"""
    posted = await post_note(instance.client, "hey @victim@elsewhere.test look")
    await approve_notes(instance.services.db, [posted.note_id], utcnow())
    await instance.work()
    rows = await instance.services.db.fetch_all(sa.select(activities.c.payload))
    assert rows and all("Mention" not in row["payload"] for row in rows)
    assert all(
        "elsewhere.test" not in row["payload"] for row in rows if "Announce" in row["payload"]
    )


async def test_collections_expose_counts_only(instance: RunningApp) -> None:
    client = instance.client
    await post_note(client, "counted")
    await instance.work()
    followers = (await client.get("/b/main/followers", headers=AS2)).json()
    assert followers["type"] == "OrderedCollection" and followers["totalItems"] == 0
    assert "orderedItems" not in followers
    outbox = (await client.get("/b/main/outbox", headers=AS2)).json()
    assert outbox["totalItems"] == 1


async def test_deleted_note_json_404_html_410_and_actor_410(instance: RunningApp) -> None:
    """spec: deleted-note-404-json, deleted-actor-410"""
    client = instance.client
    posted = await post_note(client, "short-lived")
    await instance.work()
    note = (await client.get(f"/n/{posted.note_id}", headers=AS2)).json()
    actor_path = note["attributedTo"].removeprefix(BASE)
    username = (await client.get(actor_path, headers=AS2)).json()["preferredUsername"]
    page = await client.get(f"/n/{posted.note_id}/delete")

    await client.post(
        f"/n/{posted.note_id}/delete",
        data={"csrf_token": csrf_from(page.text), "token": posted.token},
    )
    assert (await client.get(f"/n/{posted.note_id}", headers=AS2)).status_code == 404
    assert (await client.get(f"/n/{posted.note_id}")).status_code == 410
    await instance.work()
    rows = await instance.services.db.fetch_all(
        sa.select(local_actors.c.state, local_actors.c.private_key_pem).where(
            local_actors.c.username == username
        )
    )
    assert rows[0]["state"] == "deleted" and rows[0]["private_key_pem"] is None
    assert (await client.get(actor_path, headers=AS2)).status_code == 410
    finger = await client.get(
        "/.well-known/webfinger", params={"resource": f"acct:{username}@treehole.test"}
    )
    assert finger.status_code == 410


async def test_activity_urls_serve_live_payloads_only(instance: RunningApp) -> None:
    client = instance.client
    posted = await post_note(client, "activity payload")
    await instance.work()
    rows = await instance.services.db.fetch_all(sa.select(activities.c.id, activities.c.type))
    create = next(row["id"] for row in rows if row["type"] == "Create")
    served = await client.get(f"/activities/{create}", headers=AS2)
    assert served.status_code == 200 and served.json()["type"] == "Create"
    page = await client.get(f"/n/{posted.note_id}/delete")

    await client.post(
        f"/n/{posted.note_id}/delete",
        data={"csrf_token": csrf_from(page.text), "token": posted.token},
    )
    assert (await client.get(f"/activities/{create}", headers=AS2)).status_code == 404
