"""Texts shared by the moderation tests: genuine posts and a spam flood generator."""

from __future__ import annotations

import random
import re

GENUINE_POSTS = (
    "I finally finished my thesis after three years and I honestly don't know how to feel.",
    "Does anyone else get nervous before phone calls? I rehearse what I'll say for ages.",
    "My cat knocked a glass off the table this morning and then stared at me like it was my fault.",
    "Started learning the piano at 34. My fingers refuse to cooperate but it is so much fun.",
    "I told my best friend I was moving abroad and she cried. Now I'm second-guessing everything.",
    "Is it normal to miss a job you hated? I keep thinking about my old coworkers.",
    "Cooked dinner for my parents for the first time. The rice was burnt but they ate it all.",
    "I've been running every morning for a month and my knees are not happy about it.",
    "Secretly I still sleep with the stuffed rabbit I had when I was five.",
    "Our landlord raised the rent again, third time in two years. We can't keep up.",
    "The library near my flat closes at six now, which ruins my whole study routine.",
    "I read fifty pages of a novel on the train and missed my stop completely.",
    "Somebody left a kind note on my bike saying they liked the bell. Made my week.",
    "I pretend to understand wine at dinners. I really cannot taste the difference.",
    "Grandma taught me her dumpling recipe over video call and I wrote down every step.",
    "I'm scared my startup will fail and everyone who invested will be disappointed in me.",
    "Why do meetings that could have been emails always happen on Friday afternoons?",
    "I planted tomatoes on the balcony and the pigeons ate every single seedling.",
    "My brother and I haven't spoken since the wedding. I want to call but I don't know how.",
    "Finished a thousand-piece puzzle last night; one piece was missing, of course.",
    "I volunteer at the animal shelter on weekends and it is the best part of my life.",
    "Watching the sunrise from the night bus after a long shift felt strangely peaceful.",
    "I've worn the same coat for nine winters and refuse to replace it.",
    "Learning to drive at thirty is humbling; the instructor sighs a lot.",
    "Our team won the quiz night because I remembered the capital of Mongolia.",
    "今天终于鼓起勇气跟导师说了我想换研究方向，没想到他很支持我。",
    "楼下新开了一家面馆，牛肉面分量很足，老板还会多给一个卤蛋。",
    "最近失眠很严重，每天凌晨三点醒来就再也睡不着了，有没有人有好办法？",
    "周末带妈妈去爬山，她比我走得还快，我在后面喘得不行。",
    "工作三年了还是不太敢在会议上发言，总觉得自己说的不够好。",
    "养了两年的绿萝终于开始爬满整个书架了，看着心情特别好。",
    "第一次一个人去旅行，在火车上认识了一位退休的老师，聊了一路。",
    "室友每天晚上打游戏到很晚，我不知道该怎么跟她开口。",
    "今天下雨没带伞，一个陌生的阿姨把伞借给了我，还说不用还。",
    "学了半年的日语，终于能看懂一点动画里的台词了，好开心。",
    "爸爸第一次学会用视频通话，一直把镜头对着天花板。",
    "考研失败了，但是我决定明年再试一次，这次要好好准备。",
    "公司楼下的流浪猫生了三只小猫，保安大叔每天都去喂它们。",
    "其实我很羡慕那些能早睡早起的人，我总是拖到半夜才睡。",
    "今天把攒了很久的钱捐给了山区的孩子们，感觉很踏实。",
    "小时候最喜欢外婆做的红烧肉，现在怎么做都不是那个味道。",
    "刚搬到新城市，一个朋友都没有，周末只能自己去看电影。",
    "毕业五年同学聚会，大家都变了好多，有点感慨。",
    "我在地铁上看书看哭了，旁边的小朋友递给我一张纸巾。",
    "终于把拖了半年的牙齿治疗做完了，其实没有想象中那么疼。",
    "Mixed feelings today: 我升职了 but my closest colleague got laid off.",
    "Tried making 小笼包 from scratch, they leaked everywhere but tasted great.",
    "My flatmate from Chengdu taught me to say 巴适 and now I use it constantly.",
    "Rainy Sunday, hot tea, and the whole of 红楼梦 to reread. Perfect.",
    "The bakery downstairs gives free bread to students after eight in the evening.",
)

FLOOD_EN = (
    "Limited offer for everyone reading this board: get five hundred free followers today, "
    "visit our online shop and use the code WIN2024 at checkout for an extra bonus of 30 percent."
)
FLOOD_ZH = (
    "兼职招聘：每天只需要两个小时，在家就能做，日结工资300元起，不需要任何经验，"
    "有意者请联系我们的客服小姐姐，名额有限先到先得。"
    "另外本周还有特别福利，凡是新加入的朋友都可以免费领取一份新人礼包，详情请私信咨询。"
)
_SWAPS = {
    "free": "gratis",
    "today": "now",
    "shop": "store",
    "extra": "additional",
    "bonus": "reward",
    "everyone": "all",
    "在家": "宅家",
    "工资": "薪水",
    "经验": "基础",
    "名额": "位置",
}


def flood_variant(base: str, rnd: random.Random) -> str:
    """The same spam with new digits, a few inserted punctuation marks and one word swapped."""
    text = re.sub(r"\d", lambda _: str(rnd.randint(0, 9)), base)
    for _ in range(rnd.randint(1, 3)):
        at = rnd.randrange(len(text))
        text = text[:at] + rnd.choice("!.,*~ ") + text[at:]
    word = rnd.choice([key for key in _SWAPS if key in text])
    return text.replace(word, _SWAPS[word], 1)
