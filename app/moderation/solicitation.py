"""Sexual solicitation and explicit sexual content.

Owns one question: does the text offer, seek or sell sex, or describe it explicitly? Written
from how such posts read on Chinese and English anonymous apps: hookup requests (约吗, 同城,
dtf, fwb, "looking for fun tonight"), paid offers (会所技师, 上门, escort, "tips unlock",
custom vids), selling nudes or used underwear, and first-person explicit descriptions. Sex
education, medicine, a film called Sex Education or 约饭 are not solicitation. Reads the
`en`/`zh` forms (slang, pinyin and emoji already read as words).
"""

from __future__ import annotations

import re

from app.moderation.normalize import Normalized

_EN = re.compile(
    r" (?:dtf|fwb|nsa fun|no strings|f buddy|fuck buddy|fuckbuddy|booty call|hook ?up tonight|"
    r"friends with benefits|sugar daddy|sugar baby|findom|sexting|nudes|dick pics?|"
    r"send (?:me )?(?:pics|nudes|noods)|custom vids|custom videos|private session|"
    r"private show|cam show|cam girl|webcam girl|onlyfans|0nlyfans|of link|escort|escorts|"
    r"incall|outcall|full service|happy ending|hosting|host tonight|looking for fun|"
    r"down for (?:anything|whatever)|(?:horny|hornyy|wet|hard) (?:and|af|rn|thinking|tonight|"
    r"asf|for)|so horny|horny|rail (?:someone|me)|smash tonight|suck you off|suck (?:your|ur) "
    r"dick|fuck me|fuck (?:in|you) (?:the|tonight)|wanna fuck|want to fuck|who wants to fuck|"
    r"ride (?:me|you|it)|tie me up|use me|breed me|moaning|cum (?:on|in|for)|creampie|blowjob|"
    r"bj|handjob|titty|tits|boobs pics|nsfw|18\+|porn|pornhub|xxx|looking 4 sex|looking for sex|"
    r"sex tonight|s x tonight|pay for sex|sex for|for rates|tips unlock|unlock the|"
    r"(?:\d{2} ?[mf]) (?:looking|seeking|here|bored|downtown|area)|[mf] (?:looking )?for [mf]|"
    r"[mf]4[mf]|thick girls|hot girls|no limits|discreet|cheating wife|hotwife|milf|daddy)"
)
# Several weak words together ("bored", "tonight", "dm me"), one strong alone.
_EN_WEAK = re.compile(
    r" (?:tonight|rn|bored|lonely|single|dm me|dm for|message me|hmu|kik|snap|pay|paypal|"
    r"cashapp|\$\d+|\d+ ?\$|for sale|hourly|apartment|car|bathroom|come over|first \d|"
    r"no feelings|serious only|who wants|anyone wanna|any girls|any guys|downtown) "
)
_EN_STRONG = re.compile(
    r" (?:dtf|fwb|f buddy|fuck buddy|booty call|sexting|nudes|dick pics?|custom vids|cam show|"
    r"webcam girl|escort|escorts|incall|outcall|full service|happy ending|suck you off|"
    r"suck (?:your|ur) dick|who wants to fuck|wanna fuck|fuck me already|rail someone|"
    r"tie me up and use me|looking 4 sex|looking for sex|sex tonight|for rates|tips unlock|"
    r"[mf]4[mf]|no strings|sugar daddy|pay for sex|sex for money|send (?:me )?(?:pics|nudes)|"
    r"rate my dick|so horny|horny and|private session|private show|fucked my|was moaning|"
    r"moaning so|creampie|blowjob|handjob|18\+ content|come over and fuck|hosting tonight)"
)
_ZH = re.compile(
    r"(?:少妇|人妻)\w{0,2}寂寞|(?:一起|出来|去)开房|约(?:吗|嘛|不|炮|p|啪|一下|一个|个)?(?:今晚|晚上|同城|本地|女生优先|私|加)|约炮|约p|约啪|"
    r"(?:今晚|晚上|深夜)\w{0,6}(?:约|yue)(?:吗|嘛)|同城(?:约|fwb|交友|寂寞|找|不谈感情)|"
    r"不谈感情|炮友|pao友|一夜情|onenight|fwb|419|开房|上门(?:服务|按摩)?|包夜|快餐|全套|"
    r"大保健|特殊服务|会所|技师|外围|楼凤|外送茶|援交|援助交际|卖淫|嫖|陪睡|陪玩\w{0,4}(?:过夜|"
    r"特殊)|裸聊|裸照|果照|福利姬|原味|小视频|尺度(?:很大|大)|付费连麦|懂的(?:都懂|来)|"
    r"私(?:我|聊|信)?(?:发你|看)|想看我的(?:胸|身材|腿)|发你看|寂寞(?:了|难耐|人妻|少妇)|"
    r"人妻|少妇|干爹|包养|金主|找个(?:弟弟|哥哥|daddy|干爹|主人|固定)|被干|干到天亮|干哭|"
    r"狠狠地要|私我|discreet|被fuck|被操|想被(?:干|上|要)|爽到了|鸡巴|肉棒|骚货|骚逼|口交|后入|内射|"
    r"成人资源|成人视频|黄片|色情|av资源|资源群|福利群|18禁|(?<![a-z])(?:escort|incall|outcall|"
    r"looking4sex|lookingforsex|sextonight|fullservice|sexting|horny|hosting|lookingforfun|privateshow"
    r"|nudes|daddy)(?![a-z])"
)
# Chinese words that are ordinary alone (开房 for a hotel booking, 好大, 做了) and count only
# beside a second sign of solicitation.
_ZH_WEAK = re.compile(
    r"^(?:开房|上门|人妻|少妇|干爹|小视频|会所|技师|daddy|hosting|"
    r"找个(?:弟弟|哥哥|固定)|私(?:我|聊|信)?(?:发你|看)|发你看|包养|金主|私我|discreet)$"
)


