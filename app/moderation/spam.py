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
    r"先到先得|点击|链接|网址|下单|戳|滴滴我|找我|扣1|dm|[¥￥$]\d|\d+(?:元|块|rmb|u)(?!钱包)"
)


def mentions_spam(normalized: Normalized) -> bool:
    """An offer together with a call to act or a price."""
    for form in normalized.en:
        if _EN_OFFER.search(form) and _EN_CALL.search(form):
            return True
    for form in normalized.zh:
        if _ZH_OFFER.search(form) and _ZH_CALL.search(form):
            return True
    return False
