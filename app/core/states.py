"""Every state column's values and allowed transitions, checked in one place."""

from __future__ import annotations


class IllegalTransition(Exception):
    pass


NOTE_STATES = {
    # held: waiting for a moderator (moderation issue); live: visible; deleted: content purged.
    "held": {"live", "deleted"},
    "live": {"deleted"},
    "deleted": set(),
}

ACTOR_STATES = {
    # retiring: nothing of it is left; its Deletes are in flight and its key must live until they
    # settle. deleting: its own Delete is in flight (signed with its key). deleted: private key
    # destroyed, URL and WebFinger answer 410.
    "live": {"retiring"},
    "retiring": {"live", "deleting", "deleted"},
    "deleting": {"deleted"},
    "deleted": set(),
}

DELIVERY_STATES = {
    "pending": {"delivered", "pending", "failed", "gone", "cancelled"},
    "delivered": set(),
    "failed": set(),
    "gone": set(),
    "cancelled": set(),
}

INBOX_ITEM_STATES = {
    "pending": {"done", "pending", "failed"},
    "done": set(),
    "failed": set(),
}


def check_transition(graph: dict[str, set[str]], current: str, target: str) -> None:
    if target not in graph.get(current, set()):
        raise IllegalTransition(f"{current} -> {target}")
