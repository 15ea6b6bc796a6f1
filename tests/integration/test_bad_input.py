"""Bad input through the HTML forms and pages: a clear 4xx page with a readable message, never a
500, and nothing stored."""

from __future__ import annotations

import html
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from app.security.csrf import CSRF_MAX_AGE_SECONDS, binding_digest
from app.store.notes import get_note
from app.web.messages import REASONS
from tests.conftest import make_settings
from tests.support.app_client import RunningApp, running_app
from tests.support.forms import csrf_from, post_note
from tests.support.snapshots import count_posted

pytestmark = pytest.mark.anyio

UNKNOWN_ID = "a" * 26


def assert_page(answer: httpx.Response, status: int, reason: str) -> None:
    """The answer is an HTML page with the status and the reason's message."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    assert REASONS[reason] in html.unescape(answer.text)


async def form_for(client: httpx.AsyncClient, path: str = "/b/main") -> dict[str, str]:
    page = await client.get(path)
    assert page.status_code == 200
    return {"csrf_token": csrf_from(page.text)}


async def post_thread_form(instance: RunningApp, **fields: str) -> httpx.Response:
    form = {**await form_for(instance.client), **fields}
    return await instance.client.post("/b/main/post", data=form)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"text": ""}, "text: empty"),
        ({"text": "   \n\t \r\n "}, "text: empty"),
        ({"text": "\u200b\u200b\x00"}, "text: empty"),
        ({"text": "x" * 2001}, "text: too_long"),
        ({"text": "fine", "summary": "w" * 201}, "summary: too_long"),
        ({"text": "fine", "ttl": "7200"}, "ttl: not_allowed"),
        ({"text": "fine", "ttl": "abc"}, "ttl: not_allowed"),
        ({"text": "fine", "ttl": "-3600"}, "ttl: not_allowed"),
        ({"text": "fine", "ttl": "9" * 5000}, "ttl: not_allowed"),
    ],
    ids=[
        "empty",
        "whitespace",
        "invisible",
        "too_long",
        "long_cw",
        "ttl_not_offered",
        "ttl_not_number",
        "ttl_negative",
        "ttl_huge",
    ],
)
async def test_post_rejects_bad_fields(
    instance: RunningApp, fields: dict[str, str], reason: str
) -> None:
    before = await count_posted(instance.services.db)
    answer = await post_thread_form(instance, **fields)
    assert_page(answer, 400, reason)
    # The form comes back with what was typed, so nothing is lost.
    assert 'name="text"' in answer.text
    assert await count_posted(instance.services.db) == before


async def test_post_rejects_empty_text(instance: RunningApp) -> None:
    before = await count_posted(instance.services.db)
    assert_page(await post_thread_form(instance, text=""), 400, "text: empty")
    assert await count_posted(instance.services.db) == before


async def test_post_accepts_text_at_the_default_limit(instance: RunningApp) -> None:
    answer = await post_thread_form(instance, text="y" * 2000)
    assert answer.status_code == 303


@pytest.fixture
async def short_notes(database_url: str, tmp_path: Path) -> AsyncIterator[RunningApp]:
    settings = make_settings(database_url, tmp_path / "data", TREEHOLE_POST_MAX_CHARS="50")
    async with running_app(settings) as running:
        yield running


async def test_post_max_chars_is_configurable(short_notes: RunningApp) -> None:
    before = await count_posted(short_notes.services.db)
    assert_page(await post_thread_form(short_notes, text="z" * 51), 400, "text: too_long")
    assert await count_posted(short_notes.services.db) == before
    assert (await post_thread_form(short_notes, text="z" * 50)).status_code == 303
    page = await short_notes.client.get("/b/main")
    assert 'maxlength="50"' in page.text


@pytest.fixture
async def short_lived(database_url: str, tmp_path: Path) -> AsyncIterator[RunningApp]:
    # Every TTL of the default board (1 h, 1 d, 7 d) is above this instance's maximum.
    settings = make_settings(database_url, tmp_path / "data", TREEHOLE_MAX_TTL="600")
    async with running_app(settings) as running:
        yield running


async def test_post_works_when_max_ttl_is_below_every_board_ttl(short_lived: RunningApp) -> None:
    page = await short_lived.client.get("/b/main")
    assert page.status_code == 200
    assert '<option value="600"' in page.text
    posted = await post_note(short_lived.client, "short life")
    note = await get_note(short_lived.services.db, posted.note_id)
    assert note is not None
    # The shortest life: ten minutes after its (10-minute floored) published time.
    assert note.expires_at - note.published_at == timedelta(seconds=600)
    assert note.expires_at > note.created_at


async def test_post_to_unknown_board_is_404(instance: RunningApp) -> None:
    form = {**await form_for(instance.client), "text": "hello"}
    before = await count_posted(instance.services.db)
    assert_page(await instance.client.post("/b/nope/post", data=form), 404, "board")
    assert_page(await instance.client.get("/b/nope"), 404, "board")
    assert_page(await instance.client.get("/b/nope/feed.atom"), 404, "board")
    assert await count_posted(instance.services.db) == before


async def test_reply_to_unknown_thread_is_404(instance: RunningApp) -> None:
    form = {**await form_for(instance.client), "text": "hello"}
    before = await count_posted(instance.services.db)
    answer = await instance.client.post(f"/t/{UNKNOWN_ID}/reply", data=form)
    assert_page(answer, 404, "thread")
    assert await count_posted(instance.services.db) == before


async def test_reply_to_deleted_thread_is_410(instance: RunningApp) -> None:
    client = instance.client
    root = await post_note(client, "soon gone")
    form = await form_for(client, f"/t/{root.note_id}")
    deleted = await client.post(f"/n/{root.note_id}/delete", data={**form, "token": root.token})
    assert deleted.status_code == 200
    before = await count_posted(instance.services.db)
    answer = await client.post(f"/t/{root.note_id}/reply", data={**form, "text": "too late"})
    assert_page(answer, 410, "gone")
    assert await count_posted(instance.services.db) == before


async def test_reply_rejects_in_reply_to_from_another_thread(instance: RunningApp) -> None:
    client = instance.client
    first = await post_note(client, "first thread")
    second = await post_note(client, "second thread")
    other = await post_note(client, "a reply in the second", thread=second.note_id)
    form = await form_for(client, f"/t/{first.note_id}")
    before = await count_posted(instance.services.db)
    for foreign in (other.note_id, second.note_id, UNKNOWN_ID):
        answer = await client.post(
            f"/t/{first.note_id}/reply",
            data={**form, "text": "cross-thread", "in_reply_to": foreign},
        )
        assert_page(answer, 400, "in_reply_to: not_in_thread")
    assert await count_posted(instance.services.db) == before


async def test_reply_rejects_empty_text_on_the_thread_page(instance: RunningApp) -> None:
    root = await post_note(instance.client, "a thread")
    form = await form_for(instance.client, f"/t/{root.note_id}")
    before = await count_posted(instance.services.db)
    answer = await instance.client.post(f"/t/{root.note_id}/reply", data={**form, "text": " "})
    assert_page(answer, 400, "text: empty")
    assert "a thread" in answer.text
    assert await count_posted(instance.services.db) == before


async def test_post_without_csrf_token_is_403(instance: RunningApp) -> None:
    root = await post_note(instance.client, "a thread")
    before = await count_posted(instance.services.db)
    for action in ("/b/main/post", f"/t/{root.note_id}/reply", f"/n/{root.note_id}/delete"):
        answer = await instance.client.post(action, data={"text": "hi", "token": root.token})
        assert_page(answer, 403, "csrf_missing")
    assert await count_posted(instance.services.db) == before
    assert (await instance.client.get(f"/t/{root.note_id}")).status_code == 200


class _LongAgo(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - CSRF_MAX_AGE_SECONDS - 60


def _csrf(secret_key: str, signer: type[TimestampSigner] = TimestampSigner) -> str:
    """A token as a page served to a browser without a poster cookie carries."""
    serializer = URLSafeTimedSerializer(secret_key, salt="treehole.csrf", signer=signer)
    return str(serializer.dumps(["0123456789abcdef", binding_digest(secret_key, "")]))


async def test_post_with_forged_or_expired_csrf_token_is_403(instance: RunningApp) -> None:
    secret = instance.services.secret_key
    tampered = csrf_from((await instance.client.get("/b/main")).text)[:-2] + "xx"
    tokens = {
        "other_key": _csrf("another-secret-key-of-enough-length-0000"),
        "expired": _csrf(secret, _LongAgo),
        "tampered": tampered,
        "garbage": "not-a-token",
    }
    assert (
        await instance.client.post(
            "/b/main/post", data={"csrf_token": _csrf(secret), "text": "control"}
        )
    ).status_code == 303, "a token made the same way but current is accepted"
    before = await count_posted(instance.services.db)
    for name, token in tokens.items():
        answer = await instance.client.post(
            "/b/main/post", data={"csrf_token": token, "text": name}
        )
        assert_page(answer, 403, "csrf_invalid")
    assert await count_posted(instance.services.db) == before


async def test_post_with_forged_poster_cookie_is_400_and_clears_it(instance: RunningApp) -> None:
    client = instance.client
    form = {**await form_for(client), "text": "with a forged cookie"}
    client.cookies.set("th_poster", "forged.value", domain="treehole.test")
    before = await count_posted(instance.services.db)
    answer = await client.post("/b/main/post", data=form)
    assert_page(answer, 400, "th_poster: forged_cookie")
    cleared = [c for c in answer.headers.get_list("set-cookie") if c.startswith("th_poster=")]
    assert cleared and ("Max-Age=0" in cleared[0] or "1970" in cleared[0]), cleared
    assert "th_poster" not in client.cookies
    assert await count_posted(instance.services.db) == before
    # Cleared, the next post works and mints a fresh, signed cookie.
    assert (await client.post("/b/main/post", data=form)).status_code == 303
    assert "th_poster" in client.cookies


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"garbage", "multipart/form-data"),
        (b"garbage", "multipart/form-data; boundary=xyz"),
        (
            b"--xyz\r\nContent-Disposition form-data name text\r\n\r\nhello\r\n--xyz--\r\n",
            "multipart/form-data; boundary=xyz",
        ),
        (b"&".join(b"f%d=1" % i for i in range(40)), "application/x-www-form-urlencoded"),
    ],
    ids=["no_boundary", "no_parts", "bad_part_header", "too_many_fields"],
)
async def test_post_rejects_malformed_body(
    instance: RunningApp, body: bytes, content_type: str
) -> None:
    before = await count_posted(instance.services.db)
    answer = await instance.client.post(
        "/b/main/post", content=body, headers={"content-type": content_type}
    )
    assert_page(answer, 400, "form: malformed")
    assert await count_posted(instance.services.db) == before


async def test_post_over_the_form_size_limit_is_413(instance: RunningApp) -> None:
    form = {**await form_for(instance.client), "text": "x" * (70 * 1024)}
    before = await count_posted(instance.services.db)
    answer = await instance.client.post("/b/main/post", data=form)
    assert answer.status_code == 413
    assert await count_posted(instance.services.db) == before


async def test_post_over_the_form_size_limit_answers_a_readable_page(instance: RunningApp) -> None:
    form = {**await form_for(instance.client), "text": "x" * (70 * 1024)}
    assert_page(await instance.client.post("/b/main/post", data=form), 413, "too_large")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "2026-01-01T00:00:00~abc",
        "2026-01-01T00:00:00+00:00~",
        "2026-01-01T00:00:00+00:00~no/slash",
        "2026-01-01T00:00:00+00:00~" + "a" * 40,
        "9999-12-31T23:59:59-14:00~abc",
        "0001-01-01T00:00:00+14:00~abc",
    ],
)
async def test_board_rejects_bad_pagination_cursor(instance: RunningApp, cursor: str) -> None:
    answer = await instance.client.get("/b/main", params={"before": cursor})
    assert_page(answer, 400, "before: bad_cursor")


@pytest.mark.parametrize(
    "path",
    ["/t/%00", "/n/%00", "/posted/%00", "/n/%00/delete", "/b/%00", "/b/%00/feed.atom"],
)
async def test_pages_answer_404_for_ids_no_row_can_have(instance: RunningApp, path: str) -> None:
    answer = await instance.client.get(path)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")


async def test_reply_with_nul_in_reply_to_is_400(instance: RunningApp) -> None:
    root = await post_note(instance.client, "a thread")
    form = await form_for(instance.client, f"/t/{root.note_id}")
    answer = await instance.client.post(
        f"/t/{root.note_id}/reply", data={**form, "text": "hi", "in_reply_to": "\x00" + "a" * 40}
    )
    assert_page(answer, 400, "in_reply_to: not_in_thread")


async def test_delete_of_unknown_note_is_404(instance: RunningApp) -> None:
    form = {**await form_for(instance.client), "token": "whatever"}
    answer = await instance.client.post(f"/n/{UNKNOWN_ID}/delete", data=form)
    assert_page(answer, 404, "note")


async def test_public_form_token_is_bound_to_the_poster_cookie(instance: RunningApp) -> None:
    """A token from one browser's page opens no form in another browser; a page served before
    the browser had its poster cookie is accepted only when the browser says the form came
    from our own pages."""
    first = instance.client
    await post_note(first, "the first browser has posted before")
    firsts = csrf_from((await first.get("/b/main")).text)
    transport = instance.client._transport
    async with httpx.AsyncClient(transport=transport, base_url="http://treehole.test") as second:
        await post_note(second, "so has the second one, from its own pages")
        before = await count_posted(instance.services.db)
        answer = await second.post("/b/main/post", data={"csrf_token": firsts, "text": "x"})
        assert_page(answer, 403, "csrf_invalid")
        assert await count_posted(instance.services.db) == before

    async with httpx.AsyncClient(transport=transport, base_url="http://treehole.test") as fresh:
        unbound = csrf_from((await fresh.get("/b/main")).text)  # no poster cookie yet
        await post_note(fresh, "its first post, from another tab")
        form = {"csrf_token": unbound, "text": "then the older tab sends"}
        for headers, status in (
            ({}, 403),
            ({"Sec-Fetch-Site": "cross-site"}, 403),
            ({"Origin": "https://evil.example"}, 403),
            ({"Sec-Fetch-Site": "same-origin"}, 303),
        ):
            answer = await fresh.post("/b/main/post", data=form, headers=headers)
            assert answer.status_code == status, (headers, answer.text)
