"""Whether a text says the poster means to harm themselves, so they see crisis resources first.

Owns only the yes/no question. Answered from the self_harm term list and from first-person
rules over the `en`/`zh` forms (intent, ideation, preparation, self-injury, farewells, the code
words kms/ctb/sewerslide, 紫砂/自鲨/zisha), with the allowlist masked first ("想死你了" is "I
miss you terribly", "跳楼价" a clearance price, 笑死 a laugh). Talking about suicide — a film
title, supporting a friend, a recovery milestone, a hotline — is not a mention: the help page
is for the poster, and showing it to a volunteer would only hold their post. It blocks
nothing: the post still goes through moderation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from app.moderation.matching import TermMatcher
from app.moderation.model import model_says_care
from app.moderation.normalize import Normalized, normalize
from app.moderation.selfharm_context import (
    blank_others_words,
    has_acute_sign,
    is_then_or_about_others,
)
from app.moderation.wordlists import SELF_HARM, default_allowlist, default_terms


def build_self_harm_matcher(terms: Iterable[str], allowlist: Iterable[str] = ()) -> TermMatcher:
    return TermMatcher.build({SELF_HARM: tuple(terms)}, allowlist)


@cache
def default_self_harm_matcher() -> TermMatcher:
    """The shipped list, compiled on first use; immutable afterwards, so safe to share."""
    return build_self_harm_matcher(default_terms()[SELF_HARM], default_allowlist())


def mentions_self_harm(
    normalized: Normalized, matcher: TermMatcher | None = None, care_threshold: float | None = None
) -> bool:
    """`care_threshold`: the admin's score for the model's self-harm head (None: shipped)."""
    matcher = matcher or default_self_harm_matcher()
    normalized = _own_words(normalized)
    masked = matcher.masked(normalized)
    if any(_EN_RELAPSE.search(form) for form in masked.en):
        return True
    # A plan or means in hand decides even beside talk of therapy or friends.
    if has_acute_sign(masked.en, masked.zh):
        return True
    if (
        any(_EN_SUPPORT.search(form) for form in masked.en)
        or any(_ZH_SUPPORT.search(form) for form in masked.zh)
        or is_then_or_about_others(masked.en, masked.zh)
    ):
        return False
    figurative = any(_EN_HYPERBOLE.search(f) for f in masked.en) or any(
        _ZH_HYPERBOLE.search(f) for f in masked.zh
    )
    # A figure of speech trips the term list and the model ("想死" in "累到想死"), so with one
    # present only the first-person rules, over the text without it, decide.
    if not figurative and (
        SELF_HARM in matcher.labels_in(normalized)
        or model_says_care(masked, threshold=care_threshold)
    ):
        return True
    en = [_EN_HYPERBOLE.sub(" ", form) for form in masked.en]
    zh = [_ZH_HYPERBOLE.sub("", form) for form in masked.zh]
    return any(_EN.search(f) or _EN_MORE.search(f) or _EN_EXTRA.search(f) for f in en) or any(
        _ZH.search(f) or _ZH_MORE.search(f) or _ZH_EXTRA.search(f) for f in zh
    )


def is_not_the_posters_own(normalized: Normalized, matcher: TermMatcher | None = None) -> bool:
    """Self-harm words that are someone else's (quoted), in the past (a recovery story, a
    milestone) or about someone else at risk, with no acute sign: the filter's self-harm
    rule reads it so a supportive post gets no self-harm warning either."""
    matcher = matcher or default_self_harm_matcher()
    own = _own_words(normalized)
    masked = matcher.masked(own)
    if any(_EN_RELAPSE.search(form) for form in masked.en) or has_acute_sign(masked.en, masked.zh):
        return False
    return (
        SELF_HARM not in matcher.labels_in(own)
        or any(_EN_SUPPORT.search(form) for form in masked.en)
        or any(_ZH_SUPPORT.search(form) for form in masked.zh)
        or is_then_or_about_others(masked.en, masked.zh)
    )


def _own_words(normalized: Normalized) -> Normalized:
    """The text without quoted speech that is someone else's (see `blank_others_words`)."""
    own = blank_others_words(normalized.original)
    return normalized if own == normalized.original else normalize(own)


