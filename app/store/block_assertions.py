"""Provenance of domain blocks: which source asserts what about which domain, since when."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.core.ids import new_id
from app.db.engine import Db
from app.db.tables import domain_block_assertions as table
from app.store.domain_blocks import BlockValues

MANUAL = "manual"
TOKEN = "token"
IMPORT = "import"
SUBSCRIPTION = "subscription"
SOURCE_KINDS = (MANUAL, TOKEN, IMPORT, SUBSCRIPTION)
AUTHORITATIVE_KINDS = frozenset({MANUAL, TOKEN})
MERGED_KINDS = frozenset({IMPORT, SUBSCRIPTION})


@dataclass(frozen=True, slots=True)
class Assertion:
    """One source's claim about one domain."""

    domain: str
    source_kind: str
    source_id: str
    values: BlockValues
    first_seen: datetime
    last_seen: datetime

    @property
    def is_authoritative(self) -> bool:
        return self.source_kind in AUTHORITATIVE_KINDS


def _assertion(row: Mapping[str, Any]) -> Assertion:
    return Assertion(
        domain=row["domain"],
        source_kind=row["source_kind"],
        source_id=row["source_id"],
        values=BlockValues.from_mapping(row),
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
    )


def _source(domain: str, source_kind: str, source_id: str) -> sa.ColumnElement[bool]:
    return sa.and_(
        table.c.domain == domain, table.c.source_kind == source_kind, table.c.source_id == source_id
    )


async def list_assertions(db: Db, domain: str) -> Sequence[Assertion]:
    """Every assertion about exactly `domain`."""
    rows = await db.fetch_all(sa.select(table).where(table.c.domain == domain))
    return [_assertion(row) for row in rows]


async def list_assertions_for(db: Db, domains: Sequence[str]) -> Sequence[Assertion]:
    if not domains:
        return []
    rows = await db.fetch_all(
        sa.select(table).where(table.c.domain.in_(list(domains))).order_by(table.c.first_seen)
    )
    return [_assertion(row) for row in rows]


async def list_assertions_of_source(
    db: Db, source_kind: str, source_id: str
) -> Sequence[Assertion]:
    """What one source asserts (for retracting everything a removed source alone asserted)."""
    rows = await db.fetch_all(
        sa.select(table)
        .where(table.c.source_kind == source_kind, table.c.source_id == source_id)
        .order_by(table.c.domain)
    )
    return [_assertion(row) for row in rows]


async def get_assertion(db: Db, domain: str, source_kind: str, source_id: str) -> Assertion | None:
    row = await db.fetch_one(sa.select(table).where(_source(domain, source_kind, source_id)))
    return None if row is None else _assertion(row)


async def upsert_assertion(
    db: Db, domain: str, source_kind: str, source_id: str, values: BlockValues, now: datetime
) -> None:
    """Insert, or overwrite the values and `last_seen` of the source's existing assertion."""
    existing = await get_assertion(db, domain, source_kind, source_id)
    if existing is None:
        await db.execute(
            table.insert().values(
                id=new_id(),
                domain=domain,
                source_kind=source_kind,
                source_id=source_id,
                first_seen=now,
                last_seen=now,
                **values.as_dict(),
            )
        )
        return
    await db.execute(
        table.update()
        .where(_source(domain, source_kind, source_id))
        .values(last_seen=now, **values.as_dict())
    )


async def insert_assertion(db: Db, assertion: Assertion) -> None:
    """Put back an assertion exactly as it was, timestamps included (undoing a lift)."""
    await db.execute(
        table.insert().values(
            id=new_id(),
            domain=assertion.domain,
            source_kind=assertion.source_kind,
            source_id=assertion.source_id,
            first_seen=assertion.first_seen,
            last_seen=assertion.last_seen,
            **assertion.values.as_dict(),
        )
    )


async def delete_assertion(db: Db, domain: str, source_kind: str, source_id: str) -> None:
    await db.execute(table.delete().where(_source(domain, source_kind, source_id)))
