"""Pseudonyms in the board's language, and automatic content warnings kept as codes."""

from __future__ import annotations

import re

from app.core.i18n import load_translations
from app.notes.pseudonyms import pseudonym_for
from app.notes.warnings import decode_labels, encode_labels, warning_text

HAN = r"[\u4e00-\u9fff]+"


def test_pseudonym_on_a_chinese_board_is_a_chinese_word_pair() -> None:
    names = {pseudonym_for(f"tag-{n}", "zh") for n in range(500)}
    assert all(re.fullmatch(f"{HAN}的{HAN}", name) for name in names)
    assert len(names) > 400, "4,096 pairs: 500 tags rarely meet"
    assert pseudonym_for("same", "zh") == pseudonym_for("same", "zh")


def test_pseudonym_on_an_english_board_keeps_its_hex_tail() -> None:
    assert re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+ [0-9a-f]{2}", pseudonym_for("tag", "en"))
    assert pseudonym_for("tag") == pseudonym_for("tag", "en")


def test_warning_labels_round_trip_and_read_in_each_language() -> None:
    stored = encode_labels(["profanity", "offensive", "profanity"])
    assert stored == "profanity,offensive"
    assert decode_labels(stored) == ("profanity", "offensive")
    assert encode_labels([]) is None and decode_labels(None) == ()
    english = warning_text(decode_labels(stored), load_translations("en").gettext)
    assert english == "strong language; offensive language"
    chinese = warning_text(decode_labels(stored), load_translations("zh").gettext)
    assert chinese == "粗话; 冒犯性语言"
