"""Abuse aimed at a person, veiled threats and solicitation, written as families (not from
the evaluation corpus): contempt without a swear word in Chinese and mixed text, threats that
name a schedule, a home or a loved one, and offers of a night, a price or worn clothes; beside
them the ordinary sentences that share their words."""

from __future__ import annotations

import pytest

from app.moderation.normalize import normalize
from app.moderation.solicitation import mentions_solicitation
from app.moderation.targets import target_labels
from app.moderation.wordlists import HARASSMENT, HATE, VIOLENCE

HARASSMENT_AT_A_PERSON = [
    "你怎么还有脸来上课",
    "建议你回炉重造",
    "你妈没教过你做人吗",
    "就你这智商还考研？",
    "你这种人就不配有朋友",
    "谁会喜欢你啊，照照镜子吧",
    "你是不是没长脑子",
    "离我们远点，看见你就想吐",
    "你说话的样子真让人反胃",
    "赶紧退群吧，没人欢迎你",
    "你就是个笑话",
    "你活着就是浪费空气",
    "劝你别出门吓人了",
    "你这张脸真是车祸现场",
    "你爸妈生你的时候是不是后悔了",
    "你这样的人怎么还没被开除",
    "多读点书吧，别出来丢人了",
    "你也就这点本事了",
    "怪不得没人跟你玩",
    "你连狗都不如",
    "像你这种人，建议重新投胎",
    "三班那个戴眼镜的女生，天天装可怜给谁看",
    "你 really 是个 joke",
    "@lily 你这 face 真的 ugly 到我了",
    "你这 level 也敢来 apply？",
    "nobody 喜欢你 ok",
    "你是 the worst roommate ever",
    "你的 IQ 是负数吧",
    "你真的 so annoying，赶紧 leave 我们 group",
    "你这种 person 活该没朋友",
    "建议你去 check 一下脑子",
    "你穿成这样出门不怕被笑吗",
    "你是来搞笑的吧",
]

NOT_HARASSMENT = [
    "我真是个笑话",
    "我长得好丑",
    "这个设计好丑",
    "你好，请问图书馆几点关门",
    "你真的好可爱",
    "老师说你这次考得好",
    "这个 app 真的 so annoying",
    "我连狗都不如，天天加班",
    "我觉得你说得对",
    "建议你多喝水早点睡",
    "你的 IQ 测试结果出来了吗",
    "你是来面试的吧？在三楼",
    "你这张照片拍得真好",
    "你穿成这样出门好好看",
]

VEILED_THREATS = [
    "i know what time you leave work",
    "you should be careful who you talk to",
    "people like you end up in ditches",
    "keep talking and see where it gets you",
    "enjoy your last weekend",
    "don't be surprised when something happens to you",
    "you won't be so brave when i find you",
    "i'd hate to see your face on the news",
    "things happen to people who snitch",
    "snitches get stitches",
    "i hope your brakes work",
    "i've been parked outside your place all night",
    "tell your mom to enjoy her garden while she can",
    "your dog looks friendly, would be sad if it went missing",
    "we know where your kids go to school",
    "sleep with one eye open",
    "i'd watch my back if i were you",
    "you're lucky i'm not there right now",
    "i've got a bullet with your name on it",
    "don't go to the party saturday if you know what's good for you",
    "one day you'll turn a corner and i'll be there",
    "you have no idea what i'm capable of",
    "i wonder how fast your house would burn",
]

NOT_THREATS = [
    "watch your step, the floor is wet",
    "I'm coming for the title this season",
    "that joke killed",
    "i'll be outside the cafe at 5, see you there!",
    "you have until friday to submit the form",
    "i know where you can buy that cheaper",
    "enjoy your weekend everyone",
    "be careful driving, the roads are icy",
    "the party saturday is going to be fun",
    "my dog went missing yesterday, please help",
    "you're lucky you missed the storm",
]

