"""Pure helpers behind the pages: relative and absolute times in the reader's language, SVG
bar charts, the remote-follow server parser, report grouping, lifetimes as people write them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.core.errors import Invalid
from app.moderation.admin_input import format_duration, parse_duration, parse_ttls
from app.store.notes import Note
from app.web.about import authorize_interaction_url, parse_server
from app.web.admin.reports import group_reports
from app.web.charts import Point, bar_chart
from app.web.timefmt import absolute_time, relative_time, time_tag

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("delta", "en", "zh"),
    [
        (timedelta(hours=-3), "3h ago", "3小时前"),
        (timedelta(hours=21), "in 21h", "21小时后"),
        (timedelta(days=2), "in 2d", "2天后"),
        (timedelta(minutes=-10), "10m ago", "10分钟前"),
    ],
)
def test_relative_time_in_each_language(delta: timedelta, en: str, zh: str) -> None:
    assert relative_time(NOW + delta, NOW, "en") == en
    assert relative_time(NOW + delta, NOW, "zh") == zh


def test_time_tag_carries_the_absolute_time_in_the_readers_language() -> None:
    tag = str(time_tag(NOW - timedelta(hours=3), NOW, "zh"))
    assert tag.startswith(
        '<time datetime="2025-03-01T09:00:00+00:00" title="2025年3月1日 09:00 UTC">'
    )
    assert tag.endswith(">3小时前</time>")
    assert absolute_time(NOW, "en") == "Mar 1, 2025 12:00\u202fPM UTC"  # CLDR's narrow space


def test_bar_chart_scales_to_the_largest_day_and_labels_each_bar() -> None:
    svg = str(bar_chart([Point("a", "Day A", 4), Point("b", "Day B", 0), Point("c", "C", 2)], "T"))
    assert svg.startswith('<svg class="chart" viewBox="0 0 300 60"') and 'aria-label="T"' in svg
    assert 'data-key="a" data-count="4"' in svg and 'height="60.00"' in svg
    assert 'data-key="b" data-count="0"' in svg and 'height="0.00"' in svg
    assert 'height="30.00"' in svg and "<title>Day A: 4</title>" in svg
    assert "<script" not in svg and "style=" not in svg
    assert 'data-count="0"' in str(bar_chart([Point("x", "<b>", 0)], "none"))
    assert "&lt;b&gt;" in str(bar_chart([Point("x", "<b>", 1)], "escaped"))


@pytest.mark.parametrize(
    ("typed", "server"),
    [
        ("mastodon.social", "mastodon.social"),
        ("  Mastodon.Social ", "mastodon.social"),
        ("https://mastodon.social/@me", "mastodon.social"),
        ("@me@mastodon.social", "mastodon.social"),
        ("me@mastodon.social", "mastodon.social"),
        ("mastodon.social:443", "mastodon.social"),
        ("bücher.example", "xn--bcher-kva.example"),
    ],
)
def test_parse_server_reads_what_people_type(typed: str, server: str) -> None:
    assert parse_server(typed) == server


@pytest.mark.parametrize("typed", ["", " ", "ftp://x.example", "a b.example", "x.example:99999"])
def test_parse_server_refuses_what_is_not_a_server(typed: str) -> None:
    with pytest.raises(Invalid):
        parse_server(typed)


def test_authorize_interaction_url_encodes_the_uri() -> None:
    assert authorize_interaction_url("m.example", "https://t.example/b/main?x=1") == (
        "https://m.example/authorize_interaction?uri=https%3A%2F%2Ft.example%2Fb%2Fmain%3Fx%3D1"
    )


def _note(note_id: str) -> Note:
    return Note(
        note_id, "b", note_id, None, "local", None, None, None, "P", True, "x", "text", None,
        None, "live", None, NOW, NOW, NOW, None, None, None,
    )  # fmt: skip


def test_group_reports_one_card_per_note_most_reported_first() -> None:
    def report(report_id: str, note_id: str | None, minutes: int) -> dict[str, object]:
        return {"id": report_id, "note_id": note_id, "category": "spam",
                "created_at": NOW + timedelta(minutes=minutes)}  # fmt: skip

    reports = [report("r1", "n1", 1), report("r2", "n2", 2), report("r3", "n2", 3),
               report("r4", None, 4), report("r5", "n1", 0)]  # fmt: skip
    groups = group_reports(reports, {"n1": _note("n1"), "n2": _note("n2")})
    assert [(g.key, [r["id"] for r in g.reports]) for g in groups] == [
        ("n2", ["r3", "r2"]),
        ("n1", ["r1", "r5"]),
        ("report-r4", ["r4"]),
    ]
    assert groups[2].note is None


@pytest.mark.parametrize(
    ("written", "seconds"),
    [("90m", 5400), ("12h", 43200), ("1d", 86400), ("2w", 1209600), ("3600", 3600),
     ("1 天", 86400), ("6小时", 21600), ("7 Days", 604800)],
)  # fmt: skip
def test_lifetimes_are_written_as_people_write_them(written: str, seconds: int) -> None:
    assert parse_duration("ttl", written, 60, 10**8) == seconds


def test_lifetimes_round_trip_and_refuse_unknown_units() -> None:
    assert [format_duration(s) for s in (3600, 86400, 5400, 90)] == ["1h", "1d", "90m", "90"]
    assert parse_ttls("1h, 1d，7d、1d", 30 * 86400) == (3600, 86400, 604800)
    for bad in ("3 fortnights", "h", "-1h", "1.5h"):
        with pytest.raises(Invalid):
            parse_duration("ttl", bad, 60, 10**8)
    with pytest.raises(Invalid):
        parse_duration("ttl", "40d", 60, 30 * 86400)
