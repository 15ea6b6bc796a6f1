"""Whose words and which time a self-harm sentence belongs to, and the acute signs that
outweigh that context.

Owns three readings the self-harm question (`selfharm.py`) combines:

- **Others' words**: text in quotation marks is someone else's (a friend's message, a customer
  on the phone, a song, a village's name) unless the poster introduces it as their own thought
  ("每次想到“…”", "I keep thinking "…""), so it is blanked before the first-person rules read.
- **Then, not now**: a recovery story (a past marker together with how things are now: "three
  years ago … today I graduated", "一年前 … 现在"), a milestone ("730 days without hurting
  myself", 停止自残的第五百天), or advice to people around someone at risk.
- **Acute signs**: means in hand, a place of height or water with no way back, a date or a
  choice made, affairs put in order beside a goodbye. These are how people disclose a plan,
  so they decide even inside text that also talks about therapy or friends.
"""

from __future__ import annotations

import re

# Quoted spans: CJK quotes, straight and curly double quotes (single quotes are apostrophes too).
_QUOTED = re.compile(r"“[^”]{1,200}”|「[^」]{1,200}」|『[^』]{1,200}』|\"[^\"\n]{1,200}\"")
# A quote introduced as the poster's own thought stays: "每次想到“我死了…”", "I keep thinking "…"".
_OWN_THOUGHT = re.compile(r"(?:想到|想着|觉得|心里想|thinking|think|thought|tell myself)\W{0,3}$")


def blank_others_words(text: str) -> str:
    """The text with quoted speech that is not the poster's own thought blanked. A post that is
    nothing but a quote is the poster's own words: there is no one else to attribute it to."""
    if not _QUOTED.search(text):
        return text
    if not _QUOTED.sub("", text).strip(" \t\n.,!?;:。，！？；：…~"):
        return text
    return _QUOTED.sub(
        lambda match: (
            match.group(0)
            if _OWN_THOUGHT.search(text[max(0, match.start() - 16) : match.start()].casefold())
            else " "
        ),
        text,
    )


# A recovery story: a past marker and a word for how things are now, both required, so "以前还能
# 撑，现在撑不下去了" is not one. Milestones and advice need nothing else.
_EN_PAST = re.compile(
    r" (?:ago|last (?:year|winter|summer|spring|autumn|fall|month)|back then|used to"
    r"|after my (?:attempt|overdose)|out from my|psych ward|where i was|when i was at my) "
)
_EN_NOW = re.compile(
    r" (?:today i|now i|i m (?:safe|doing (?:okay|ok|better|well)|okay now|still here|in therapy)"
    r"|sober|in therapy|therapist|outpatient|graduated|it can change|it gets better|possible"
    r"|glad i m|still here|thank|to anyone) "
)
_EN_MILESTONE = re.compile(
    r" (?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a) (?:days?|weeks?|months?|years?)"
    r" (?:without|since|free|clean|self harm free)"
    r"| haven t (?:hurt|cut|harmed|burned) myself (?:in|for|since)"
    r"| (?:said|say) not anymore | first time in years "
    r"| if (?:someone|somebody|anyone|a friend|your \w+) (?:\w+ ){0,3}(?:tells|says|talks|mentions"
    r"|posts|texts|is) | (?:ask|check on) them directly | naloxone | (?:response"
    r"|first aid) training"
    r"| died by suicide | lost (?:\w+ ){0,3}to suicide | someone (?:saying|says|said|posting"
    r"|posted)"
    r" | (?:she|he|they) (?:d|had|has|have) been (?:planning|thinking|cutting|hurting)"
    r"| (?:son|daughter|kid|friend|student|cousin|brother|sister) (?:came to me|texted me|told me)"
    r"| crisis lines | what to reply | how (?:do|can|should) i (?:help|support|reply|respond) "
)
_ZH_PAST = re.compile(
    r"(?:\d+|[一二三四五六七八九十两半几])(?:个)?(?:年|月|周|星期|天)(?:前|以前|之前)|去年|前年|当年"
    r"|那段时间|那时候|那时|曾经|最严重的时候|经历过|住进了?医院|发过"
)
_ZH_NOW = re.compile(r"后来|现在|如今|谢谢|感谢|报个平安|好多了|稳定|走出来|停药|撑下去|会好")
_ZH_MILESTONE = re.compile(
    r"(?:停止|戒掉|戒了|不再)(?:自残|自伤|划手)|(?:没有?|没再)(?:再)?(?:自残|自伤|划过?手)"
    r"|如果(?:您|你)(?:的|身边)|家长们|讲座|识别\w{0,6}(?:风险|信号)|怎么劝|劝\w{0,8}(?:朋友|同学|室友|的人)|作为朋友"
    r"|(?:朋友|室友|同学|妹妹|弟弟|姐姐|哥哥|孩子|学生)(?:有|一直|总是|最近)?(?:自残|自伤|想不开|轻生)"
    r"|(?:看到|有人)\w{0,8}(?:说|写|发)\w{0,3}(?:想|要|不想|自杀|suicide)|在接受帮助|联系了辅导员"
)