# Figures of speech blanked before the first-person rules: "累到想死", "学习使我想死", a wish
# to end a relationship or a project, "this traffic makes me want to die lol".
_EN_HYPERBOLE = re.compile(
    r" (?:makes|made|making) me (?:want to|wanna) die (?:lol|lmao|haha|hahaha|xd|rofl) "
    r"| (?:don t|do not|dont) want to wake up (?:for|at|early|before) "
    r"| want to disappear (?:into|for a|for the|to a|on a) "
    r"| 要 die 了 (?=(?:\w )?(?:开 心|激 动|幸 福|哈))"
)
_ZH_HYPERBOLE = re.compile(
    r"(?:累|烦|困|热|冷|饿|笑|尴尬|丢人|气|痛|疼|难吃|难听|无聊|忙|卷|吓|冻|渴)(?:到|得)(?:我)?"
    r"(?:想|要|快)死|想死(?=\w{0,10}(?:哈|hh|233|lol|xd))|想消失在人海"
    r"|(?:使|让|逼得)我想死(?=\w{0,6}(?:哈|h|233|笑|lol|xd))|终于不想死|(?<=想死)(?:哈{2,}|h{3,})"
    r"|我要die了?(?=\w{0,3}(?:开心|激动|幸福|哈))|(?<=开心)到die|想(?:结束|离开)这(?:段|份|个)(?:感情|关系|恋爱|工作|项目|城市|公司|学校)"
    r"|(?:项目|公司|店|工作|生意|团队|婚姻|感情|关系|乐队|工资|钱|存款|预算|电量|手机)"
    r"\w{0,4}撑不下去"
    r"|撑不下去了?\w{0,3}想(?:辞职|离职|转行|分手|退学|换工作)"
    r"|makesmewanttodie(?:lol|lmao|haha|xd)|想消失(?:一会|一下|几天|一周|一段时间|一个月)|不想醒来(?:太早|那么早)"
)


# A relapse reported beside a milestone ("three months clean and I ruined it tonight").
_EN_RELAPSE = re.compile(r" (?:cutting again|relapsed|ruined it tonight|cut again) ")

