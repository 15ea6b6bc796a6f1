"""Abuse aimed at someone: insults and "go die" at a person, threats, and hate against a group.

Owns the target-aware rules: the same vocabulary is abuse when it is aimed at a person (second
person 你/you, an @-handle, "the girl in class 3") and venting when it is aimed at oneself, at
a situation or quoted in order to condemn it ("he called me a loser"). Hate is a dehumanising
generalisation about a group, with or without a slur. Reads the `en`/`zh` forms of
`Normalized` (slang, pinyin, homophones and emoji already read as words) and decides nothing
about actions: it returns the filter categories it found (harassment, violence, hate), which
the admin's filter rules turn into a verdict.
"""

from __future__ import annotations

import re
from functools import lru_cache

from app.moderation.normalize import Normalized, canon_forms
from app.moderation.wordlists import HARASSMENT, HATE, VIOLENCE

# --- English -------------------------------------------------------------------------------

_EN_INSULT = (
    r"idiot|moron|loser|bitch|slut|whore|cunt|dumbass|dumb ass|retard|retarded|freak|creep|"
    r"pig|cow|clown|trash|garbage|scum|scumbag|failure|nobody|nothing|pathetic|worthless|ugly|"
    r"stupid|dumb|disgusting|braindead|brain dead|simp|skank|twat|asshole|prick|bastard|jerk|"
    r"fatass|hoe|thot|psycho|rat|snake|parasite|embarrassment|disgrace|joke|waste of (?:space|"
    r"oxygen|air|skin|life)|piece of (?:shit|trash|garbage)|sad little \w+|coward|liar|fake|"
    r"annoying|worst|dumbest|ugliest|fattest|stupidest|lowlife|degenerate|donkey|ape"
)
_EN_DIRECT = re.compile(
    # "you are a worthless idiot", "you absolute clown", "ur so stupid"
    # (not the generic you of "a hobby where you are the worst player")
    rf"(?<! where)(?<! when)(?<! if)(?<! whether) you(?: are| were| is)?"
    rf"(?: (?:such|so|a|an|the|absolute|fucking|complete|total|little|"
    rf"literally|genuinely|just|really|most|truly|utterly|honestly|actually|still|big|fat|"
    rf"sad|ugly|stupid|dumb|pathetic|worthless|disgusting|lazy|piece|of|human|being|person|"
    rf"useless|\w+est))* (?:{_EN_INSULT})s? "
    r"| (?:go|pls|please|you should|should just) (?:\w+ )?(?:die|kill yourself|drop dead|"
    r"disappear|jump off|off yourself|rot) "
    r"| kill yourself | kill your self | neck yourself | drink bleach "
    r"| (?:nobody|no one|noone|everyone|everybody) (?:\w+ ){0,3}(?:likes|loves|wants|asked|"
    r"cares about|hates|laughs at|would miss|will miss|is ever going to love|wants to hear"
    r"|would be happier|will ever love|can stand)(?: \w+){0,3} you"
    r"| (?:shut up|stfu|get a life|get a job|drop out already|delete your account|crawl back|"
    r"do (?:us|everyone|the world) a favou?r|go back to your country)"
    r"| your (?:existence|face|voice|personality|mother|mom|mum|parents|breath|laugh|body) "
    r"(?:\w+ ){0,3}(?:embarrassing|disgusting|ugly|worse|cries|regret|hate|like nails|makes me|"
    r"stinks|smells|reeks)"
    rf"| your (?:so|such a|a|an|really) (?:\w+ )?(?:{_EN_INSULT}) "
    r"| you (?:look|sound|smell) like | how do you even | should have been aborted "
    r"| you are the reason | no wonder (?:your|you|he|she) | imagine being "
    r"| you make me (?:sick|want to puke|throw up) | you don t deserve "
    r"| (?:she|he) s (?:a|an|such a) (?:\w+ )?(?:slut|whore|cunt|bitch|cow|pig|skank|loser|"
    r"braindead|idiot|moron|clown|snake)"
    r"| (?!(?:it|this|that|life|there|which|what|who|everything|work|today|it all)\b)"
    r"(?:[a-z]{3,}(?: [a-z]+)?|\w) (?:is|=) (?:such |a |an |the |so |literally |just |basically "
    r"|honestly |a total |fing |fucking |fking |\w+ing )*(?:\w+ )?"
    r"(?:slut|whore|cunt|bitch|skank|waste of (?:space|oxygen|air)|worthless|retard|simp|"
    r"braindead|brain dead|loser|clown|fat pig|ugly cow|idiot|moron) "
)
# Threats of violence or exposure.
_EN_THREAT = re.compile(
    r" (?:i|we|i will|we will|i am going to|we are going to|i swear i will|i ll|gonna|going to|"
    r"i am|i m)(?: \w+){0,3} (?:kill|murder|hurt|stab|shoot|destroy|ruin|"
    r"bash|punch|slap|smash|strangle|choke|burn|wreck|hunt|make you pay|"
    r"bury|expose|leak)(?: \w+){0,4} (?:you|your|u|ur|"
    r"him|her|them|his|their|neither|everyone|everybody)\b"
    # Verbs with an everyday reading ("i beat him at chess", "should i tell her parents", "we
    # had a power cut") threaten only as a stated intent aimed at you.
    r"| (?:i will|we will|i ll|we ll|i am going to|i m going to|we are going to|we re going to|"
    r"i m gonna|gonna|i swear i|i promise i|when i|once i|if i ever)(?: \w+){0,2} "
    r"(?:beat|find|end|break|get|jump|make sure|cut)(?: \w+){0,4} (?:you|your|u|ur)\b"
    r"| (?:i will|we will|i ll|we ll|i am going to|i m going to|we are going to|we re going to|"
    r"i m gonna|gonna|i swear i)(?: \w+){0,2} (?:post|send|share|forward|show|tell)(?: \w+){0,3} "
    r"(?:your|ur|everyone|everybody)\b"
    # Harm foretold in the passive: "ur gonna get stabbed if u show up".
    r"| (?:you|your|you re|u|ur)(?: \w+)? (?:going to|gonna|will|ll|gon) get (?:\w+ )?(?:stabbed|"
    r"shot|hurt|jumped|beaten|beat up|smacked|killed|murdered|bodied|shanked|slapped|punched|"
    r"run over|your ass kicked|your teeth kicked in) "
    r"| (?:kill|murder|hurt|stab|shoot|beat|end|bash|punch|knife|gun|bomb)(?: \w+){0,3}"
    r" (?:you|your|u|ur) (?:\w+ )?(?:if|when|after|tonight|tomorrow|next|again)"
    r"| (?:knife|gun|bomb|punch|dead) (?:\w+ ){0,4}(?:you|your|u|ur|for you) "
    r"| (?:you|your|u|ur) (?:\w+ ){0,4}(?:knife|gun|bomb|punch) "
    r"| you (?:re|are) going to pay | you (?:will|ll) pay | i ll make sure of it "
    r"| put (?:him|her|you|them) in (?:the )?hospital | teach (?:\w+ ){1,5}a lesson "
    r"| watch your back | sleep tight | you re dead | you are dead | dead meat | your last "
    r"(?:week|day|days|chance|warning) | you ll regret | you will regret | regret it "
    r"| see what happens | you ll be seeing me "
    r"| (?:i|we) know where you (?!can |could |should |might |got |bought |find |get )"
    r"| i have your (?:schedule|address|plate|number|location|photos|pics|nudes) "
    r"| (?:i|we) (?:got|have|know) your (?:plate|address|schedule|car|house|door) "
    r"| would be a shame if | teach (?:\w+ ){1,3}a lesson | i ll be waiting | walk home alone "
    r"| makes it home | make it home | bringing something to school | shoot up | shooting up "
    r"| come alone | i know which (?:car|house|room|door) | you won t recognize "
    r"| (?:your|ur) (?:nudes|photos|pics|pictures|dms|messages|video|videos|chat history|"
    r"screenshots|secrets) (?:\w+ ){0,4}(?:go|goes|going|will|out|up|everywhere|to) "
    r"| (?:post|send|leak|share|spread|upload|show|forward)(?:ing)? (?:\w+ ){0,2}(?:your|ur) "
    r"(?:nudes|photos|pics|pictures|dms|messages|video|screenshots|chat) "
    r"| (?:pay up|pay me|send me (?:\w+ )?(?:money|cash|\d+|bitcoin|btc|crypto|gift cards?|more|"
    r"nudes|pics|photos)|unless you send|or your (?:boss|wife|husband|family|parents|"
    r"mom|dad|girlfriend|boyfriend)|or i m sending|or i will send|or i ll send) "
    r"| (?:i|we) have (?:screenshots|the video|your|pics|photos) .* (?:unless|or|pay|by "
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tonight|tomorrow))"
)
_EN_GROUP = (
    r"muslims?|islam|jews?|jewish people|blacks|black people|black men|black women|whites|"
    r"white people|asians?|chinese|indians|hindus|arabs|mexicans|latinos|immigrants|migrants|"
    r"refugees|foreigners|gays?|gay people|lesbians?|bisexuals?|trans people|trans women|"
    r"trans men|transgenders?|trans|trannies|tranny|women|woman|girls|females|men|males|"
    r"autistic (?:people|kids|children)|autists|disabled people|the disabled|retards|deaf|"
    r"blind|(?:deaf|blind|disabled|autistic|gay|trans|black|muslim|jewish) (?:kids|people|guys)|"
    r"gypsies|roma|romanians|africans|christians|catholics|buddhists|poor people|"
    r"fat people|old people|boomers|feminists|atheists|illegals|aliens|koreans|japanese|"
    r"russians|poles|pakistanis|nigerians|filipinos|vietnamese|homosexuals|queers|"
    r"[a-z]+ (?:people|immigrants|students|kids|guys|women|men)"
)
_EN_DEGRADE = (
    r"vermin|animals|rats|parasites|subhuman|sub human|cockroaches|roaches|disease|diseased|"
    r"filth|filthy|trash|garbage|scum|savages|criminals|terrorists|thieves|beggars|inferior|"
    r"mentally (?:ill|i will)|sick|disgusting|a plague|a cancer|cancer|not human|not people|"
    r"dirty|stupid|"
    r"dumb|useless|property|objects|monkeys|apes|dogs|pigs|bugs|locusts|invaders|groomers|"
    r"pedophiles|predators|devils|demons|evil|freaks|sluts|whores|scammers|liars|rapists|"
    r"lazy|a drain|less intelligent|genetically|broken|greedy|soulless|robots|insects|"
    r"worthless|defective|a burden|an infestation|plague|dirt|scumbags|degenerates|abominations|"
    r"retarded|retards|smell|stink|monsters|bitches"
)
_EN_HATE = re.compile(
    rf" (?:all |every |most |the |these |those |fucking |damn )?(?:{_EN_GROUP})"
    rf"(?: (?:in|at|from|on)(?: \w+){{1,3}}| here| everywhere)? (?:are|r|is|were|all are|are all|"
    rf"are just|are like|are basically|are nothing but|are literally|re|they re)(?: \w+){{0,3}} "
    rf"(?:{_EN_DEGRADE}) "
    rf"| (?:{_EN_GROUP}) (?:smell|stink|ruin|steal|breed like|eat (?:anything|dogs|cats))"
    r"| (?:monkey|monkeys|ape|apes)(?: \w+){0,8} (?:africa|africans|black|blacks) "
    r"| (?:africa|africans|black people|blacks)(?: \w+){0,4} (?:monkey|monkeys|ape|apes) "
    rf"| (?:{_EN_GROUP}) (?:should|need to|must|deserve to|ought to)(?: all)?(?: be)? "
    r"(?:deported|sent back|gassed|killed|shot|exterminated|burned|burn|die|wiped out|locked up|"
    r"kicked out|banned|go back|screened out|kept out|sterilized|removed|hanged|hung|culled|"
    r"not be allowed|shouldn t|never|barely) "
    rf"| (?:{_EN_GROUP}) (?:shouldn t|should not|can t|cannot) (?:be allowed|vote|think|drive|"
    r"lead|work|be trusted) "
    rf"| (?:{_EN_GROUP}) (?:control|run|ruin|destroy|infest|invade|poison)(?:s)? "
    r"| (?:kick|send|throw|get|ship|push|drive) (?:the |all |every last one of |all of |the whole "
    r"lot of )?(?:\w+ )?(?:vermin|animals|them all|them) (?:out|back) "
    r"| (?:shoot|kill|gas|burn) (?:them|all of them) "
    r"| go back to (?:your|their) (?:country|countries|wuhan|africa|mexico|india|china) "
    r"| (?:gas the|kill all|death to) \w+ "
    r"| (?:nigger|niggers|nigga|niggas|faggot|faggots|fags|kike|kikes|chink|chinks|spic|spics|"
    r"wetback|wetbacks|raghead|ragheads|towelhead|towelheads|paki|pakis|gook|gooks|tranny|"
    r"trannies|beaner|beaners|coon|coons|darkie|darkies|white power|subhumans|untermensch|"
    r"sandnigger|nggers|ngger|nggas|niggers|fgs|fgts|fgt|kkes|dykes|shemale|shemales|jigaboo|golliwog|zipperhead|gyppo|pikey|"
    r"white devils|yellow monkeys|mud people) "
    r"| (?:women|girls|females) belong (?:in the kitchen|to men|at home) "
    r"| (?:women|girls) are (?:\w+ )?(?:property|objects|for breeding|inferior) "
    r"| need a real man "
)

