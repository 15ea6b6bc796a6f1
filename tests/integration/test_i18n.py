"""Which language a reader gets: the switch cookie, then Accept-Language, then English; and the
switch link, which may only send the reader back to a path on this site."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from tests.support.app_client import RunningApp
from tests.support.forms import csrf_from, post_note

pytestmark = pytest.mark.anyio

ZH = {"accept-language": "zh-CN,zh;q=0.9"}
HTML_LANG = re.compile(r'<html lang="([^"]+)">')


def html_lang(page: str) -> str:
    match = HTML_LANG.search(page)
    assert match, "page has no <html lang>"
    return match.group(1)


def browser_target(location: str) -> str:
    """Where a browser would go: it drops tabs and newlines from a URL before resolving it."""
    return urljoin("http://treehole.test/b/main", re.sub(r"[\t\n\r]", "", location))


async def test_language_accept_language_zh_gets_chinese_board(instance: RunningApp) -> None:
    page = await instance.client.get("/b/main", headers=ZH)
    assert page.status_code == 200
    assert html_lang(page.text) == "zh-Hans"
    assert "想说的话" in page.text and "匿名发布" in page.text and "7 天" in page.text
    assert "Post anonymously" not in page.text
    assert "Accept-Language" in page.headers["vary"]


@pytest.mark.parametrize(
    "headers",
    [{"accept-language": "en"}, {}, {"accept-language": "fr-FR, zh;q=0"}],
    ids=["en", "none", "zh-refused"],
)
async def test_language_english_without_chinese_preference(
    instance: RunningApp, headers: dict[str, str]
) -> None:
    page = await instance.client.get("/b/main", headers=headers)
    assert html_lang(page.text) == "en"
    assert "Post anonymously" in page.text
    assert "匿名发布" not in page.text
    assert 'href="http://treehole.test/lang/zh?next=%2Fb%2Fmain"' in page.text


async def test_language_chinese_pages_after_posting(instance: RunningApp) -> None:
    client = instance.client
    client.headers.update(ZH)
    posted = await post_note(client, "今天有点累")
    shown = await client.get(f"/t/{posted.note_id}")
    assert html_lang(shown.text) == "zh-Hans"
    assert "今天有点累" in shown.text
    assert ">楼主</span>" in shown.text and "发送回复" in shown.text


async def test_language_switch_sets_cookie_and_returns_to_page(instance: RunningApp) -> None:
    client = instance.client
    answer = await client.get("/lang/zh", params={"next": "/b/main"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/b/main"
    assert "th_lang=zh" in answer.headers["set-cookie"]
    page = await client.get(answer.headers["location"])
    assert html_lang(page.text) == "zh-Hans"
    assert "匿名发布" in page.text


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "https://evil.example/b/main",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "",
    ],
)
async def test_language_switch_refuses_other_sites(instance: RunningApp, target: str) -> None:
    answer = await instance.client.get("/lang/zh", params={"next": target})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\n/evil.example", "/%2F/evil.example"])
async def test_language_switch_whitespace_tricks_stay_local(
    instance: RunningApp, target: str
) -> None:
    answer = await instance.client.get("/lang/zh", params={"next": target})
    assert answer.status_code == 303
    assert urlsplit(browser_target(answer.headers["location"])).netloc == "treehole.test"


async def test_language_cookie_wins_over_accept_language(instance: RunningApp) -> None:
    client = instance.client
    await client.get("/lang/en", params={"next": "/"})
    page = await client.get("/b/main", headers=ZH)
    assert html_lang(page.text) == "en"
    await client.get("/lang/zh", params={"next": "/"})
    page = await client.get("/b/main", headers={"accept-language": "en"})
    assert html_lang(page.text) == "zh-Hans"


@pytest.mark.parametrize("code", ["fr", "zh-Hans", "ZH", "xx"])
async def test_language_unknown_code_is_404(instance: RunningApp, code: str) -> None:
    answer = await instance.client.get(f"/lang/{code}", params={"next": "/b/main"}, headers=ZH)
    assert answer.status_code == 404
    assert "set-cookie" not in answer.headers
    assert html_lang(answer.text) == "zh-Hans"
    assert "这个地址上什么也没有。" in answer.text


async def test_language_gone_page_says_gone_in_chinese(instance: RunningApp) -> None:
    client = instance.client
    posted = await post_note(client, "delete me")
    page = await client.get(f"/n/{posted.note_id}/delete")
    deleted = await client.post(
        f"/n/{posted.note_id}/delete",
        data={"csrf_token": csrf_from(page.text), "token": posted.token},
    )
    assert deleted.status_code == 200
    gone = await client.get(f"/t/{posted.note_id}", headers=ZH)
    assert gone.status_code == 410
    assert "这条留言已经不在了" in gone.text