# First person about oneself: intent, ideation, plans, means, self-injury, goodbyes.
_EN = re.compile(
    r" (?:i|i am|i m|me|myself|my|i ve|i will|i ll|gonna|going to|want to|wanna|ready to|"
    r"plan to|about to|thinking of|think about|thinking about|decided to|tonight i)"
    r"(?: \w+){0,3} (?:kill|killing|end|ending|dead|die|dying) (?:myself|my life|it all|"
    r"everything|it tonight|it for good|things)"
    r"| kill myself | killing myself | end my life | ending my life | take my own life "
    r"| (?:want|wanna|ready|plan|planning|deserve) to die | wish i (?:was|were) dead "
    r"| wish i (?:could )?(?:never wake|disappear|wasn t born|was never born) "
    r"| want (?:it|this|everything) (?:all )?to (?:stop|end) "
    r"| (?:i|just) (?:want|wanna) to (?:disappear forever|stop existing|not exist|be gone) "
    r"| (?:suicide|suicidal|catch the bus|sewer slide) (?:is|feels|looks|seems|sounds|thoughts|"
    r"again|tonight|soon|plan|note|letter|the only|i|my|real|for me)"
    r"| (?:thinking|think|thought|thoughts) (?:about|of) (?:suicide|killing myself|ending it|"
    r"dying|death|how i d do it|s ?icide|sicide) "
    r"| (?:catch the bus|ctb) (?:soon|tonight|tomorrow|date|day|i ) | catch the bus "
    r"| (?:go to sleep|sleep) and (?:never|not) wake up | (?:don t|not) wake up tomorrow "
    r"| (?:don t|do not|dont) want to (?:be here|live|exist|wake up|be alive|go on) "
    r"| (?:can t|cannot|cant) (?:do this|go on|keep going|take it|live like this) anymore "
    r"| no (?:reason|point) (?:to|in) (?:live|living|go on|going on) "
    r"| (?:what s|whats) the point of (?:living|life|going on) "
    r"| better off (?:dead|without me) | (?:i m|i am|just) a burden "
    r"| (?:tired|sick) of (?:existing|living|being alive|life) "
    r"| (?:cut|cutting|burn|burned|burnt|burning|hurt|hurting|hit|hitting|harm|harming|"
    r"starve|starving|punish|punishing) (?:myself|my (?:arm|arms|wrist|wrists|thigh|thighs|legs|"
    r"head|skin)) "
    r"| (?:been|started|start|keep) (?:cutting|self harming|hurting myself) "
    r"| cutting again | my wrists | knife wrist | wrist again | relapsed "
    r"| (?:rope|noose|pills|tylenol|sleeping pills|bridge|roof|ledge|overdose|od)\b.*"
    r"(?:tonight|ready|my closet|saving|saved|stockpil|enough|it takes|how many|plan|standing|"
    r"goodbye|jump|40|50|100)"
    r"| (?:saving|saved|stockpiling|collecting|hoarding) (?:up )?(?:my |all my )?(?:pills|"
    r"sleeping pills|meds|medication|tablets) "
    r"| how many (?:pills|tylenol|sleeping pills|tablets) (?:it takes|does it take|to die) "
    r"| (?:this is my|my final|my last) (?:goodbye|post|message|note|words) "
    r"| (?:suicide|goodbye) (?:note|letter) | won t need (?:them|it|these) (?:where|anymore) "
    r"| gave away my | giving away my | (?:wrote|writing|written) letters to "
    r"| (?:if|when) i m gone | (?:i m|im) gone | tonight s the night | i took all of them "
    r"| (?:i have|i ve got|got) a (?:plan|date) | (?:make|making) it to my birthday "
    r"| the only way out | (?:planning|plan) it | how i d do it | jump (?:off|from) "
    r"| kill (?:myself|me) (?:tonight|tomorrow|this weekend|soon|for real) "
    r"| dead myself | kill myself "
)
_ZH = re.compile(
    r"(?<!不)(?:想|要|准备|打算|决定|计划|干脆|还是|不如|好想|真想|只想)(?:去)?(?:死|自杀|轻生|结束自己|"
    r"结束生命|了结|跳楼|跳河|跳桥|跳下去|割腕|上吊|烧炭|吃药|走了算了|消失|解脱|离开这个世界)"
    r"|不想活|活不下去|活着(?:好累|没意思|太累|真累|就是浪费|没有意义|有什么意思|干嘛)|"
    r"不想(?:继续|再活|醒来|存在)|(?:死了|走了|消失了)(?:算了|就好了|一了百了|大家|他们|就轻松|"
    r"也好|会更)|不如死了|寻死|割腕|自残|划了几道|又划|划手|割手|刀(?:划|割)?手腕|手腕又|"
    r"烫自己|打自己|伤害自己|掐自己|撞墙|(?:遗书|遗言)|安眠药(?:攒|存|囤)|(?:攒|存|囤)(?:了)?\w{0,6}"
    r"(?:药|安眠药|片)|(?:吃|吞)(?:了)?(?:一整瓶|一瓶|所有的|全部的)(?:药|安眠药)|吞(?:了)?(?:药|安眠药)|"
    r"哪座桥最高|那座桥|(?:天台|楼顶|顶楼)\w{0,12}(?:吹风|跳|下来|一秒|风很大|风好大)|"
    r"跳下去|不下来了|睡了不再醒|不再醒来|再也不醒|不要醒来|一睡不醒|下辈子(?:再|见|做)|"
    r"告个别|告别了|跟这个世界告别|永别|再见了(?:大家|树洞|世界)|最后一次发帖|"
    r"(?:我|我要|我就)走了|我(?:消失了|不在了)|如果我(?:消失|不在|没有发帖|没发帖)|是我走了|安安静静地走|"
    r"累赘|(?:自杀|死)(?:是|才是)?(?:唯一|最好)|怎么死|死(?:得|的)?(?:不痛|不疼|不麻烦|比较)|"
    r"(?:自杀|轻生|死)的(?:念头|想法)|想自杀|要自杀|(?:我|想|要|去)自杀|自杀\w{0,4}(?:方法|怎么|不会疼|"
    r"计划|这次|认真)|撑不下去|不想撑|结束(?:这一切|一切|自己)|用不(?:到|上)了|(?:东西|所有的?\w{0,4})(?:都|全)?送人了|"
    r"wanttodie|wannadie|killmyself|endmylife|(?:wantto|wanna|gonna|goingto|needto|justwantto)"
    r"(?:去)?(?:死|自杀|轻生|跳楼|割腕|消失)|(?:goodbye|再见了?|永别了?)(?:树洞|世界|大家|everyone)|"
    r"又cut|cut了|cut自己|"
    r"早点结束|对不起\w{0,8}(?:太累|下辈子)|就差一个决心|自杀(?:is|feels|the|only)"
)