# --- Chinese -------------------------------------------------------------------------------

_ZH_TARGET = (
    r"你|妳|您|你们|@\w+|(?:那个|这个|那位|这位|那|这)(?:\w{0,8})(?:男的|女的|男生|女生|人|胖子|"
    r"矮子|傻子|家伙|东西|货|婊|小三|实习生|大哥|大姐|老师|同学|室友|舍友)"
)
_ZH_INSULT = (
    r"傻逼|傻屌|傻子|傻瓜|废物|窝囊废|垃圾|贱人|贱货|贱种|贱|婊子|婊|绿茶|母狗|狗东西|狗娘|"
    r"狗杂种|狗屎|畜生|畜牲|人渣|败类|脑残|智障|脑瘫|弱智|白痴|蠢货|蠢猪|蠢|猪|丑八怪|恶心|"
    r"不要脸|没脑子|神经病|有病|贱骨头|杂种|王八蛋|王八|二百五|死胖子|死肥猪|舔狗|公交车|破鞋|"
    r"烂货|骚货|骚|小丑|吃软饭|没教养|没素质|没有素质|做个人|丢人现眼|算什么东西|什么东西|"
    r"什么货色|配活着|不配|可怜你|孤立|笑你|烦你|讨厌你|没人喜欢你|死妈|你妈死|全家死|没爹|"
    r"没妈|没教你|装脑子|没用|没卵用|废柴|loser|trash|clown|idiot|bitch|dumbass|stupid|"
    r"滚|闭嘴|去死|狗|猪脑子|low|恶心死|丑|装清纯|不要碧莲|臭不要脸|好意思|蠢死|braindead|"
    r"别装了|装什么|笑话|跟(?:shit|屎|猪|狗)一样|最蠢|最丑|最恶心|fake|ugly|loser|simp|bitch|btch"
)
_ZH_HARASS = re.compile(
    rf"(?:{_ZH_TARGET})(?:(?!我|自己)\w){{0,12}}?(?:{_ZH_INSULT})"
    r"|你(?:妈|全家|爸|爹|娘)(?:死|是|逼|的逼|个|被)|(?:操|日|干|草)你(?!妈的|妈逼的|大爷的|个头)|(?:操|日|干|草)你(?:妈|大爷)(?:逼)?的\w{0,12}你|你妈逼|去死吧|"
    r"(?:怎么|咋|赶紧|快)(?:还)?不(?:去)?死|你(?:也|还)?配(?:活|当|做)|(?:大家|全班|全校|全组|"
    r"全宿舍|所有人)(?:都)?(?:在)?(?:烦|讨厌|笑|看不起|恶心)你|滚出(?:我们|这)|"
    r"(?:同意|赞同)的扣1|(?<!我)(?<!我就)(?<!我真)(?<!我真的)(?<!我才)(?:就是|是)个\w{0,6}?(?:傻逼|"
    r"废物|垃圾|贱人|婊子|舔狗|小丑|窝囊废|公交车|贱货|绿茶婊|吃软饭)|能不能做个人|"
    r"你是(?:我|我们)见过最|你是不是(?:有病|傻|蠢|瞎|脑子|braindead|智障)"
)
_ZH_THREAT = re.compile(
    r"(?:弄|打|砍|捅|杀|宰|搞|整|揍|掐|烧|毒)死你|杀了你|宰了你|打断你|收拾你|堵你|弄你|"
    r"(?:找|带|叫)(?:几个)?(?:人|兄弟|朋友)(?:去|来)?(?:堵|打|收拾|弄|揍|办|找)|你(?:给我)?等着|"
    r"等着吧|放学(?:后)?(?:别走|\w{0,6}见)|你完了|你死定了|死定了|走着瞧|后果自负|(?:你|自己)(?:好好)?想(?:想|清楚)后果|小心点|"
    r"小心你的|路上小心|走夜路|别让我(?:碰到|看到|遇到|再看到)|见(?:你)?一次打一次|出来一次打一次|"
    r"让你(?:在(?:全校|全班|全公司|全网|所有人|大家)面前|在\w{0,8}(?:出名|丢脸|丢人|抬不起头|身败名裂|"
    r"待不下去|混不下去|消失)|这辈子|后悔|好看|社死|生不如死|待不下去|走不了|身败名裂|付出代价|混不下去|"
    r"\w{0,6}不下去)|不会放过你|你试试|试试看|有种你|跑不了|拿刀|带刀|刀去|带人去|"
    r"去你(?:家|宿舍|公司|学校|单位|班)|拜访你|知道你(?:住|家|是谁|每天(?:几点|在哪|走|去|回|上下班|什么时候)|几点)|你家(?:地址|在哪)|"
    r"查到你|找到你|我认识人|收拾\w{0,2}你|别以为我不敢|等我出来|第一个收拾|你看着办|"
    # Exposure threatens the reader: their photos, their group or family, or "or else" (不然);
    # a report of what was done to the poster or to someone in the news names no 你.
    r"(?:你|不然|否则|要不然|要不)\w{0,6}(?:照片|裸照|视频|聊天记录|截图|那些事|破事|见不得人)"
    r"\w{0,10}(?:发|挂|传|曝光|公开|抖)"
    r"|(?:发|挂|传|曝光|公开|抖)(?:到|给|出来|出去|在)\w{0,8}?(?:你\w{0,4}(?:群|表白墙|朋友圈|全校|"
    r"学校|公司|单位|班)|你爸|你妈|你(?:的)?(?:爸妈|老婆|老公|家人|领导|父母))"
    r"|(?:我就|我会|我要|我马上|我立刻|我直接|我保证|我一起|我全部|我统统|就给你)\w{0,12}(?:发|挂|传|"
    r"曝光|公开|抖)(?:到|给|出来|出去|在)\w{0,8}(?:群|网上|表白墙|朋友圈|全校|爸妈|老婆|老公|家人|"
    r"公司|领导|他|她)"
    # "敢分手就全部曝光": a condition put to the reader, then exposure.
    r"|(?:你|敢)\w{0,8}就\w{0,10}(?:发|挂|传|曝光|公开|抖)(?:到|给|出来|出去|在|了你)"
    # Material and a promise to send it, with no 你 (Chinese drops it): "照片明天就发到群里".
    r"|(?:照片|裸照|视频|聊天记录|截图|录音|那些事|破事|见不得人的)\w{0,8}(?:就|会|马上|明天|立刻|直接|"
    r"全部|统统)(?!威胁)\w{0,2}(?:发|挂|传|曝光|公开|抖)(?:到|给|出来|出去|在)?(?!\w{0,10}了)"
    r"|你\w{0,6}社死|(?:等着|准备好?)社死"
    r"|人肉你|开盒你|挂你|"
    r"不(?:给钱|还钱|道歉|删帖|删)\w{0,14}(?:发|挂|公开|曝光|抖|闹|等着|试试)|"
    r"你(?:再|敢)\w{0,10}(?:我就|就|让你)|敢(?:报警|举报)\w{0,6}(?:试试|跑不了|你)|"
    r"家人一个都|下次见到你|我有你的\w{0,16}(?:老婆|老公|爸妈|男朋友|女朋友|看看|公开|发)|(?:刀|枪)(?:子)?(?:等|见|给)你|你(?:的)?(?:腿|手|脸)(?:给我)?(?:打断|废了)"
)
_ZH_GROUP = (
    r"河南|东北|上海|北京|广东|新疆|西藏|四川|湖南|湖北|安徽|山东|江西|福建|广西|甘肃|温州|"
    r"外地|乡下|农村|大陆|台湾|香港|日本|韩国|美国|印度|非洲|阿拉伯|越南|菲律宾|黑人|白人|黄种人|"
    r"穆斯林|回族|维族|犹太|基督徒|信佛的|信教的|和尚|女人|女生|女性|女的|女司机|男人|男生|男性|男的|同性恋|基佬|gay|拉拉|les|"
    r"跨性别|trans|变性|残疾|残废|智障|聋哑|自闭症|抑郁症|精神病|穷人|农民工|外国|老外|"
    r"留学生|移民|immigrants|lesbian|women|muslims|jews|korean|koreans|indians|indian|"
    r"africans|chinese|japanese|asians|mexicans|arabs|blacks|gays|men|girls|男的|女的"
)
_ZH_DEGRADE = (
    r"骗子|小偷|贼|垃圾|畜生|牲口|蟑螂|寄生虫|害虫|蝗虫|蛆|猴子|猴|狗|猪|动物|野兽|野蛮|"
    r"病毒|瘟疫|恶心|变态|有病|神经病|不是人|低等|劣等|下等|低人一等|素质低|没素质|偷井盖|"
    r"恐怖分子|流氓|混社会|累赘|废物|该死|去死|死|烧死|滚|脏|懒|蠢|傻|笨|贱|婊|骚|"
    r"艾滋|隔离|抓起来|赶出|驱逐|关起来|整容怪|没一个好东西|不洗澡|厕所|养不熟|"
    r"只配|天生就该|就该被|被男人管|不配|没资格|骗钱|inferior|animals|monkeys|scammers|"
    r"terrorists|whores|savages|pigs|locusts|mentally (?:ill|i will)|freaks|devils|parasites|"
    r"gold diggers|sick|阉|好东西|讨饭|要饭|乞丐|whores|trash|thieves|monsters|dirty|disgusting|"
    r"freaks|bitches|smell|stink|toilet|scum|vermin|rats|野蛮|灾难|不是人"
)
_ZH_HATE = re.compile(
    rf"(?:{_ZH_GROUP})(?:的)?(?:人|佬|鬼|族|子|仔|孩子|们|学生|留学生|人们|男人|女人|男的|女的|男生|女生|男|女)?\w{{0,6}}?"
    r"(?:都|全|全部|全都|就|就是|天生|是|都是|没一个|一个个|dou|are|is|就该|都该|应该|只配|"
    r"什么都|are all|are just|that|跟|又|=|一群|全是)"
    rf"\w{{0,16}}?(?:{_ZH_DEGRADE})"
    rf"|(?:{_ZH_GROUP})\w{{0,2}}人\w{{0,4}}(?:偷井盖|骗子|小偷|蝗虫|讨饭|要饭|猴子|猩猩)"
    rf"|(?:非洲|黑)\w{{0,3}}(?:猴子|猩猩)"
    r"|黑鬼|黑蛆|尼哥|支那|小日本|日本鬼子|鬼子|棒子|高丽棒子|阿三|绿绿|蝈蝻|娘炮|死基佬|"
    r"人妖|女拳|田园女权|打拳的|白皮猪|黑皮|默沙东|猴子们|穆斯林滚|滚回(?:去|你们)|"
    r"(?:蝗虫|寄生虫|蟑螂|害虫|蛆)(?:一样)?$"
)

