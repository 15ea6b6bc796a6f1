"""What a person sends, and what becomes of it: the inputs and typed outcomes of the note use
cases (`app/notes/submit.py`, `likes.py`, `deletion.py`, `reporting.py`).

Every way in (the web form today; a direct message to a board, the CLI) builds these inputs and
answers the outcome its own way; none of them repeats a rule. The inputs never carry who the
person is: the poster's pseudonym secret and an opaque rate-limit key stand for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.notes.posting import Posted

# What to do when a post mentions self-harm: show the help page first and post only once the
# person says so (the web), or post it held for a moderator (a way in that cannot ask first;
# the caller sends the help text along with its answer).
ASK_FIRST = "ask_first"
HOLD_FOR_REVIEW = "hold_for_review"


@dataclass(frozen=True, slots=True)
class Draft:
    """A post as sent, not yet validated. `ttl` is the lifetime asked for in seconds (None or
    empty: the board's default); `help_seen`: the person saw the self-harm help and posts anyway."""

    text: str | None
    summary: str | None = None
    ttl: str | None = None
    help_seen: bool = False


@dataclass(frozen=True, slots=True)
class Poster:
    """Who posts, as far as the instance may know. `secret` derives the per-thread pseudonyms
    and actors (a browser's cookie secret, or an HMAC of a fediverse sender); `rate_key` counts
    rate limits: a digest that is never an address or an actor id, salted again with the day's
    salt before it is stored."""

    secret: str
    rate_key: str


@dataclass(frozen=True, slots=True)
class ProofOfWork:
    """A solved proof-of-work challenge, as the browser sent it (None: none was sent). Ways in
    without proof of work pass no `ProofOfWork` at all."""

    solution: str | None


@dataclass(frozen=True, slots=True)
class Published:
    posted: Posted


@dataclass(frozen=True, slots=True)
class Held:
    """Stored, but waiting for a moderator before anyone sees or receives it."""

    posted: Posted
    reason: str


@dataclass(frozen=True, slots=True)
class Rejected:
    """Refused by moderation; `reason` is the category the poster may see."""

    reason: str


@dataclass(frozen=True, slots=True)
class InvalidInput:
    """The input did not validate (empty, too long, lifetime not offered, proof of work missing
    or wrong, …); nothing was stored or counted."""

    field: str
    reason: str


@dataclass(frozen=True, slots=True)
class NeedsHelp:
    """The post mentions self-harm: show the help text; post only when the person says so."""


@dataclass(frozen=True, slots=True)
class OverLimit:
    """Past the rate limit: try again in `retry_after` seconds; nothing was stored."""

    retry_after: int


PostOutcome = Published | Held | Rejected | InvalidInput | NeedsHelp | OverLimit


@dataclass(frozen=True, slots=True)
class Liked:
    """The like is made (`first`), or this poster had liked the note already."""

    note_id: str
    thread_id: str
    first: bool


@dataclass(frozen=True, slots=True)
class Deleted:
    """The note is gone (with its whole thread, if it was a thread's first note)."""

    note_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WrongToken:
    """The deletion token does not belong to the note; nothing was deleted."""


@dataclass(frozen=True, slots=True)
class Reported:
    note_id: str
