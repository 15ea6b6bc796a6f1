"""Commercial spam and scams: something sold or promised together with a way to get it.

Owns one question: does the text pair an offer (followers, loans, gambling, crypto gains, fake
documents, exam answers, jobs that pay per day, free gifts) with a call to act or a price
(进群, 私聊, 咨询, "dm me", "link in bio", ¥99, $20)? Either alone is ordinary talk (a scam
warning names the scam; a price is a price). Reads the `en`/`zh` forms and the folded text.
"""

from __future__ import annotations

import re

from app.moderation.normalize import Normalized

_EN_OFFER = re.compile(
    r" (?:followers|likes|views|subscribers|upvotes|robux|v ?bucks|gift ?cards?|iphone|"
    r"crypto|bitcoin|btc|usdt|eth|forex|signals?|pump|airdrop|giveaway|nft|presale|"
    r"passive income|side hustle|work from home|earn|profit|profits|income|per day|a day|"
    r"daily pay|guaranteed|100 ?%|risk free|double your|investment|invest|roi|returns|"
    r"loan|loans|credit|payday|no credit check|debt|casino|bet|betting|odds|jackpot|slots|poker|"
    r"replica|replicas|designer bags|essay writing|homework help|take (?:my|your) exam|"
    r"exam answers|fake id|diploma|diplomas|degree|degrees|accredited|pills|viagra|weight loss|"
    r"promo code|discount|\d+ ?% off|free trial|netflix accounts?|premium accounts?|"
    r"accounts for sale|cheap (?:\w+ )?(?:views|followers|likes|accounts)|win rate|vip group|"
    r"tips|tutoring|brand ambassador|models wanted|hiring|no experience|easy money|fast cash|"
    r"cash app|cashapp|flip) "
)
_EN_CALL = re.compile(
    r" (?:dm|pm|message|text|whatsapp|telegram|call|contact|click|visit|join|sign up|"
    r"register|apply|hmu|inbox|join)(?: (?:me|us|now|here|today|the link|"
    r"below|link|fast|\w+ example|for|to|at|on|our))? "
    r"| (?:buy|order|claim|get) (?:now|here|today|yours|it now|them now) "
    r"| link in (?:bio|profile|comments) | limited (?:time|spots|offer) | act now | don t miss "
    r"| only \$?\d+ | \$\d+ | \d+ ?(?:usd|dollars|bucks) | first \d+ (?:people|users) "
)
_ZH_OFFER = re.compile(
    r"兼职|日结|招聘|招人|刷单|返利|返现|代购|代理|贷款|网贷|借款|无抵押|秒(?:到账|批|下款)|"
    r"征信|黑户|套现|博彩|彩票|时时彩|赌场|下注|送彩金|首充|返水|理财|稳赚|高收益|保本|带单|"
    r"炒币|空投|内幕|股票|荐股|老师带|微商|招代理|减肥|丰胸|壮阳|高仿|复刻|原单|莆田|代写|代考|"
    r"答案|办证|假证|学历|文凭|发票|刷粉|涨粉|买粉|粉丝|点赞|接单|优惠券|砍价|助力|会员|账号|"
    r"号(?:出售|转让)|出售|转让|低价|特价|包过|保过|保真|躺赚|月入|日入|日赚|一天赚|赚钱|"
    r"零成本|免费领|免费送|领取|红包|福利|彩金|usdt|btc|crypto|followers|casino|代练|上分|"
    r"陪练|游戏币|点卡|ai换脸|网课|题库|四六级|考研资料"
)
_ZH_CALL = re.compile(
    r"进群|加群|私聊|私信|私我|咨询|扫码|二维码|联系(?:我|客服)?|加我|详情|速来|名额有限|"
    r"先到先得|点击|链接|网址|下单|戳|滴滴我|找我|扣1|(?<![a-z])dm(?![a-z])|[¥￥$]\d|\d+(?:元|块|rmb|u)(?!钱包)"
)