_EN_HATE_MORE = re.compile(
    rf" i (?:hate|despise|can t stand) (?:all |every |these |those )?(?:{_EN_GROUP}) "
    rf"| (?:all|every|these|those|fucking|damn) (?:{_EN_GROUP})(?: \w+){{0,4}} (?:should|must|"
    r"need to|deserve to|ought to) (?:\w+ ){0,2}(?:die|burn|hang|suffer|rot|leave|go back|be "
    r"(?:deported|killed|removed|banned|shot|gassed|locked up|sterilized|eradicated|purged)) "
    rf"| (?:{_EN_GROUP}) (?:ruin|destroy|poison|infest|pollute|invade|breed|take over|replace)"
    rf"| (?:{_EN_GROUP}) (?:aren t|are not|arent) (?:real )?(?:human|people|women|men) "
    rf"| (?:{_EN_GROUP}) (?:don t|do not) deserve (?:rights|to live|to vote|respect|to exist) "
    r"| (?:breed|multiply) like (?:rats|rabbits|cockroaches|animals) | subhuman | untermensch "
    r"| (?:ethnic|racial) cleansing | final solution | (?:race|gene) traitor | go back to africa "
    r"| (?:they|them) (?:all )?(?:should|need to|must) (?:be )?(?:deported|gassed|exterminated|"
    r"shot|hanged|burned|sent back) "
)
_ZH_HATE_MORE = re.compile(
    rf"(?:{_ZH_GROUP})\w{{0,4}}(?:不配(?:活|当人|做人|结婚|生孩子|有权)|就该(?:死|滚|被|去死|"
    r"绝育|关起来|消失)|都该(?:死|滚|被|去死|绝育|关起来|消失|杀|灭绝|extinct|die|disappear|bedeported|bebanned|belockedup)|滚出(?:中国|我们|这里|去)|"
    r"不是人|是畜生|是垃圾|是病|是瘟疫|是癌症|该被(?:消灭|清除|赶走)|一个都不能留|杀光|死光)"
    rf"|(?:讨厌|恶心|厌恶|痛恨)(?:所有|一切)?(?:的)?(?:{_ZH_GROUP})(?:人|佬|们)"
    r"|(?:灭绝|清除|消灭|驱逐|赶走)(?:所有|一切)?(?:的)?\w{0,4}(?:人|佬|族)"
)

# Quoted words (three characters or more, so a scare-quoted "拜访" stays part of a threat).
_QUOTED = re.compile(
    r"\"[^\"\n]{3,80}\"|“[^”\n]{3,80}”|「[^」\n]{3,80}」|(?<![a-z])'[^'\n]{3,80}'(?![a-z])"
    r"|(?<=骂)\w{0,6}[\"“「][^\"”」\n]{1,80}[\"”」]|(?<=叫)\w{0,6}[\"“「][^\"”」\n]{1,80}[\"”」]"
    r"|(?<=[写说喊回评留])\w{0,6}[\"“「][^\"”」\n]{1,80}[\"”」]"
)


