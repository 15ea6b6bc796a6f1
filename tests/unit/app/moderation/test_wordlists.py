from __future__ import annotations

from app.moderation.wordlists import CATEGORIES, default_allowlist, default_terms, glin_words


def test_default_terms_cover_every_category() -> None:
    terms = default_terms()
    assert set(terms) == set(CATEGORIES)
    assert all(terms[category] for category in CATEGORIES)


def test_default_terms_map_glin_entries_into_categories() -> None:
    terms = default_terms()
    assert "nigger" in terms["hate"]
    assert "fuck" in terms["profanity"] and "他妈的" in terms["profanity"]
    assert "blowjob" in terms["sexual"] and "色情" in terms["sexual"]
    assert "how to kill" in terms["violence"]


def test_default_terms_drop_innocent_glin_entries() -> None:
    everything = {term for terms in default_terms().values() for term in terms}
    for innocent in (
        "性",
        "奶",
        "幹",
        "逼",
        "刚度",
        "处女",
        "vagina",
        "xx",
        "suck",
        "乳",
        "hooker",
    ):
        assert innocent in glin_words("english") + glin_words("chinese")
        assert innocent not in everything


def test_default_terms_add_curated_lists() -> None:
    terms = default_terms()
    assert "代开发票" in terms["fraud"] and "crypto giveaway" in terms["fraud"]
    assert "加微信" in terms["spam"]
    assert {"kill myself", "不想活了"} <= set(terms["self_harm"])
    # Bare topic words are not intent: "Suicide Squad", a prevention hotline, "自杀小队".
    assert not {"suicide", "自杀", "self harm"} & set(terms["self_harm"])


def test_default_terms_have_no_duplicates_within_a_category() -> None:
    for terms in default_terms().values():
        assert len(terms) == len(set(terms))


def test_default_allowlist_holds_innocent_words() -> None:
    assert {"乳酸", "牛乳", "scunthorpe", "想死你"} <= set(default_allowlist())