# Wider vocabulary of ideation, plans, means and goodbyes, written from how people disclose
# them on anonymous apps (not from any one post).
_EN_MORE = re.compile(
    r" (?:i|i m|i am|i ve|me) (?:(?!they|she|he|it|you)\w+ ){0,3}(?:want|wanna|need|going|plan"
    r"|planning|ready|about) "
    r"(?:to )?(?:die|be dead|end it|end things|end everything|go to sleep forever|not wake up|"
    r"stop existing|not be here|hurt myself|cut myself|overdose|jump(?! to | at | on | in "
    r"| into the ))(?= )"
    r"| (?:end|ending) it (?:all|tonight|today|soon|for good|now) | i m done with (?:life|living|"
    r"everything|it all) | done with life | hope i (?:die|don t wake|never wake) "
    r"| (?:won t|will not|wont) be (?:around|here|alive) (?:much longer|tomorrow|next|anymore|for) "
    r"| last time you ll hear from me | say(?:ing)? goodbye (?:to everyone|forever|for good) "
    r"| goodbye forever | this is goodbye | my (?:last|final) (?:post|message|words|night|day) "
    r"| (?:no one|nobody|noone) (?:will|would) (?:miss|notice|care)(?: \w+){0,2} (?:if i|when i|me)"
    r"| world (?:would be )?better (?:off )?without me | everyone (?:would|will) be better "
    r"| i deserve to die | should (?:just )?die | urge to (?:cut|hurt|die|self harm) "
    r"| (?:fresh|new|deep) (?:cuts|scars) | razor (?:blade|blades)? | (?:the|a|my) blades? (?!of ) "
    r"| (?:arm|arms|wrist|wrists|thigh|thighs|skin|cuts?) (?:\w+ )?(?:bleed|bleeding|bled) "
    r"| (?:took|take|swallow|swallowed|taking) (?:all )?(?:the |my )?(?:whole bottle|pills|"
    r"bottle of) | (?:i|i ll|i m|i will|going to|gonna|want to|wanna) (?:\w+ )?overdos(?:e|ed"
    r"|ing) | od (?:tonight|on) | (?:jump|jumping) (?:off|from|in "
    r"front) | train tracks | in front of a (?:train|truck|bus) | hang(?:ing)? myself | noose "
    r"| tie the rope | (?:gun|barrel) (?:to|in) my (?:head|mouth) | pull the trigger "
    r"| unalive (?:myself|me) | game over for me | checking out (?:early|for good) "
    r"| permanent solution | sleep forever | never wake up | eternal sleep | no way out "
    r"| can t take (?:it|this) anymore | tired of (?:living|being alive|life|everything) "
    r"| why am i (?:still )?alive | shouldn t have been born | wish i (?:was|were)n t (?:born|"
    r"alive|here) | (?:life|living) (?:isn t|is not|ain t) worth | not worth living "
    r"| end (?:my|the) (?:suffering|pain) | i want out | want to be dead | rather be dead "
    r"| i m ready to go | time for me to go | final goodbye | my last night | sorry for everything"
    r"| (?:took|swallowed|downed) (?:a bunch of|a handful of|all (?:my|the)|so many|too many) "
    r"(?:pills|tablets|meds|sleeping pills) | (?:pills|tablets) (?:are )?ready "
    r"| i (?:cut|burned|hit|scratched) (?:myself )?again | self harm(?:ed|ing)? again "
    r"| i should (?:just )?die | wish i (?:never|didn t) exist(?:ed)? | hate being alive "
    r"| don t want to be alive | no point (?:anymore|in anything|in living|in trying) "
    r"| can t keep living | (?:life|living) is pointless | giving up on (?:life|living|everything)"
    r" | i m a waste of (?:space|oxygen|air|life) | i should disappear "
    r"| (?:going to|gonna|will) do it tonight | this is it for me | made peace with (?:it|dying) "
    r"| see you on the other side | it s my time | not going to make it | won t be a burden "
    r"| (?:i ll|i will) be gone (?:soon|by) | by the time you read this | when you read this "
    r"| lethal dose | how many mg | stop my heart | want to overdose | i m going to do it "
)
_ZH_MORE = re.compile(
    r"活够了|一了百了|(?:想|要|去)(?:解脱|离开这个世界|离开人世|另一个世界|天堂|结束)|寻短见|自我了断|"
    r"了断(?:自己|一切)|割(?:手|腕|自己)|划(?:手臂|胳膊|大腿|自己)|刀片(?=\w{0,6}(?:划|割|手|腕|腿))|(?:新|旧)(?:的)?(?:伤|疤)|"
    r"吞(?:药|安眠药|了)|(?:囤|存|攒)(?:了)?(?:很多)?(?:药|安眠药)|跳(?:楼|河|江|海|桥|下去)|"
    r"卧轨|上吊|绳子(?:准备|买好)|烧炭|煤气|农药|百草枯|遗书|遗言|交代后事|后事|"
    r"最后一(?:条|次|篇)(?:帖|发|动态|消息)|永别|来世|别了(?:大家|世界)|我不在了(?:以后|之后)?|"
    r"我死(?:了|后)(?:以后|之后)|死了(?:就好|算了|一了百了|也没人)|死掉算了|撑不住了|熬不下去|"
    r"坚持不下去|拖累(?:大家|家人|爸妈)|(?:我是|我就是)(?:个)?(?:累赘|负担)|"
    r"睡过去(?:就好|别醒)|永远(?:睡着|不醒)|再也不(?:用)?醒|不想(?:再)?醒|想(?:永远)?消失|"
    r"不想存在|结束这条命|这条命|轻生|想不开|走了之后|离开你们|先走一步|去找(?:奶奶|爷爷|外婆|外公)|"
    r"(?:吃|吞)(?:了)?(?:很多|一把|好多|一堆|一整板|几十)(?:药|片)|割脉|放血|自我伤害|用刀划|划伤自己|"
    r"绝食|饿死自己|活着(?:好|太|真)?痛苦|活着是(?:一种)?折磨|为什么(?:还)?(?:要)?活着|为什么要出生|"
    r"如果我死了|怎么(?:才能)?死|不痛的死法|死法|走进(?:海|河|湖)里|开煤气|谢谢(?:你们|大家)陪我|"
    r"对不起大家|想休息了\w{0,4}永远|不想再(?:痛苦|坚持|撑)|解脱了|结束痛苦|好想离开|我想走了|"
    r"没有(?:什么)?值得留恋|不会再(?:发|打扰|回来)|以后不会再|拜拜了(?:大家|世界)|世界再见|"
    r"多少(?:片|颗|粒)(?:会|能|才)|不疼的(?:方法|办法)|喝农药|我的东西都(?:送|留)给|银行卡密码|"
    r"给我的(?:猫|狗)找个|去找我(?:妈|爸|奶奶|爷爷)了|这辈子就这样吧|我撑不下去"
)

