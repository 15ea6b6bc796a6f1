"""Board rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.db.engine import Db
from app.db.tables import boards

SLUG_MAX_CHARS = 64


@dataclass(frozen=True, slots=True)
class Board:
    id: str
    slug: str
    title: str
    description: str
    default_ttl: int
    allowed_ttls: tuple[int, ...]
    locked: bool
    created_at: datetime
    last_post_at: datetime | None
    premoderation: str = "off"
    pow_required: bool = False
    self_destruct_hours: int | None = None
    language: str = "en"
    rules: str = ""
    # `#tags` in notes become Hashtag tags and links when federated (off: plain text).
    hashtags: bool = True
    # Who may post by direct message (issue #13): one of DM_POSTING_MODES.
    dm_posting: str = "anyone"

    @property
    def rule_list(self) -> tuple[str, ...]:
        """The rules, one per non-empty line."""
        return tuple(line.strip() for line in self.rules.splitlines() if line.strip())


def _board(row: Mapping[str, Any]) -> Board:
    return Board(
        id=row["id"],
        slug=row["slug"],
        title=row["title"],
        description=row["description"],
        default_ttl=row["default_ttl"],
        allowed_ttls=tuple(sorted(int(ttl) for ttl in row["allowed_ttls"])),
        locked=bool(row["locked"]),
        created_at=row["created_at"],
        last_post_at=row["last_post_at"],
        premoderation=row["premoderation"],
        pow_required=bool(row["pow_required"]),
        self_destruct_hours=row["self_destruct_hours"],
        language=row["language"],
        rules=row["rules"],
        hashtags=bool(row["hashtags"]),
        dm_posting=row["dm_posting"],
    )


async def get_board_by_slug(db: Db, slug: str) -> Board | None:
    # PostgreSQL refuses NUL in text with an error; no slug holds one (or is longer than 64).
    if len(slug) > SLUG_MAX_CHARS or "\x00" in slug:
        return None
    row = await db.fetch_one(sa.select(boards).where(boards.c.slug == slug))
    return None if row is None else _board(row)


async def get_board(db: Db, board_id: str) -> Board | None:
    row = await db.fetch_one(sa.select(boards).where(boards.c.id == board_id))
    return None if row is None else _board(row)


async def list_boards(db: Db) -> Sequence[Board]:
    rows = await db.fetch_all(sa.select(boards).order_by(boards.c.created_at, boards.c.slug))
    return [_board(row) for row in rows]


async def insert_board(db: Db, board: Board) -> None:
    await db.execute(
        boards.insert().values(
            id=board.id,
            slug=board.slug,
            title=board.title,
            description=board.description,
            default_ttl=board.default_ttl,
            allowed_ttls=list(board.allowed_ttls),
            locked=board.locked,
            created_at=board.created_at,
            last_post_at=board.last_post_at,
            premoderation=board.premoderation,
            pow_required=board.pow_required,
            self_destruct_hours=board.self_destruct_hours,
            language=board.language,
            rules=board.rules,
            hashtags=board.hashtags,
            dm_posting=board.dm_posting,
        )
    )


async def update_last_post_at(db: Db, board_id: str, now: datetime) -> None:
    await db.execute(boards.update().where(boards.c.id == board_id).values(last_post_at=now))


PREMODERATION_MODES = ("off", "threads", "all")
# Who may post to a board by direct message: anyone, the board's followers, or nobody.
DM_ANYONE, DM_FOLLOWERS, DM_OFF = "anyone", "followers", "off"
DM_POSTING_MODES = (DM_ANYONE, DM_FOLLOWERS, DM_OFF)


@dataclass(frozen=True, slots=True)
class BoardModeration:
    """A board's moderation settings: pre-moderation, proof of work, self-destruct."""

    premoderation: str
    pow_required: bool
    self_destruct_hours: int | None


async def update_board_settings(
    db: Db,
    board_id: str,
    moderation: BoardModeration,
    default_ttl: int,
    allowed_ttls: tuple[int, ...],
) -> None:
    await db.execute(
        boards.update()
        .where(boards.c.id == board_id)
        .values(
            premoderation=moderation.premoderation,
            pow_required=moderation.pow_required,
            self_destruct_hours=moderation.self_destruct_hours,
            default_ttl=default_ttl,
            allowed_ttls=list(allowed_ttls),
        )
    )


@dataclass(frozen=True, slots=True)
class BoardProfile:
    """What a board says about itself (its slug, and so its actor's id, never changes)."""

    title: str
    description: str
    language: str
    rules: str


async def update_board_profile(db: Db, board_id: str, profile: BoardProfile) -> None:
    await db.execute(
        boards.update()
        .where(boards.c.id == board_id)
        .values(
            title=profile.title,
            description=profile.description,
            language=profile.language,
            rules=profile.rules,
        )
    )


async def update_board_hashtags(db: Db, board_id: str, hashtags: bool) -> None:
    await db.execute(boards.update().where(boards.c.id == board_id).values(hashtags=hashtags))


async def update_board_dm_posting(db: Db, board_id: str, mode: str) -> None:
    if mode not in DM_POSTING_MODES:
        raise ValueError(f"unknown direct-message posting mode {mode!r}")
    await db.execute(boards.update().where(boards.c.id == board_id).values(dm_posting=mode))


async def list_boards_due_to_self_destruct(db: Db, now: datetime) -> Sequence[Board]:
    """Boards set to self-destruct whose last post (or creation) is older than their limit."""
    rows = await db.fetch_all(sa.select(boards).where(boards.c.self_destruct_hours.is_not(None)))
    due = []
    for board in (_board(row) for row in rows):
        quiet_since = board.last_post_at or board.created_at
        assert board.self_destruct_hours is not None
        if (now - quiet_since).total_seconds() >= board.self_destruct_hours * 3600:
            due.append(board)
    return due
