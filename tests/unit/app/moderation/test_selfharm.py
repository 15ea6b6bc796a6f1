from __future__ import annotations

import pytest

from app.moderation.normalize import normalize
from app.moderation.selfharm import build_self_harm_matcher, mentions_self_harm


@pytest.mark.parametrize(
    "text",
    ["I want to kill myself", "i wanna die", "thinking about suicide again", "KILL MYSELF",
     "k i l l myself", "I don't want to live anymore", "我不想活了", "我想自杀", "我想自殺",
     "真的活不下去了", "昨晚又割腕了", "不 想 活 了"],
)  # fmt: skip
def test_mentions_self_harm_finds_english_and_chinese(text: str) -> None:
    assert mentions_self_harm(normalize(text))


@pytest.mark.parametrize(
    "text",
    ["this exam is killing me", "杀死比赛", "I killed it at the interview", "我想死你了",
     "跳楼价大甩卖", "笑死我了", "the suitcase is heavy", "今天很开心"],
)  # fmt: skip
def test_mentions_self_harm_ignores_figures_of_speech(text: str) -> None:
    assert not mentions_self_harm(normalize(text))


def test_mentions_self_harm_uses_a_given_matcher() -> None:
    matcher = build_self_harm_matcher(["walk into the sea"], ["walk into the sea view"])
    assert mentions_self_harm(normalize("tonight I will walk into the sea"), matcher)
    assert not mentions_self_harm(normalize("tonight I will walk into the sea"))
    assert not mentions_self_harm(normalize("we walk into the sea view hotel"), matcher)