SOLICITATION = [
    "有没有小哥哥今晚一起过夜",
    "单身女生，想找个男生晚上陪陪我，私",
    "寂寞了，求一个能陪我过夜的",
    "收女大学生，每月给生活费",
    "今晚酒店有人吗，房已开好",
    "附近的哥哥来玩，价格美丽",
    "一晚800，可以过夜",
    "男，25，找个同城的女生释放一下压力",
    "有没有男生想看我穿黑丝，私聊发",
    "姐姐腿好看，想舔",
    "求个p友",
    "可以上门，价格私聊",
    "深夜求陪，互相安慰身体",
    "想被哥哥疼爱一晚",
    "出售我的私密视频，20一部",
    "找个女生睡一觉，给红包",
    "anyone want to come over and keep me warm tonight",
    "looking for a generous gentleman",
    "selling my worn socks, dm",
    "new in town, looking for some adult fun",
    "who's up for something casual tonight, my place",
    "car date tonight? dms open",
    "$200/hr, discreet, verified",
    "my spicy page link in bio",
    "29m here, who wants to play tonight",
    "need a sugar mommy",
    "come sit on my face",
    "i'll show you everything for $20",
    "rate my body and i'll send more",
    "massage with extras, ask for details",
    "need a girl to spend the night, will pay",
    "wanna see what's under my dress?",
]

NOT_SOLICITATION = [
    "Sex Education season 4 is out",
    "how do I talk to my kid about sex",
    "我们约个饭吧",
    "今晚有人一起跑步吗",
    "酒店房间已经订好了，明天出差",
    "looking for a roommate downtown",
    "anyone want to come over and play board games tonight",
    "our cat got neutered",
    "massage therapist recommendations for back pain",
    "my gp asked about my sexual health",
    "new in town, looking for some hiking buddies",
    "一晚800的酒店太贵了",
    "收二手教材，私聊",
    "who wants to play mario kart tonight",
]


# A second round: English contempt without the usual insults, group hate phrased as a trait or
# a danger, more Chinese and English offers.
HARASSMENT_AT_A_PERSON += [
    "you're honestly the most useless person i've ever met",
    "imagine being this ugly and still posting selfies",
    "nobody at work can stand you, just so you know",
    "@mike_t you smell, everyone says it behind your back",
    "do us all a favor and stop talking in meetings",
    "you're why your parents divorced",
    "go cry to your mommy, crybaby",
    "you dress like a homeless person",
    "your laugh is the most annoying sound on earth",
    "you'll never amount to anything",
    "你就是个拖油瓶，大家都被你连累",
    "你做什么都做不好",
    "你长得跟个土豆一样",
    "你这种人就该一辈子单身",
    "你说话能不能过过脑子",
    "你还是别说话了，一开口就暴露智商",
    "我要是你早就没脸活了",
    "你爸妈怎么养出你这种东西",
    "@小林 你天天装什么装",
    "you 真的 so fake，大家都看穿你了",
    "你这个 loser 连个 girlfriend 都找不到",
    "ur 脑子 是不是 broken",
    "everyone in 班里 都 hates you",
]

NOT_HARASSMENT += [
    "you're the most helpful person i've ever met",
    "i look so ugly in this photo lol",
    "nobody at work can stand the new coffee machine",
    "do us all a favor and bring cookies tomorrow",
    "你做的饭真好吃",
    "我做什么都做不好，好烦",
    "你说话好有道理",
    "你还是别熬夜了，身体要紧",
]

HATE_AT_A_GROUP = [
    "immigrants are ruining this country and everyone knows it",
    "muslims can't be trusted, they're all the same",
    "gay people are a danger to children",
    "women are too emotional to be in charge of anything",
    "trans people are mentally ill, not brave",
    "you can't trust a jew with money",
    "those people breed like rabbits and live off welfare",
    "black people are naturally more violent",
    "asians can't drive, it's genetic",
    "disabled people are a waste of resources",
    "poor people are poor because they're lazy and stupid",
    "indians smell like curry and never shower",
    "mexicans are all drug dealers",
    "the only good immigrant is a deported one",
    "refugees are just criminals with a sob story",
    "feminists are ugly women nobody wanted",
    "old people should hurry up and die already",
    "gays shouldn't be allowed near schools",
]

NOT_HATE = [
    "immigrants built this city and i'm proud of my grandparents",
    "a muslim classmate explained ramadan to me today",
    "my gay uncle is the best cook in the family",
    "women in tech panel was great",
    "trans people deserve healthcare",
    "the jewish deli near me has the best bagels",
    "he said black people are violent and i reported him",
    "asians are underrepresented in film, says the study",
]

