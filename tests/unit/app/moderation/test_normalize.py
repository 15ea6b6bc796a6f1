from __future__ import annotations

import pytest

from app.moderation.normalize import fold_term, normalize, squeeze


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("s.e.x", "sex"),
        ("s e x", "sex"),
        ("S-E-X!", "sex"),
        ("ｓｅｘ", "sex"),
        ("s\u200be\u200bx", "sex"),
        ("fuuuuck", "fuck"),
        ("$h1t", "shit"),
        ("sh!t", "shit"),
        ("f4ck", "fack"),
        ("@ss", "ass"),
        ("fück", "fuck"),
        ("fυck", "fuck"),  # Greek upsilon
    ],
)
def test_normalize_undoes_latin_evasions(text: str, word: str) -> None:
    assert word in normalize(text).words


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("色 情", "色情"),
        ("色*情", "色情"),
        ("色.情", "色情"),
        ("賭博", "赌博"),
        ("色色色情", "色情"),
    ],
)
def test_normalize_undoes_chinese_evasions(text: str, joined: str) -> None:
    assert joined in normalize(text).joined


def test_normalize_keeps_ordinary_sentence_words() -> None:
    normalized = normalize("This is a Class act, isn't it?")
    assert normalized.folded == "this is a class act isn t it"
    assert "this is a class act isnt it" in normalized.words


def test_normalize_keeps_legit_doubles_and_offers_both_squeezes() -> None:
    assert normalize("class").words == ("class",)
    assert set(normalize("sooo good").words) == {"soo good", "so good"}


def test_normalize_gives_cjk_characters_their_own_tokens() -> None:
    assert normalize("我想fuck你").folded == "我 想 fuck 你"


def test_normalize_leaves_plain_numbers_alone() -> None:
    normalized = normalize("version 1.2.3 costs ¥1999 in 2024-2025")
    assert "2024" in normalized.plain
    # "1.2.3" is a run of single characters, joined like "s.e.x"; digits stay digits.
    assert normalized.folded.startswith("version 123 costs")
    assert "2024 2025" in normalized.folded


def test_normalize_reads_ambiguous_one_as_i_and_l() -> None:
    words = normalize("ki11").words
    assert "kiii" not in words  # three equal letters squeeze
    assert "kill" in words and "kii" in words


def test_normalize_does_not_read_exclamation_at_word_end_as_letter() -> None:
    assert normalize("wow!").folded == "wow"


def test_normalize_plain_keeps_punctuation_and_folds_width() -> None:
    assert normalize("ｗｘ：ABC123").plain == "wx:abc123"


def test_fold_term_routes_cjk_and_latin() -> None:
    assert fold_term("a$$") == "ass"
    assert fold_term("他妈ㄉ王八蛋") == "他妈ㄉ王八蛋"
    assert fold_term("雞巴") == "鸡巴"
    assert fold_term("Blow Job") == "blow job"
    assert fold_term("🖕") == ""


def test_squeeze_cuts_runs_of_three_or_more_only() -> None:
    assert squeeze("aabbbcccc", 2) == "aabbcc"
    assert squeeze("aabbbcccc", 1) == "aabc"


def test_normalize_accepts_an_injected_converter() -> None:
    assert normalize("ABC", converter=lambda text: text.replace("a", "z")).folded == "zbc"


@pytest.mark.parametrize(
    ("text", "english"),
    [("ur such a l0ser", " your such a loser "), ("kys", " kill yourself "),
     ("ｙｏｕ ａｒｅ ｔｒａｓｈ", " you are trash "), ("yоu аre trаsh", " you are trash "),
     ("f u c k you", " fuck you "), ("see you 🔪", " see you knife "),
     ("sewerslide", " suicide "), ("stuuuupid", " stupid ")],
)  # fmt: skip
def test_english_form_reads_slang_leet_lookalikes_and_emoji(text: str, english: str) -> None:
    assert english in normalize(text).en


@pytest.mark.parametrize(
    ("text", "chinese"),
    [("你个sb", "你个傻逼"), ("nmsl", "你妈死了"), ("想紫砂", "想自杀"), ("我想zisha", "我想自杀"),
     ("你个煞笔", "你个傻逼"), ("傻 * 逼", "傻逼"), ("滚滚滚滚", "滚"), ("這個廢物", "这个废物"),
     ("wo yao nong si ni", "我要弄死你"), ("你是🐶", "你是狗"), ("加薇信", "加微信"),
     ("你🐴死了", "你妈死了"), ("你个制杖", "你个智障"), ("菠菜平台", "博彩平台")],
)  # fmt: skip
def test_chinese_form_reads_pinyin_homophones_and_emoji(text: str, chinese: str) -> None:
    assert any(chinese in form for form in normalize(text).zh)
