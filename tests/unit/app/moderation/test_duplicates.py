from __future__ import annotations

import itertools
import random

import pytest

from app.moderation.decision import ALLOW, HOLD
from app.moderation.duplicates import (
    DEFAULT_MAX_DISTANCE,
    check_duplicate,
    fingerprint,
    has_enough_text,
    is_near_duplicate,
)
from app.moderation.normalize import normalize

from .corpus import FLOOD_EN, FLOOD_ZH, GENUINE_POSTS, flood_variant


def fp(text: str) -> str:
    return fingerprint(normalize(text))


def test_fingerprint_is_sixteen_hex_digits_and_deterministic() -> None:
    value = fp("The bakery downstairs gives free bread to students.")
    assert len(value) == 16 and int(value, 16) >= 0
    assert value == fp("The bakery downstairs gives free bread to students.")


def test_fingerprint_ignores_case_punctuation_width_and_digits() -> None:
    base = fp("Call now, only 300 yuan per day, limited places!")
    assert fp("CALL NOW!!! only 999 yuan per day... limited places") == base
    assert fp("Ｃａｌｌ ｎｏｗ, only 12 yuan per day, limited places!") == base


@pytest.mark.parametrize("base", [FLOOD_EN, FLOOD_ZH])
def test_is_near_duplicate_flags_a_flood(base: str) -> None:
    rnd = random.Random(20240520)
    recent: list[str] = []
    flagged = 0
    for index in range(200):
        text = base if index == 0 else flood_variant(base, rnd)
        value = fp(text)
        duplicate = is_near_duplicate(value, recent)
        if index == 0:
            assert not duplicate
        flagged += duplicate
        recent.append(value)
    assert flagged >= 199


@pytest.mark.parametrize("base", [FLOOD_EN, FLOOD_ZH])
def test_is_near_duplicate_catches_each_single_edit_of_the_original(base: str) -> None:
    rnd = random.Random(7)
    original = fp(base)
    variants = [flood_variant(base, rnd) for _ in range(50)]
    assert all(is_near_duplicate(fp(text), [original]) for text in variants)


def test_is_near_duplicate_keeps_distinct_posts_apart() -> None:
    assert len(set(GENUINE_POSTS)) == 50
    fingerprints = [fp(text) for text in GENUINE_POSTS]
    for a, b in itertools.combinations(fingerprints, 2):
        assert not is_near_duplicate(a, [b], DEFAULT_MAX_DISTANCE)
    recent: list[str] = []
    for value in fingerprints:
        assert not is_near_duplicate(value, recent)
        recent.append(value)


def test_is_near_duplicate_respects_max_distance() -> None:
    assert is_near_duplicate("0000000000000000", ["000000000000000f"], max_distance=4)
    assert not is_near_duplicate("0000000000000000", ["000000000000000f"], max_distance=3)
    assert not is_near_duplicate("0000000000000000", [])


@pytest.mark.parametrize("text", ["hi", "+1", "谢谢", "ok!!", "me too", "同意同意"])
def test_check_duplicate_never_compares_short_texts(text: str) -> None:
    normalized = normalize(text)
    assert not has_enough_text(normalized)
    assert check_duplicate(normalized, [fingerprint(normalized)]).action == ALLOW


def test_check_duplicate_holds_a_copy() -> None:
    normalized = normalize(GENUINE_POSTS[0])
    verdict = check_duplicate(normalized, [fingerprint(normalize(GENUINE_POSTS[0] + "!!"))])
    assert (verdict.action, verdict.reason) == (HOLD, "duplicate")
    assert check_duplicate(normalized, [fp(GENUINE_POSTS[1])]).action == ALLOW
