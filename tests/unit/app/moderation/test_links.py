from __future__ import annotations

import pytest

from app.moderation.decision import ALLOW, HOLD, Verdict
from app.moderation.links import REASON_LINK, REASON_SHORTENER, check_links, has_contact
from app.moderation.normalize import normalize

ALLOWED = ["treehole.example", "wikipedia.org"]


def reason(text: str) -> str:
    verdict = check_links(normalize(text), ALLOWED)
    assert verdict.action == (ALLOW if not verdict.reason else HOLD)
    return verdict.reason


@pytest.mark.parametrize(
    "text",
    ["see https://evil.example.com/x", "go to spam.xyz now", "www.casino-royal.win",
     "HTTPS://ＥＸＡＭＰＬＥ.ＣＯＭ", "example dot com", "example(dot)com", "example点com",
     "访问 example。com 领取", "http://192.168.1.1/admin"],
)  # fmt: skip
def test_check_links_holds_external_links(text: str) -> None:
    assert reason(text) == "link_not_allowed"


@pytest.mark.parametrize(
    "text",
    ["https://en.wikipedia.org/wiki/Tree", "wikipedia.org", "https://treehole.example/notes/1",
     "https://sub.treehole.example/x"],
)  # fmt: skip
def test_check_links_allows_allowlisted_domains_and_subdomains(text: str) -> None:
    assert reason(text) == ""


def test_check_links_does_not_treat_suffix_as_parent() -> None:
    assert reason("https://notwikipedia.org/") == "link_not_allowed"


@pytest.mark.parametrize(
    "text",
    ["bit.ly/3xYz", "https://t.co/abc", "tinyurl.com/foo", "戳 t.cn/A6x", "https://url.cn/x",
     "dwz.cn/abc", "goo.gl/maps"],
)  # fmt: skip
def test_check_links_always_holds_shorteners(text: str) -> None:
    assert check_links(normalize(text), ["bit.ly", "t.co", "t.cn"]).reason == "link_shortener"


@pytest.mark.parametrize(
    "text",
    ["write me: a.b@mail.com", "mail me at name(at)mail(dot)com", "call 138 1234 5678",
     "电话13812345678", "手机：+86 138-1234-5678", "call +44 20 7946 0958", "555-123-4567",
     "(555) 123-4567", "座机 010-12345678", "ｗｘ：abc123", "微信：abc_123", "vx号 hello88",
     "加v", "加我vx", "加微信聊", "qq 12345678", "QQ号：12345678", "扣扣 123456789",
     "t.me/spammer", "@bob_99 on telegram", "telegram: @bob_99", "电报 @spam_bot",
     "wa.me/15551234567", "line id: bob123", "https://line.me/ti/p/abc",
     "电话 幺三八零零幺三八零零零", "call two one two five five five zero one two three",
     "扣：七七八八九九零",
     "wei xin: ab_12 3", "薇：hello_77", "加薇", "tele gram: spam_bot", "snap: party_girl22",
     "kik me", "dm @promo_shop", "me at mail dot com", "me(at)mail.net", "🛰️：bob_1234",
     "加🐧 12345678"],
)  # fmt: skip
def test_check_links_holds_contact_details(text: str) -> None:
    assert reason(text) == "contact"


@pytest.mark.parametrize(
    "text",
    ["the 2024-2025 season", "只要¥1999", "version 1.2.3", "see readme.md and main.py",
     "微信支付很方便", "我的QQ空间", "the dot com bubble", "I paid 12.50 for it",
     "e.g. this, i.e. that", "at 1:30 pm", "第1382期", "order 13812345678900",
     "I'll be there at 5, v excited", "增加value", "c++ vs rust", "3+5=8",
     "my line of work", "ISBN 978-3-16-148410-0", "今天是2024年5月20日", "no links here",
     "we met at noon. Then we walked", "I stayed at home. Nothing happened",
     "Lunch at Nando's. Org chem lab after.", "arrived at Heathrow. Com'on", "一二三，木头人",
     "one two three four, I declare a thumb war", "version 2.0/3.0 notes", "快递单号SF1234567890"],
)  # fmt: skip
def test_check_links_allows_near_misses(text: str) -> None:
    assert reason(text) == ""


def test_check_links_accepts_a_plain_string() -> None:
    assert check_links("ｂｉｔ．ｌｙ/x", []) == Verdict(HOLD, "links", "link_shortener")
    assert check_links("hello", []) == Verdict(ALLOW, "links")


def test_check_links_judges_linked_urls_the_text_does_not_show() -> None:
    """The hrefs of remote HTML, held like URLs typed in the text."""
    assert check_links("see this page", ()).action == ALLOW
    hidden = check_links("see this page", (), ["https://buy-pills.example/now"])
    assert (hidden.action, hidden.reason) == (HOLD, REASON_LINK)
    short = check_links("my photos", (), ["https://bit.ly/3xYz"])
    assert (short.action, short.reason) == (HOLD, REASON_SHORTENER)
    assert check_links("the guide", ["example.org"], ["https://docs.Example.org/g"]).action == ALLOW
    assert check_links("odd", (), ["https://[::1"]).action == ALLOW  # unparseable: nowhere to go


@pytest.mark.parametrize(
    ("text", "contact"),
    [("add me on telegram moonshot_88", True), ("discord: nightowl", True),
     ("kik @lazyfox for pics", True), ("电报 cryptoking 私聊", True),
     ("my dad keeps trying snapchat filters on the cat", False),
     ("ok discord people, game night is friday", False),
     ("whatsapp groups for parents are the worst", False)],
)  # fmt: skip
def test_an_app_name_before_an_ordinary_word_is_not_a_handle(text: str, contact: bool) -> None:
    assert has_contact(text.casefold()) is contact
