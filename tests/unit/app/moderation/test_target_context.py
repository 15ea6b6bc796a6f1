"""Who is aimed at, and whose words they are: the same threat, insult or generalisation is the
poster's own when it reaches a reader (你, you), and not when it is reported speech, a warning
to everyone, a game, an everyday verb or another sentence. Written for these tests, not taken
from the evaluation corpus."""

from __future__ import annotations

import pytest

from app.moderation.normalize import normalize
from app.moderation.targets import target_labels
from app.moderation.wordlists import HARASSMENT, HATE, VIOLENCE


def labels(text: str) -> set[str]:
    return target_labels(normalize(text))


@pytest.mark.parametrize(
    "text",
    [
        "你等着，我会让你在全班面前抬不起头",
        "再来烦我，我就把你的聊天记录发到你们公司群",
        "截图我全部发给你老婆，你自己想想后果",
        "聊天记录和照片我一起发给她男朋友",
        "ur gonna get jumped if u come back here",
        "you will get hurt if you keep showing up at my door",
        "I'm going to tell your boss everything you did",
        "i swear i will find you after practice",
        "不还钱就把你那些照片发到网上",
    ],
)
def test_threats_that_reach_the_reader(text: str) -> None:
    assert VIOLENCE in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "新闻说城南有人被抢了，大家晚上小心点",
        "社死现场，把周报发到了家长群里",
        "他威胁我说不转钱就把照片发到我们系的群里，我已经报警了",
        "朋友被开盒了，电话住址全被发到网上，太可怕了",
        "真正的客服永远不会让你在网页里输验证码",
        "I beat him at chess again and he sulked all night",
        "should I tell her parents or is that overstepping?",
        "we had a power cut and everyone went to bed early",
        "send me home already, this shift is endless",
        "once I find out which bus goes there I'll tell you",
    ],
)
def test_reports_warnings_and_everyday_verbs_are_not_threats(text: str) -> None:
    assert VIOLENCE not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "评论区说得对，你就是个笑话",
        "你的存在本身就是一种污染",
        "you are a pathetic, lonely little man",
        "@mira_k you're such a sad excuse for a captain",
    ],
)
def test_insults_at_a_person(text: str) -> None:
    assert HARASSMENT in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "评论区有人叫那个主播去死，看得我好难受",
        "小学时有人在我课本上写“去死”，我哭了一晚上",
        "培训时老师说：你不是一个人。说出来不丢人。",
        "校园网就是个笑话，又断了",
        "find a hobby where you are the worst player on the team, it's freeing",
        "所有要你先交押金的兼职，都是骗子",
        "如果你朋友说想死，don't joke about it",
    ],
)
def test_reported_generic_or_split_sentences_are_not_harassment(text: str) -> None:
    assert HARASSMENT not in labels(text)


@pytest.mark.parametrize("text", ["这里的男的都该 extinct", "那些女司机都是马路杀手，都该死"])
def test_group_hate(text: str) -> None:
    assert HATE in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "有人在业主群里说外地人都是骗子，被大家怼回去了",
        "狼人杀里我当女巫，一晚上就把狼人毒死了",
        "白天好热，晚上就凉快了，死冷",
    ],
)
def test_reported_hate_and_games_are_not_hate(text: str) -> None:
    assert HATE not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "Koreans 全是 fake 的，脸都是整出来的",
        "河北人个个都是 liars，别跟他们合作",
        "那些 immigrants 真的 dirty，住的地方都 smell",
        "gays 都是 diseased，离他们远点",
        "deaf people 就是 burden，公司别招",
        "湖南佬一个个都是骗子",
        "catholics are all brainwashed sheep",
    ],
)
def test_group_hate_across_both_languages(text: str) -> None:
    assert HATE in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "Koreans 做的 fried chicken 真的好吃",
        "河北人真的好热情，上次迷路还有人带我走",
        "不是所有 immigrants 都是 criminals，别听他瞎说",
        "有人说 gays 都是 diseased，我直接举报了",
        "deaf people 在 office 也能做得很好",
        "the Irish pub near campus is great, all the staff are lovely",
        "my grandma says all immigrants are lazy and it drives me mad",
    ],
)
def test_group_mentions_praise_and_refuted_stereotypes_are_not_hate(text: str) -> None:
    assert HATE not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "I still have the recordings from that weekend. Your husband would find them fascinating.",
        "pay what you owe or the photos end up on every forum your school reads",
        "Want me to show your girlfriend what you sent me last summer?",
        "i'm slashing your tyres tonight, don't bother parking there",
        "you have until friday to apologise, after that it's out of my hands",
        "You jog past the canal every evening, right? That stretch gets pretty dark.",
        "people who cross me usually have accidents",
        "Enjoy the new job while it lasts.",
        "keep lying about me and you'll be going home in an ambulance",
        "w a t c h  y o u r  b a c k",
        "再说我一句，我让你下不了床",
        "你那些聊天记录我都存着，想清楚再拉黑我",
        "这笔账我迟早跟你算",
        "你妹妹每天放学走的那条小路挺偏的",
        "不删帖的话，不然你的学号明天就会出现在群里",
        "你再敢来我家楼下吵，等着",
        "别让我在食堂碰到你",
    ],
)
def test_veiled_threats_and_exposure(text: str) -> None:
    assert VIOLENCE in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "I still have the photos from our trip, want me to send them to the group?",
        "If you run every morning the park is lovely, you should try it",
        "you have until friday to hand in the form, the office closes at five",
        "I'm sending your mum a birthday card, she was so kind to me",
        "enjoy the sunshine, it won't last",
        "考研倒计时三十天，给自己加油",
        "我在你楼下了，快下来吃饭",
        "你每天晚上都学到这么晚，注意身体",
        "别想太多，早点睡",
        "这家店我有的是好感，下次还来",
    ],
)
def test_everyday_talk_with_threat_words_is_not_a_threat(text: str) -> None:
    assert VIOLENCE not in labels(text)