# Wider vocabulary, written from common abuse on English and Chinese anonymous apps rather
# than from any one post: each line is a family of insults, threats or dehumanising talk.
_EN_INSULT_MORE = (
    r"imbecile|cretin|dimwit|halfwit|nitwit|dunce|airhead|bimbo|slag|tramp|hag|witch|beast|"
    r"weirdo|reject|leech|whale|hippo|troll|goblin|gremlin|neckbeard|incel|manlet|pick me|"
    r"try hard|tryhard|wannabe|poser|fraud|cheater|gold digger|homewrecker|bully|lunatic|maniac|"
    r"spaz|cripple|tard|mong|ho|thot|dog|dirtbag|douche|douchebag|tool|muppet|plonk|wanker|"
    r"tosser|bellend|knobhead|dickhead|shithead|fuckface|cockroach|subhuman|animal|sack of shit|"
    r"gross|hideous|repulsive|revolting|unlovable|mistake|burden|nuisance|creepy|fat|fatso|"
    r"lardass|ugly ass|crackhead|junkie|trailer trash|dumb fuck|dumbfuck|fucking idiot"
)
_EN_HARASS_MORE = re.compile(
    rf" you(?: are| re| r)?(?: \w+){{0,3}} (?:{_EN_INSULT_MORE})s? "
    r"| (?:no one|nobody|noone) (?:will|would|could) ever (?:love|like|want|date|marry|miss) you "
    r"| you ll die alone | you will die alone | everyone (?:talks about|laughs at|hates|mocks) "
    r"you | you disgust me | you make me sick | you ruin everything "
    r"|(?<! where)(?<! when)(?<! if) you re the worst "
    r"| (?:the )?world (?:would be|is) better (?:off )?without you | nobody would care if you "
    r"| your (?:parents|mom|mum|dad|family) (?:must )?(?:regret|hate|are ashamed|is ashamed) "
    r"| shut your (?:mouth|face|trap) | get lost | piss off | fuck off | fuck you | screw you "
    r"| eat shit | die in a fire | rot in hell | burn in hell | go to hell you "
    r"| you can go to hell "
    r"| go jump off | jump off a (?:bridge|cliff|building) | hang yourself | you should (?:just )?"
    r"(?:die|disappear|leave|quit|not exist|kill) | why are you (?:still )?(?:alive|here|breathing)"
    r"| you don t deserve to (?:live|be here|exist) | you re a waste | you are a waste "
    r"| kill urself | k y s | (?:stupid|ugly|fat|dumb|worthless|pathetic|useless) (?:bitch|cow|"
    r"pig|slut|whore|loser|idiot|moron|freak|clown|trash|cunt|fuck) (?:like you|you are|@)"
    r"| @\w+ (?:is|you re|ur|you are) (?:\w+ ){0,3}(?:idiot|loser|slut|whore|bitch|trash|clown|"
    r"pathetic|ugly|fat|stupid|dumb|worthless|joke|freak|creep) "
)
_EN_THREAT_MORE = re.compile(
    r" you (?:re|are) (?:gonna|going to) (?:get hurt|regret|pay|suffer|bleed|be sorry|die) "
    r"| you ll (?:get what s coming|be sorry|never see it coming|get hurt|suffer|bleed) "
    r"| (?:you d )?better watch (?:out|yourself|it) | i m coming for you | coming for you "
    r"| count your days | your days are numbered | won t see it coming | won t know what hit "
    r"| mark my words | you ve been warned | (?:this is your )?last warning | i ll get you "
    r"| get what you deserve | make you (?:pay|suffer|bleed|regret) | break (?:every bone|your "
    r"(?:neck|face|nose|jaw|arm|arms|legs|knees|teeth)) | beat the (?:shit|crap|hell) out of "
    r"| beat you (?:up|senseless|to death) | kick your (?:ass|teeth) | smash your (?:face|head|"
    r"car|windows) | slash your tires | burn (?:down )?your (?:house|car|place) | set fire to "
    r"| run you over | (?:wait|waiting) for you (?:outside|after|at) "
    r"| i ll be outside (?:your|ur|waiting|tonight|when|after) "
    r"| i know (?:your address|what car you|where you work|where your|your schedule|your route|"
    r"where you park|which house) | would hate for something to happen | accidents happen "
    r"| careful walking home | leak your | expose you | tell everyone (?:your|about your|what you)"
    r"| everyone will (?:know|see) | send (?:it|them|these|the pics|the video) to your "
    r"| your (?:parents|boss|wife|husband|family|friends|employer|school) will (?:see|know|get)"
    r"| unless you (?:pay|send|delete|apologi)| send me (?:money|\$|btc|bitcoin)|(?:i|we) have "
    r"(?:your )?(?:nudes|pics|videos|photos|recordings) of you | ruin your (?:life|career|"
    r"reputation|marriage) | get you fired | destroy your (?:life|career|family) | i will end you "
    r"| you re finished | dead man walking | six feet under | put you in the ground | bury you "
    r"| (?:shoot|stab|knife|cut|strangle|choke|gut|slit) (?:you|your throat|him|her) "
    r"| hurt (?:your|someone you love) | acid (?:in|on) your face"
    r"| you ll get yours | this isn t over | it s not over | you re next | you ll see "
    r"| hope you like hospitals | nice (?:house|car|apartment|place) you (?:have|got) "
    r"| your (?:kids|children|daughter|son|sister|brother|mom|mum|dad|wife|husband|girlfriend|"
    r"boyfriend) (?:are|is|look|looks) (?:cute|pretty|nice|lovely) | we ll be in touch "
    r"| i m watching you | i see you every | i m outside | look behind you | start running "
    r"| run while you can | you can t hide | nowhere to hide | (?:i m|i am) going to ruin you "
    r"| i ll hunt you | hunt you down | (?:i ll|i will|gonna|going to) (?:beat|slap|punch|kick|"
    r"hit|smack|jump|stab|shoot|cut|choke) (?:you|u|ur|your|him|her) | you re (?:gonna|going "
    r"to) get it | you re done for | (?:dox|doxx|swat) (?:you|u|her|him) | post your address "
    r"| (?:call|report you to) (?:ice|immigration) | i ll tell (?:your|everyone) | pay me or "
)
_ZH_INSULT_MORE = (
    r"蠢货|傻叉|傻x|二逼|屌丝|人渣|渣男|渣女|心机婊|白莲花|荡妇|母猪|肥猪|矮冬瓜|土鳖|乡巴佬|"
    r"穷鬼|杂碎|狗腿子|走狗|孙子|龟孙|瘪三|疯子|变态|脑子进水|脑子有坑|低能|没出息|丢人|丢脸|"
    r"下贱|犯贱|欠揍|欠骂|欠抽|找死|活该|死全家|滚蛋|滚开|你算老几|恶心人|看见你就烦|没人要|"
    r"没人爱|人模狗样|狗改不了吃屎|祸害|害人精|丧门星|扫把星|贱婢|恶毒|绿茶|小三|贱骨头|骗子|"
    r"猥琐|油腻|死肥宅|肥宅|秃子|瞎子|聋子|哑巴|瘸子|残废|死鬼|短命鬼|废人|蛀虫|寄生虫|菜鸡|菜狗"
)
_ZH_HARASS_MORE = re.compile(
    rf"(?<!要)(?<!让)(?:你|妳|你们|这货|此人|该人|那货|楼主|这位|那位|这人|那人)(?:(?!我|自己)\w){{0,10}}?"
    rf"(?:{_ZH_INSULT_MORE})"
    r"|(?:去死|死全家|全家死光|出门被车撞|不得好死|断子绝孙|生孩子没屁眼)"
)
_ZH_THREAT_MORE = re.compile(
    r"(?:废|卸|残)了你|打残|有你好看|有你好果子|没你好果子|给你点颜色|教训(?:你|一下你)|"
    r"让你知道|让你后悔|你会后悔|(?:出门|晚上|回家|走路)(?:的时候)?(?:小心|当心)|当心点|"
    r"(?:你|你的)(?:孩子|家人|爸妈|女朋友|男朋友)\w{0,8}(?:小心|出事|好看|安全)|"
    r"(?:幼儿园|学校|公司|住哪|在哪)\w{0,4}我都知道|我都知道你(?:家|住|在)|"
    r"(?:你家门口|你楼下)\w{0,10}(?:挺新|挺好|不错|是你的吧)|保证(?:让)?你(?:后悔|好看|完蛋)|"
    r"等着收尸|给你收尸|泼(?:硫酸|汽油)|"
    r"(?:放火|烧了)(?:你|你家)|(?:你|我就|我会|我要|我马上|我直接|不然|否则)\w{0,10}(?:发到网上|传到网上)|让所有人(?:看到|知道)|让(?:全校|全公司|全班)"
    r"(?:都)?(?:知道|看到)|身败名裂|打到你|捅你|砍你|弄残|搞你|整你|你(?:走|出)不了|"
    r"找人(?:弄|打|砍|堵|收拾)|叫人(?:弄|打|砍|堵|收拾)|(?:我|老子)(?:一定|迟早|早晚)\w{0,6}"
    r"(?:弄|打|杀|收拾|找|报复)|报复你|你别后悔|别怪我不客气|别怪我|等着瞧|走着瞧"
)


