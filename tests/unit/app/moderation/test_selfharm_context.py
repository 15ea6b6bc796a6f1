"""Whose words and which time: acute signs find a plan even beside talk of therapy, while quoted
speech, recovery stories, milestones and talk about someone else at risk do not show the help
page. Written for these rules, not taken from the evaluation corpus."""

from __future__ import annotations

import pytest

from app.moderation.filters import FilterSet, default_rules
from app.moderation.normalize import normalize
from app.moderation.selfharm import mentions_self_harm
from app.moderation.selfharm_context import blank_others_words
from app.moderation.wordlists import SELF_HARM, default_allowlist, default_terms

ACUTE = [
    # means in hand
    "picked up a rope from the hardware store on my lunch break",
    "the pills are lined up next to my bed",
    "been hoarding my meds instead of swallowing them",
    "how many of my blood pressure tablets would it take",
    "下班顺路买了木炭和胶带",
    "把攒下来的安定数了一遍",
    "药箱里的药都找出来了，💊 今晚一次全部吃掉",
    "刀片藏在笔袋里，晚上回宿舍就用",
    # an edge or water with no way back
    "stood on the ledge of the car park, next time i won't step back",
    "在楼顶坐了很久，下次不会再下来了",
    "海边的风很大，想直接走进海里",
    # a choice or date made, affairs in order
    "if i'm not online tomorrow just know it was planned",
    "my will is signed and my passwords are in the drawer",
    "the date 定在周五了",
    "账号密码都写在本子上了",
    "我把东西都送人了，就差最后一步",
    # euphemisms for ending one's life
    "honestly thinking about self deleting",
    "i just want to off myself",
    "想退出这个世界了",
    "今晚就是我的最后一晚了",
    # a goodbye with a reason it is final
    "bye everyone. it wasn't your fault, i just can't keep going",
    "对不起，撑不下去了，大家再见",
    # even beside therapy talk
    "my therapist thinks i'm better but i bought the stuff i need",
]

NOT_ACUTE = [
    # quoted speech that is someone else's
    'my little cousin yelled "i want to die" when his ice cream fell',
    "客户在电话里说“再不发货我就去死”，我笑了",
    "我们镇上有条路叫“上吊坡”，其实很好走",
    # recovery stories and milestones
    "two years ago i tried to end my life. today i got my nursing licence",
    "400 days since i last hurt myself",
    "去年这个时候我天天想死，现在好多了，谢谢你们",
    "戒掉自残三百天了",
    # about someone else
    "if a friend tells you they want to die, stay with them",
    "我朋友最近总是想不开，我该怎么劝她",
    # ordinary uses of the same words
    "my thumb was bleeding after building the shelf",
    "the dog sniffed every blade of grass",
    "the tomatoes are going to die if i forget to water them",
    "don't jump to conclusions about pills",
    "醫生說吃藥觀察就行",
    "晕车药准备好了，明天出发",
    "新买的刀片用来刮胡子",
    "朋友把自己的旧书送人了",
    "我要 die 了（开心的那种）",
    "please delete my old account for me",
    "今天是最后一天上班，明天开始休假",
    "退出这个群了，太吵",
]


@pytest.mark.parametrize("text", ACUTE)
def test_acute_signs_show_the_help_page(text: str) -> None:
    assert mentions_self_harm(normalize(text), care_threshold=1.0)


@pytest.mark.parametrize("text", NOT_ACUTE)
def test_others_words_the_past_and_ordinary_uses_do_not(text: str) -> None:
    assert not mentions_self_harm(normalize(text), care_threshold=1.0)


def test_a_quote_introduced_as_ones_own_thought_is_kept() -> None:
    text = "每次想到“我不在了大家会轻松”，就觉得是真的"
    assert blank_others_words(text) == text
    assert "上吊" not in blank_others_words("路标上写着“上吊坡”")


@pytest.mark.parametrize(
    "text", ["“我真的不想活了，药都攒好了”", '"i have the pills saved up. tonight."']
)
def test_a_post_that_is_only_a_quote_is_the_posters_own(text: str) -> None:
    assert blank_others_words(text) == text
    assert mentions_self_harm(normalize(text), care_threshold=1.0)


@pytest.mark.parametrize(
    ("text", "warned"),
    [
        ("i want to die, nobody would notice", True),
        ("我真的不想活了", True),
        ('the chorus goes "i want to die young" and it slaps', False),
        ("三年前我天天想死，后来去看了医生，现在好多了", False),
        ("if someone tells you they want to die, believe them", False),
    ],
)
def test_the_filters_self_harm_warning_follows_whose_words_they_are(
    text: str, warned: bool
) -> None:
    filters = FilterSet.build(default_rules(), default_terms(), {}, default_allowlist())
    verdict = filters.check(normalize(text))
    assert (verdict.reason == SELF_HARM) is warned
