"""Checks of the labelled moderation corpus in eval/data: schema, ids, balance, and that every
contact string in it is fictional (reserved domains and phone ranges, invalid ID check digits),
so the corpus stays honest as people add to it. See eval/README.md for the rules."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[3] / "eval" / "data"
PARTS = {
    "dev": ("dev.jsonl", "d-", 25),
    "heldout": ("heldout.jsonl", "h-", 20),
    "heldout2": ("heldout2.jsonl", "h2-", 7),
    "heldout3": ("heldout3.jsonl", "h3-", 20),
    "heldout4": ("heldout4.jsonl", "h4-", 20),
    "train2": ("train2.jsonl", "t2-", 25),
    "train3": ("train3.jsonl", "t3-", 25),
    "train4": ("train4.jsonl", "t4-", 20),
}

EXPECT = {
    "harassment": "stop",
    "threat": "stop",
    "hate": "stop",
    "sexual": "stop",
    "spam": "stop",
    "doxxing": "stop",
    "selfharm": "care",
    "benign": "publish",
    "venting": "publish",
    "tricky": "publish",
}
MUST_STOP_OR_CARE = [c for c, e in EXPECT.items() if e != "publish"]
LANGS = ("zh", "en", "mixed")
EVASIONS = {
    "fullwidth",
    "spaced",
    "symbols",
    "traditional",
    "pinyin",
    "homophone",
    "leet",
    "stretched",
    "emoji",
    "lookalike",
    "shortener",
    "spelled_contact",
}
REQUIRED_KEYS = {"id", "lang", "category", "expect", "evasions", "text"}
OPTIONAL_KEYS = {"why"}

# Hosts a post may name: the reserved example domains (RFC 2606 / RFC 6761) and the real
# shortener hosts a filter must recognise (always with made-up paths).
SHORTENER_HOSTS = {"bit.ly", "t.cn", "tinyurl.com"}
RESERVED_SUFFIXES = ("example.com", "example.org", "example.net")
# Only names ending in a real-looking top-level domain count as hosts, so "v2.13.0", "s.h.i.t"
# and "Mr. Pike" are not mistaken for them.
COMMON_TLDS = (
    "com|net|org|cn|io|me|ly|co|uk|ru|info|xyz|top|cc|tv|app|gg|biz|us|de|jp|hk|tw|link|site"
    "|online|club|vip|shop|edu|gov|ai|to|in|fm|example"
)
HOST = re.compile(rf"(?<![\w.-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{COMMON_TLDS}))(?![\w-])")
SPELLED_HOST = re.compile(r"([a-z0-9_-]+)\W{0,3}(?:dot|点|period)\W{0,3}(com|net|org|cn|io|ly)\b")
BRACKETED_DOT = re.compile(r"\s*[\[(（【]\s*(?:\.|dot|点)\s*[\])）】]\s*")
SPELLED_ALLOWED = {("tinyurl", "com"), ("t", "cn"), ("bit", "ly")}

CN_DIGITS = dict(
    zip("零〇幺一二三四五六七八九两壹贰叁肆伍陆柒捌玖", "0011234567892123456789", strict=True)
)
EN_DIGITS = {
    w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine".split())
} | {"oh": "0"}
CN_DIGIT_RUN = re.compile(rf"[{''.join(CN_DIGITS)}](?:\s*[{''.join(CN_DIGITS)}]){{6,}}")
EN_DIGIT_RUN = re.compile(
    rf"\b(?:{'|'.join(EN_DIGITS)})(?:[\s,-]+(?:{'|'.join(EN_DIGITS)})){{6,}}\b"
)
CN_MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d(?:[\s-]?\d){8})(?!\d)")
NANP = re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?(\d{3})[\s.-](\d{4})(?!\d)")
NANP_LOCAL = re.compile(r"(?<![\d-])(\d{3})-(\d{4})(?![\d-])")
UK_MOBILE = re.compile(r"(?<!\d)(?:\+44\s?|0)7(\d{3})\s?(\d{3})\s?(\d{3})(?!\d)")
CN_ID = re.compile(r"(?<!\d)(\d{17}[\dXx])(?!\d)")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def load(part: str) -> list[dict[str, Any]]:
    name = PARTS[part][0]
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def corpus() -> dict[str, list[dict[str, Any]]]:
    return {part: load(part) for part in PARTS}


def spell_out_digits(text: str) -> str:
    """Digits written as Chinese numerals or English words become digits, so a spelled-out
    phone number is checked like a written one."""
    text = CN_DIGIT_RUN.sub(lambda m: "".join(CN_DIGITS.get(c, "") for c in m.group()), text)
    return EN_DIGIT_RUN.sub(
        lambda m: "".join(EN_DIGITS[w] for w in re.findall(r"[a-z]+", m.group())), text
    )


def is_allowed_host(host: str) -> bool:
    return (
        host in SHORTENER_HOSTS
        or host.endswith(".example")
        or any(host == s or host.endswith("." + s) for s in RESERVED_SUFFIXES)
    )


def foreign_hosts(text: str) -> list[str]:
    folded = BRACKETED_DOT.sub(".", unicodedata.normalize("NFKC", text).casefold())
    hosts = [h for h in HOST.findall(folded) if not is_allowed_host(h)]
    spelled = [
        word
        for word, tld in SPELLED_HOST.findall(folded)
        if word != "example" and (word, tld) not in SPELLED_ALLOWED
    ]
    return hosts + spelled


def is_valid_cn_id(number: str) -> bool:
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def real_looking_numbers(text: str) -> list[str]:
    folded = spell_out_digits(unicodedata.normalize("NFKC", text).casefold())
    bad = []
    for m in CN_MOBILE.finditer(folded):
        if not re.sub(r"\D", "", m.group(1)).startswith("1380013"):
            bad.append(m.group())
    for m in NANP.finditer(folded):
        if m.group(1) != "555" or not m.group(2).startswith("01"):
            bad.append(m.group())
    for m in NANP_LOCAL.finditer(folded):
        if m.group(1) == "555" and not m.group(2).startswith("01"):
            bad.append(m.group())
    for m in UK_MOBILE.finditer(folded):
        if m.group(1) != "700" or m.group(2) != "900":
            bad.append(m.group())
    for m in re.finditer(r"(?<!\d)1?(555\d{4})(?!\d)", folded):
        if not m.group(1).startswith("55501"):
            bad.append(m.group())
    for m in re.finditer(r"\d{10,11}", folded):
        digits = m.group()
        if len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789":
            continue  # a Chinese mobile number, checked above
        if (len(digits) == 10 or digits[0] == "1") and digits[-7:-4] == "555":
            if not digits[-4:].startswith("01"):
                bad.append(digits)
    bad.extend(n for n in CN_ID.findall(folded) if is_valid_cn_id(n))
    return bad


@pytest.mark.parametrize("part", PARTS)
def test_corpus_lines_follow_the_schema(corpus: dict[str, list[dict[str, Any]]], part: str) -> None:
    prefix = PARTS[part][1]
    for item in corpus[part]:
        keys = set(item)
        assert REQUIRED_KEYS <= keys <= REQUIRED_KEYS | OPTIONAL_KEYS, item
        assert re.fullmatch(rf"{prefix}\d{{4,}}", item["id"]), item["id"]
        assert item["lang"] in LANGS, item["id"]
        assert EXPECT.get(item["category"]) == item["expect"], item["id"]
        tags = item["evasions"]
        assert isinstance(tags, list) and set(tags) <= EVASIONS, item["id"]
        assert len(tags) == len(set(tags)), item["id"]
        assert isinstance(item["text"], str) and item["text"].strip(), item["id"]
        assert isinstance(item.get("why", ""), str), item["id"]


def test_corpus_ids_and_texts_are_unique_across_parts(
    corpus: dict[str, list[dict[str, Any]]],
) -> None:
    items = [item for part in PARTS for item in corpus[part]]
    ids = Counter(item["id"] for item in items)
    assert [i for i, n in ids.items() if n > 1] == []
    texts = Counter(
        re.sub(r"\W+", "", unicodedata.normalize("NFKC", i["text"])).casefold() for i in items
    )
    assert [t for t, n in texts.items() if n > 1] == []
    assert len(items) >= 2000


@pytest.mark.parametrize("part", PARTS)
def test_corpus_language_shares(corpus: dict[str, list[dict[str, Any]]], part: str) -> None:
    langs = Counter(item["lang"] for item in corpus[part])
    total = sum(langs.values())
    assert langs["zh"] / total >= 0.40, langs
    assert langs["en"] / total >= 0.40, langs
    assert langs["mixed"] > 0, langs


@pytest.mark.parametrize("part", PARTS)
def test_corpus_cells_reach_their_minimum(
    corpus: dict[str, list[dict[str, Any]]], part: str
) -> None:
    minimum = PARTS[part][2]
    cells = Counter((item["lang"], item["category"]) for item in corpus[part])
    short = {
        (lang, cat): cells[(lang, cat)]
        for lang in LANGS
        for cat in MUST_STOP_OR_CARE
        if cells[(lang, cat)] < minimum
    }
    assert short == {}


@pytest.mark.parametrize("part", PARTS)
def test_corpus_balance_of_honest_tricky_and_evasive_posts(
    corpus: dict[str, list[dict[str, Any]]], part: str
) -> None:
    items = corpus[part]
    honest = [i for i in items if i["expect"] == "publish"]
    assert 0.4 <= len(honest) / len(items) <= 0.6
    assert sum(i["category"] == "tricky" for i in items) / len(items) >= 0.15
    must_stop = [i for i in items if i["expect"] != "publish"]
    assert sum(bool(i["evasions"]) for i in must_stop) / len(must_stop) >= 0.25
    assert any(i["evasions"] for i in honest)
    assert {t for i in items for t in i["evasions"]} == EVASIONS


@pytest.mark.parametrize("part", PARTS)
def test_corpus_names_only_reserved_domains(
    corpus: dict[str, list[dict[str, Any]]], part: str
) -> None:
    offenders = {i["id"]: foreign_hosts(i["text"]) for i in corpus[part]}
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize("part", PARTS)
def test_corpus_uses_only_fictional_numbers(
    corpus: dict[str, list[dict[str, Any]]], part: str
) -> None:
    offenders = {i["id"]: real_looking_numbers(i["text"]) for i in corpus[part]}
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize(
    ("text", "hosts"),
    [
        ("join at signals.example/vip or bit.ly/abc", []),
        ("mail me: sophie dot m at example dot org", []),
        ("visit realshop.com now", ["realshop.com"]),
        ("加我 qq.com 邮箱", ["qq.com"]),
        ("write to me at gmail dot com", ["gmail"]),
        ("write to me: name [at] gmail [dot] com", ["gmail.com"]),
        ("link: tinyurl dot com slash x1, or example(.)net", []),
        ("see shop (.) xyz for more", ["shop.xyz"]),
        ("v2.13.0 broke it, s.h.i.t, Mr. Pike", []),
    ],
)
def test_foreign_hosts_finds_only_unreserved_domains(text: str, hosts: list[str]) -> None:
    assert foreign_hosts(text) == hosts


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("电话 138 0013 4521", False),
        ("电话 13912345678", True),
        ("手机号幺三九一二三四五六七八", True),
        ("手机号幺三八零零幺三四四五六", False),
        ("电话壹叁玖壹贰叁肆伍陆柒捌", True),
        ("five five five, oh one six two", False),
        ("five five five, oh nine six two", True),
        ("plus one five five five oh nine six two", True),
        ("call (212) 555-0142", False),
        ("call (212) 555-0199 or 555-0100", False),
        ("call (212) 867-5309", True),
        ("three one two, five five five, zero one four eight", False),
        ("three one two, five five five, two one four eight", True),
        ("+44 7700 900123", False),
        ("07911 123456", True),
        ("身份证号110101199003074321", False),
        ("身份证号11010119900307432X", True),
        ("顺丰单号SF1402938475612，订单号202406151234567890", False),
    ],
)
def test_real_looking_numbers_tells_fictional_from_real(text: str, flagged: bool) -> None:
    assert bool(real_looking_numbers(text)) is flagged