# Wider vocabulary of solicitation and sale, written from common ads and requests.
_EN_MORE = re.compile(
    r" (?:nsfw content|spicy (?:content|pics|vids)|lewds|buy my (?:pics|content|videos|nudes)"
    r"|sell(?:ing)? (?:my )?(?:pics|content|used|panties|underwear|feet pics)|used panties"
    r"|worn panties|feet pics|foot pics|sugar baby|pay pig|paypig|hook ?up (?:tonight|now|rn)"
    r"|casual (?:sex|fun|encounters?)|netflix and chill tonight|send nudes|nude pics|naked pics"
    r"|sex cam|live cam|strip ?show|lap dance|erotic massage|body rub|gfe|bbbj|quickie"
    r"|one night stand|ons tonight|threesome|swingers?|hotwife|cuck|bdsm (?:partner|session)"
    r"|looking for (?:a )?(?:daddy|sugar|sub|dom|fwb|hookup|nsa|discreet(?! way| place| spot)|sex"
    r"|someone to fuck)"
    r"|(?:sex|head|bj|handjob) for (?:cash|money|rent|\$)|(?:pics|vids|videos|content) for (?:sale"
    r"|cash|\$)|\$\d+ (?:for|per) (?:pic|video|hour|session)) "
)
_ZH_MORE = re.compile(
    r"附近(?:约|寂寞|的妹|交友|可约)|空虚寂寞|按摩(?:上门|包夜|全套|特殊)|spa(?:上门|全套)|"
    r"足疗(?:特殊|全套)|桑拿|莞式|口活|半套|学生妹|嫩模|兼职妹|商务模特|果聊|视频聊\w{0,2}(?:付费|"
    r"收费)|私房照|写真(?:出售|套图)|磁力链|番号|无码|黄网|色站|情趣(?:服务|陪)|(?:出售|卖)"
    r"(?:自拍|私照|视频|内衣|丝袜|原味)|固炮|单男|单女|夫妻交友|换妻|3p|调教|主奴|性伴侣|(?:我|下面)(?:已经|都|好)?湿了|"
    r"来一发|做爱|啪啪|爱爱|老司机(?:带|开车)|上车(?:私|加)|卖身|卖肉|出台|坐台|小姐服务|"
    r"(?:有偿|付费)(?:陪|约|聊|视频|见面)|包月|全套服务|特殊服务|懂的来|你懂的|可约|可上门"
)


