"""A board's fediverse profile, so a visitor on Mastodon can judge it before following: the
`summary` says what it is, what following means and its rules; `attachment` holds
`PropertyValue` fields (Mastodon's profile metadata) for where to post, how busy it is and how
long notes live. Written in the board's language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from babel.support import NullTranslations
from markupsafe import Markup, escape

from app.core.i18n import DEFAULT, N_, duration_describer
from app.core.urls import Urls
from app.db.engine import Db
from app.store import notes as note_store
from app.store.boards import Board

BUSY_DAYS = 7  # "about N notes a day" is the average of the last week
FOLLOWING_MEANS = N_(
    "Following means: the board boosts every new note into your home timeline. Notes expire and "
    "are deleted there too. Replies from your account are welcome and show up here."
)
ANONYMOUS = N_("Anonymous notes: nobody here has an account, and nothing identifies a poster.")
RULES = N_("Rules of this board")
FIELD_POST = N_("Post anonymously")
FIELD_BUSY = N_("Notes a day")
FIELD_LIFETIME = N_("Notes disappear after")
FIELD_RULES = N_("Rules of this server")


@dataclass(frozen=True, slots=True)
class BoardProfile:
    summary: str  # HTML, as Mastodon's sanitizer keeps it (p, br, a)
    attachment: tuple[dict[str, Any], ...]


def _link(url: str) -> Markup:
    shown = url.split("://", 1)[-1]
    return Markup('<a href="{}" rel="nofollow noopener" target="_blank">{}</a>').format(url, shown)


def _property(name: str, value: Markup | str) -> dict[str, Any]:
    return {"type": "PropertyValue", "name": name, "value": str(escape(value))}


def build_board_profile(
    urls: Urls,
    board: Board,
    notes_a_day: float,
    gettext: Callable[[str], str],
    describe: Callable[[int], str],
) -> BoardProfile:
    """The board's summary and fields, words from `gettext` and lifetimes from `describe` (both
    in the board's language)."""
    paragraphs = [escape(board.description)] if board.description else []
    paragraphs += [escape(gettext(ANONYMOUS)), escape(gettext(FOLLOWING_MEANS))]
    if board.rule_list:
        rules = Markup("<br>").join(
            Markup("{}. {}").format(n, rule) for n, rule in enumerate(board.rule_list, 1)
        )
        paragraphs.append(Markup("{}:<br>{}").format(gettext(RULES), rules))
    summary = "".join(str(Markup("<p>{}</p>").format(p)) for p in paragraphs)
    busy = f"{notes_a_day:.1f}".rstrip("0").rstrip(".") if notes_a_day else "0"
    fields = (
        _property(gettext(FIELD_POST), _link(urls.board(board.slug))),
        _property(gettext(FIELD_BUSY), busy),
        _property(gettext(FIELD_LIFETIME), describe(board.default_ttl)),
        _property(gettext(FIELD_RULES), _link(urls.about())),
    )
    return BoardProfile(summary, fields)


async def load_board_profile(
    db: Db,
    urls: Urls,
    board: Board,
    translations: Mapping[str, NullTranslations],
    now: datetime,
) -> BoardProfile:
    """The board's profile in its own language, with how busy it was this last week: what its
    actor document serves and what an Update of it carries."""
    since = now - timedelta(days=BUSY_DAYS)
    notes_a_day = await note_store.count_board_notes_since(db, board.id, since) / BUSY_DAYS
    chosen = translations.get(board.language) or translations[DEFAULT]
    return build_board_profile(urls, board, notes_a_day, chosen.gettext, duration_describer(chosen))