# Offers and calls the lists above miss, written from how sellers of grades, documents,
# accounts, followers, games, diets and "signals" phrase them.
_EN_OFFER_MORE = re.compile(
    r" (?:skins|cd keys?|game keys|essay writing|plagiarism free|diet tea|slimming tea"
    r"|passive income|trading bot|10x your|brand ambassador|starter kit|commissions|data entry"
    r"|remote job|no xp"
    r"|wurk from home|make munny|v ?bucks generator|answer key|training fee|bank details) "
)
_EN_CALL_MORE = re.compile(
    r" (?:paypal only|crypto accepted|instant delivery|ask me how|pinned post|whats app me"
    r"|\$\d+ ?(?:each|per hour|/hr|/ hr|an hour|a week|a month)|price negotiable|no verification"
    r"|send your bank details|apply now|cheap rates|24h turnaround|recruit friends) "
)
_ZH_OFFER_MORE = re.compile(
    r"批发|菠菜|跟单|稳赢|稳win|提额|下款|代考|替考|学信网|年卡|共享|上星|必涨|涨\w{0,2}倍|上车|一件代发|"
    r"招学徒|带教|包录取|押金|邀请码|看广告|瘦\d+斤|瘦身|买二送一|抽奖|生成器|真题|"
    r"\d+粉|真人关注|充\d+返|返\d+|提现|保障班|上岸|会员|全皮肤|账号|号出售"
)
_ZH_CALL_MORE = re.compile(
    r"找我|下单|价格(?:便宜|美丽|可议|实在)|只要|低至|一成|包过|包查|支持验号|群号|群满|名额|先交|"
    r"学费|分期|主页|到账|加胃信|胃信|加v|私信|支付宝|可议|填\w{0,2}送|注册(?:就)?送"
)
# A scam warning names the scam, quotes its text and even its price, but offers nothing:
# "提醒一下：日结三百的兼职都是骗子", "got a text … it's phishing, don't click".
_EN_WARNING = re.compile(
    r" (?:scam|scams|scammer|scammers|phishing|fraud|impersonat\w+|warning|beware|psa|reported it"
    r"|don t (?:click|reply|send|pay|fall)|delete and block|block and report|arrested|the news) "
)
_ZH_WARNING = re.compile(
    r"诈骗|骗局|骗子|上当|被骗|骗了|提醒|警惕|小心|别信|千万别|不要(?:点|信|转|加)|反诈|冒充|报警|新闻|破获|"
    r"抓了|套路|中招"
)
_NOT_A_SCAM = re.compile(r" (?:not a|no) scams? | legit |不是骗|绝对真实|非骗")
_OWN_OFFER = re.compile(
    r" (?:dm me|pm me|text me|contact me|message me|we offer|our team|i can get you|link in bio) "
    r"|联系我|私我|找我下单|本人(?:出|招|提供|专业)|我们(?:提供|专业|团队)|咨询我"
)


def is_scam_warning(normalized: Normalized) -> bool:
    """A warning about a scam or an ad, with no offer of the poster's own."""
    forms = (*normalized.en, *normalized.zh)
    if any(_NOT_A_SCAM.search(f) or _OWN_OFFER.search(f) for f in forms):
        return False
    return any(_EN_WARNING.search(f) for f in normalized.en) or any(
        _ZH_WARNING.search(f) for f in normalized.zh
    )


def mentions_spam(normalized: Normalized) -> bool:
    """An offer together with a call to act or a price."""
    if is_scam_warning(normalized):
        return False
    for form in normalized.en:
        offer = _EN_OFFER.search(form) or _EN_OFFER_MORE.search(form)
        if offer and (_EN_CALL.search(form) or _EN_CALL_MORE.search(form)):
            return True
    for form in normalized.zh:
        offer = _ZH_OFFER.search(form) or _ZH_OFFER_MORE.search(form)
        if offer and (_ZH_CALL.search(form) or _ZH_CALL_MORE.search(form)):
            return True
    for form in normalized.en:
        if _EN_OFFER.search(form) and _EN_CALL.search(form):
            return True
    for form in normalized.zh:
        if _ZH_OFFER.search(form) and _ZH_CALL.search(form):
            return True
    return False
