from __future__ import annotations

import pytest

from app.moderation.normalize import normalize
from app.moderation.targets import target_labels
from app.moderation.wordlists import HARASSMENT, HATE, VIOLENCE


def labels(text: str) -> set[str]:
    return target_labels(normalize(text))


@pytest.mark.parametrize(
    "text",
    ["you are such a worthless loser", "ur so stupid lol", "@sam_k nobody likes you, go die",
     "kys", "Jamie is a braindead clown", "you absolute 🤡", "ｙｏｕ ａｒｅ ａ ｃｌｏｗｎ",
     "you are a waste of space", "do everyone a favour and delete your account",
     "你这个废物", "王小明你就是个傻逼", "你个煞笔", "你 是 个 垃 圾", "nmsl", "你也配活着？",
     "隔壁班那个胖子真恶心", "@阿杰 你真是个小丑", "你這個廢物", "你就是个sb"],
)  # fmt: skip
def test_insults_at_a_person_are_harassment(text: str) -> None:
    assert HARASSMENT in labels(text)


@pytest.mark.parametrize(
    "text",
    ["I'm such an idiot, forgot my keys again", "this week was shit", "我真是个废物，又睡过头了",
     "热死了", "笑死我了", "tmd又加班", "卧槽这雨太大了", "this printer is stupid",
     'someone called me a "worthless loser" today and it hurt',
     '他骂我"傻逼"，我很难过', "how do you tell your parents you want to drop out?",
     "I want to disappear under my blanket after that meeting"],
)  # fmt: skip
def test_self_talk_situations_and_quoted_abuse_are_not(text: str) -> None:
    assert HARASSMENT not in labels(text)


@pytest.mark.parametrize(
    "text",
    ["I will find you and hurt you", "i'm gonna k i l l you", "watch your back, Sam",
     "pay me by friday or your nudes go to your whole family", "🔪 see you after school",
     "I know where you live", "我要弄死你", "你给我等着", "信不信我弄si你", "wo yao nong si ni",
     "不给钱我就把你的照片发到班群里", "放学别走", "走夜路小心点哦", "你死定了"],
)  # fmt: skip
def test_threats_of_violence_or_exposure(text: str) -> None:
    assert VIOLENCE in labels(text)


@pytest.mark.parametrize(
    "text",
    ["this deadline is going to kill me", "我妈说再不回家就打死我，哈哈", "I killed it at the gig",
     "the plot of that thriller is wild", "杀鸡儆猴这个成语挺形象"],
)  # fmt: skip
def test_figures_of_speech_are_not_threats(text: str) -> None:
    assert VIOLENCE not in labels(text)


@pytest.mark.parametrize(
    "text",
    ["immigrants are vermin", "ｍｉｇｒａｎｔｓ ａｒｅ ｒａｔｓ", "gays should be locked up",
     "women shouldn't be allowed to vote", "all refugees are criminals", "go back to your country",
     "湖南人都是骗子", "同性恋都是变态", "黑鬼滚出去", "女人就是低等生物", "河蓝人都是小偷",
     "外地人就是蝗虫"],
)  # fmt: skip
def test_dehumanising_statements_about_a_group_are_hate(text: str) -> None:
    assert HATE in labels(text)


@pytest.mark.parametrize(
    "text",
    ["湖南米粉真好吃", "东北人真的很热情", "women's football is great to watch",
     "immigrants built this city", "我是同性恋，今天出柜了", "the government's new tax is awful"],
)  # fmt: skip
def test_mentioning_a_group_is_not_hate(text: str) -> None:
    assert HATE not in labels(text)
