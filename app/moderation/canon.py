"""Reading slang, pinyin, homophones and emoji as the words they stand for.

Owns the substitution tables the rule detectors rely on, and nothing else: `normalize` calls
these on already folded text (NFKC, casefolded, simplified, leet read) to build the `en` and
`zh` forms. Tables are written from how people evade filters in Chinese and English (pinyin
initials, homophones, emoji standing for a word); they never decide anything themselves.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

EN = 0
ZH = 1

# Emoji that stand for a word in abuse and evasion, read as (English, Chinese). Variation
# selectors are already gone (NFKC + the Cf filter leave the base code point).
_EMOJI: Mapping[str, tuple[str, str]] = {
    "🔪": ("knife", "刀"),
    "🗡": ("knife", "刀"),
    "🔫": ("gun", "枪"),
    "💣": ("bomb", "炸弹"),
    "👊": ("punch", "打"),
    "🤜": ("punch", "打"),
    "💀": ("dead", "死"),
    "☠": ("dead", "死"),
    "⚰": ("coffin", "棺材"),
    "🪦": ("grave", "坟"),
    "🐔": ("chicken", "鸡"),
    "🐓": ("chicken", "鸡"),
    "🐶": ("dog", "狗"),
    "🐕": ("dog", "狗"),
    "🐷": ("pig", "猪"),
    "🐖": ("pig", "猪"),
    "🤡": ("clown", "小丑"),
    "🐍": ("snake", "蛇"),
    "🐀": ("rat", "老鼠"),
    "🐒": ("monkey", "猴子"),
    "🦍": ("ape", "猩猩"),
    "🍆": ("dick", "鸡巴"),
    "🍑": ("ass", "屁股"),
    "💦": ("cum", "射"),
    "🔞": ("porn", "色情"),
    "🖕": ("fuck", "操"),
    "🪢": ("rope", "绳子"),
    "💊": ("pills", "药"),
    "🩸": ("blood", "血"),
    "🌉": ("bridge", "桥"),
    "🛰": ("satellite", "卫星"),
    "🐧": ("penguin", "企鹅"),
    "🐴": ("horse", "妈"),
    "🐎": ("horse", "妈"),
    "💩": ("shit", "屎"),
    "🐢": ("turtle", "王八"),
    "🪓": ("axe", "斧头"),
    "⚔": ("knife", "刀"),
    "🔥": ("burn", "烧"),
    "🐵": ("monkey", "猴子"),
    "🦆": ("duck", "鸭"),
    "🌿": ("weed", "草"),
    "✈": ("telegram", "飞机"),
}
_EMOJI_PATTERN = re.compile("|".join(re.escape(emoji) for emoji in _EMOJI))

# Whole Latin words read as English: chat abbreviations and the self-harm code words.
_ENGLISH: Mapping[str, str] = {
    "u": "you",
    "ya": "you",
    "yu": "you",
    "ur": "your",
    "youre": "you are",
    "ure": "you are",
    "r": "are",
    "ima": "i am going to",
    "imma": "i am going to",
    "gonna": "going to",
    "gunna": "going to",
    "ill": "i will",
    "im": "i am",
    "kys": "kill yourself",
    "kms": "kill myself",
    "stfu": "shut up",
    "gtfo": "get out",
    "sewerslide": "suicide",
    "sewer slide": "suicide",
    "suicid": "suicide",
    "sucide": "suicide",
    "suecide": "suicide",
    "unalive": "kill",
    "ctb": "catch the bus",
    "fk": "fuck",
    "fck": "fuck",
    "fuk": "fuck",
    "fking": "fucking",
    "fcking": "fucking",
    "fkin": "fucking",
    "btch": "bitch",
    "biatch": "bitch",
    "mf": "motherfucker",
    "mofo": "motherfucker",
    "sht": "shit",
    "wh0re": "whore",
    "h0e": "hoe",
    "azz": "ass",
    "murda": "murder",
    "kil": "kill",
    "dox": "doxx",
    "sxting": "sexting",
    "sx": "sex",
    "seggs": "sex",
}

# Latin tokens read as Chinese in the `zh` form: pinyin initials of insults and whole pinyin
# syllables people type instead of the character a filter would see.
_PINYIN: Mapping[str, str] = {
    "sb": "傻逼",
    "shabi": "傻逼",
    "bi": "逼",
    "nmsl": "你妈死了",
    "nmb": "你妈逼",
    "cnm": "操你妈",
    "cnmb": "操你妈逼",
    "wcnm": "我操你妈",
    "rnm": "日你妈",
    "tmd": "他妈的",
    "md": "妈的",
    "nt": "脑瘫",
    "zz": "智障",
    "nc": "脑残",
    "jb": "鸡巴",
    "gck": "滚出去",
    "zisha": "自杀",
    "suicide": "自杀",
    "sucide": "自杀",
    "kms": "自杀",
    "bu": "不",
    "xiang": "想",
    "huo": "活",
    "le": "了",
    "zs": "自杀",
    "si": "死",
    "qusi": "去死",
    "nongsi": "弄死",
    "nong": "弄",
    "gun": "滚",
    "ni": "你",
    "nimen": "你们",
    "nima": "你妈",
    "wo": "我",
    "yao": "要",
    "sha": "杀",
    "qu": "去",
    "yue": "约",
    "yp": "约炮",
    "pao": "炮",
    "yuepao": "约炮",
    "luoliao": "裸聊",
    "xiangsi": "想死",
    "bxh": "不想活",
    "bxhl": "不想活了",
    "jiba": "鸡巴",
    "biaozi": "婊子",
    "feiwu": "废物",
    "laji": "垃圾",
    "zhizhang": "智障",
    "naocan": "脑残",
    "renrou": "人肉",
    "vx": "微信",
    "wx": "微信",
    "weixin": "微信",
    "qq": "扣扣",
    "henan": "河南",
    "ren": "人",
    "dou": "都",
    "shi": "是",
    "pianzi": "骗子",
    "xiaotou": "小偷",
}

# Characters and words with the same or a close sound, read as the word they hide.
_HOMOPHONES: Mapping[str, str] = {
    "煞笔": "傻逼",
    "傻比": "傻逼",
    "傻笔": "傻逼",
    "沙比": "傻逼",
    "沙笔": "傻逼",
    "傻屄": "傻逼",
    "傻b": "傻逼",
    "傻bi": "傻逼",
    "啥比": "傻逼",
    "煞比": "傻逼",
    "沙雕": "傻屌",
    "紫砂": "自杀",
    "自鲨": "自杀",
    "自刹": "自杀",
    "自沙": "自杀",
    "子杀": "自杀",
    "自s": "自杀",
    "zi杀": "自杀",
    "自sha": "自杀",
    "亖": "死",
    "草泥马": "操你妈",
    "曹尼玛": "操你妈",
    "艹你妈": "操你妈",
    "草你妈": "操你妈",
    "尼玛": "你妈",
    "泥马": "你妈",
    "弄屎": "弄死",
    "弄s": "弄死",
    "嫩死": "弄死",
    "整死": "弄死",
    "废wu": "废物",
    "肥物": "废物",
    "垃极": "垃圾",
    "拉圾": "垃圾",
    "辣鸡": "垃圾",
    "表子": "婊子",
    "碧池": "婊子",
    "婊砸": "婊子",
    "贱银": "贱人",
    "智zhang": "智障",
    "制杖": "智障",
    "智樟": "智障",
    "脑惨": "脑残",
    "若智": "弱智",
    "拉基": "垃圾",
    "剑人": "贱人",
    "涩情": "色情",
    "代款": "贷款",
    "带款": "贷款",
    "堵博": "赌博",
    "菠菜平台": "博彩平台",
    "菠菜网": "博彩网",
    "菠菜群": "博彩群",
    "脑cán": "脑残",
    "河蓝": "河南",
    "河难": "河南",
    "东十": "东北",
    "约p": "约炮",
    "约砲": "约炮",
    "泡友": "炮友",
    "约啪": "约炮",
    "薇信": "微信",
    "威信": "微信",
    "徽信": "微信",
    "v信": "微信",
    "卫星": "微信",
    "扣扣": "扣扣",
    "企鹅号": "扣扣",
    "死ne": "死呢",
}
_HOMOPHONE_PATTERN = re.compile(
    "|".join(re.escape(key) for key in sorted(_HOMOPHONES, key=len, reverse=True))
)


def read_emoji(text: str, language: int) -> str:
    """Emoji that stand for words replaced by that word (spaced off for English)."""
    if language == EN:
        return _EMOJI_PATTERN.sub(lambda m: f" {_EMOJI[m.group(0)][EN]} ", text)
    return _EMOJI_PATTERN.sub(lambda m: _EMOJI[m.group(0)][ZH], text)


def read_words(words: str) -> str:
    """Chat abbreviations in a space-separated words form read as the English they stand for."""
    return " ".join(_ENGLISH.get(token, token) for token in words.split())


def read_pinyin(words: str) -> str:
    """Pinyin and pinyin initials in a space-separated words form read as Chinese."""
    return " ".join(_PINYIN.get(token, token) for token in words.split())


def read_homophones(joined: str) -> str:
    """Homophones in a joined (spaceless) form read as the word they hide."""
    return _HOMOPHONE_PATTERN.sub(lambda m: _HOMOPHONES[m.group(0)], joined)
