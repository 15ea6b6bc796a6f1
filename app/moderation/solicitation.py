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


def mentions_solicitation(normalized: Normalized) -> bool:
    """An offer, request or sale of sex, or an explicit description of it."""
    for form in normalized.en:
        if _EN_STRONG.search(form):
            return True
        if _EN.search(form) and len(_EN_WEAK.findall(form.replace(" ", "  "))) >= 1:
            return True
    for form in normalized.zh:
        hits = {match.group(0) for match in _ZH.finditer(form)}
        strong = [hit for hit in hits if not _ZH_WEAK.match(hit)]
        if strong or len(hits) >= 2:
            return True
    return False