# Abuse without a swear word, written as families for the probes in
# tests/unit/app/moderation/test_target_families.py: contempt for a person's face, mind, worth
# and welcome ("你怎么还有脸", "建议你回炉重造", "没人欢迎你"), in Chinese and mixed text.
_ZH_HARASS_EXTRA = re.compile(
    r"你(?:怎么|还|居然)(?:还)?有脸|你\w{0,10}(?:回炉重造|重新投胎)|(?:建议|劝)你\w{0,6}(?:回炉重造|重新投胎|去看看脑子|照照镜子|"
    r"多读点书|别出门|退群|消失|去死|闭嘴)|你\w{0,8}(?:check|检查|看看|治治|查查)\w{0,4}(?:脑子|脑袋)|"
    r"你妈(?:没|就没|从来没)教(?:过)?你|(?:就|凭)你这(?:智商|脑子|长相|样子|水平|德行|level|颜值|"
    r"身材|鬼样)|你这\w{0,8}也(?:敢|好意思|配)|谁会(?:喜欢|爱|要|看得上|娶|嫁给)你|"
    r"你(?:是不是|就是|是)?没长脑子|看(?:见|到)你就(?:想吐|恶心|烦|来气|反胃)|"
    r"你\w{0,10}(?:让人|令人|叫人)(?:反胃|恶心|作呕|想吐)|"
    r"(?:没人|没有人|谁都不|nobody|noone)(?:会)?(?:欢迎|喜欢|想理|理|在乎|要|爱)你|"
    r"你(?:活着|存在)(?:就是|纯属|只是)?(?:在)?浪费|"
    r"你(?:的)?(?:存在|出生|活着)\w{0,6}(?:错误|多余|耻辱|笑话|灾难|负担|污染)|(?:别|不要)(?:再)?出(?:门|来)(?:吓人|丢人|现眼)|"
    r"你(?:这|的)?张?脸\w{0,4}车祸现场|(?:你爸妈|你妈|你爸|你父母|你家里人)(?:生你|当初|养你)"
    r"\w{0,8}(?:后悔|失望|丢人)|你这(?:样|种)的?人\w{0,8}(?:怎么还|活该|就该|不配|还没被|怎么有脸)|"
    r"你也就这点(?:本事|能耐|出息)|(?:怪不得|难怪)(?:没人|大家都不|没有人)\w{0,4}(?:跟|和|理|喜欢|要)你|"
    r"(?:你|像你这种人)\w{0,6}(?:连狗都不如|猪狗不如)|(?:装可怜|装纯|装无辜|装清高)给谁看|"
    r"你是来搞笑的|你\w{0,10}不怕被(?:人)?笑|你的(?:iq|智商|情商)(?:是负|为负|是零|欠费|掉线|不够)|"
    r"(?:你|@\w+)(?:(?!我|自己)\w){0,12}?(?<!nt)(?:joke|annoying|theworst|pathetic|cringe|weirdo|creep|"
    r"disgusting|useless|gross|负数)"
    r"|你\w{0,6}(?:拖油瓶|扫把星|拖后腿)|被你(?:连累|拖累|害)|你(?:做)?(?:什么|啥)(?:事)?都(?:做不好|干不好|不会|不行)"
    r"|你(?:一无是处|啥也不是)|你长得(?:跟|像)(?:个|一个|一头|一只)|长得(?:真|好|太)?(?:抱歉|着急|寒碜|感人)"
    r"|说话(?:能不能|不)过(?:过)?脑子|(?:暴露|拉低)(?:了)?(?:你的)?(?:智商|平均智商)"
    r"|(?:我要是你|换我是你|要是我是你)\w{0,8}(?:没脸|去死|跳楼|不活|自杀|撞死)"
    r"|(?:养|生|教)出你这(?:种|样的)?(?:东西|玩意|货|人)|你这(?:种|个)(?:东西|玩意)"
    r"|(?:you|ur)(?:(?!我)\w){0,10}?(?<!nt)(?:fake|joke|annoying|loser|ugly|pathetic|stupid|dumb|cringe"
    r"|broken|trash)|知道你这么(?:cheap|贱|随便|easy)|(?:everyone|大家|所有人|全班|全校)\w{0,8}(?:hates?|讨厌|恨|烦)(?:you|你)"
    r"|(?<!我)不知道自己几斤几两|(?:你|@\w+)\w{0,12}辣眼睛|你\w{0,8}(?:谁沾上谁倒霉|晦气)"
    r"|你\w{0,6}(?:去)?整(?:个)?容(?:吧|吗|去)|你\w{0,6}(?:没读过书|没文化|小学没毕业)"
    r"|(?:你|you)\w{0,10}(?:act|装|演)\w{0,2}累不累|(?:装|演)得累不累|(?:你|you)\w{0,16}没人受得了"
    r"|没人受得了你|你\w{0,4}(?:mirror|镜子)坏了|(?:ugly|丑)\w{0,4}还好意思"
)
# Harassment in English without the usual insults: the most useless person, dressing like,
# talking behind your back, never amounting to anything.
_EN_HARASS_EXTRA = re.compile(
    r" (?:you re|you are|ur|your)(?: \w+){0,2} the most (?:useless|annoying|pathetic|boring|"
    r"stupid|ugly|disgusting|worthless|insufferable|unbearable|irritating|selfish|fake) "
    r"| (?:says|say|talk|talks|laugh|laughs|saying|talking|laughing) (?:\w+ )?behind your back "
    r"| do (?:us|everyone|the world)(?: all)? a favou?r and (?:stop|shut|leave|quit|go|delete|"
    r"never|disappear|die|kill) | you re (?:the )?(?:reason|why) your (?:parents|mom|mum|dad|"
    r"family) | go cry to your (?:mommy|mom|mum|daddy|mama) | crybaby "
    r"| you (?:dress|talk|act|walk|eat|dance) like (?:a|an) "
    r"| your (?:laugh|voice|face|breath|existence|personality|outfit)(?: is| s)?(?: \w+){0,2} "
    r"(?:annoying|disgusting|ugly|unbearable|cringe|painful|embarrassing|grating) "
    r"| you ll never (?:amount to|be anything|be loved|be good enough|find anyone) "
    # A put-down of what a person thinks they are: "you're not funny", "you are not welcome".
    r"|(?<! if)(?<! when) (?:you re|you are|ur) not (?:even )?(?:funny|cute|pretty|smart|cool|"
    r"talented|wanted|welcome|interesting|attractive) "
    # A person summed up as a sad specimen: "you are a sad, balding, forty-year-old man".
    r"|(?<! if)(?<! when) you (?:are|re) (?:a|such a) (?:sad|pathetic|miserable|bitter|desperate|"
    r"insecure|spineless|delusional)(?: \w+){0,4} (?:man|woman|person|guy|girl|excuse|creature) "
)
# Hate in English phrased as a trait or a danger ascribed to a whole group.
_EN_HATE_EXTRA = re.compile(
    r"(?<!said)(?<!says)(?<!claimed)(?<!claims)(?<!think)(?<!thinks)(?<!believes)"
    rf" (?:{_EN_GROUP}) (?:are|re|r) (?:all |just |naturally |inherently |genetically |basically "
    r"|too |so |more |a |simply |honestly )*(?:ruining|destroying|poisoning|infesting|invading|"
    r"taking over|replacing|danger|threat|menace|dangerous|violent|emotional|"
    r"mentally (?:ill|i will)|drug dealers|criminals|rapists|terrorists|thieves|waste|ugly|"
    r"incapable|unfit|disease) "
    r"| (?:can t|cannot|never|don t) trust (?:a|an|any) (?:jew|muslim|black|mexican|gay|woman|"
    r"immigrant|arab|indian|chinese|gypsy|asian|refugee|foreigner) "
    r"| the only good \w+ is a (?:dead|deported|gone|silent) "
    rf"| (?:{_EN_GROUP}) should (?:just |all )?(?:hurry up and |go )?(?:die|disappear|be wiped) "
)
# Veiled threats in English: a schedule or home known, a warning that something may happen, a
# loved one or a pet named beside "would be a shame", "if you know what's good for you".
_EN_THREAT_EXTRA = re.compile(
    r" i know (?:what time|when|where|how) you (?:leave|get off|get home|finish|walk|park|sleep|"
    r"live|go to|take) | (?:should|better|d better) be careful (?:who|what|where) you "
    r"| people like you (?:end up|get|disappear|go missing|tend to) "
    r"| keep (?:talking|it up|running your mouth|pushing)(?: \w+)? and (?:see|find out|you ll) "
    r"| enjoy your last | (?:don t|do not) be surprised (?:when|if) (?:something|anything) "
    r"| something (?:bad )?(?:happens|could happen|might happen|will happen) to (?:you|your) "
    r"| hate to see (?:your|you) | things happen to (?:people|those|snitches) "
    r"| snitches get stitches | hope your (?:brakes|tires|tyres|locks|car|house) "
    r"| (?:parked|waiting|sitting|standing) outside your (?:place|house|door|apartment|work|"
    r"school|building) | enjoy (?:her|his|their|your) \w+ while (?:she|he|they|you) (?:still )?can "
    r"| (?:would|d) be (?:sad|a pity|a shame|terrible|awful|tragic) if (?:it|she|he|they|your"
    r"|something)(?: \w+){0,3} (?:went missing|got hurt|disappeared|had an accident|got lost|"
    r"found out|burned|happened) "
    r"| (?:we|i) know where your (?:kids|children|son|daughter|wife|husband|mom|mum|dad|family|"
    r"parents|sister|brother|girlfriend|boyfriend) | sleep with one eye open "
    r"| watch (?:my|your) back if | (?:you re|you are) lucky (?:i|we) (?:m|re|am|are) not "
    r"| (?:bullet|grave|coffin) with your name | if you know what s good for you "
    r"| you ll (?:\w+ ){1,4}and i ll be (?:there|waiting|behind you) "
    r"| no idea what i m capable of | what i m capable of "
    r"| your (?:house|car|place|apartment|shop) (?:would|will|could) (?:burn|go up) "
    r"| how (?:fast|quickly|easily) your \w+ (?:would|could|will) (?:burn|break|crash) "
    r"| you re (?:going to|gonna) wish you (?:never|hadn t|didn t|had) "
    r"| (?:memorized|memorised|wrote down|noted|got|have) your (?:license|licence|number) plate "
    r"| find (?:out )?where you (?:sleep|live|work|park|stay) | see you (?:\w+ ){0,3}alone "
    r"| next time you won t (?:be )?(?:walking|walk|get|getting) (?:away|off|out) "
    r"| hope you like hospital | walks? home alone | (?:watch|see) what happens to you "
    r"| i know your (?:daughter|son|kids|wife|husband|mom|mum|sister|brother|girlfriend|"
    r"boyfriend) s (?:school|work|address|route|class|job) | (?:shame|pity) to ruin "
)


# Group hate written across both languages or with a wider vocabulary: a group (a Chinese region,
# people, faith, gender or condition, or its English name), a word that makes it a rule for all
# of them (都是, 全是, 个个, 天生, are all, =), then a degrading trait, in either language:
# "Russians 都是 drunk barbarians", "温州人 only care about money ... 吸血鬼". Read on a form where
# Chinese runs are joined and English words stay words (`_mixed_forms`), and on the Chinese form.
_MIXED_GROUP = (
    r"(?:河北|山西|内蒙古?|辽宁|吉林|黑龙江|江苏|浙江|福建|江西|山东|河南|湖北|湖南|广东|广西|海南|四川|"
    r"贵州|云南|陕西|甘肃|青海|宁夏|新疆|西藏|重庆|天津|上海|北京|安徽|潮汕|温州|延边|驻马店|东北|西北|"
    r"南方|北方|外省|外地|农村|乡下|山区|大陆|台湾|香港|日本|韩国|美国|印度|非洲|越南|菲律宾|泰国|俄罗斯|"
    r"朝鲜族|回族|维族|藏族|苗族|hn|xj|db)(?:的)?(?:人|佬|男|女|男人|女人|仔|妹|帮)"
    r"|(?:穆斯林|犹太人|基督徒|信教的人|信佛的人|同性恋|基佬|跨性别|女司机|残疾人|残废|智障|"
    r"聋哑人|自闭症|抑郁症|精神病人?|农民工|外国人|老外|黑人|白人|女人|女的|女生|男人|男的|女权|"
    r"田园女权|小日子|小日本|韩国人|印度人|ns|nvquan|tongxinglian)"
    r"|(?<![a-z])(?:mainlanders|russians|americans|brits|british|catholics|christians?|muslims?|"
    r"jews|buddhists|hindus|atheists|feminists?|mexicans?|indians?|pakistanis?|filipinos?|"
    r"koreans?|japanese|chinese|africans?|arabs?|gays?|gay men|lesbians|bisexuals?|"
    r"trans people|immigrants|refugees|disabled people|deaf people|blind people|autistic kids|"
    r"black people|white people|asians?|women|men|depression|adhd|schizophrenics|"
    r"latinos|europeans|eastern europeans|somalis|nigerians|romanians|gypsies|roma|irish|"
    r"southerners|northerners|hillbillies|[a-z]+ people)(?![a-z])"
)
_MIXED_ALL = (
    r"都是|全是|全都是|全都|都|全|就是|个个都?是?|一个个|天生|没一个|整个\w{0,3}都|一群|根本|真的|太|"
    r"就该|都该|就不该|不该|不应该|应该|就别|只配|不配|是我见过|"
    r"(?<![a-z])(?:are all|are just|are so|are|is|all|=|really are)(?![a-z])"
)
_MIXED_DEGRADE = (
    r"骗子|小偷|贼|贼窝|垃圾|渣滓|畜生|牲口|蟑螂|寄生虫|吸血鬼|蝗虫|蛀虫|老鼠|猴子|猪|狗|动物|物种|野蛮|"
    r"病毒|瘟疫|变态|有病|神经病|不是人|低等|劣等|素质低|没素质|恐怖分子|恐bu分子|流氓|累赘|负担|废物|"
    r"拖累|添麻烦|耻辱|定时炸弹|不干净|手脚不干净|没进化|穷酸|整容怪|马路杀手|不讲理|妈宝|"
    r"脏|懒|蠢|傻|笨|贱|婊|骚|脑残|被洗脑|洗脑|自私又?小气|小气|没一个好东西|不配|只配|该死|去死|"
    # where a group is told it belongs: 就该待在家里, 别出来, 不该生出来, 关起来
    r"待在(?:家里|家|工地|农村|老家)|消失|不该出来|别出来|不要出来|不应该生|不该生|关起来|拖累|"
    r"添麻烦|浪费\w{0,4}资源|污染|占坑|没一个(?:干净|正常|好人|靠谱)|没有一个例外|"
    r"最\w{0,6}的(?:民族|人种)|货色|贼窝|烂的|九头鸟|(?:跟|像)\w{0,4}(?:动物|鬼|畜生|猪|狗|老鼠)一样|"
    r"(?<![a-z])(?:barbarians|inbred|hicks|rednecks|hillbillies|leeches|plague|gangsters|"
    r"pedophiles|brainwashed|sheep|prostitutes|losers?|"
    r"idiots|obese|pigs|snobs|selfish|arrogant|lazy|greedy|criminals|uncivilized|uncivilised|"
    r"half human|burden|garbage|trash|useless|weak|crazy|mentally ill|mentally sick|dangerous|"
    r"terrorists|plastic|fake|superstitious|narcissistic|animals|monsters?|parasites|violent|dirty|"
    r"disgusting|thieves|liars|drunks?|savages|vermin|rats|cockroaches|locusts|disease|diseased|"
    r"less evolved|not human|subhuman|inferior|filthy|brainless|ugly|servants?|arrogant|"
    r"disappear|lock up|locked up|separate|half human|uncivili[sz]ed|"
    r"scum|freaks)(?![a-z])"
)
_MIXED_HATE = re.compile(
    rf"(?:{_MIXED_GROUP}).{{0,8}}?(?:{_MIXED_ALL}).{{0,16}}?(?:{_MIXED_DEGRADE})"
    # the group and the trait side by side ("新疆人 = thieves", "安徽人🐀一样")
    rf"|(?:{_MIXED_GROUP}) ?=? ?(?:{_MIXED_DEGRADE})"
    rf"|(?:{_MIXED_GROUP}) ?(?:跟|像)?(?:老鼠|蟑螂|蝗虫|猪|狗|鬼|动物|畜生)一样"
)
# What every branch of _MIXED_HATE needs somewhere: a degrading word, or 一样 ("像老鼠一样").
# Most texts have neither, and this one scan is far cheaper than trying every group word at every
# position with the trait words behind it.
_MIXED_HATE_NEEDS = re.compile(rf"(?:{_MIXED_DEGRADE})|一样")
# A stereotype named to refute it ("不是所有河南人都是骗子", "not all muslims are terrorists").
_HATE_REFUTED_BEFORE = re.compile(
    r"(?:不是所有|并非所有|不是每个|别说|谁说|不能说|不要说|凭什么说|刻板印象|地域黑|not all|"
    r"stereotype|stereotypes|myth that|say that|claim that)\W{0,2}\w{0,6}\W{0,2}$"
    r"|(?<![a-z])not$"
    r"|(?<![a-z])(?:said|says|claimed|claims|posted|wrote|told me|thinks|believes|yelled|shouted)"
    r"(?: that)?(?: all)?$"
)
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])")


