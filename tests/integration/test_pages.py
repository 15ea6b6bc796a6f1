"""Every page: not indexed, no referrer, a strict CSP without third parties; note text escaped,
links made safe, line breaks kept."""

from __future__ import annotations

import re
from dataclasses import replace

import httpx
import pytest

from app.store.moderation import get_moderation_settings, update_moderation_settings
from tests.support.app_client import RunningApp
from tests.support.forms import csrf_from, post_note

pytestmark = pytest.mark.anyio

ROBOTS_META = '<meta name="robots" content="noindex, noarchive">'
CSP_KEYWORDS = {"'self'", "'none'", "data:"}


async def every_page(instance: RunningApp) -> dict[str, httpx.Response]:
    client = instance.client
    root = await post_note(client, "a thread for the page tour")
    reply = await post_note(client, "a reply", thread=root.note_id)
    gone = await post_note(client, "gone soon")
    page = await client.get(f"/n/{gone.note_id}/delete")
    deleted = await client.post(
        f"/n/{gone.note_id}/delete",
        data={"csrf_token": csrf_from(page.text), "token": gone.token},
    )
    answers = {"deleted": deleted}
    for path in (
        "/",
        "/b/main",
        f"/t/{root.note_id}",
        "/random",
        f"/posted/{reply.note_id}",
        f"/n/{reply.note_id}/delete",
        "/b/nope",
        f"/t/{gone.note_id}",
        "/b/main?before=garbage",
    ):
        answers[path] = await client.get(path)
    answers["405"] = await client.get("/b/main/post")
    answers["403"] = await client.post("/b/main/post", data={"text": "no csrf"})
    return answers


async def test_every_html_page_is_noindex_with_strict_headers(instance: RunningApp) -> None:
    statuses = set()
    for name, answer in (await every_page(instance)).items():
        statuses.add(answer.status_code)
        assert answer.headers["content-type"].startswith("text/html"), name
        assert ROBOTS_META in answer.text, name
        assert answer.headers["X-Robots-Tag"] == "noindex, noarchive", name
        assert answer.headers["Referrer-Policy"] == "no-referrer", name
        csp = answer.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, name
        assert "http" not in csp and "*" not in csp, name
        directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
        assert directives["default-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        for sources in directives.values():
            assert set(sources.split()) <= CSP_KEYWORDS, (name, sources)
        # Nothing on the page is loaded from another origin.
        for url in re.findall(r'<(?:link|script|img)[^>]+(?:href|src)="([^"]+)"', answer.text):
            assert url.startswith("http://treehole.test/"), (name, url)
        # No inline code: scripts only from our own static files, deferred (the pages work
        # before and without them).
        scripts = re.findall(r"<script[^>]*>", answer.text)
        own = r'<script src="http://treehole\.test/static/(pow|enhance)\.js" defer>'
        assert all(re.fullmatch(own, tag) for tag in scripts), (name, scripts)
        assert re.search(r"<script[^>]*>[^<]", answer.text) is None, name
    assert statuses >= {200, 400, 403, 404, 405, 410}


async def test_feed_and_robots_carry_the_headers_too(instance: RunningApp) -> None:
    for path in ("/b/main/feed.atom", "/robots.txt", "/static/treehole.css", "/healthz"):
        answer = await instance.client.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["X-Robots-Tag"] == "noindex, noarchive", path
        assert answer.headers["Referrer-Policy"] == "no-referrer", path


async def test_robots_txt_disallows_threads_and_notes(instance: RunningApp) -> None:
    answer = await instance.client.get("/robots.txt")
    lines = answer.text.splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /t/" in lines and "Disallow: /n/" in lines


async def test_note_text_is_escaped(instance: RunningApp) -> None:
    posted = await post_note(
        instance.client,
        '<script>alert("x")</script> <img src=x onerror=alert(1)>',
        summary="<b>bold warning</b>",
    )
    for path in ("/b/main", f"/t/{posted.note_id}", "/random"):
        page = (await instance.client.get(path)).text
        assert "<script>alert" not in page and "<img src=x" not in page, path
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page, path
        assert "&lt;b&gt;bold warning&lt;/b&gt;" in page, path


async def test_links_in_notes_are_nofollow_ugc(instance: RunningApp) -> None:
    # Links are held for review unless their domain is allowlisted (moderation policy).
    db = instance.services.db
    settings = await get_moderation_settings(db)
    await update_moderation_settings(db, replace(settings, link_allowlist=("example.org",)))
    posted = await post_note(
        instance.client, "read https://example.org/a?b=1&c=2. and javascript:alert(1)"
    )
    page = (await instance.client.get(f"/t/{posted.note_id}")).text
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener noreferrer ugc">'
        "https://example.org/a?b=1&amp;c=2</a>." in page
    )
    assert 'href="javascript:' not in page
    anchors = re.findall(r'<a href="https://example\.org[^>]*>', page)
    assert anchors and all('rel="nofollow noopener noreferrer ugc"' in a for a in anchors)


async def test_line_breaks_render_as_br_and_paragraphs(instance: RunningApp) -> None:
    posted = await post_note(instance.client, "line one\nline two\r\n\r\nnew paragraph")
    page = (await instance.client.get(f"/t/{posted.note_id}")).text
    assert "<p>line one<br>line two</p><p>new paragraph</p>" in page
