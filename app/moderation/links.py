"""Link and contact policy: external links only to allowlisted domains, never shorteners,
never contact details.

Owns recognising URLs, bare and obfuscated domains ("example dot com"), e-mail addresses,
phone numbers (international, North American, Chinese mobile and landline) and messenger
handles (WeChat, QQ, Telegram, WhatsApp, Line, …) in text. Every finding holds the post for
review; nothing here rejects. Reads no settings: the caller passes the allowed domains
(including our own).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator
from urllib.parse import urlsplit

from app.moderation.decision import ALLOW, HOLD, Verdict
from app.moderation.normalize import Normalized

CHECK = "links"
REASON_SHORTENER = "link_shortener"
REASON_LINK = "link_not_allowed"
REASON_CONTACT = "contact"

SHORTENERS = frozenset(
    {
        "bit.ly", "t.co", "tinyurl.com", "goo.gl", "is.gd", "ow.ly", "buff.ly", "cutt.ly",
        "rebrand.ly", "t.cn", "url.cn", "dwz.cn", "suo.im", "t.ly", "tiny.cc", "shorturl.at",
        "rb.gy", "v.gd", "bl.ink", "s.id", "lnkd.in", "db.tt", "qr.net", "x.co", "short.io",
        "shorte.st", "adf.ly", "bc.vc", "soo.gd", "mcaf.ee", "po.st", "tr.im", "clck.ru",
        "u.nu", "2.gy", "surl.li", "kutt.it", "urlz.fr", "dlvr.it", "ift.tt", "trib.al",
        "sohu.gg", "w.url.cn", "mrw.so", "985.so", "sina.lt", "tb.cn", "dwz.date",
    }
)  # fmt: skip

# Bare "word.tld" is only a domain for these TLDs: "readme.md", "file.py" and "node.js" are
# file names far more often than links. URLs with a scheme or "www." accept any TLD.
COMMON_TLDS = frozenset(
    {
        "com", "net", "org", "info", "biz", "io", "co", "me", "cn", "top", "xyz", "cc", "tv",
        "ly", "gd", "im", "gl", "app", "dev", "site", "online", "shop", "store", "club", "vip",
        "link", "live", "pro", "win", "bid", "loan", "click", "icu", "buzz", "fun", "work",
        "asia", "tk", "ml", "ga", "cf", "gq", "ru", "su", "uk", "de", "fr", "jp", "kr", "hk",
        "tw", "sg", "us", "ca", "au", "in", "eu", "nl", "to", "ws", "la", "ai", "gg", "social",
        "space", "website", "tech", "one", "news", "blog", "page", "art", "mobi", "name", "xxx",
        "porn", "sex", "cam", "bet", "casino", "poker", "money", "cash", "loans", "lol", "wang",
        "ren", "ink", "pub", "ltd", "group", "zone", "today", "world", "life", "email", "chat",
        "cloud", "host", "network", "city", "run", "so", "st", "id", "it", "gy", "li", "lt",
        "example", "vn", "ph", "my", "th", "br", "mx", "es", "pl", "nz", "za", "ch", "se",
    }
)  # fmt: skip

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_URL = re.compile(r"\b(?:https?|ftp)://([^\s/?#\"'<>()\[\]{}]+)")
_WWW = re.compile(rf"(?<![a-z0-9.-])(www\.(?:{_LABEL}\.)+[a-z]{{2,24}})(?![a-z0-9-])")
_BARE = re.compile(rf"(?<![a-z0-9.@-])((?:{_LABEL}\.)+([a-z]{{2,24}}))(?![a-z0-9-])")
# "example dot com", "example(dot)com", "example。com", "example点com"
_DOTTED = re.compile(
    rf"(?<![a-z0-9-])({_LABEL})\s*(?:[(\[{{]\s*(?:dot|点)\s*[)\]}}]|\s(?:dot|点)\s|点|。|．)"
    r"\s*([a-z]{2,24})(?![a-z0-9-])"
)
_DOTTED_STOPWORDS = frozenset({"the", "a", "an", "this", "that", "of", "in", "on", "at", "dot"})

_EMAIL = re.compile(r"[a-z0-9._%+-]+@(?:[a-z0-9-]+\.)+[a-z]{2,24}")
# "name at example dot com", "name(at)mail(dot)com", "name＠mail.com": a written-out "at"
# needs a written-out "dot" or a dot with no space beside it and a known TLD after, so "we met
# at noon. Then…" and "arrived at Heathrow. Com'on" are sentences, not addresses.
_EMAIL_OBFUSCATED = re.compile(
    # Starting only where a run of address characters starts: a match from inside the run is a
    # match from its start too, and trying every inner position made long posts quadratic.
    r"(?<![a-z0-9._%+-])[a-z0-9._%+-]+\s*(?:[(\[{]\s*at\s*[)\]}]|\sat\s|＠|\s?艾特\s?)\s*[a-z0-9-]+"
    r"(?:\s*(?:[(\[{]\s*dot\s*[)\]}]|\sdot\s|点)\s*|\.)([a-z]{2,24})(?![a-z0-9-])"
)
_PHONES = (
    # Chinese mobile: 1[3-9] + 9 digits, optional +86, any spaces or dashes between digits.
    re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9](?:[\s.-]?\d){9}(?!\d)"),
    # Chinese landline with area code: 010-12345678, 0755 1234567.
    re.compile(r"(?<!\d)0\d{2,3}[\s-]\d{7,8}(?!\d)"),
    # North American: (555) 123-4567, 555.123.4567, 555-123-4567.
    re.compile(r"(?<!\d)\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?!\d)"),
    # International: +44 20 7946 0958, +1-202-555-0143 (8–15 digits, checked below).
    re.compile(r"\+\d{1,3}(?:[\s.-]?\(?\d{1,5}\)?){2,6}(?!\d)"),
)
_MESSENGERS = (
    re.compile(r"(?:t|telegram)\.me/[a-z0-9_+]{3,}|wa\.me/\+?\d+|line\.me/\S+"),
    # WeChat with an id: "微信：abc123", "wx: abc_123", "vx号 abc123", "weixin abc123".
    re.compile(
        r"(?:微信|威信|薇信|徽信|v信|卫星|薇|🛰|(?<![a-z])(?:wechat|wei\s*xin|vx|wx|v\s*x)(?![a-z]))"
        r"\s*(?:号|id|同号)?\s*[:：]?\s*[a-z][a-z0-9_-]{3,19}(?:\s[a-z0-9_]{1,6})*(?![a-z0-9_-])"
    ),
    re.compile(r"(?<![a-z])v\s*[:：]\s*[a-z][a-z0-9_-]{4,19}(?![a-z0-9_-])"),
    # "加v", "加我vx", "加微", "+v": an invitation to move to WeChat/QQ, with or without an id.
    re.compile(
        r"(?:加|(?<![a-z0-9])\+)\s*(?:我\s*)?(?:(?:vx|wx|v|q|qq|wei\s*xin)(?![a-z])|微|薇|威信|v信|扣|企鹅"
        r"|🛰|🐧)"
    ),
    # Handles on apps people move a conversation to: "snap: name", "kik me", "dm @name".
    re.compile(
        r"(?<![a-z])(?:snap|snapchat|sc|kik|insta|cashapp|cash app|venmo|paypal|discord|tele\s*gram"
        r"|whats\s*app|小红书|抖音|快手)\s*(?:id|号)?\s*[:：]\s*[@$]?[a-z0-9_.]{3,32}"
    ),
    re.compile(
        r"(?<![a-z])(?:kik|snap|dm|text|message|hmu on)\s+(?:me\s+)?(?:at\s+|on\s+)?"
        r"@[a-z0-9_.]{3,32}"
    ),
    re.compile(r"(?<![a-z])(?:kik|snap|telegram|whatsapp) me(?![a-z])"),
    # QQ numbers: "qq 12345678", "QQ号：12345678", "扣扣 12345678".
    re.compile(
        r"(?:(?<![a-z])qq|扣扣|扣|企鹅|🐧)\s*(?:号|群)?\s*(?:是)?\s*[:：]?\s*\d[\d\s-]{4,14}(?!\d)"
    ),
    # "@handle on telegram", "telegram: @handle", "tg @handle", "电报 @handle".
    re.compile(
        r"@[a-z0-9_.]{3,32}\s*(?:on|at|via|in)\s+"
        r"(?:telegram|tg|whatsapp|signal|snapchat|snap|kik|discord|instagram|ig|line)\b"
    ),
    # An English app name before a plain word is talk ("snapchat filters", "discord people"):
    # a handle then needs a colon, an @, or a digit or underscore in it ("telegram cryptoking_8").
    re.compile(
        r"(?<![a-z])(?:telegram|tele\s*gram|tg|whatsapp|snapchat|kik|discord)\s*(?:id)?\s*"
        r"(?:[:：]\s*@?[a-z0-9_.]{4,32}|@[a-z0-9_.]{4,32}"
        r"|(?=[a-z0-9_.]{4,32})[a-z0-9.]*[0-9_][a-z0-9_.]*)"
    ),
    re.compile(r"(?:电报|飞机|纸飞机|✈)\s*(?:id|号)?\s*[:：]?\s*@?[a-z0-9_.]{4,32}"),
    re.compile(r"(?<![a-z])(?:line|signal|instagram|ig)\s*(?:id)?\s*[:：]\s*@?[a-z0-9_.]{3,32}"),
)


def check_links(
    text: Normalized | str, allowed_domains: Collection[str], linked: Iterable[str] = ()
) -> Verdict:
    """HOLD for a shortener, a contact detail or a link outside `allowed_domains` (a domain
    allows its subdomains); ALLOW otherwise. `linked`: URLs the text links to without
    necessarily showing them (the hrefs of remote HTML), held to the same rules."""
    plain = text.plain if isinstance(text, Normalized) else _fold(text)
    allowed = {domain.casefold().strip(".") for domain in allowed_domains}
    hosts = [*_hosts(plain), *_linked_hosts(linked)]
    if any(host in SHORTENERS for host in hosts):
        return Verdict(HOLD, CHECK, REASON_SHORTENER)
    if has_contact(plain):
        return Verdict(HOLD, CHECK, REASON_CONTACT)
    if any(not _is_allowed(host, allowed) for host in hosts):
        return Verdict(HOLD, CHECK, REASON_LINK)
    return Verdict(ALLOW, CHECK)


def has_contact(plain: str) -> bool:
    """An e-mail address, phone number or messenger handle in already folded text, also when
    its digits are written as words or Chinese numerals ("幺三八…", "five five five…")."""
    if _EMAIL.search(plain) or any(
        match.group(1) in COMMON_TLDS for match in _EMAIL_OBFUSCATED.finditer(plain)
    ):
        return True
    digits = _spoken_digits(plain)
    for text in dict.fromkeys((plain, digits)):
        if any(_is_phone(m.group(0)) for pattern in _PHONES for m in pattern.finditer(text)):
            return True
        if any(pattern.search(text) for pattern in _MESSENGERS):
            return True
    return False


def _spoken_digits(plain: str) -> str:
    """Runs of five or more digits written as Chinese numerals or English words, as digits."""
    text = _ZH_DIGIT_RUN.sub(lambda m: "".join(_ZH_DIGITS.get(c, c) for c in m.group(0)), plain)
    return _EN_DIGIT_RUN.sub(lambda m: _as_number(m.group(0)), text)


def _as_number(words: str) -> str:
    digits = "".join(_EN_DIGITS[word] for word in _EN_DIGIT_WORD.findall(words))
    # Ten spoken digits are a North American number: give it the shape its pattern reads.
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}" if len(digits) == 10 else digits


_ZH_DIGITS = dict(zip("零〇幺一二三四五六七八九两洞", "0011234567892" + "0", strict=True))
_ZH_DIGIT_RUN = re.compile(
    r"[零〇幺一二三四五六七八九两洞](?:[\s,，.-]*[零〇幺一二三四五六七八九两洞]){4,}"
)
_EN_DIGITS = {
    "zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
_EN_DIGIT_WORD = re.compile(r"zero|oh|one|two|three|four|five|six|seven|eight|nine|o(?![a-z])")
_EN_DIGIT_RUN = re.compile(
    r"(?<![a-z])(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)"
    r"(?:[\s,.-]+(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|o)(?![a-z])){4,}"
)


def _hosts(plain: str) -> Iterator[str]:
    without_emails = _EMAIL.sub(" ", plain)
    for match in _URL.finditer(without_emails):
        yield match.group(1).rsplit("@", 1)[-1].split(":", 1)[0].strip(".")
    for match in _WWW.finditer(without_emails):
        yield match.group(1)
    for match in _BARE.finditer(_URL.sub(" ", without_emails)):
        # A path after it makes any "name.tld" a link: "signals.example/vip".
        if match.group(2) in COMMON_TLDS or without_emails[match.end() : match.end() + 1] == "/":
            yield match.group(1)
    for match in _DOTTED.finditer(without_emails):
        label, tld = match.group(1), match.group(2)
        if tld in COMMON_TLDS and label not in _DOTTED_STOPWORDS:
            yield f"{label}.{tld}"


def _linked_hosts(urls: Iterable[str]) -> Iterator[str]:
    for url in urls:
        try:
            host = urlsplit(url).hostname
        except ValueError:  # an unparseable URL links nowhere a reader can go
            continue
        if host:
            yield _fold(host).strip(".")


def _is_allowed(host: str, allowed: set[str]) -> bool:
    parts = host.split(".")
    return any(".".join(parts[i:]) in allowed for i in range(len(parts) - 1))


def _is_phone(candidate: str) -> bool:
    return 8 <= sum(char.isdigit() for char in candidate) <= 15


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()
