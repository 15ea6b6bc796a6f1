"""Folding text into the forms the moderation matchers search.

Owns the evasion-undoing steps (Unicode compatibility forms, case, invisible characters,
homoglyphs, diacritics, traditional → simplified Chinese, leetspeak, inserted separators,
stretched letters) and nothing else: it knows no word list and decides nothing.

Forms, all built from one folded text:

- `plain`: NFKC, casefolded, invisible characters removed, homoglyphs mapped, diacritics
  dropped, traditional Chinese converted to simplified. Spacing and punctuation are kept, so
  link/contact detection and admin regexes read it.
- `words`: space-separated tokens for whole-word matching of Latin-script terms. Each CJK
  character is its own token (so "我想fuck你" still has the word "fuck"). Two spellings: one
  where punctuation splits words ("fuck-you" → "fuck you") and one where punctuation inside a
  whitespace-delimited chunk is dropped ("f*ck", "s.e.x" → "fck", "sex"). In both, a run of
  three or more single-character tokens is joined ("s e x" → "sex").
- `joined`: letters, digits and CJK only, no spaces at all ("色 情", "色*情" → "色情"). CJK
  terms are matched here; Latin terms never are (that would be the Scunthorpe problem).

Each of `words`/`joined` comes with runs of 3+ equal characters squeezed to two ("fuuuuck" →
"fuuck", keeps "soo") and to one ("fuck", "so"); legitimate doubles ("class", "妈妈") are never
touched. Terms are folded with `fold_term`, which squeezes to two, so a term matches either.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import opencc
from glin_profanity.utils.unicode import convert_homoglyphs, remove_zero_width_characters

from app.moderation import canon

# A converter maps traditional Chinese text to simplified (opencc's `OpenCC("t2s").convert`).
Converter = Callable[[str], str]

# Leetspeak read inside a chunk that has at least one Latin letter ("$h1t", "f4ck", "@ss"); a
# chunk of digits only ("2024", "¥1999") is a number and stays one.
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
# "!" and "|" stand for a letter only between two letters or digits ("sh!t"), never at the end
# of a word ("wow!").
_LEET_INNER = {"!": "i", "|": "i"}
_AMBIGUOUS_AS_L = {"1": "l", "!": "l", "|": "l"}
_LEET_CHARS = re.compile("[" + re.escape("".join({*_LEET, *_LEET_INNER, *_AMBIGUOUS_AS_L})) + "]")
_LATIN = re.compile(r"[a-z]")
_DIACRITICS = re.compile("[\u0300-\u036f]")
_REPEATS = re.compile(r"(.)\1{2,}")
_MIN_JOINED_RUN = 3

_CJK_RANGES = (
    (0x1100, 0x11FF),  # Hangul jamo
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x312F),  # Bopomofo ("他妈ㄉ")
    (0x3130, 0x318F),  # Hangul compatibility jamo
    (0x31A0, 0x31BF),
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3134F),  # CJK extensions B–H
)


@dataclass(frozen=True, slots=True)
class Normalized:
    """A text and the folded forms matchers search. `folded` is the main words form."""

    original: str
    plain: str
    folded: str
    words: tuple[str, ...]
    joined: tuple[str, ...]
    # The rule detectors' forms (see `canon`): Latin words with slang, pinyin and emoji read as
    # words, and the text without spaces with pinyin, homophones and emoji read as Chinese.
    en: tuple[str, ...] = ()
    zh: tuple[str, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        return self.words + self.joined


@cache
def default_converter() -> Converter:
    """The shared traditional → simplified converter, built on first use (~6 ms).

    Cached rather than module state: it is built once and never changes afterwards, and
    opencc's `convert` keeps no state between calls, so sharing it across threads is safe.
    """
    return opencc.OpenCC("t2s").convert


# One character class for the ranges: the tokenisers ask this of every character of every form
# of a post, and a compiled class answers in a fraction of what a loop over the ranges costs
# (that loop was half the CPU of screening a long post).
_CJK_CHAR = re.compile("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in _CJK_RANGES) + "]")


# A run of three or more one-character Latin or digit tokens in space-joined tokens, joined:
# "s e x" → "sex" (runs of 3+ only, so "i am a cat" keeps its words). Tokens hold no spaces.
_SINGLE = "[^ " + "".join(f"{chr(low)}-{chr(high)}" for low, high in _CJK_RANGES) + "]"
_SINGLE_RUN = re.compile(rf"(?<![^ ]){_SINGLE}(?: {_SINGLE}){{{_MIN_JOINED_RUN - 1},}}(?![^ ])")


def is_cjk(char: str) -> bool:
    return _CJK_CHAR.match(char) is not None


def has_cjk(text: str) -> bool:
    return _CJK_CHAR.search(text) is not None


# A post is read more than once (the self-harm question, then the pipeline; a quote blanked and
# read again), and each reading of a long post costs milliseconds: the last few are kept. The
# result is immutable, so sharing it is safe; the cache is small and bounded.
@lru_cache(maxsize=32)
def normalize(text: str, converter: Converter | None = None) -> Normalized:
    """Fold `text` into every form the matchers search."""
    plain = fold_plain(text, converter)
    variants = [_read_leet(plain, ambiguous_as_l=False)]
    if any(char in plain for char in _AMBIGUOUS_AS_L):
        variants.append(_read_leet(plain, ambiguous_as_l=True))
    words: list[str] = []
    joined: list[str] = []
    for variant in variants:
        split, glued, bare = _words(variant, glue=False), _words(variant, glue=True), _bare(variant)
        for keep in (2, 1):
            words += [squeeze(split, keep), squeeze(glued, keep)]
            joined.append(squeeze(bare, keep))
    unique_words = tuple(dict.fromkeys(words))
    en, zh = canon_forms(plain)
    return Normalized(
        original=text,
        plain=plain,
        folded=unique_words[0],
        words=unique_words,
        joined=tuple(dict.fromkeys(joined)),
        en=en,
        zh=zh,
    )


def canon_forms(plain: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The rule detectors' forms of folded text: (`en`, `zh`).

    `en`: words (leet read, punctuation splitting words, single letters joined, emoji and slang
    read as English words), squeezed to two and to one, each padded with a space either side so
    patterns can anchor on " word ". `zh`: letters, digits and CJK only (emoji, pinyin and
    homophones read as Chinese), squeezed to one, so "傻 逼", "傻*逼" and "滚滚滚" read plainly.
    """
    leet = _read_leet(plain, ambiguous_as_l=False)
    emoji_en = canon.read_emoji(leet, canon.EN)
    english = canon.read_words(_words(emoji_en, glue=True))
    spaced = canon.read_words(_words(emoji_en, glue=False))
    en = tuple(
        dict.fromkeys(f" {squeeze(form, keep)} " for form in (english, spaced) for keep in (2, 1))
    )
    emoji_zh = canon.read_emoji(leet, canon.ZH)
    zh = tuple(
        dict.fromkeys(
            canon.read_homophones(squeeze(_bare(canon.read_pinyin(_words(emoji_zh, glue=glue))), 1))
            for glue in (False, True)
        )
    )
    return en, zh


