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
    r"sex tonight|s x tonight|pay for sex|sex for|for rates|rates|menu|tips unlock|unlock the|"
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
    r"成人资源|成人视频|黄片|色情|av资源|资源群|福利群|18禁|escort|incall|outcall|"
    r"looking4sex|lookingforsex|sextonight|fullservice|sexting|horny|hosting|lookingforfun|privateshow|nudes|daddy"
)
# Chinese words that are ordinary alone (开房 for a hotel booking, 好大, 做了) and count only
# beside a second sign of solicitation.
_ZH_WEAK = re.compile(
    r"^(?:开房|人妻|少妇|干爹|小视频|会所|技师|daddy|hosting|"
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
    r"(?:自拍|私照|视频|内衣|丝袜|原味)|固炮|单男|单女|夫妻交友|换妻|3p|调教|主奴|性伴侣|湿了|"
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


def mentions_solicitation(normalized: Normalized) -> bool:
    """An offer, request or sale of sex, or an explicit description of it."""
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
