"""What a direct message to a board asks for, and how the board's answer is addressed
(issue #13): pure functions, no database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.core.local_refs import parse_local_url
from app.core.urls import Urls
from app.fedi.dm_answers import build_answer
from app.fedi.dm_parse import (
    DELETE,
    HELP,
    POST,
    format_duration,
    parse_direct_message,
    parse_ttl,
    strip_mentions,
)
from app.store.boards import Board
from app.store.dm_answers import Recipient

URLS = Urls("https://th.example")
MASTODON_MENTION = (
    '<span class="h-card"><a href="https://th.example/b/main" class="u-url mention">'
    "@<span>main</span></a></span>"
)


def test_mastodon_direct_message_loses_its_mention_and_keeps_its_text() -> None:
    message = parse_direct_message(f"<p>{MASTODON_MENTION} I never told anyone this</p>")
    assert (message.command, message.text, message.ttl) == (POST, "I never told anyone this", None)


def test_every_mention_goes_but_addresses_and_links_stay() -> None:
    html = (
        '<p><a href="https://mk.example/@main" class="u-url mention">@main@th.example</a> '
        "ask @bob@other.example:8443 or mail me at a@b.example "
        '<a href="https://news.example/x">https://news.example/x</a></p>'
    )
    text = parse_direct_message(html).text
    assert text == "ask or mail me at a@b.example https://news.example/x"


def test_paragraphs_and_breaks_survive() -> None:
    html = f"<p>{MASTODON_MENTION} first line<br>second line</p><p>another paragraph</p>"
    assert parse_direct_message(html).text == "first line\nsecond line\nanother paragraph"


@pytest.mark.parametrize(
    ("line", "seconds"),
    [("ttl: 1d", "86400"), ("TTL:12h", "43200"), ("ttl : 30m", "1800"), ("ttl: 2w", "1209600"),
     ("ttl: 45min", "2700")],
)  # fmt: skip
def test_ttl_line_sets_the_lifetime_and_is_not_posted(line: str, seconds: str) -> None:
    message = parse_direct_message(f"<p>{MASTODON_MENTION} hello<br>{line}</p>")
    assert (message.command, message.text, message.ttl) == (POST, "hello", seconds)


def test_ttl_line_that_does_not_parse_is_kept_for_the_use_case_to_refuse() -> None:
    message = parse_direct_message("<p>hello</p><p>ttl: forever</p>")
    assert message.ttl == "forever" and message.text == "hello"
    assert parse_ttl("") == "invalid"


def test_ttl_inside_a_sentence_is_text() -> None:
    message = parse_direct_message("<p>my ttl: 1d is short</p>")
    assert message.ttl is None and message.text == "my ttl: 1d is short"


@pytest.mark.parametrize(
    ("html", "command"),
    [(f"<p>{MASTODON_MENTION} delete</p>", DELETE), ("<p>Delete.</p>", DELETE),
     (f"<p>{MASTODON_MENTION} help</p>", HELP), ("<p>HELP!</p>", HELP), ("<p>?</p>", HELP),
     (f"<p>{MASTODON_MENTION}</p>", HELP), ("", HELP), ("<p>删除</p>", DELETE),
     ("<p>帮助。</p>", HELP),
     ("<p>delete my account please</p>", POST), ("<p>help me, I feel lost</p>", POST)],
)  # fmt: skip
def test_delete_and_help_words(html: str, command: str) -> None:
    assert parse_direct_message(html).command == command


def test_strip_mentions_leaves_no_double_spaces() -> None:
    assert strip_mentions("hi @a and @b@c.example there\n  @d") == "hi and there"


def test_format_duration_picks_the_largest_unit() -> None:
    assert [format_duration(s) for s in (3600, 86400, 604800, 5400)] == ["1h", "1d", "1w", "90m"]


def test_answers_are_addressed_to_the_sender_alone_and_parse_back_as_answers() -> None:
    board = Board(
        id="b", slug="main", title="Main", description="", default_ttl=86400,
        allowed_ttls=(86400,), locked=False, created_at=datetime(2026, 1, 1, tzinfo=UTC),
        last_post_at=None,
    )  # fmt: skip
    recipient = Recipient("https://m.example/users/mia", "@mia@m.example", "https://m.example/i")
    answer_id = "a" * 26
    created = build_answer(
        URLS, board, recipient, answer_id, ("one <b>two</b>", "three"),
        datetime(2026, 1, 1, tzinfo=UTC), in_reply_to="https://m.example/s/1",
    )  # fmt: skip
    note = created["object"]
    assert isinstance(note, dict)
    assert created["to"] == note["to"] == [recipient.actor]
    assert created["cc"] == note["cc"] == []
    assert created["actor"] == note["attributedTo"] == URLS.board("main")
    assert note["tag"] == [{"type": "Mention", "href": recipient.actor, "name": "@mia@m.example"}]
    assert note["inReplyTo"] == "https://m.example/s/1"
    assert "one &lt;b&gt;two&lt;/b&gt;" in note["content"], "answer text is escaped"
    assert note["content"].startswith('<p><span class="h-card">')
    ref = parse_local_url(URLS, note["id"])
    assert ref is not None and (ref.kind, ref.key) == ("answer", answer_id)
    assert str(created["id"]).startswith(URLS.dm_answer(""))
