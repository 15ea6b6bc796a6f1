"""Doxxing: a person's name together with where to find them.

Owns one question: does the text pair a name (a Chinese name led by a common surname, a Latin
"First Last", an @-handle) with a locator (school and class, dorm and room, building, company,
street address, plate, ID-like number, phone, messenger handle), or give a locator with a call
to act ("大家去人肉他", "everyone go find her")? A name alone (an actor, a birthday wish) or a
locator alone (a lost student card, a shop's address) is not doxxing. Reads the folded `plain`
text and the `zh`/`en` forms; decides no action (the filter rules turn the label into one).
"""

from __future__ import annotations

import re
import unicodedata

from app.moderation.normalize import Normalized

# The most common Chinese surnames (about 85 % of people), single and double.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左"
    "柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈"
    "饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵"
    "苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝封钟"
)
_DOUBLE_SURNAMES = "欧阳|司马|上官|诸葛|东方|皇甫|令狐|慕容|尉迟|长孙|宇文|司徒|夏侯|公孙|端木"
# Words that start with a surname character but are not names (周末, 高中, 马上 …).
_NOT_NAMES = re.compile(
    r"周[末一二三四五六日天年围边岁]|高[中一二三兴考铁速楼层管级新数价温峰手]|马[上路桶拉]|"
    r"王者|张[开口嘴贴]|李子|黄[色金昏瓜油]|白[天色菜痴领班酒眼]|文[件字化章具案]|方[便法向式面案]|"
    r"于是|何[时必况]|许[多久可]|金[额钱融牌]|林[业荫]|朱古|江[湖南北西]|石[头油]|安[全静排装慰]|"
    r"常[常见用]|明[天年白显星]|和[平好谐]|全[部家班校体国]|时间|时候\w?|成[绩功为都长]|曲[线]|"
    r"路[上口边过]|连[续锁]|车[牌主库位站票]|应[该用]|单[位元身车]|关[于系注心门]|向[上下前后]|"
    r"程[序度]|房[子间东租]|毛[病巾衣]|华[为人]|游[戏泳客]|钱[包]|包[括子裹]|席[位]|万[一]|"
    r"温[度柔]|宁[可愿]|齐[全]|冷[静]|简[单直]|沙[发雕滩]|宫[殿]|景[点区]|牛[奶肉逼]|"
    r"龙[虾]|史[上]|申[请]|欧[美洲]|司[机]|阳[台光]|管[理]|韩[国剧]|曾[经]|任[何务]|"
    r"解[决释]|和[你我他她]|谢谢\w?|商[场店量]|吉[他]|古[代]|党[员]|戴[口眼]|苗[条]|柴[米]"
)
# A name stands at a clause edge or after 叫/是/的 …, and is followed by one, in text whose
# spaced or symbol-separated characters were joined ("孙 志 强", "张-雨-婷").
_ZH_NAME = re.compile(
    r"(?:^|(?<=[^\u4e00-\u9fff])|(?<=叫)|(?<=是)|(?<=的)|(?<=给)|(?<=找)|(?<=骂)|(?<=光)"
    r"|(?<=员)|(?<=老师)|(?<=护士)|(?<=经理)|(?<=主管)|(?<=真名)|(?<=渣男)|(?<=渣女)|(?<=出轨男)"
    r"|(?<=出轨女))"
    rf"((?:{_DOUBLE_SURNAMES}|[{_SURNAMES}])[\u4e00-\u9fff]{{1,2}}?)"
    r"(?=[^\u4e00-\u9fff]|$|你|是|在|住|的|开|每天|就|他|她|同学|老师|现在|家)"
)
# A run of single CJK characters each set apart by separators ("孙 志 强", "张-雨-婷").
_SPACED_CJK = re.compile(
    r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff](?:[\s\-*·._/]+[\u4e00-\u9fff](?![\u4e00-\u9fff]))+"
)
_SEPARATORS = re.compile(r"[\s\-*·._/]+")
# A Latin given name beside a Chinese surname, as bilingual posters write names ("Amy 张",
# "Tina 许梦婷", "Frank 赵").
_MIXED_NAME = re.compile(rf"\b[A-Z][a-z0-9]{{1,10}} ?(?:{_DOUBLE_SURNAMES}|[{_SURNAMES}])")
# A full name in pinyin inside Chinese text ("渣男 xu jun kai，…"): a common surname syllable and
# one or two given-name syllables, each a well-formed pinyin syllable.
# (Surnames that are also English words, "he", "long", "ma", "ye", are left out: "he can go".)
_PINYIN_SURNAMES = (
    "wang|li|zhang|liu|chen|yang|huang|zhao|wu|zhou|xu|sun|zhu|guo|gao|lin|luo|zheng|liang|xie"
    "|song|tang|han|feng|deng|cao|peng|zeng|xiao|tian|dong|yuan|pan|yu|jiang|cai|cheng|su|wei"
    "|lv|lu|ding|ren|shen|yao|jin|jia|xia|fu|zou|meng|xiong|qin|qiu|hou|shi|tao|mao|hao|kong"
    "|bao|qian|yan|dai|kang"
)
_SYLLABLE = (
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|uai|uan|ian|iao"
    r"|ai|an|ao|ei|en|er|ia|ie|in|iu|ou|ua|ue|ui|un|uo|a|e|i|o|u|v)"
)
_PINYIN_NAME = re.compile(
    rf"(?<![a-z])(?:{_PINYIN_SURNAMES}) {_SYLLABLE}(?: {_SYLLABLE})?(?![a-z])"
)
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")
_ZH_LOCATOR = re.compile(
    r"\d+班|[一二三四五六七八九十]+班|高[一二三]|初[一二三]|大[一二三四]|宿舍|寝室|公寓|"
    r"\d+栋|[a-z]栋|[a-z]座|\d+号楼|\d+楼|\d{3,4}(?:室|房|号)|\w{1,6}(?:大学|学院|中学|小学|"
    r"高中|一中|二中|三中|实验)|\w{1,6}(?:公司|科技|集团|物流|医院|银行|网吧|店)|\w{1,6}(?:小区|"
    r"花园|家园|苑|里|大道|路|街|巷)\w{0,6}\d+|学号|工号|身份证|车牌|手机|电话|微信|扣扣|qq|"
    r"抖音|小红书|微博|ins|tiktok|快手|b站|住在|家住|在\w{1,10}上班|上班|开了家|开的|"
    r"[京沪津渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川贵云藏陕甘青宁新][a-z]\w{4,6}|"
    r"(?<!单号)(?<!订单)\d{15,18}|1\d{10}|南门|北门|东门|西门|公交站|\d{1,2}点\d{0,2}"
    r"|办公室|\w{0,4}楼\d{2,4}|\d+f|\w{1,6}(?:设计院|研究院|超市|商场|大厦|工作室|咖啡|"
    r"studio|mall|tower|building|garden|college|university|high)|工位|窗口"
)
_ZH_CALL = re.compile(
    r"人肉|开盒|挂出来|挂一下|曝光|扩散|转发|转起来|大家(?:去|都去|一起|帮忙|认识|看看)|都去|去找|"
    r"去骂|冲(?:他|她)|大家\w{0,4}(?:去|一起)|堵(?:他|她)|(?:敲|砸)(?:他|她)?(?:家|的)?门|"
    r"知道该怎么做|去(?:他|她)\w{0,4}(?:楼下|门口|宿舍|公司|家|学校)|gogogo|confront|"
    r"网暴|谁(?:有|认识|碰到|知道)|帮(?:我|忙)(?:找|堵|问)|无处可逃|举报(?:他|她)|"
    r"刷差评|围观|去(?:他|她)(?:家|店|宿舍|公司|评论区)|发(?:一下|出来)|认不认识|everyone|report|"
    r"share|spread|gotell|gocomment|gofind|问问(?:他|她)|告诉我"
)
_EN_NAME = re.compile(
    r"\b[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)? (?:[A-Z]\.? )?[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?\b"
    r"|\b[A-Z]{2,} [A-Z]{2,}\b"
)
_EN_LOCATOR = re.compile(
    r" (?:lives|living|live|moved|stays|staying) (?:at|on|in|above|with|near) "
    r"| \d+ (?:[a-z]+ ){1,3}(?:street|st|lane|ln|road|rd|avenue|ave|drive|dr|court|ct|way|place|"
    r"pl|blvd|boulevard|terrace|crescent|close) "
    r"| (?:room|rm|apt|apartment|unit|flat|suite|dorm|hall|floor|building) \d*"
    r"| (?:works|working|work) (?:at|for|nights|days|mornings|the|in) | night shift | drives a "
    r"| (?:high|university|college|academy|school|cc|uni|cohort|class of|year|grade|period) "
    r"| (?:student id|student number|license|licence|plate|registration|ssn|id number|"
    r"[a-z]{2,4}\d{3}|house|row) "
    r"| (?:phone|number|cell|mobile|insta|instagram|ig|snap|snapchat|tiktok|twitter|facebook) "
    r"| @\w+ | \d{3} \d{4} | door code | (?:home )?address | on [a-z]+ (?:st|street|ave|avenue|"
    r"road|rd|lane|drive|dr|blvd) "
)
# Capitalised pairs that name places, not people ("Maple Street", "Oak Hall").
_PLACE_WORDS = frozenset(
    "street st road rd lane ln avenue ave drive dr court ct way place hall high school college "
    "university academy park centre center mall station hospital bakery cafe office building "
    "tower square bridge river lake beach city town county valley hill hills heights".split()
)
_EN_LOCATORS = re.compile(f"(?=(?:{_EN_LOCATOR.pattern}))")
_EN_CALL = re.compile(
    r" (?:everyone|everybody|y all|yall|you all|guys|people) (?:go |should |please )?(?:find|"
    r"message|call|text|spam|harass|report|visit|tell|get|leave|flood|go|comment|share)"
    r"| (?:spread|share|post|repost) (?:this|it|the word|his|her) | make (?:him|her|them) famous "
    r"| go (?:find|get|say hi|tell|leave|comment|visit|find him|find her) | doxx "
    r"| (?:call|text|message|spam|visit|report) (?:him|her|them) | let s make this | flood it "
    r"| do with that what | someone confirm | (?:post|put) (?:his|her) face | found (?:her|him) "
    r"| real name | she deserves it | he deserves it | expose (?:him|her) "
    r"| this is the (?:guy|girl) "
    r"| spam (?:his|her|their) | make (?:his|her) life | (?:someone|somebody) should tell "
    r"| knock on (?:his|her|their) door | pay (?:him|her|them) a visit | wait for (?:him|her) "
    r"| let (?:him|her|them) (?:hear|know) | know what to do | piece of your mind "
    r"| (?:go|went) (?:knock|ask|talk to|confront|wait|give) "
)