def fold_plain(text: str, converter: Converter | None = None) -> str:
    """NFKC, casefold, no invisible characters, homoglyphs mapped, no diacritics, simplified."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = remove_zero_width_characters(folded)
    folded = "".join(char for char in folded if unicodedata.category(char) != "Cf")
    # Variation selectors (emoji vs text style) carry no meaning: "🛰️" is "🛰".
    folded = folded.replace("\ufe0f", "").replace("\ufe0e", "")
    folded = convert_homoglyphs(folded)
    folded = _DIACRITICS.sub("", unicodedata.normalize("NFKD", folded))
    folded = unicodedata.normalize("NFC", folded)
    return (converter or default_converter())(folded)


def fold_term(term: str, converter: Converter | None = None) -> str:
    """The key a list term is matched by: a words form for Latin terms, joined for CJK terms.

    Returns "" when nothing matchable is left (e.g. an emoji-only term).
    """
    variant = _read_leet(fold_plain(term, converter), ambiguous_as_l=False)
    if has_cjk(variant):
        return squeeze(_bare(variant), 2)
    return squeeze(_words(variant, glue=True), 2)


def squeeze(text: str, keep: int) -> str:
    """Cut every run of three or more equal characters down to `keep` of them."""
    return _REPEATS.sub(lambda match: match.group(1) * keep, text)


@lru_cache(maxsize=4096)
def _is_word_char(char: str) -> bool:
    # Cached per character (bounded: a post may be made of rare characters on purpose): asked of
    # every character of every form, and a post's characters come from a small alphabet.
    return char.isalnum() or unicodedata.category(char).startswith("M")


# `normalize` and `canon_forms` both read the same folded text.
@lru_cache(maxsize=8)
def _read_leet(text: str, *, ambiguous_as_l: bool) -> str:
    return " ".join(
        _read_leet_chunk(chunk, ambiguous_as_l) if _LATIN.search(chunk) else chunk
        for chunk in text.split()
    )


def _read_leet_chunk(chunk: str, ambiguous_as_l: bool) -> str:
    if not _LEET_CHARS.search(chunk):
        return chunk  # most words: nothing to read
    table = {**_LEET, **_AMBIGUOUS_AS_L} if ambiguous_as_l else _LEET
    inner = {"!": "l", "|": "l"} if ambiguous_as_l else _LEET_INNER
    out: list[str] = []
    for index, char in enumerate(chunk):
        if char in inner:
            before = chunk[index - 1] if index else ""
            after = chunk[index + 1] if index + 1 < len(chunk) else ""
            between = before.isalnum() and after.isalnum()
            out.append(inner[char] if between else char)
        else:
            out.append(table.get(char, char))
    return "".join(out)


def _words(text: str, *, glue: bool) -> str:
    tokens = " ".join(token for chunk in text.split() for token in _chunk_tokens(chunk, glue))
    return _SINGLE_RUN.sub(lambda match: match.group(0).replace(" ", ""), tokens)


# Bounded cache: one post's forms share most of their chunks (a word, a run of Chinese), and a
# post is read in a dozen forms, so each chunk is tokenised once instead of a dozen times.
@lru_cache(maxsize=16384)
def _chunk_tokens(chunk: str, glue: bool) -> tuple[str, ...]:
    return tuple(_read_chunk_tokens(chunk, glue))


def _read_chunk_tokens(chunk: str, glue: bool) -> Iterable[str]:
    current: list[str] = []
    for char in chunk:
        if is_cjk(char):
            if current:
                yield "".join(current)
                current = []
            yield char
        elif _is_word_char(char):
            current.append(char)
        elif not glue and current:
            yield "".join(current)
            current = []
    if current:
        yield "".join(current)


# What `_is_word_char` refuses is among these: re's \w is exactly str.isalnum() plus "_", so only
# "_" and the characters \w refuses need the per-character test (combining marks stay).
_NOT_ALNUM = re.compile(r"[\W_]")


def _bare(text: str) -> str:
    return _NOT_ALNUM.sub(_kept_if_word_char, text)


def _kept_if_word_char(match: re.Match[str]) -> str:
    return match.group(0) if _is_word_char(match.group(0)) else ""
