"""Admin logins and sessions for the admin-page tests, and rows a moderator acts on (held notes,
remote actors and their notes) inserted directly."""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import timedelta

import anyio
import httpx

from app.core.clock import utcnow
from app.core.ids import new_id
from app.db.engine import Db
from app.db.tables import notes
from app.security.passwords import hash_password
from app.store import admins
from app.store import notes as note_store
from app.store.boards import get_board_by_slug
from app.store.notes import REMOTE
from app.store.remote_actors import RemoteActor, upsert_remote_actor
from tests.support.forms import csrf_from, post_note

PASSWORD = "correct horse battery staple"


async def make_admin(db: Db, username: str, role: str = "admin") -> str:
    password_hash = await anyio.to_thread.run_sync(hash_of_password)
    return await admins.insert_admin(db, username, password_hash, role, utcnow())


@functools.cache
def hash_of_password() -> str:
    """One real hash of PASSWORD for the whole session: each costs a third of a second."""
    return hash_password(PASSWORD)


async def sign_in(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD
) -> httpx.Response:
    page = await client.get("/admin/login")
    assert page.status_code == 200
    return await client.post(
        "/admin/login",
        data={"csrf_token": csrf_from(page.text), "username": username, "password": password},
    )


async def signed_in(client: httpx.AsyncClient, db: Db, username: str, role: str) -> None:
    await make_admin(db, username, role)
    answer = await sign_in(client, username)
    assert answer.status_code == 303, answer.text


async def form_token(client: httpx.AsyncClient, page: str) -> str:
    answer = await client.get(page)
    assert answer.status_code == 200, answer.text
    return csrf_from(answer.text)


async def held_local_note(client: httpx.AsyncClient, db: Db, text: str) -> str:
    """A note posted through the form, then put on hold as the moderation pipeline would."""
    posted = await post_note(client, text)
    await db.execute(
        notes.update().where(notes.c.id == posted.note_id).values(state="held", federate_after=None)
    )
    return posted.note_id


async def make_remote_actor(
    db: Db, name: str = "troll", domain: str = "remote.example"
) -> RemoteActor:
    return await upsert_remote_actor(
        db,
        RemoteActor(
            id=new_id(),
            ap_id=f"https://{domain}/users/{name}",
            domain=domain,
            preferred_username=name,
            name=None,
            url=None,
            inbox=f"https://{domain}/users/{name}/inbox",
            shared_inbox=f"https://{domain}/inbox",
            key_id=f"https://{domain}/users/{name}#main-key",
            public_key_pem=None,
            blocks_us=False,
            suspended=False,
            silenced=False,
            fetched_at=utcnow(),
        ),
    )


async def remote_reply(
    db: Db, thread_id: str, actor: RemoteActor, text: str, state: str = "live"
) -> str:
    """A reply from a remote actor in a local thread, as the inbox would store it."""
    root = await note_store.get_note(db, thread_id)
    assert root is not None
    board = await get_board_by_slug(db, "main")
    assert board is not None
    now = utcnow()
    note_id = new_id()
    await note_store.insert_note(
        db,
        replace(
            root,
            id=note_id,
            in_reply_to_id=root.id,
            origin=REMOTE,
            ap_id=f"{actor.ap_id}/statuses/{note_id}",
            local_actor_id=None,
            remote_actor_id=actor.id,
            pseudonym=actor.preferred_username or "",
            is_op=False,
            content=f"<p>{text}</p>",
            content_format="html",
            summary=None,
            url=None,
            state=state,
            deletion_token_hash=None,
            created_at=now,
            published_at=now,
            expires_at=now + timedelta(days=1),
            federate_after=None,
        ),
    )
    return note_id