@pytest.mark.parametrize("text", ["删我好友？行，那些截图明天发到表白墙", "不想社死就乖乖把钱还了"])
def test_exposure_without_a_you(text: str) -> None:
    assert VIOLENCE in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "我妈把我小时候的照片发在家族群里，尴尬死",
        "考试那天我摔了一跤，大型社死",
        "那个偷拍的人把视频发到网上的事被警察查了",
        "骗子威胁她说要把照片发给家人，她直接报警了",
    ],
)
def test_exposure_done_told_or_suffered_is_not_a_threat(text: str) -> None:
    assert VIOLENCE not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "you're a two-faced, gossiping little snake, Marcus",
        "@theo_plays your music is genuinely painful to listen to",
        "Bryce has the attention span of a goldfish and the manners of one too",
        "everyone in this server is tired of you, just log off forever",
        "@jen_w 🤡🤡🤡",
        "楼上是猪吧，这都看不懂",
        "你是来上课还是来睡觉的？",
        "全组的人都看不起你，王磊",
        "你唱歌真难听，别在群里发语音了",
        "你也配当班长？",
    ],
)
def test_harassment_without_swear_words(text: str) -> None:
    assert HARASSMENT in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "you are not a failure for needing a break",
        "your cooking is amazing, thank you for dinner",
        "if you're a night owl like me, this app is great",
        "楼上说得对，我也这么觉得",
        "我真是公司之耻，又把报表做错了",
        "照照镜子发现自己胖了，要减肥了",
        "大家都喜欢你，别担心",
        "I'm tired of winter, everyone is",
    ],
)
def test_kind_words_and_self_talk_are_not_harassment(text: str) -> None:
    assert HARASSMENT not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "every refugee is a criminal in waiting, wake up",
        "people from the valley are inbred, everyone knows it",
        "folks from that part of town are leeches, every one of them",
        "autistic kids shouldn't be allowed in normal classes, they're a burden",
        "bisexuals aren't real, pick a side",
        "the dirtiest people on earth, honestly, don't rent to them",
        "immigrants = rats",
    ],
)
def test_english_group_hate_families(text: str) -> None:
    assert HATE in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "women are really good at this game, my whole squad is girls",
        "people from the south are so friendly, I loved my trip",
        "every woman in my family is a nurse",
        "disabled kids should be allowed in every class, inclusion matters",
        "not all immigrants are criminals, that's a lazy stereotype",
        "trans women are women, full stop",
    ],
)
def test_english_group_talk_that_is_not_hate(text: str) -> None:
    assert HATE not in labels(text)


@pytest.mark.parametrize("text", ["cnm 的破网，又断了", "操你妈的这破电脑，蓝屏三次了"])
def test_swearing_at_a_thing_is_not_harassment(text: str) -> None:
    assert HARASSMENT not in labels(text)


@pytest.mark.parametrize("text", ["操你妈，张伟你个骗子", "日你全家 @小林"])
def test_swearing_at_a_person_is_harassment(text: str) -> None:
    assert HARASSMENT in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "残疾人就该待在家里",
        "江西人像老鼠一样，到哪都偷",
        "农民工就别出来挤地铁了，拖累大家",
        "贵州人没一个靠谱的",
        "山西人 = liars",
    ],
)
def test_chinese_group_told_where_it_belongs_or_likened_to_vermin(text: str) -> None:
    assert HATE in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "女生不适合熬夜太晚，对皮肤不好",
        "日本狗狗好可爱，柴犬太萌了",
        "残疾人出行更需要无障碍设施",
        "东北人太热情了，请我吃了一顿锅包肉",
        "残疾人就该出来走走，多晒太阳",
    ],
)
def test_chinese_group_talk_that_is_not_hate(text: str) -> None:
    assert HATE not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "我说“你这种人怎么还不去死”",
        "赵明我跟你讲：“你就是个废物”",
        "周婷，我就问你一句：“你怎么还有脸活着？”",
        'I said "you should just disappear, Carl"',
        "Kevin, I'm telling you now: \"you're dead when I find you\"",
        '@marisol_k "nobody wants you here, go die"',
        '"you are a worthless waste of space" - that is what I tell you every day',
        "“你怎么还不去死”",
    ],
)
def test_quotation_marks_do_not_hide_the_posters_own_words(text: str) -> None:
    assert labels(text) & {HARASSMENT, VIOLENCE}


@pytest.mark.parametrize(
    "text",
    [
        "有人在评论区说“你怎么还不去死”，我已经举报了",
        "他骂我“你就是个废物”，我当场就哭了",
        '有人 @ 我说 "go die"，已经截图举报',
        'someone wrote "you should just disappear" under my post and I reported it',
        'my ex used to say "nobody wants you here" and I believed it for years',
    ],
)
def test_someone_elses_words_in_quotes_stay_reported(text: str) -> None:
    assert not labels(text) & {HARASSMENT, VIOLENCE}
