"""Per-thread pseudonyms: the same poster reads the same name inside one thread, and names of
different threads cannot be linked (each is an HMAC of the poster's secret and the thread id)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

ADJECTIVES = (
    "Quiet",
    "Gentle",
    "Hidden",
    "Silver",
    "Misty",
    "Amber",
    "Hollow",
    "Drifting",
    "Sleepy",
    "Wandering",
    "Velvet",
    "Distant",
    "Patient",
    "Mossy",
    "Lunar",
    "Rainy",
    "Brave",
    "Shy",
    "Curious",
    "Golden",
    "Faded",
    "Secret",
    "Soft",
    "Windy",
    "Little",
    "Ancient",
    "Bright",
    "Cloudy",
    "Dusky",
    "Frosty",
    "Humble",
    "Kind",
)
NOUNS = (
    "Willow",
    "Maple",
    "Cedar",
    "Birch",
    "Pine",
    "Ginkgo",
    "Bamboo",
    "Lotus",
    "Sparrow",
    "Heron",
    "Otter",
    "Fox",
    "Moth",
    "Firefly",
    "Crane",
    "Finch",
    "River",
    "Pebble",
    "Lantern",
    "Bottle",
    "Harbor",
    "Meadow",
    "Comet",
    "Shell",
    "Acorn",
    "Fern",
    "Reed",
    "Brook",
    "Owl",
    "Hare",
    "Koi",
    "Cicada",
)


def poster_tag(poster_secret: str | None, thread_id: str) -> str:
    """Who posted within one thread. Without a secret, every post is somebody new."""
    secret = poster_secret if poster_secret is not None else secrets.token_hex(32)
    return hmac.new(secret.encode(), thread_id.encode(), hashlib.sha256).hexdigest()


# Chinese boards get Chinese names: "勇敢的松树". 64 × 64 pairs (4,096), so two posters in one
# thread share a name about once in 8,000 pairs of posters, without a hex tail to tell them apart.
ADJECTIVES_ZH = (
    "勇敢", "安静", "温柔", "隐秘", "银色", "朦胧", "琥珀色", "空旷", "漂流", "困倦", "流浪",
    "柔软", "遥远", "耐心", "长满青苔", "月光下", "下雨天", "害羞", "好奇", "金色", "褪色",
    "秘密", "轻盈", "起风", "小小", "古老", "明亮", "多云", "黄昏", "结霜", "谦逊", "善良",
    "沉默", "慢吞吞", "发光", "迷路", "倔强", "睡不着", "清晨", "午夜", "透明", "孤独", "快乐",
    "认真", "胆小", "淘气", "温暖", "微凉", "淡蓝", "浅绿", "雪白", "乌黑", "火红", "紫色",
    "会飞", "爱笑", "爱哭", "想家", "做梦", "听歌", "散步", "发呆", "唱歌", "看海",
)  # fmt: skip
NOUNS_ZH = (
    "松树", "柳树", "枫树", "雪松", "白桦", "银杏", "竹子", "莲花", "麻雀", "白鹭", "水獭",
    "狐狸", "飞蛾", "萤火虫", "仙鹤", "山雀", "小河", "卵石", "灯笼", "漂流瓶", "港湾", "草地",
    "彗星", "贝壳", "橡果", "蕨草", "芦苇", "小溪", "猫头鹰", "野兔", "锦鲤", "知了", "蒲公英",
    "向日葵", "月亮", "星星", "云朵", "雨滴", "雪花", "海浪", "灯塔", "纸船", "风筝", "蜗牛",
    "刺猬", "松鼠", "企鹅", "海豚", "鲸鱼", "小鹿", "熊猫", "燕子", "蝴蝶", "蜻蜓", "樱桃",
    "橘子", "柠檬", "茉莉", "桂花", "梧桐", "石榴", "苹果", "书签", "邮筒",
)  # fmt: skip


def pseudonym_for(tag: str, language: str = "en") -> str:
    """The name a poster has in one thread, in the board's language."""
    digest = hashlib.sha256(tag.encode()).digest()
    if language == "zh":
        adjective, noun = ADJECTIVES_ZH[digest[0] % 64], NOUNS_ZH[digest[1] % 64]
        return f"{adjective}的{noun}"
    return (
        f"{ADJECTIVES[digest[0] % len(ADJECTIVES)]} {NOUNS[digest[1] % len(NOUNS)]} {digest[2]:02x}"
    )