# Families written for the probes in tests/unit/app/moderation/test_target_families.py: a night
# offered or sought, an allowance for a student, a price beside a visit, worn clothes and
# private videos for sale, "keep me warm tonight", "a generous gentleman".
_EN_EXTRA = re.compile(
    r" (?:keep me warm|warm my bed) | generous (?:gentleman|gentlemen|man|men|daddy|sponsor|guy) "
    r"| (?:worn|used|dirty|sweaty) (?:socks|panties|underwear|stockings|gym clothes|thong) "
    r"| adult (?:fun|playtime|entertainment|time) | (?:something|anything) casual tonight "
    r"| car (?:date|fun|meet) | discreet(?: \w+)? verified | verified(?: \w+)? discreet "
    r"| spicy (?:page|account|link|side|acc) | sugar (?:mommy|mummy|mama|momma) "
    r"| sit on (?:my|your|ur) face | show you everything (?:for|if) | rate my (?:body|boobs|ass|"
    r"dick|tits|nudes) | (?:massage|rubdown|rub) with (?:extras|a happy ending) "
    r"| spend the night(?: \w+){0,2} (?:will pay|i ll pay|i will pay|paid|for cash) "
    r"| what s under my (?:dress|skirt|shirt|clothes|towel) "
    r"| (?:want|wanna|down|looking) to hook ?up | hook ?up after | keep me company overnight "
    r"| (?:paying|pay|will pay) (?:for )?a (?:girl|guy|woman|man) to | see more of me "
    r"| (?:pictures|pics|photos|videos) of my (?:feet|body|chest|butt|ass) "
    r"| feet (?:pics|pictures|content) "
)
_ZH_EXTRA = re.compile(
    r"(?:一起|陪我|陪你|能陪我|可以)过夜|过夜(?:价|多少|\d+)|"
    r"陪陪我\w{0,4}(?:私|加|滴滴)|(?:找|求)(?:个|一个)?(?:男生|女生|哥哥|妹妹|姐姐|弟弟|小哥哥|"
    r"小姐姐)\w{0,8}(?:陪(?:陪)?我过|过夜|睡一觉|睡觉|释放|暖床)|"
    r"收(?:女|男)?(?:大学生|学生妹|女生|学生)\w{0,6}(?:生活费|零花钱|包月)|每月给(?:生活费|零花钱)|"
    r"房(?:间)?(?:已|已经|都)?开好|开好(?:了)?房|(?:哥哥|小哥哥|老板)\w{0,6}来玩|来玩\w{0,4}价格|"
    r"(?:一晚|一次|一小时|一个钟)\d+\w{0,4}(?:可以)?(?:上门|过夜|可约|全套|服务)|"
    r"同城\w{0,8}释放|(?:女生|男生|妹子)\w{0,4}释放(?:一下)?(?:压力)?|"
    r"想看我穿(?:黑丝|丝袜|jk|泳衣|内衣|睡衣)|穿(?:黑丝|丝袜)\w{0,6}私|想舔(?!屏)|"
    r"p友|床伴|安慰(?:一下)?身体|身体(?:的)?安慰|疼爱(?:我)?一(?:晚|夜)|"
    r"(?:出售|卖|出)\w{0,4}私密|私密(?:视频|照片|照)\w{0,6}(?:\d+|一部|一套|出售)|"
    r"睡一觉\w{0,6}(?:红包|给钱|付钱)|(?:红包|给钱)\w{0,6}睡|"
    r"(?:有没有|谁|求)(?:男生|女生|哥哥|妹妹|小哥哥|小姐姐|男的|女的)(?:想)?(?:来|到)我(?:家|这|房间|酒店)|"
    r"线下\w{0,6}价格|价格私(?:聊|信|我)?\w{0,4}线下|陪聊\w{0,8}(?:线下|价格|收费|红包)|"
    r"陪(?:老板|客人|大哥)(?:吃饭|喝酒|唱歌)\w{0,10}(?:懂的|你懂|私|赚|高薪)|"
    r"(?:快钱|高薪)\w{0,12}陪(?:老板|客人)|收\w{0,4}(?:女生|妹子)\w{0,3}(?:照片|视频|私照)|尺度越大|"
    r"(?:男朋友|老公|男友|女朋友|老婆)满足不了我|(?:今晚|晚上|现在)想要\w{0,4}(?:谁来|来人|私)|"
    r"每(?:个)?月给(?:生活费|零花钱)|看我(?:洗澡|换衣服|脱衣服|脱)|洗澡视频"
)


