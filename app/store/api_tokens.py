"""Admin API bearer tokens, stored hashed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.core.ids import new_id
from app.db.engine import Db
from app.db.tables import api_tokens as table


@dataclass(frozen=True, slots=True)
class ApiToken:
    id: str
    name: str
    scopes: list[str]
    created_by: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _token(row: Mapping[str, Any]) -> ApiToken:
    return ApiToken(**{name: row[name] for name in ApiToken.__slots__})


async def insert_token(
    db: Db,
    name: str,
    token_hash: str,
    scopes: list[str],
    created_by: str | None,
    now: datetime,
) -> str:
    token_id = new_id()
    await db.execute(
        table.insert().values(
            id=token_id,
            name=name,
            token_hash=token_hash,
            scopes=scopes,
            created_by=created_by,
            created_at=now,
        )
    )
    return token_id


async def get_live_token_by_hash(db: Db, token_hash: str) -> ApiToken | None:
    """The token with this hash, unless revoked."""
    row = await db.fetch_one(
        sa.select(table).where(table.c.token_hash == token_hash, table.c.revoked_at.is_(None))
    )
    return None if row is None else _token(row)


async def get_token(db: Db, token_id: str) -> ApiToken | None:
    row = await db.fetch_one(sa.select(table).where(table.c.id == token_id))
    return None if row is None else _token(row)


async def list_tokens(db: Db) -> Sequence[ApiToken]:
    rows = await db.fetch_all(sa.select(table).order_by(table.c.created_at.desc()))
    return [_token(row) for row in rows]


async def update_last_used(db: Db, token_id: str, now: datetime) -> None:
    await db.execute(table.update().where(table.c.id == token_id).values(last_used_at=now))


async def revoke_token(db: Db, token_id: str, now: datetime) -> bool:
    revoked = await db.fetch_val(
        table.update()
        .where(table.c.id == token_id, table.c.revoked_at.is_(None))
        .values(revoked_at=now)
        .returning(table.c.id)
    )
    return revoked is not None