def mentions_doxxing(normalized: Normalized) -> bool:
    """A named person with a locator, or a locator with a call to act."""
    original = unicodedata.normalize("NFKC", normalized.original)
    mixed = _has_mixed_name(original)
    if any(_zh_doxxing(form, _join_spaced(normalized.plain), mixed) for form in normalized.zh):
        return True
    return any(_en_doxxing(original, form, mixed) for form in normalized.en)


def _has_mixed_name(original: str) -> bool:
    if _HAS_CJK.search(original) and _PINYIN_NAME.search(original.casefold()):
        return True
    return any(
        not _NOT_NAMES.match(original[match.end() - 1 : match.end() + 1])
        for match in _MIXED_NAME.finditer(original)
    )


def _zh_doxxing(joined: str, clauses: str, mixed_name: bool = False) -> bool:
    locators = list(_ZH_LOCATOR.finditer(joined))
    if not locators:
        return False
    called = bool(_ZH_CALL.search(joined))
    if mixed_name and (called or len(locators) >= 2):
        return True
    for name in _ZH_NAME.finditer(clauses):
        if (
            _NOT_NAMES.fullmatch(name.group(1))
            or clauses[name.start(1) - 1 : name.start(1)] == "姓"
        ):
            continue
        if called or len(locators) >= 2:
            return True
    return False


def _join_spaced(plain: str) -> str:
    return _SPACED_CJK.sub(lambda match: _SEPARATORS.sub("", match.group(0)), plain)


def _en_doxxing(original: str, words: str, mixed_name: bool = False) -> bool:
    # Overlapping matches: neighbouring locators share the space their patterns anchor on.
    locators = sum(1 for _ in _EN_LOCATORS.finditer(words))
    if not locators:
        return False
    named = (
        any(
            match.group(0).split()[-1].lower() not in _PLACE_WORDS
            for match in _EN_NAME.finditer(original)
        )
        or " @" in f" {original}"
        or mixed_name
    )
    called = bool(_EN_CALL.search(words))
    return (named and (called or locators >= 2)) or (called and locators >= 2)