def _mixed_forms(en: tuple[str, ...]) -> tuple[str, ...]:
    """The English forms with Chinese runs joined again: "russians 都是 drunk barbarians"."""
    return tuple(_CJK_GAP.sub("", form) for form in en)


def _group_hate(patterns: tuple[re.Pattern[str], ...], forms: tuple[str, ...]) -> bool:
    """Whether a pattern matches other than as a stereotype refuted or someone else's words."""
    for form in forms:
        for pattern in patterns:
            for match in pattern.finditer(form):
                before = form[max(0, match.start() - _ZH_CONTEXT) : match.start()].rstrip()
                if not (_HATE_REFUTED_BEFORE.search(before) or _ZH_REPORTED_BEFORE.search(before)):
                    return True
    return False


def _mixed_group_hate(forms: tuple[str, ...]) -> bool:
    needed = any(_MIXED_HATE_NEEDS.search(form) for form in forms)
    return needed and _group_hate((_MIXED_HATE,), forms)


# Threats as people write them without a violent verb, as families: exposure on a condition
# (material kept, a deadline, "or" / 不然 and who will see it), the reader's routine with a dark
# or lonely place, harm foretold (an ambulance, a hospital, "while you still can"), and a
# settling of scores (迟早跟你算, 你惹错人了).
_EN_THREAT_VEILED = re.compile(
    r" (?:still (?:have|got)|kept|ve kept|saved|have copies of|got copies of) (?:\w+ ){0,3}"
    r"(?:videos?|pics|photos|screenshots|texts|nudes|recordings?|messages|receipts|emails)\b"
    r".{0,90}?\b(?:your (?:wife|husband|fianc\w*|boss|mom|mum|dad|parents|family|boyfriend|"
    r"girlfriend|employer|followers)|everyone (?:sees|will see|gets)|worth to you|unless|or else|"
    r"be nice to me or) "
    r"| (?:or|otherwise|unless you \w+) (?:the |your |those |these |my |all (?:the |your )?)?"
    r"(?:\w+ ){0,2}(?:pics|photos|videos?|screenshots|texts|messages|folder|recording|nudes|files|"
    r"emails?) (?:\w+ ){0,3}(?:go|goes|gets|get|will|are going|is going|end up|land)\b"
    r"| (?:or|otherwise) (?:your|ur) (?:\w+ ){0,2}(?:wife|husband|fianc\w*|boss|mom|mum|dad|"
    r"parents|family|boyfriend|girlfriend|employer|school) (?:\w+ ){0,2}(?:sees?|finds? out|gets?|"
    r"will see|learns?|hears?) "
    r"| (?:want me to|should i|shall i) (?:send|show|forward|tell) your (?:wife|husband|fianc\w*|"
    r"boss|mom|mum|dad|parents|family|boyfriend|girlfriend|employer) "
    r"| (?:i m|i am|we re|we are) (?:burning|smashing|slashing|keying|wrecking) (?:\w+ )?"
    r"(?:your|ur) "
    r"| (?:i m|i am|we re|we are) (?:sending|showing|forwarding|posting|leaking) (?:\w+ ){0,4}"
    r"(?:screenshots|pics|photos|videos?|texts|messages|nudes|dms|chats?|recordings?) "
    r"| (?:you|he|she|they) (?:have|has|ve got|got) (?:till|until|\d+ (?:hours|days)|one week|"
    r"a week|one day) (?:to )?(?:\w+ ){0,8}(?:or else|or everyone|or the (?:pics|photos|videos?)|"
    r"or your|"
    r"after that|before i|before we|clock s ticking)"
    r"| (?:your|you) (?:\w+ ){0,6}(?:every (?:day|night|morning|evening|week|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday)|each night|ends at \d+|at \d+ (?:am|pm)?)"
    r".{0,80}?\b(?:(?:pretty|so|really|very|kinda|quite|real) (?:dark|empty|quiet|deserted)|"
    r"all alone|alone at night|no one around|nobody around|no cameras|very brave|lose track|"
    r"accident|accidents) "
    r"| (?:tend to|might|could|often|usually) (?:have|get into|meet with) (?:an |some )?accidents? "
    r"| make you disappear | when i m done with you | standing over you | burying you "
    r"| your teeth (?:off|out of|from) | catch (?:these|my) hands | bat to (?:the|your) knees "
    r"| (?:leaving|leave|go home|end up|going home|goes home) in (?:an ambulance|a body bag|"
    r"a coffin|a wheelchair|a cast) "
    r"| last (?:quiet|good|peaceful|normal|safe) (?:week|day|night|one) | while it lasts "
    r"| while you still can | recogni[sz]e your face | make your life (?:hell|a living hell|"
    r"miserable) | won t like what happens | know where you (?:sleep|live) "
    r"| lose track of (?:her|him|them|your) "
)
# The same, spelled with spaces between letters ("g o n n a h u r t y o u"), read glued.
_EN_THREAT_GLUED = re.compile(
    r"(?:gonna|goingto|iwill|imgonna|illfind|ill)(?:kill|hurt|stab|shoot|find|end|get)(?:you|u)"
    r"(?![a-z])|watchyourback|youredead|youaredead|sleepwithoneeyeopen"
)
_ZH_THREAT_VEILED = re.compile(
    r"让你\w{0,4}(?:说|下|站|走|回|起|吃|睡)不(?:了|起来)|(?:不用|别想)(?:再)?回家了"
    r"|(?:再|敢)\w{0,12}我就在\w{0,8}等(?:着)?你|敢\w{1,6}试试"
    r"|(?:你的?|你那些?)\w{0,6}(?:视频|照片|裸照|聊天记录|截图|录音|video|screenshot)\w{0,6}我"
    r"(?:都|全|还|全都)?(?:存着|留着|保存|save|录下来|备份)"
    r"|(?:早晚|迟早)(?:的事)?\w{0,4}(?:跟你算|找你算|收拾你|弄你|kill你|弄死你)|(?:kill|弄死|杀)你是(?:早晚|迟早)"
    r"|帐\w{0,6}(?:跟|找)你算|你惹错人了|别想跑|(?:你)?(?:逃|跑)不掉的|你逃不了"
    r"|(?:每天|一直|天天|说不定|随时)\w{0,3}在你(?:后面|身后|楼下|门口|家门口|宿舍楼下)"
    r"|出(?:点|了)?事(?:也|很)?(?:正常|不奇怪)"
    r"|你\w{0,6}每(?:天|晚|周\w)\w{0,24}(?:挺黑|很黑|挺暗|很暗|挺偏|很偏|没人|注意安全|摔|出事|"
    r"不太平|不安全)"
    r"|(?:你|你老婆|你老公|你妹妹|你女儿|你儿子|你孩子|你家人|你妈|你爸)\w{0,10}(?:那条路|小路)\w{0,8}"
    r"(?:挺黑|很黑|挺暗|挺偏|很偏|没人|不太平)"
    r"|不保证\w{0,4}做出什么|我有的是(?:办法|时间|手段)|自己掂量|你知道我会怎么做"
    r"|不然\w{0,20}(?:收到|看到|知道|出现在)|(?:一个一个|全部|统统)(?:挂|曝光)出(?:去|来)"
    r"|去\w{0,2}见见你|会会你|你(?:再|敢)\w{0,14}(?:等着|试试|试一下)|去你老家"
    r"|(?:去|就)找你(?:爸妈|家人|父母|老板|领导)"
    r"|你(?:家|的)\w{0,12}(?:不太安全|不安全|不太平)|不想\w{0,4}知道(?:的话)?\w{0,6}(?:就|聊聊|给|转)"
    r"|(?:聊聊|谈谈)(?:价钱|价格|多少钱)|给你最后\w{0,6}(?:小时|天|机会|hours)|你最好(?:祈祷|pray|带个保镖|小心)"
    r"|别让我\w{0,10}(?:碰到|看到|遇到)你|带(?:个)?保镖|你\w{0,4}(?:进|住)(?:医院|icu)"
    r"|(?:让|保证)(?:你|她|他)\w{0,2}(?:也)?(?:regret|后悔|suffer|pay)|你\w{0,2}dead|你的\w{0,8}完蛋"
    r"|开你的盒|我知道你\w{0,10}在哪|你住哪\w{0,4}我\w{0,6}知道"
)