# Families of how ads, requests and explicit posts read that the lists above miss: a hotel paid
# for, a body described in the act, a collection of videos for sale, an allowance for a "干爹",
# sexting, paid pictures.
_ZH_ACTS = re.compile(
    r"(?:把|将)(?:我|她|他)(?:压|按|绑|抵|推)(?:在)?\w{0,4}(?:床|墙|门|桌|沙发|车)|从后面(?:进|来|fuck|干)"
    r"|(?:射|舔)(?:在|到)?(?:她|他|我)?的?(?:脸|嘴|身|胸)|一件一件(?:地)?(?:脱|剥)|解开(?:我|她|他)的(?:扣子|衣服"
    r"|内衣|裤子)|(?:做|干)到天(?:亮|黑)|轮流上|叫得\w{0,6}(?:都听见|整个)"
    r"|酒店(?:钱)?(?:我|我来)(?:出|开|付)|我(?:出|付)(?:酒店|房)钱|(?:找|寻|求)\w{0,3}(?:炮|pao|p)(?:友|you)"
    r"|一夜qing|(?:同城|附近)\w{0,10}(?:今晚|夜晚|hookup|hookup吗|py|p友|约)|陪姐姐|体力好的(?:弟弟|哥哥)"
    r"|(?:资源|片|av|视频|合集|自拍|写真)\w{0,12}(?:私我|要的|留邮箱|leaveemail|扣1|付费|打包价|终身)"
    r"|偷拍\w{0,8}(?:合集|collection|视频|资源)|卖片|出(?:蓝光|ying盘|硬盘)|几千部|(?:日韩|欧美|国产)"
    r"\w{0,4}(?:都有|自拍)|干爹\w{0,12}(?:每(?:个)?月|allowance|打(?:我)?卡|零花钱|生活费)|认个干爹"
    r"|空降\w{0,4}(?:妹|服务|可约|上门)|全城空降|伴游\w{0,6}(?:私|加|价|服务)|一条龙服务|莞式"
    r"|(?:妹子|学生妹|少妇|嫩模|外围女)\w{0,6}(?:价格|价位|可约|包夜|上门)|养生馆\w{0,6}(?:特殊|全套|私密)"
    r"|服务(?:好|到位|周到)\w{0,6}(?:妹|可约|包夜)|丝袜\w{0,4}(?:福利|私我|私聊)"
    r"|裸chat|裸\w{0,2}聊|尺度可谈|全裸|私房拍摄|外约|到府|新妹|上架\w{0,4}妹|鸡场|鸡\w{0,3}(?:service|服务)|上门\w{0,6}(?:价格|私聊|私我|加我|联系|call)|想被\w{0,4}抱着睡"
)
_EN_ACTS = re.compile(
    r" (?:sext|sexting|sext with) | hook ?up (?:buddy|tonight|吗|now)| h00kup | can host "
    r"| [mf]4[mfa] | (?:tip|send) \$?\d+ (?:and|&) i ll send | what s under this "
    r"| subs only | serious buyers only | \$\d+ for a (?:set|video|pic|vid) | leaked pack "
    r"| (?:lonely|horny) (?:wives|housewives|milfs|girls) in your area | sugar arrangement "
    r"| monthly allowance | film with | (?:my|be my) secret thing | quick one tonight "
    r"| worn (?:\w+ ){0,2}(?:socks|leggings|panties|underwear|tights) | dirty pics | sell me your "
    r"| (?:bent|pinned|pushed|tied) me (?:over|to|against|up) | rode me | came (?:twice|again) "
)
# Reported, warned against or taught: news of an arrest, a scam warning, sex education, a parent
# asking how to talk about it. With no call to act (a price, "dm me", 私我) nothing is offered.
_REPORTED = re.compile(
    r" (?:news|headline|arrested|jailed|charged|police|scam|scammer|scams|bots?|block and report"
    r"|report (?:them|it|him|her|the)|phishing|crime|criminal|talk to (?:my|a|your) (?:teen\w*|son"
    r"|daughter|kid|child)|teen about|sex ed|education|therapist|midwife|doctor|pregnan\w*"
    r"|contracepti\w*|consent|awareness) "
)
_ZH_REPORTED = re.compile(
    r"新闻|报道|破获|被抓|抓获|抓了|报警|举报|骗局|诈骗|扫黄|打非|警惕|提醒|冒充|性教育|科普|医生|怀孕|避孕"
)
_OFFERED_EN = re.compile(
    r" (?:dm|pm|message|text|kik|snap|add) me | dm (?:for|if)| link in (?:bio|my)| \$\d| price"
    r"| rates "
)
_OFFERED_ZH = re.compile(
    r"私我|私聊|私信我|加我|联系我|[¥￥]\d|\d+(?:元|块|rmb)|价格|进群|扣1|主页|vx|微信"
)


def is_reported_not_offered(normalized: Normalized) -> bool:
    """Sexual words in news, a warning or education, with no call to act beside them."""
    reported = any(_REPORTED.search(form) for form in normalized.en) or any(
        _ZH_REPORTED.search(form) for form in normalized.zh
    )
    return (
        reported
        and not any(_OFFERED_EN.search(form) for form in normalized.en)
        and not any(_OFFERED_ZH.search(form) for form in normalized.zh)
    )


def mentions_solicitation(normalized: Normalized) -> bool:
    """An offer, request or sale of sex, or an explicit description of it."""
    if is_reported_not_offered(normalized):
        return False
    if any(_EN_ACTS.search(form) for form in normalized.en) or any(
        _ZH_ACTS.search(form) for form in normalized.zh
    ):
        return True
    for form in normalized.en:
        if _EN_STRONG.search(form) or _EN_MORE.search(form) or _EN_EXTRA.search(form):
            return True
        if _EN.search(form) and len(_EN_WEAK.findall(form.replace(" ", "  "))) >= 1:
            return True
    for form in normalized.zh:
        hits = {match.group(0) for match in _ZH.finditer(form)}
        strong = [hit for hit in hits if not _ZH_WEAK.match(hit)] or _ZH_MORE.findall(form)
        if _ZH_EXTRA.search(form):
            return True
        if strong or len(hits) >= 2:
            return True
    return False
