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


@pytest.mark.parametrize(
    "text",
    ["kms", "ctb tonight", "sewerslide is the only option", "i want to unalive myself",
     "I've been saving up my sleeping pills", "this is my goodbye, take care of my cat",
     "i   w a n t   t o   d i e", "想紫砂", "想自鲨", "我想zisha", "bu xiang huo le",
     "安眠药攒了很多了", "想睡了，不再醒来的那种", "想去天台吹吹风，可能就不下来了", "遗书写好了",
     "又用刀划手了", "我走了以后大家会轻松吧", "想 自*杀"],
)  # fmt: skip
def test_intent_euphemisms_and_evasions_are_found(text: str) -> None:
    assert mentions_self_harm(normalize(text))


@pytest.mark.parametrize(
    "text",
    ["Suicide Squad was fun", "《自杀小队》挺好看", "two years self-harm free today",
     "if your friend talks about suicide, stay with them and call a crisis line",
     "我室友总说活着没意思，我该怎么劝她去看心理医生", "自杀干预热线的志愿者培训开始报名了",
     "this boss fight killed me 30 times", "游戏里我死了三十多次", "热死了，空调坏了",
     "dying of laughter at this meme", "the band is called The Suicide Kings",
     "医生给我开了安眠药，副作用大不大"],
)  # fmt: skip
def test_titles_support_and_figures_of_speech_are_not(text: str) -> None:
    assert not mentions_self_harm(normalize(text))