# Families written for the help-page probes (tests/unit/app/moderation/test_selfharm_families.py):
# unaliving, a world better without me, notes and pets left in order, means made ready,
# painless ways, wounds counted, reasons to live not found, wishing not to wake.
_EN_EXTRA = re.compile(
    r" (?:i|i m|i ve|me|been|thinking about|think about|want to|wanna|going to|plan to|"
    r"planning to|might|will|ll)(?: \w+){0,3} (?:unaliv\w*|kill) (?:myself|me|tonight|soon) "
    r"| unaliving | (?:happier|better|easier|lighter) (?:\w+ )?(?:if|when|once) i (?:wasn t|"
    r"was not|m not|am not|wasnt|were not|weren t|m gone|am gone|disappear|die|was gone) "
    r"| (?:wrote|writing|written|left|leaving) (?:\w+ ){0,2}(?:notes|letters|a note|a letter) "
    r"(?:for|to) (?:my |everyone|each|all)(?:\w+ )?(?:mom|mum|dad|parents|family|sister|"
    r"brother|kids|friends|everyone|of them)? "
    r"| (?:when|after|once|if) i m (?:not (?:here|around) anymore|no longer (?:here|around)|"
    r"gone|dead) | (?:who|someone) (?:will|ll|can) (?:take|look after|feed) my (?:dog|cat|"
    r"cats|dogs|pets|kids|plants) (?:when|after|once) "
    r"| how (?:tall|high) .{0,40}(?:enough|high enough|would do it) "
    r"| (?:rope|noose|pills|blade|gun)(?: \w+){0,4} (?:today|know what it s for|know what they"
    r" re for|for later|for when) "
    r"| (?:want|wish|need) (?:it|everything|all of it|it all) (?:all )?to be over "
    r"| just want it (?:all )?over | razor(?: blades?)? | the only thing that helps "
    r"| painless (?:ways?|methods?|way out|death|way to go) | (?:quickest|easiest|best) way to "
    r"(?:die|go|end it|kill myself) "
    r"| hope (?:i|a (?:car|bus|truck|train)) (?:get |gets |will )?(?:hit|run over|crash|hits me"
    r"|kill|take me) | (?:wish|hope) (?:i|something) (?:would |will )?(?:get|gets) (?:hit|"
    r"killed|run over) "
    r"| (?:took|taken|swallowed|downed|took like) (?:a bunch of|all of|all|a lot of|loads of|"
    r"like \d+|\d+|a whole bottle of|the whole bottle of|a handful of) "
    r"(?:my |the )?(?:\w+ s |\w+s )?"
    r"(?:pills|tablets|meds|sleeping pills|painkillers|tylenol) "
    r"| i (?:don t|do not) deserve to (?:be alive|live|exist|be here|wake up) "
    r"| (?:go to sleep|sleep|fall asleep|drift off) and (?:never|not) wake(?: up)? "
    r"| (?:fall asleep|go to sleep) forever | nobody would (?:notice|care|miss me) "
    r"| (?:set|picked|chose) (?:a|the) date (?:for it|to go|to do it) | (?:my|a) method "
    r"| (?:scratch|scratching|scratched|bang|banging|banged) (?:my )?(?:arms|wrists|head|skin)"
    r"(?: \w+){0,3} (?:bleed|bled|blood|raw|hurt) "
    r"| (?:想|要|好想|真想|就) (?:kill (?:myself|自 己)|die|end it|end my life|jump|unalive) "
    r"| 不 想 (?:live|exist|be alive|wake up|go on|continue|keep living) "
    r"| end it (?:吧|了) | feel like (?:a|such a) burden | (?:好|better|happier|easier|fine) "
    r"without me | no (?:reason|will|energy) (?:left )?to (?:live|keep going|go on|stay) "
    r"| (?:can t|cannot) find (?:a|any|one) reason to (?:live|stay|keep going) "
    r"| (?:ending|end) (?:things|it) (?:this|next|on|by|before) "
    r"| (?:don t|do not) think i ll (?:be around|be here|make it|last|see) (?:for|until|till|"
    r"through|past|much|to|another|the) | i should (?:just )?end (?:it|things|everything|my) "
    r"| (?:fall|falling) asleep and stay asleep | stay asleep forever "
    r"| sorry (?:\w+ ){0,2}i (?:tried|really tried|did my best) "
    r"| tell my (?:mom|mum|dad|sister|brother|parents|family|kids|friends|wife|husband|partner|"
    r"girlfriend|boyfriend|cat|dog)(?: \w+){0,2} (?:i love|that i love|i m sorry|i was sorry) "
    r"| (?:so )?why (?:stay|bother (?:living|staying|existing|waking up|going on|trying)) "
    r"| feel like dying (?:every|all|constantly|again|most|inside) "
    r"| (?:sh|self harm) (?:urges|urge|relapse|scars|again|tonight) | urges? to sh "
    r"| (?:done|finished) with (?:everything|it all|life)(?: \w+){0,3} (?:goodbye|bye|farewell) "
    r"| let go for good | time to let go (?:for good|forever|of everything|of life) "
)
_ZH_EXTRA = re.compile(
    r"添(?:了)?(?:这么多|太多|很多)?麻烦(?:了)?(?:对不起|真的对不起|再见|以后不会|抱歉)|"
    r"(?:对不起|抱歉)\w{0,6}添(?:了)?(?:这么多|太多|很多)?麻烦|"
    r"(?:猫|狗|猫咪|狗狗|兔子|仓鼠|宠物|孩子)(?:就)?托付给\w{0,10}(?:以后|拜托|永远|往后|交给)|"
    r"以后(?:就)?拜托(?:你|她|他)(?:们)?了|永远(?:地)?(?:休息|睡去|睡下去|离开|闭上眼)|"
    r"没有我(?:的)?(?:大家|他们|你们|世界|这个世界|家里|爸妈)?(?:会|就|才)?(?:更好|更轻松|更开心|"
    r"好过)|世界(?:上)?没有我|(?:给|留给)(?:爸妈|爸爸|妈妈|家人|父母|你们|女儿|儿子)的(?:信|话|遗言)"
    r"\w{0,8}(?:写好|留|放)|写好(?:了)?给(?:爸妈|家人|妈妈|爸爸|父母)的(?:信|话)|"
    r"(?:吃|吞)多少(?:片|颗|粒)?\w{0,8}(?:才够|才会|能死|会死|才能|致死)|致死量|"
    r"多少(?:片|颗|粒)\w{0,6}(?:才够|够了|致死|会死)|"
    r"(?:刀|刀片|绳子|绳|安眠药|炭|木炭|煤炭)(?:已经|都|也)?(?:准备好|买好|备好|磨好|够了|"
    r"挂好|系好)|(?:手臂|手腕|胳膊|大腿|腿)上(?:的)?(?:口子|伤口|伤痕|疤|刀痕)\w{0,6}"
    r"(?:又|新|多了|还在流)|一睡不起|长眠|"
    r"活着(?:好|真|太)?(?:没劲|受罪|是受罪|就是受罪|好难|没盼头|没有盼头|是煎熬|好煎熬|没意义|"
    r"毫无意义)|(?:对不起|原谅我)\w{0,10}(?:尽力了|撑不住|先走|不孝)|"
    r"下辈子(?:不要|别|不想)(?:再)?(?:做人|当人|投胎|来了|出生)|(?:不想|不愿|不要)(?:再)?拖累|"
    r"(?:跟|和|向)(?:这个)?世界(?:说)?(?:再见|告别|道别)|"
    r"(?:存款|积蓄|钱|工资|卡里的钱)(?:都|全)?(?:转给|留给)(?:了)?\w{0,2}(?:妈|爸|家里|家人|爸妈)|"
    r"(?:我是|我就是)(?:个)?多余的|(?:世界|这个世界|没有人|没人|谁都)不需要我(?:了|$)|"
    r"zi杀|自sha|紫杀|(?:想|要|去|不如)(?:亖|噶|嘎)(?:了)?|"
    r"不想live|想die|想unalive|想kms|想endit|想ctb|"
    r"(?:没意思|没劲|好累|太累|真累)\w{0,4}(?:想走了|想消失|想死|不想活)|"
    r"(?:没有|没了|找不到|失去了?)(?:继续)?活(?:下去|着)的(?:理由|意义|勇气|力气|动力|希望)|"
    r"没有(?:力气|勇气|理由|动力)(?:再|继续)?活(?:下去)?|"
    r"(?:想|怎么|如何|打算|准备)\w{0,4}离开这个世界|"
    r"(?:买|攒|囤|存|配)(?:了)?(?:很多|好多|一堆|够)\w{0,4}药\w{0,8}(?:够了|足够)|"
    r"不想(?:再)?睁开眼|不用(?:再)?醒来|别再醒来|再也不睁开|醒不过来就好|"
    r"我(?:要是|如果)?死了(?:会有人|有人会|谁会|大家会|也没人|你们会|会不会有人)|"
    r"自己(?:是|就是|只是)(?:个|一个)?(?:负担|累赘|拖油瓶|多余的)|"
    r"药(?:都|已经)(?:攒|存|囤|准备|买)?(?:够|好|ready)了|药(?:也)?(?:攒|存|囤)?(?:够|ready)了|(?:刀|绳子|药)\w{0,2}ready|"
    r"来生(?:再)?(?:报答|做|见|还)|清空\w{0,8}(?:以后|再也)\w{0,4}不会再|"
    r"(?:总是|老是|一直|每天|经常|最近)(?:都)?(?:会)?想到(?:死|自杀|结束自己)|"
    r"(?:去|到)一个没有(?:痛苦|烦恼)的地方|我(?:不配|没资格)活|"
    r"(?:一瓶|一整瓶|好几瓶|几盒|一盒)安眠药|又sh|(?:离开|走|睡)(?:了)?\w{0,3}永远的那种|cantanymore\w{0,4}(?:想走|想死|走了|消失)"
)

