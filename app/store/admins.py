"""Admin and moderator logins."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.core.ids import new_id
from app.db.engine import Db
from app.db.tables import admins

ROLES = ("admin", "moderator")


async def insert_admin(db: Db, username: str, password_hash: str, role: str, now: datetime) -> str:
    admin_id = new_id()
    await db.execute(
        admins.insert().values(
            id=admin_id, username=username, password_hash=password_hash, role=role, created_at=now
        )
    )
    return admin_id


async def update_password_hash(db: Db, admin_id: str, password_hash: str) -> None:
    await db.execute(
        admins.update().where(admins.c.id == admin_id).values(password_hash=password_hash)
    )


async def get_admin_by_username(db: Db, username: str) -> Mapping[str, Any] | None:
    return await db.fetch_one(sa.select(admins).where(admins.c.username == username))


@dataclass(frozen=True, slots=True)
class Admin:
    id: str
    username: str
    role: str


async def get_admin(db: Db, admin_id: str) -> Admin | None:
    """The login with this id, without its password hash."""
    if len(admin_id) > 32 or "\x00" in admin_id:
        return None
    row = await db.fetch_one(
        sa.select(admins.c.id, admins.c.username, admins.c.role).where(admins.c.id == admin_id)
    )
    return None if row is None else Admin(id=row["id"], username=row["username"], role=row["role"])