def is_then_or_about_others(en: tuple[str, ...], zh: tuple[str, ...]) -> bool:
    """A recovery story, a milestone, or talk about someone else at risk."""
    return any(
        _EN_MILESTONE.search(f) or (_EN_PAST.search(f) and _EN_NOW.search(f)) for f in en
    ) or any(_ZH_MILESTONE.search(f) or (_ZH_PAST.search(f) and _ZH_NOW.search(f)) for f in zh)


# Acute signs. Means in hand: a thing bought, counted, saved or laid out that only one plan
# needs together; a place of height or water with no way back; a choice or a date made.
_EN_ACUTE = re.compile(
    r" (?:i ve got|i have|got|bought|buying|picked up|i ve bought) (?:\w+ ){0,2}(?:rope|charcoal"
    r"|razor|the pills|my pills|a bottle|the bottle|the stuff i need|everything i need|a gun) "
    r"| (?:pills|bottle|rope|razor|tablets|meds)(?: are| is)? (?:lined up|on my desk|next to me"
    r"|on the counter|in (?:my|the) (?:closet|trunk|drawer|car)|ready) "
    r"| (?:hoarding|saving|stockpiling|collecting) (?:up )?(?:my |all my )?(?:antidepressants"
    r"|pills|meds|medication|prescriptions?) (?:instead|for|until) "
    r"| how (?:much|many) (?:of my )?(?:\w+ ){0,3}(?:is too much|it would take|would it take|"
    r"it takes|to be enough|it to be enough) "
    r"| (?:stand|standing|stood|sit|sitting|sat) (?:on|at) (?:the )?(?:edge|railing|ledge|roof|"
    r"rooftop|bridge|platform)(?: \w+){0,12} (?:won t|not going to|isn t going to) (?:step back|"
    r"come down|climb down) "
    r"| roof access | (?:went|go|going) through with it | (?:finally|actually) did it "
    r"| (?:last thing is|time) to actually do it | made my choice | (?:it s|it is) decided "
    r"| (?:got|have|ve got) the date | (?:picked|chosen|found) the (?:place|spot|date|day) "
    r"| i ll do it tomorrow | i won t next time | chickened out | engine running "
    r"| drive (?:into|off) (?:a|the) (?:tree|wall|bridge|cliff|river) "
    r"| if i (?:m not|am not|don t|do not|disappear)(?: \w+){0,3} (?:tomorrow|this week"
    r"|it s because"
    r"|just know|it was planned) "
    r"| my will is (?:done|written|signed) | passwords? (?:are |is )?(?:in|on|under|written) "
    r"| (?:giving|gave|given) (?:away )?my (?:stuff|things|belongings) | (?:grave|unalive) myself "
    r"| (?:deleted|cancelled|canceled) my (?:socials|accounts|phone plan) "
    r"| (?:life insurance|policy) (?:that )?pays out "
    r"| i ve had a plan | (?:know|decided|picked) where i d do it | not a joke for me "
    r"| (?:i ll|i will|i m going to) finally (?:listen|do it|go through) "
    r"| (?:cuts|scars|burns) on my (?:thighs|arms|wrists|legs|stomach) | hiding (?:the|my) cuts "
    r"| self delet\w* | delete myself | yeet myself | off myself | end myself | take myself out "
    r"| final exit | planning my exit | leave this (?:world|earth) for good "
    r"| (?:going|go) further | bleed out | (?:pills|tablets) (?:\w+ ){0,2}all of them "
)
# Two signs together: a goodbye and a reason it is final ("I just can't do another winter.
# Goodbye.", "if I don't post tomorrow … love you all").
_EN_GOODBYE = re.compile(
    r" (?:goodbye|good bye|bye|see ya|farewell|love you (?:all|guys)|thanks for (?:everything|the"
    r" laughs)|thank you for everything) "
)
_EN_FINAL = re.compile(
    r" (?:can t|cannot) (?:do another|keep going|go on|stay)| not angry at anyone | it wasn t your"
    r" fault | did it | not your fault | won t be (?:here|around) "
)
_ZH_GOODBYE = re.compile(r"再见|拜拜|bye|别找我|不用找我|别劝|永别|lovey(?:ou|a)")
_ZH_FINAL = re.compile(
    r"天台|楼顶|顶楼|江边|河边|海边|不想再\w{0,4}(?:负担|累赘|拖累)|这辈子\w{0,4}(?:太累|够了)"
    r"|下辈子|撑不下去|活不下去|最后一"
)
_ZH_ACUTE = re.compile(
    r"(?:买了|买好了?|准备好了?|备好了?|找出来|攒了|存了|囤了|数过|数了|收起来)\w{0,10}"
    r"(?:木炭|炭|碳|绳子|美工刀|刀片|安眠药|安定|降压药|charcoal)"
    r"|(?:炭|碳|tan|绳子|安眠药|安定|降压药|药箱里的药)\w{0,10}(?:准备好|买好|找出来|数过|数了|够了|ready)"
    r"|(?:安眠药|安定|药|💊)\w{0,12}(?:一口气|一次(?:性)?|全部|都)(?:吞|吃)(?:掉|下|完)"
    r"|(?:天台|楼顶|顶楼|阳台|rooftop|railing|栏杆|江边|河边|海边|桥上|站台|balcony)\w{0,20}"
    r"(?:不回来|不会(?:再)?下来|翻过去|下不下去|走进去|走下去|不回头)"
    r"|(?:想|要)(?:直接)?(?:走进|走到|走下)(?:去|水里|海里|河里|江里)|翻\w{0,2}过\w{0,2}去了"
    r"|就差(?:最后)?一步|安心(?:地)?走了|(?:成为|是)(?:我的)?忌日|不会再失败|this weekend"
    r"|最后一条(?:微博|动态|帖子|post|朋友圈)|账号密码\w{0,4}(?:写|留|放)在|password\w{0,4}(?:在|写)"
    r"|我\w{0,6}(?:东西|耳机|书|手办)\w{0,4}送(?:人|得差不多|给了)|该还的(?:钱)?都还了|该做的都做了"
    r"|晚安\W?永远|永远的那种|(?:烧|烫|划)(?:了)?自己|刀自己|(?:手腕|手臂|大腿|胳膊)上\w{0,3}"
    r"(?:新添|划了|割了)|刀片在\w{0,4}(?:大腿|手臂|手腕|胳膊)|割得比上次深|鼠掉|鲨掉|"
    r"一直睡下去|别再有明天|不(?:想)?再醒(?:过来|了)|睡过去不醒|饿到消失|把自己饿"
    r"|(?:date|日子|日期|时间)\w{0,2}定(?:在|好)|plan好了|(?:那天|今晚|明天)就是the ?day"
    r"|(?:从|在)哪(?:栋|座|个)楼(?:下去|跳)|ideation\w{0,6}(?:严重|厉害|bad|worse)"
    r"|不想再(?:当|做|成为)\w{0,4}(?:负担|累赘)|不吃(?:饭|东西)\w{0,12}(?:算了|消失|没人在乎)"
    r"|想怎么(?:自杀|自鲨|紫砂|死)|封(?:好)?(?:窗|门缝|窗户)|药\w{0,4}收起来|没有吃\w{0,8}(?:攒|存|剩)"
    r"|(?:安静|悄悄)地?结束|找个地方\w{0,6}结束|如果(?:我)?明天(?:我)?没(?:有)?(?:来|post|发|上线|回)"
    r"|终于(?:did it|doit)|决定(?:了)?\w{0,3}让(?:她|他|他们|大家|爸妈|家里)轻松"
    r"|(?:药|pills)(?:pills)*allofthem|刀片\w{0,8}(?:就在旁边|藏在|就用|准备好)"
    r"|最后(?:一次)?(?:跟|和|对)(?:这个)?世界说|想退出(?:这个)?(?:世界|人生)"
    r"|(?:今晚|今天)(?:就)?是(?:我的)?最后一(?:晚|天)(?!上班|营业|假期|考试)"
    r"|变成(?:天上的)?星星\w{0,6}(?:不回来|再见|走了)"
)


def has_acute_sign(en: tuple[str, ...], zh: tuple[str, ...]) -> bool:
    """Means in hand, an edge with no way back, a choice made or affairs put in order."""
    return any(
        _EN_ACUTE.search(f) or (_EN_GOODBYE.search(f) and _EN_FINAL.search(f)) for f in en
    ) or any(_ZH_ACUTE.search(f) or (_ZH_GOODBYE.search(f) and _ZH_FINAL.search(f)) for f in zh)
