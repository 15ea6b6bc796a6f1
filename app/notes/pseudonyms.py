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


def pseudonym_for(tag: str) -> str:
    digest = hashlib.sha256(tag.encode()).digest()
    return (
        f"{ADJECTIVES[digest[0] % len(ADJECTIVES)]} {NOUNS[digest[1] % len(NOUNS)]} {digest[2]:02x}"
    )
