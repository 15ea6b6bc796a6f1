"""What a board says in its direct-message answers (issue #13), as pure functions: paragraphs of
plain text. No answer quotes the note it is about (the sender's server keeps their message; our
answer need not carry the text a second time)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.fedi.dm_parse import format_duration

Paragraphs = tuple[str, ...]

# Why a post is held, in words, for the reasons moderation names (others: their category).
HOLD_REASONS = {
    "premoderation": "this board checks posts before they are shown",
    "under_attack": "the instance is checking every new post for now",
    "silenced": "posts from your account or server are checked first",
    "duplicate": "it looks like a recent post",
    "link_not_allowed": "it links to a site a moderator checks first",
    "link_shortener": "it uses a link shortener, which hides where it leads",
    "contact": "it seems to share contact details",
}
INVALID = {
    "text: empty": "there is nothing to post",
    "text: too_long": "it is too long",
    "summary: too_long": "its content warning is too long (at most 200 characters)",
    "ttl: not_allowed": "that lifetime is not offered on this board",
}
SELF_HARM_HELP = (
    "What you wrote sounds heavy. If you are thinking about hurting yourself, please talk to "
    "someone now. These lines are free and confidential: China 12356 (national mental health "
    "hotline); Hong Kong, The Samaritan Befrienders, 2389 2222; Taiwan, Lifeline, 1995; United "
    "States, 988 (call or text); United Kingdom and Ireland, Samaritans, 116 123; elsewhere, "
    "findahelpline.com lists free lines in most countries."
)


@dataclass(frozen=True, slots=True)
class BoardInfo:
    """What answers say about the board: its handle, page and the lifetimes it offers."""

    handle: str
    page: str
    lifetimes: Sequence[int]
    default_lifetime: int


def how_to_post(board: BoardInfo) -> Paragraphs:
    lifetimes = ", ".join(format_duration(ttl) for ttl in board.lifetimes)
    return (
        f"To post anonymously on {board.handle}, send it a direct message (visible to mentioned "
        "people only) with your text. It is posted under a new anonymous name, after the same "
        "moderation as the web form, with no trace of your account on the post.",
        f"It lives {format_duration(board.default_lifetime)} unless you add a line such as "
        f"'ttl: 1d' (offered: {lifetimes}). Reply to a post of the board by direct message to "
        "answer in its thread. Reply 'delete' to the board's answer to delete your post.",
        f"The board: {board.page}",
    )


def posted(thread_url: str, delete_url: str, token: str) -> Paragraphs:
    return (
        f"Posted anonymously: {thread_url} (it appears after a short delay).",
        f"To delete it, reply to this message with the word delete, or open {delete_url} and "
        f"give this token: {token}",
    )


def held(delete_url: str, token: str, reason: str, self_harm: bool) -> Paragraphs:
    why = (
        "you mentioned self-harm, so a person reads it first"
        if self_harm
        else (HOLD_REASONS.get(reason, f"reason: {category(reason)}"))
    )
    first = (SELF_HARM_HELP,) if self_harm else ()
    return (
        *first,
        f"Your post is held for review ({why}). You will get a message when a moderator decides.",
        f"To withdraw it, reply to this message with the word delete, or open {delete_url} and "
        f"give this token: {token}",
    )


def rejected(reason: str) -> Paragraphs:
    return (f"Not posted: moderation refused it (reason: {category(reason)}).",)


def category(reason: str) -> str:
    return reason.replace("_", " ") or "the board's rules"


def invalid(field: str, reason: str, board: BoardInfo) -> Paragraphs:
    key = f"{field}: {reason}"
    return (f"Not posted: {INVALID.get(key, 'it could not be read')}.", *how_to_post(board)[1:2])


def over_limit(retry_after: int) -> Paragraphs:
    minutes = max(1, (retry_after + 59) // 60)
    return (f"Not posted: too many posts by direct message. Try again in {minutes} minutes.",)


def refused_public(board: BoardInfo) -> Paragraphs:
    return (
        "A public, unlisted or followers-only post is never posted anonymously: your name is "
        "already on it.",
        *how_to_post(board),
    )


def closed(followers_only: bool) -> Paragraphs:
    if followers_only:
        return ("This board takes posts by direct message from its followers only.",)
    return ("This board does not take posts by direct message.",)


def deleted() -> Paragraphs:
    return ("Your post is deleted, and the servers it reached are told to delete it.",)


def nothing_to_delete() -> Paragraphs:
    return ("There is nothing to delete: the post is gone already, or this is not your answer.",)


def approved(thread_url: str) -> Paragraphs:
    return (f"A moderator approved your post: {thread_url}",)


def removed() -> Paragraphs:
    return ("A moderator removed your held post; it was never shown.",)


def thread_gone() -> Paragraphs:
    return ("Not posted: the post you replied to is gone (notes expire, or were deleted).",)
