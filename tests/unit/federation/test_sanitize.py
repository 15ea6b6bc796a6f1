"""Remote HTML is reduced to Mastodon's strict allow-list."""

from __future__ import annotations

import pytest

from federation.sanitize import links_in, plain_text, sanitize_remote_html

REL = 'rel="nofollow noopener noreferrer ugc"'


def test_keeps_mastodon_mention_markup() -> None:
    """spec: sanitize-strict"""
    html = (
        '<p><span class="h-card" translate="no"><a href="https://m.example/@a" '
        'class="u-url mention">@<span>a</span></a></span> hi</p>'
    )
    out = sanitize_remote_html(html)
    assert 'class="u-url mention"' in out
    assert 'href="https://m.example/@a"' in out
    assert REL in out
    assert '<span class="h-card" translate="no">' in out


@pytest.mark.parametrize(
    ("html", "forbidden"),
    [
        ("<p>x<script>alert(1)</script></p>", "alert"),
        ("<style>p{color:red}</style><p>x</p>", "color"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ('<a href="javascript:alert(1)">x</a>', "javascript"),
        ('<a href="data:text/html,x">x</a>', "data:"),
        ('<a href="/local/path">x</a>', "/local/path"),
        ('<a href="ipfs://bafy">x</a>', "ipfs"),
        ('<p onclick="x()">x</p>', "onclick"),
        ('<p style="position:fixed">x</p>', "style"),
        ('<iframe src="https://e.example"></iframe>', "iframe"),
        ('<form action="https://e.example"><input name="p"></form>', "input"),
        ('<a href="https://e.example" target="_top">x</a>', "target"),
        ('<span class="evil-class">x</span>', "evil-class"),
        ("<!-- comment -->", "comment"),
    ],
)
def test_strips_dangerous_markup(html: str, forbidden: str) -> None:
    """spec: sanitize-strict"""
    assert forbidden not in sanitize_remote_html(html)


def test_forces_rel_even_when_sender_sets_one() -> None:
    """spec: sanitize-strict"""
    out = sanitize_remote_html('<a href="https://e.example" rel="me opener">x</a>')
    assert REL in out and 'opener"' not in out.replace(REL, "")


def test_keeps_lists_and_allowed_attributes() -> None:
    html = (
        '<ol start="3" reversed><li value="4">a</li></ol>'
        '<p lang="fr">b</p><blockquote>q</blockquote>'
    )
    out = sanitize_remote_html(html)
    assert 'start="3"' in out and 'value="4"' in out and 'lang="fr"' in out
    assert "<blockquote>q</blockquote>" in out


def test_plain_text_for_previews() -> None:
    html = "<p>Hello &amp; <b>world</b></p><p>second<br>line</p><script>x()</script>"
    assert plain_text(html) == "Hello & world\nsecond\nline"


def test_plain_text_unescapes_but_is_not_html() -> None:
    assert plain_text("<p>&lt;script&gt;</p>") == "<script>"
    assert plain_text("") == ""


def test_links_in_reads_the_hrefs_a_reader_can_click() -> None:
    cleaned = sanitize_remote_html(
        '<p><a href="https://a.example/x" class="u-url mention evil">@<span>x</span></a> '
        '<a href="javascript:alert(1)">no</a> <a href="https://b.example/p?q=1&amp;r=2">'
        "words that hide the address</a> <a>no href</a></p>"
    )
    links = links_in(cleaned)
    assert [link.href for link in links] == ["https://a.example/x", "https://b.example/p?q=1&r=2"]
    assert links[0].classes == {"u-url", "mention"} and links[0].is_mention_or_hashtag
    assert not links[1].is_mention_or_hashtag