# Harassment without the usual swear words, as families: a person called a kind of person
# ("you're a backstabbing, jealous snake"), their work or voice run down ("your art is garbage"),
# "X of a Y" put-downs, shunning ("everyone is tired of you", "log off forever"), a repeated
# insulting emoji after a handle; in Chinese, 楼主/楼上 as targets, "你是来…还是来…的",
# "说的就是你" after a put-down, shunning (都看不起你, 懒得理你) and "…之耻".
_EN_KIND_OF_PERSON = (
    r"snake|worm|fraud|bully|child|baby|drama queen|pick me|try hard|tryhard|clown|joke|"
    r"participation trophy|waste of (?:space|oxygen|air)|leech|parasite|narcissist|sociopath|"
    r"creep|weirdo|loser|failure|disappointment|embarrassment|nobody|npc|bot|fake|hypocrite|"
    r"toxic|selfish|brainless|spineless|useless|irrelevant|cringe|insufferable|unbearable|"
    r"obnoxious|dull|boring|delusional|pathetic|small man|sad man|little man"
)
_EN_HARASS_FAMILIES = re.compile(
    rf"(?<! if)(?<! when) (?:you re|you are|ur|u r|youre)(?: (?!not |never |no )\w+){{0,4}} "
    rf"(?:{_EN_KIND_OF_PERSON})s? "
    r"| (?:is|s) (?:the )?(?:most (?:obnoxious|annoying|useless|toxic|selfish|insufferable|boring|"
    r"pathetic)|worst) (?:human|person|people|man|woman|guy|girl)(?: being)? "
    r"| your (?:art|face|voice|laugh|lectures?|takes?|poetry|music|songs?|videos?|content|selfies|"
    r"personality|existence|cooking|english|writing|code|posts?|singing|outfits?|presentation) "
    r"(?:is|are|s|looks?|sounds?|reads?)(?: \w+){0,3} (?:garbage|trash|a joke|a crime|embarrassing|"
    r"cringe|awful|terrible|pathetic|disgusting|like a (?:kid|child|toddler)|worse|unbearable|"
    r"painful) "
    r"| (?:the )?(?:personality|brain|brains|iq|charisma|attention span|social skills|face) of a "
    r"(?:\w+ ){0,2}(?:sock|goldfish|potato|rock|brick|toddler|doorknob|wet blanket|cardboard|"
    r"houseplant|slug|dead \w+) "
    r"| you peaked (?:in|at) | human equivalent of | living proof (?:that|of) "
    r"| (?:everyone|everybody|people|we all|we re all|the whole \w+) (?:is |are |s |re )?(?:so )?"
    r"(?:tired|sick) of you | laugh at you not with you | people laugh at you "
    r"| you add nothing | log off (?:forever|for good|and never) | (?:out of|back to|into) "
    r"(?:whatever|the) hole you | look in (?:a|the) mirror | go cry to (?:mommy|mummy|mama|daddy) "
    r"| uninstall (?:and|the game|already|pls|please) | like anyone asked | nobody (?:ever )?asked "
    r"(?:you|bestie|sweetie|babe|hun) | nobody would (?:notice|care) if you "
    r"| nobody is impressed | without you (?:\w+ ){0,3}just so you know "
    r"| your (?:own )?(?:mom|mum|dad|parents|mother|father) (?:\w+ ){0,4}(?:ashamed of you|"
    r"apologi[sz]es for|regrets having|left because of you|embarrassed by you)"
    r"| (?:clown|pig|snake|rat|trash|poop|vomit)(?: (?:clown|pig|snake|rat|trash|poop|vomit)){2,} "
)
_ZH_HARASS_FAMILIES = re.compile(
    r"(?:楼主|楼上|楼下|层主)(?:(?!我|自己)\w){0,8}?(?:傻逼|傻|蠢|脑残|智障|猪|狗|sb|白痴|弱智|有病|"
    r"神经病|小丑|废物|垃圾|滚)"
    r"|你是来\w{0,6}还是来\w{0,6}的|你除了\w{0,6}还(?:会|能)(?:干嘛|干什么|做什么|干啥)"
    r"|你\w{0,12}自作多情|给你(?:面子|脸)\w{0,4}(?:别|你)|(?:真)?以为(?:大家|别人|所有人|我们)\w{0,2}"
    r"(?:喜欢|在乎|需要|想理)你"
    r"|(?:丑|胖|烂|蠢|作怪|不要脸|没素质|恶心|丢人|装|贱|婊|猪|渣|矮)\w{0,8}说的就是你"
    r"|(?<!我)(?:脑子是摆设|脑子里装的是|脑子被驴踢)|(?:你|你这)(?:副|个)?德行"
    r"|你(?:说话|唱歌|跳舞|跳得|唱得|长得|穿得|写得)\w{0,4}(?:很|真|太|好|那么)?(?:难听|难看|丑|恶心)"
    r"|(?:懒得|没人想|谁想|谁愿意)(?:理|跟|和)你|谁(?:跟|和|愿意跟)你玩|(?:都|全都|全)受不了你"
    r"|(?:都在|背后)(?:笑|嘲笑|骂|议论|吐槽)你|(?:都|全都)(?:在)?(?:烦|讨厌|看不起|嫌弃|恶心)你"
    r"|你也配\w{1,4}|(?:先|去|你)照照镜子|照照镜子吧|撒泡尿照照|(?:有点|没有|没点)自知之明"
    r"|(?<!我是)(?<!我就是)(?<!我真是)(?<!真是)(?:公司|学校|班级|全班|全校|人类|国家|小组|部门)之耻|(?<!我)(?<!我们)别(?:再)?(?:上去|出来)?丢人(?:了|现眼)"
    r"|你(?:就是|是|这)个?\w{0,6}(?<![a-z])(?:fraud|bully|dramaqueen|pickme|snake|cringe|toxic|"
    r"selfish|useless|wasteofspace|w4steofsp4ce|twofaced|tryhard|brainless|joke|mamasboy|可悲|臭虫)"
    r"|(?:装|演)\w{0,5}累不累"
)


# English group hate as families: one member made the rule for all ("every Muslim is a …"),
# people "from" a place (the south, that part of the city, there), a group that should be
# removed or kept away, or is "not real", "not people", grooming, a species; the worst people
# on earth; a whole race incapable.
_EN_MEMBER = (
    r"muslim|jew|arab|black|mexican|immigrant|refugee|woman|girl|gay|lesbian|indian|asian|"
    r"african|foreigner|migrant|chinese|trans woman|trans man|one of them|single one of them"
)
_EN_PEOPLE_FROM = (
    r"(?:people|ppl|folks|everyone|everybody|anyone|immigrants|migrants|[a-z]+ans|[a-z]+ers)"
    r" from (?:the |that |this |those |over )?(?:\w+ ){0,2}(?:south|north|east|west|coast|city|"
    r"part of (?:the )?\w+|region|continent|country|prairies|villages?|area|world|there|estate|"
    r"countryside|island|valley|hills|mountains|suburbs|projects|ghetto|estates)"
)
_EN_GROUP_WIDE = (
    rf"{_EN_PEOPLE_FROM}|schizophrenics|the mentally (?:ill|disabled)|mentally (?:ill|disabled) "
    r"people|(?:disabled|autistic|deaf|blind|special needs|retarded) (?:kids|children|people)|"
    r"non binary people|nonbinary people|people with (?:down syndrome|autism|disabilities|"
    r"mental illness|hiv)|people in wheelchairs|gypsies|travellers|roma|jws|j ws|gs|g4ys|"
    r"trans women|trans men|(?:the )?(?:rainbow|lgbt|gay|woke) crowd|(?:the )?(?:\w+ )?crowd"
)
_EN_HATE_FAMILIES = re.compile(
    rf" every (?:single )?(?:{_EN_MEMBER}) (?:\w+ ){{0,4}}(?:is|s) (?:a |an |just a )?"
    r"(?:\w+ ){0,2}"
    r"(?:terrorist|criminal|thief|rapist|murderer|sleeper|traitor|parasite|liar|animal|threat|"
    r"danger|predator|groomer|useless|weak|lazy|stupid|dirty|scammer|bomb)"
    rf"| (?:{_EN_GROUP_WIDE}|{_EN_GROUP}) (?:are|is|re|=|all are|are all|are just|are basically|"
    r"should|should all|shouldn t|should not|need to|must|aren t|are not|will|always)(?: \w+){0,4} "
    r"(?:inbred|hillbillies|hicks|rednecks|leeches|locusts|parasites|vermin|savages|degenerates|"
    r"freaks|a burden|a plague|a waste of|sterili[sz]ed|deported|shipped back|pushed out|kept away|"
    r"locked up|put down|wiped out|allowed (?:near|to)|have no morals|criminal|criminals|"
    r"murderers|traitors|dirty|disgusting|"
    r"lazy|violent|thieves|drunks|eat anything|grooming|prey on|men in dresses|rats|monkeys|apes|"
    r"animals|trash|garbage|filth|scum|inferior|subhuman|defective|incapable|backwards|"
    r"brainwashed|mentally ill)(?![a-z])"
    rf"| (?:{_EN_GROUP_WIDE}|{_EN_GROUP}) (?:aren t|are not|re not|is not|isn t|arent)"
    r"(?: \w+){0,2} "
    r"(?:real|normal|human|people like us|compatible with) "
    r"| (?:they re|they are|theyre) not (?:even )?(?:people|human|humans) "
    r"| (?:criminal|inferior|lesser|dirty|subhuman) (?:species|race|breed) "
    r"| (?:murderer|terrorist|criminal|rapist|predator|bomb)s? waiting (?:to happen|for) "
    r"| all of them should be (?:pushed|kicked|thrown|shipped|sent|driven) (?:out|back|away) "
    r"| (?:is|are|re) grooming (?:kids|children|our kids) "
    r"| the (?:dirtiest|worst|dumbest|laziest|ugliest|smelliest|most disgusting) (?:people|race|"
    r"nation|group|religion) (?:on earth|in the world|alive|ever) "
    r"| (?:whole|entire) (?:race|people|nation|religion|ethnicity) (?:is|are) (?:\w+ ){0,2}"
    r"(?:incapable|inferior|stupid|evil|dirty|lazy|useless|criminal) "
    r"| (?:bring|brings|bringing) (?:\w+ ){0,2}(?:crime and disease|disease|crime) wherever "
    r"| every (?:monkey|ape|rat|animal|cockroach|pig) from "
    r"| (?:immigrants|migrants|refugees|foreigners|muslims|jews|blacks|gays) (?:= )?"
    r"(?:rat|rats|pig|"
    r"pigs|"
    r"monkey|monkeys|ape|apes|animal|animals|trash|vermin|cockroach|cockroaches) "
)