# Talk about self-harm that is not the poster's own: supporting someone, a recovery
# milestone, a hotline, a film or song, a question about prescribed medicine.
_EN_SUPPORT = re.compile(
    r" (?:if (?:your|a) (?:friend|someone|loved one|partner|kid|child)|how (?:do|can) i help|"
    r"help (?:my|a) friend|my (?:friend|roommate|sister|brother|partner|mom|dad|son|daughter) "
    r"(?:says|said|told|is|has been|keeps)|crisis (?:line|hotline|text)|hotline|"
    r"prevention|awareness|volunteer|(?:years?|months?|days?) (?:self harm |cutting |clean|"
    r"free|sober)|self harm free|clean for|(?:it|things) (?:does |do |will )?get better|"
    r"recovery|documentary|the (?:film|movie|song|book|album|show|band)|prescribed|"
    r"side effects|my doctor|song of the day|lyrics|lyric) "
)
_ZH_SUPPORT = re.compile(
    r"(?:如果你身边|身边(?:的)?人|(?:室友|朋友|同学)\w{0,4}(?:总|一直|老是)?说|担心(?:他|她)|劝(?:他|她)|(?:朋友|室友|同学|roommate|friend)\w{0,4}说|help(?:他|她)|怎么(?:帮|安慰|陪)|帮(?:助)?(?:他|她|朋友)|"
    r"热线|干预|志愿者|心理课|科普|预防|停止自伤的|(?:天|个月|年)没有?(?:自伤|自残|划)|"
    r"会变好|好多了|走出来了|康复|鼓励大家|电影|小说|歌|剧|医生(?:给我)?开|副作用|新闻|报道)"
)
