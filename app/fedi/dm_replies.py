"""What a board says in its direct-message answers (issue #13), as pure functions: paragraphs of
plain text in the board's language (`_` is its catalogue's gettext). No answer quotes the note
it is about (the sender's server keeps their message; our answer need not carry the text a
second time)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.fedi.dm_parse import format_duration

Paragraphs = tuple[str, ...]
Gettext = Callable[[str], str]


def N_(message: str) -> str:
    """Marks a message for the catalogue; translated where it is used."""
    return message


def untranslated(message: str) -> str:
    return message


# Why a post is held, in words, for the reasons moderation names (others: their category).
HOLD_REASONS = {
    "premoderation": N_("this board checks posts before they are shown"),
    "under_attack": N_("the instance is checking every new post for now"),
    "silenced": N_("posts from your account or server are checked first"),
    "duplicate": N_("it looks like a recent post"),
    "link_not_allowed": N_("it links to a site a moderator checks first"),
    "link_shortener": N_("it uses a link shortener, which hides where it leads"),
    "contact": N_("it seems to share contact details"),
}
INVALID = {
    "text: empty": N_("there is nothing to post"),
    "text: too_long": N_("it is too long"),
    "summary: too_long": N_("its content warning is too long (at most 200 characters)"),
    "ttl: not_allowed": N_("that lifetime is not offered on this board"),
}
# The help page's lines (app/web/templates/help.html), the same messages.
SELF_HARM_LEAD = N_(
    "What you wrote sounds heavy. If you are thinking about hurting yourself, please talk to "
    "someone now. These lines are free and confidential:"
)
SELF_HARM_LINES = (
    N_(
        "China: Beijing Psychological Crisis Research and Intervention Center, 010-82951332; "
        "national mental health hotline 12356"
    ),
    N_("Hong Kong: The Samaritan Befrienders, 2389 2222"),
    N_("Taiwan: Lifeline, 1995"),
    N_("United States: 988 Suicide and Crisis Lifeline, call or text 988"),
    N_("United Kingdom and Ireland: Samaritans, 116 123"),
    N_("Elsewhere: findahelpline.com lists free lines in most countries"),
)


@dataclass(frozen=True, slots=True)
class BoardInfo:
    """What answers say about the board: its handle, page and the lifetimes it offers."""

    handle: str
    page: str
    lifetimes: Sequence[int]
    default_lifetime: int


def how_to_post(_: Gettext, board: BoardInfo) -> Paragraphs:
    lifetimes = ", ".join(format_duration(ttl) for ttl in board.lifetimes)
    return (
        _(
            "To post anonymously on %(handle)s, send it a direct message (visible to mentioned "
            "people only) with your text. It is posted under a new anonymous name, after the "
            "same moderation as the web form, with no trace of your account on the post."
        )
        % {"handle": board.handle},
        _(
            "It lives %(default)s unless you add a line such as 'ttl: 1d' (offered: "
            "%(offered)s). Reply to a post of the board by direct message to answer in its "
            "thread. Reply 'delete' to the board's answer to delete your post."
        )
        % {"default": format_duration(board.default_lifetime), "offered": lifetimes},
        _("The board: %(page)s") % {"page": board.page},
    )


def posted(_: Gettext, thread_url: str, delete_url: str, token: str) -> Paragraphs:
    return (
        _("Posted anonymously: %(url)s (it appears after a short delay).") % {"url": thread_url},
        _withdraw(_, delete_url, token),
    )


def _withdraw(_: Gettext, delete_url: str, token: str) -> str:
    return _(
        "To delete it, reply to this message with the word delete, or open %(url)s and give "
        "this token: %(token)s"
    ) % {"url": delete_url, "token": token}


def self_harm_help(_: Gettext) -> str:
    return " ".join((_(SELF_HARM_LEAD), "; ".join(_(line) for line in SELF_HARM_LINES)))


def held(_: Gettext, delete_url: str, token: str, reason: str, self_harm: bool) -> Paragraphs:
    if self_harm:
        why = _("you mentioned self-harm, so a person reads it first")
    elif reason in HOLD_REASONS:
        why = _(HOLD_REASONS[reason])
    else:
        why = _("reason: %(category)s") % {"category": category(reason)}
    first = (self_harm_help(_),) if self_harm else ()
    return (
        *first,
        _(
            "Your post is held for review (%(why)s). You will get a message when a moderator "
            "decides."
        )
        % {"why": why},
        _withdraw(_, delete_url, token),
    )


def category(reason: str) -> str:
    return reason.replace("_", " ") or "rules"


def rejected(_: Gettext, reason: str) -> Paragraphs:
    return (
        _("Not posted: moderation refused it (reason: %(category)s).")
        % {"category": category(reason)},
    )


def invalid(_: Gettext, field: str, reason: str, board: BoardInfo) -> Paragraphs:
    message = INVALID.get(f"{field}: {reason}")
    why = _(message) if message else _("it could not be read")
    return (_("Not posted: %(why)s.") % {"why": why}, *how_to_post(_, board)[1:2])


def over_limit(_: Gettext, retry_after: int) -> Paragraphs:
    minutes = max(1, (retry_after + 59) // 60)
    return (
        _("Not posted: too many posts by direct message. Try again in %(minutes)s minutes.")
        % {"minutes": minutes},
    )


def refused_public(_: Gettext, board: BoardInfo) -> Paragraphs:
    return (
        _(
            "A public, unlisted or followers-only post is never posted anonymously: your name "
            "is already on it."
        ),
        *how_to_post(_, board),
    )


def closed(_: Gettext, followers_only: bool) -> Paragraphs:
    if followers_only:
        return (_("This board takes posts by direct message from its followers only."),)
    return (_("This board does not take posts by direct message."),)


def deleted(_: Gettext) -> Paragraphs:
    return (_("Your post is deleted, and the servers it reached are told to delete it."),)


def nothing_to_delete(_: Gettext) -> Paragraphs:
    return (_("There is nothing to delete: the post is gone already, or this is not your answer."),)


def approved(_: Gettext, thread_url: str) -> Paragraphs:
    return (_("A moderator approved your post: %(url)s") % {"url": thread_url},)


def removed(_: Gettext) -> Paragraphs:
    return (_("A moderator removed your held post; it was never shown."),)


def thread_gone(_: Gettext) -> Paragraphs:
    return (_("Not posted: the post you replied to is gone (notes expire, or are deleted)."),)