# A quote is the poster's own when they say so ("我说", "我就问你一句", "I said", "I'm telling
# you"), and a quote sent at someone (the text around it names an @handle) or standing alone is
# aimed, not reported: quotation marks alone must not let "@lily "go die"" through.
_OWN_SPEECH_BEFORE = re.compile(
    # 我 as the speaker, not the one spoken to ("有人@我说", "他对我说", "被我说中").
    r"(?:(?<![他她它@对跟给叫骂问和向被让])(?<![@对跟给叫骂问和向被让] )我|咱)"
    r"(?:就|再|只|今天|现在)?(?:跟你|对你|和你|给你)?(?:说|讲|问你|告诉你|骂你|回你)"
    r"(?:一句|一遍|过|了|的)?\W{0,3}$"
    r"|\bi(?: m| am| will| ll| d| have| ve| just)?(?: been)? (?:say|said|saying|tell|told|telling)"
    r"(?: (?:you|u|it|this|again|now|once))*\W{0,3}$"
)
# …or after it: ""…" - that is what I tell you every day", "“…”这就是我想对你说的".
_OWN_SPEECH_AFTER = re.compile(
    r"^\W{0,5}(?:that s|that is|this is|is|thats) what i"
    r" (?:tell|told|say|said|am telling|m telling)"
    r"|^\W{0,5}(?:这|这些)?(?:就)?是我(?:想)?(?:对你|跟你|给你)?(?:说|讲|想说)的"
)
_HANDLE = re.compile(r"(?<![\w.])@\w")


def _own_quote(plain: str, start: int, end: int) -> bool:
    before = re.sub(r"[^\w\s@]", " ", plain[max(0, start - 24) : start]).casefold().rstrip() + " "
    after = re.sub(r"[^\w\s]", " ", plain[end : end + 40]).casefold()
    return bool(_OWN_SPEECH_BEFORE.search(before) or _OWN_SPEECH_AFTER.search(after))


def _others_words_blanked(plain: str) -> str:
    """`plain` with quoted words blanked where they are someone else's (reported or condemned)."""
    outside = _QUOTED.sub(" ", plain)
    if not re.search(r"\w", outside) or _HANDLE.search(outside):
        return plain
    return _QUOTED.sub(
        lambda match: match.group(0) if _own_quote(plain, match.start(), match.end()) else " ",
        plain,
    )


@lru_cache(maxsize=64)
def _unquoted_forms(blanked: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return canon_forms(blanked)


# Someone else's words reported ("有人叫她去死", "有人在群里说外地人都是小偷"): a speaker who is
# not the poster and a verb of saying just before the match. Only for words that address no
# 你: "他说要弄死你" still reaches the reader.
_ZH_REPORTED_BEFORE = re.compile(
    r"(?:有人|有个人|某人|他|她|他们|她们|对方|网友|评论区|骗子|那人|那个人)\w{0,8}?"
    r"(?:说|讲|骂|写|喊|叫|让|威胁|留言|评论|私信|发帖)\w{0,6}$"
)
# A warning to everyone ("大家晚上小心点") is advice, not a threat to a reader.
# The poster as the one threatened ("如果我不转钱，就把照片发到…"): a report, not a threat.
_ZH_POSTER_THREATENED_BEFORE = re.compile(r"(?:如果|要是|假如)我|我不(?:给|转|还|同意|答应)")
# Something the poster or their own people did ("我爸把…发在家族群里"): a story, not a threat.
_ZH_DONE_BEFORE = re.compile(r"(?:我|我爸|我妈|我们|室友|朋友|同事|同学)把")
_ZH_AUDIENCE_BEFORE = re.compile(r"(?:大家|各位|姐妹们|姐妹|兄弟们|朋友们|同学们|宝子们)\w{0,4}$")
_ZH_CONTEXT = 14
# Sentence ends: a Chinese insult is aimed within its sentence, so "你不是一个人。说出来不丢人"
# is two sentences, neither an insult.
_SENTENCE_END = re.compile(r"[。！？!?；;\n]+|(?<=[a-z])\.\s")


def _zh_aimed(patterns: tuple[re.Pattern[str], ...], forms: tuple[str, ...]) -> bool:
    """Whether a pattern matches a Chinese form other than as reported speech or a warning
    to everyone."""
    for form in forms:
        for pattern in patterns:
            for match in pattern.finditer(form):
                before = form[max(0, match.start() - _ZH_CONTEXT) : match.start()]
                if "你" in match.group(0):
                    return True
                if "威胁" in before or "威胁" in match.group(0):
                    continue
                if "你" not in before and _ZH_DONE_BEFORE.search(before):
                    continue
                if not (
                    _ZH_REPORTED_BEFORE.search(before)
                    or _ZH_AUDIENCE_BEFORE.search(before)
                    or _ZH_POSTER_THREATENED_BEFORE.search(before)
                ):
                    return True
    return False


@lru_cache(maxsize=64)
def _sentence_forms(plain: str) -> tuple[str, ...]:
    zh: list[str] = []
    for sentence in _SENTENCE_END.split(plain):
        if sentence.strip():
            zh += canon_forms(sentence)[1]
    return tuple(zh)


# Exposure with no 你 and no promise ("照片发到群里", "社死"), the way Chinese drops both: a
# threat unless it reads as something already done (被…, …了, …的人), described (威胁) or one's
# own embarrassment (社死现场, 我社死了).
_ZH_EXPOSURE_BARE = re.compile(
    r"(?:照片|裸照|视频|聊天记录|截图|那些事|破事|见不得人)\w{0,10}(?:发|挂|传|曝光|公开|抖)"
    r"(?!\w{0,8}(?:了|的))"
    r"|(?<!被)(?:发|挂|传|曝光|公开|抖)(?:到|给|出来|出去|在)(?!了)\w{0,8}(?:群|网上|表白墙|朋友圈|全校|"
    r"你爸|你妈|爸妈|老婆|老公|家人|公司|领导)(?!\w{0,2}(?:了|的))"
    r"|(?<!我)(?<!自己)(?<!当场)(?<!原地)(?<!大型)(?<!差点)社死(?!现场|了)"
)
_ZH_THREATS = (_ZH_THREAT, _ZH_THREAT_MORE, _ZH_THREAT_VEILED, _ZH_EXPOSURE_BARE)
_ZH_HATES = (_ZH_HATE, _ZH_HATE_MORE)
_EN_HATES = (_EN_HATE, _EN_HATE_MORE, _EN_HATE_EXTRA, _EN_HATE_FAMILIES)
_ZH_HARASSES = (_ZH_HARASS, _ZH_HARASS_MORE, _ZH_HARASS_EXTRA, _ZH_HARASS_FAMILIES)


def target_labels(normalized: Normalized) -> set[str]:
    """The categories of abuse aimed at someone in the text: harassment, violence (threats)
    and hate. Quoted words in a report of someone else's abuse are not the poster's."""
    en, zh = normalized.en, normalized.zh
    plain = normalized.plain
    if _QUOTED.search(plain):
        blanked = _others_words_blanked(plain)
        if blanked != plain:
            plain = blanked
            en, zh = _unquoted_forms(blanked)
    found: set[str] = set()
    if (
        any(_EN_THREAT.search(f) or _EN_THREAT_MORE.search(f) for f in en)
        or any(_EN_THREAT_EXTRA.search(f) or _EN_THREAT_VEILED.search(f) for f in en)
        or any(_EN_THREAT_GLUED.search(f) for f in zh)
        or _zh_aimed(_ZH_THREATS, zh)
    ):
        found.add(VIOLENCE)
    if (
        _group_hate(_EN_HATES, en)
        or _zh_aimed(_ZH_HATES, zh)
        or _mixed_group_hate(_mixed_forms(en) + zh)
    ):
        found.add(HATE)
    if (
        any(
            _EN_DIRECT.search(f) or _EN_HARASS_MORE.search(f) or _EN_HARASS_EXTRA.search(f)
            for f in en
        )
        or any(_EN_HARASS_FAMILIES.search(f) for f in en)
        or (
            # Whole text first (cheap, and most texts have no hit), then sentence by sentence.
            _zh_aimed(_ZH_HARASSES, zh) and _zh_aimed(_ZH_HARASSES, _sentence_forms(plain))
        )
    ):
        found.add(HARASSMENT)
    return found


_ADDRESSED = re.compile(r" (?:you|your|yours|yourself|@\w+) ")


def addresses_someone(normalized: Normalized) -> bool:
    """Whether the text speaks to someone (you, your, an @-handle), in English."""
    return any(_ADDRESSED.search(form) for form in normalized.en) or "@" in normalized.plain
