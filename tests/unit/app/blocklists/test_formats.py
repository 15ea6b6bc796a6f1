"""Blocklist formats against Mastodon's exact CSV and JSON shapes (research/blocklists.md §1.2,
§1.3, §9; the sample file and test vectors are the research doc's own)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.blocklists.formats import (
    BARE_LIST,
    MASTODON_CSV,
    PLAIN_CSV,
    FormatError,
    build_admin_entity,
    build_mastodon_csv,
    build_plain_csv,
    build_public_list,
    domain_digest,
    obfuscate_domain,
    parse_blocklist,
)
from app.store.domain_blocks import BlockValues

MASTODON_SAMPLE = (
    "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
    "bad.example,suspend,false,false,Harassment,false\n"
    'spam.example,silence,true,false,"spam, bots",true\n'
    "media.example,noop,true,false,,false\n"
)
FBH_SAMPLE = (
    "domain,severity,reject_media,reject_reports,public_comment,obfuscate\n"
    "bad.example,suspend,False,False,Harassment,False\n"
    'spam.example,silence,True,False,"spam, bots",True\n'
)


@pytest.mark.parametrize(
    ("domain", "public", "digest"),
    [
        (
            "example.com",
            "exa****.*om",
            "a379a6f6eeafb9a55e378c118034e2751e682fab9f2d30ab13d2125586ce1947",
        ),
        (
            "dajiaweibo.com",
            "daji******.com",
            "3752f63a7079d60c2de5dceb8bd7608e86a15544eb78a494a482041c3684b37f",
        ),
        (
            "birb.elfenban.de",
            "birb.*******n.de",
            "5d2c6e02a0cced8fb05f32626437e3d23096480b47efbba659b6d9e80c85d280",
        ),
    ],
)
def test_obfuscate_domain_matches_mastodon_vectors(domain: str, public: str, digest: str) -> None:
    """spec: blocklist-obfuscation"""
    assert obfuscate_domain(domain) == public
    assert domain_digest(domain) == digest


def test_parse_mastodon_csv_reads_the_sample() -> None:
    parsed = parse_blocklist(MASTODON_SAMPLE)
    assert parsed.format == MASTODON_CSV and parsed.errors == []
    assert [(e.domain, e.values) for e in parsed.entries] == [
        ("bad.example", BlockValues("suspend", False, False, "Harassment", None, False)),
        ("spam.example", BlockValues("silence", True, False, "spam, bots", None, True)),
        ("media.example", BlockValues("noop", True, False, None, None, False)),
    ]


def test_build_mastodon_csv_round_trips_byte_for_byte() -> None:
    """spec: blocklist-csv-exact"""
    parsed = parse_blocklist(MASTODON_SAMPLE)
    assert build_mastodon_csv((e.domain, e.values) for e in parsed.entries) == MASTODON_SAMPLE


def test_build_mastodon_csv_skips_plain_noop_and_quotes_like_ruby() -> None:
    rows = [
        ("a.example", BlockValues("noop")),
        ("b.example", BlockValues("suspend", public_comment='say "hi"\nnow')),
        ("c.example", BlockValues("silence", public_comment="")),
    ]
    assert build_mastodon_csv(rows) == (
        "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
        'b.example,suspend,false,false,"say ""hi""\nnow",false\n'
        'c.example,silence,false,false,"",false\n'
    )


def test_parse_plain_header_csv_with_python_booleans() -> None:
    parsed = parse_blocklist(FBH_SAMPLE)
    assert parsed.format == PLAIN_CSV and parsed.errors == []
    assert parsed.entries[1].values == BlockValues("silence", True, False, "spam, bots", None, True)


def test_build_plain_csv_has_the_plain_header() -> None:
    text = build_plain_csv([("bad.example", BlockValues("suspend"))])
    assert text == (
        "domain,severity,reject_media,reject_reports,public_comment,obfuscate\n"
        "bad.example,suspend,false,false,,false\n"
    )
    assert parse_blocklist(text).entries[0].values == BlockValues("suspend")


def test_parse_bare_list_defaults_to_suspend() -> None:
    parsed = parse_blocklist("one.example\r\n# a comment\r\ntwo.example\r\n\r\n")
    assert parsed.format == BARE_LIST
    assert [(e.domain, e.values.severity) for e in parsed.entries] == [
        ("one.example", "suspend"),
        ("two.example", "suspend"),
    ]


def test_parse_csv_drops_bad_rows_and_keeps_good_ones() -> None:
    text = (
        "#domain,#severity,#reject_media\n"
        "ok.example,silence,true\n"
        "bad.example,nuke,false\n"
        "worse.example,suspend,maybe\n"
        ",suspend,false\n"
    )
    parsed = parse_blocklist(text)
    assert [e.domain for e in parsed.entries] == ["ok.example"]
    assert parsed.errors == [(3, "severity"), (4, "boolean"), (5, "domain")]


def test_parse_json_reads_admin_and_public_shapes() -> None:
    text = (
        '[{"id":"7","domain":"example.com","severity":"suspend","reject_media":false,'
        '"reject_reports":false,"private_comment":null,"public_comment":"Harassment",'
        '"obfuscate":true},'
        '{"domain":"exa****.*om","digest":"a379a6f6eeafb9a55e378c118034e2751e682fab9f2d30ab13d'
        '2125586ce1947","severity":"silence","comment":"spam"}, 5]'
    )
    parsed = parse_blocklist(text)
    assert parsed.entries[0].values == BlockValues(
        "suspend", False, False, "Harassment", None, True
    )
    assert parsed.entries[1].is_obfuscated
    assert parsed.entries[1].digest == domain_digest("example.com")
    assert parsed.entries[1].values.public_comment == "spam"
    assert parsed.errors == [(3, "entry")]


@pytest.mark.parametrize("text", ["[", '{"domain": "x"}'])
def test_parse_json_refuses_a_broken_document(text: str) -> None:
    with pytest.raises(FormatError):
        parse_blocklist(text)


def test_build_admin_entity_matches_mastodon_shape() -> None:
    created = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    values = BlockValues("suspend", False, False, "Harassment", None, True)
    assert build_admin_entity("7", "example.com", values, created) == {
        "id": "7",
        "domain": "example.com",
        "digest": "a379a6f6eeafb9a55e378c118034e2751e682fab9f2d30ab13d2125586ce1947",
        "created_at": "2026-01-02T03:04:05.678Z",
        "severity": "suspend",
        "reject_media": False,
        "reject_reports": False,
        "private_comment": None,
        "public_comment": "Harassment",
        "obfuscate": True,
    }


def test_build_public_list_orders_hides_noop_and_obfuscates() -> None:
    blocks = [
        ("example.com", BlockValues("suspend", public_comment="Harassment", obfuscate=True)),
        ("zzz.example", BlockValues("silence", public_comment="spam")),
        ("quiet.example", BlockValues("noop", reject_media=True)),
    ]
    assert build_public_list(blocks, show_comment=True) == [
        {
            "domain": "zzz.example",
            "digest": domain_digest("zzz.example"),
            "severity": "silence",
            "comment": "spam",
        },
        {
            "domain": "exa****.*om",
            "digest": "a379a6f6eeafb9a55e378c118034e2751e682fab9f2d30ab13d2125586ce1947",
            "severity": "suspend",
            "comment": "Harassment",
        },
    ]
    assert all(entry["comment"] is None for entry in build_public_list(blocks, False))