SOLICITATION += [
    "晚上有没有男生来我家，我一个人",
    "可以陪聊，也可以线下，价格私",
    "姐妹们，有没有想赚快钱的，陪老板吃饭喝酒，懂的",
    "高价收女生的照片，尺度越大越好",
    "我男朋友满足不了我，想找个人",
    "今晚想要，谁来",
    "兼职模特，可以拍私房，可以过夜",
    "找个女大学生当女朋友，每个月给零花钱",
    "出差一个人住酒店，有没有附近的妹妹来聊聊",
    "加v看我洗澡视频",
    "looking for a discreet affair, married is fine",
    "horny and alone, who's around",
    "i do private shows on snap, $15 a pop",
    "anyone want to hook up after the party",
    "paying for a girl to keep me company overnight",
    "sub looking for a dom tonight",
    "dm me if you want to see more of me ;)",
    "selling pictures of my feet and more",
]

NOT_SOLICITATION += [
    "晚上有没有人来我家打麻将",
    "可以陪聊天，我也失眠，一起熬夜吧",
    "找个人一起合租，价格私聊",
    "加v发作业答案",
    "we're hosting a board game night, everyone welcome",
    "looking for a discreet way to tell my boss i'm quitting",
    "dm me if you want the recipe",
    "我们班的性教育课讲得很好",
]


# A third round: threats naming a plate, a school, a car at the door (en, zh), and digs at a
# person in Chinese and mixed text.
VEILED_THREATS += [
    "you're going to wish you never posted that",
    "i've memorized your license plate",
    "it'd be easy to find out where you sleep",
    "i'll see you after class, alone",
    "next time you won't be walking away",
    "i hope you like hospital food",
    "keep it up and you'll find out what happens",
    "your little brother walks home alone, right?",
    "i know your daughter's school",
    "something might happen to your car tonight",
    "you've got a nice face, would be a shame to ruin it",
    "tell anyone and you'll regret being born",
    "watch what happens to you on monday",
    "我知道你每天几点下班",
    "你女儿在哪个幼儿园我都知道",
    "再发一次试试，看我怎么弄你",
    "明天放学你等着",
    "你家门口那辆车是你的吧，挺新的",
    "小心你的车",
    "信不信我让你在这个城市待不下去",
    "你再敢说一句，我保证你后悔",
    "我会让你付出代价的",
    "等着收尸吧",
]

NOT_THREATS += [
    "i'll see you after class for the study group",
    "i memorized the lyrics to the whole album",
    "next time you're in town let me know",
    "watch what happens on monday's episode",
    "我知道你每天很辛苦",
    "明天放学一起去吃饭吧",
    "小心路滑",
    "我会让你看到我的进步",
]

HARASSMENT_AT_A_PERSON += [
    "你怎么这么没用啊，废了",
    "有些人真的不知道自己几斤几两",
    "@王磊 别再发你那些自拍了，辣眼睛",
    "你这种人谁沾上谁倒霉",
    "你就不能去整个容吗",
    "看你的帖子就知道你没读过书",
    "你 everyday 都在 act，累不累",
    "你这个 personality 真的没人受得了",
    "hey @jess 你 boyfriend 知道你这么 cheap 吗",
    "so ugly 还好意思 post 出来，你 mirror 坏了吗",
]

NOT_HARASSMENT += [
    "我怎么这么没用啊，又睡过头了",
    "有些人真的很努力，我很佩服",
    "我不知道自己几斤几两，先试试吧",
    "这个 personality test 真的很准",
]


@pytest.mark.parametrize("text", HATE_AT_A_GROUP)
def test_a_trait_or_danger_ascribed_to_a_group_is_hate(text: str) -> None:
    assert HATE in target_labels(normalize(text))


@pytest.mark.parametrize("text", NOT_HATE)
def test_talk_about_a_group_is_not_hate(text: str) -> None:
    assert not target_labels(normalize(text))


@pytest.mark.parametrize("text", HARASSMENT_AT_A_PERSON)
def test_contempt_at_a_person_is_harassment(text: str) -> None:
    assert HARASSMENT in target_labels(normalize(text))


@pytest.mark.parametrize("text", NOT_HARASSMENT + NOT_THREATS)
def test_ordinary_sentences_with_the_same_words_are_not_abuse(text: str) -> None:
    assert not target_labels(normalize(text))


@pytest.mark.parametrize("text", VEILED_THREATS)
def test_veiled_threats_are_violence(text: str) -> None:
    assert VIOLENCE in target_labels(normalize(text))


@pytest.mark.parametrize("text", SOLICITATION)
def test_offers_of_a_night_a_price_or_worn_clothes_are_solicitation(text: str) -> None:
    assert mentions_solicitation(normalize(text))


@pytest.mark.parametrize("text", NOT_SOLICITATION)
def test_dates_errands_and_sex_education_are_not_solicitation(text: str) -> None:
    assert not mentions_solicitation(normalize(text))
