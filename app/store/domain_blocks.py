"""Domain blocks as enforced. A block on a domain covers its subdomains; the most specific block
that matches a host decides."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.core.ids import new_id
from app.db.engine import Db
from app.db.tables import domain_blocks

# What `Db.writes` counts writes to this table under (caches watch it).
TABLE_NAME = domain_blocks.name

SUSPEND = "suspend"
SILENCE = "silence"
NOOP = "noop"
# Mildest first: the rank decides which of two blocks is stricter.
SEVERITIES = (NOOP, SILENCE, SUSPEND)
SEVERITY_RANK = {NOOP: 0, SILENCE: 1, SUSPEND: 2}


@dataclass(frozen=True, slots=True)
class BlockValues:
    """What a block on a domain does, whoever asked for it."""

    severity: str
    reject_media: bool = False
    reject_reports: bool = False
    public_comment: str | None = None
    private_comment: str | None = None
    obfuscate: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_mapping(cls, row: Mapping[str, Any]) -> BlockValues:
        return cls(
            severity=row["severity"],
            reject_media=bool(row["reject_media"]),
            reject_reports=bool(row["reject_reports"]),
            public_comment=row["public_comment"],
            private_comment=row["private_comment"],
            obfuscate=bool(row["obfuscate"]),
        )


@dataclass(frozen=True, slots=True)
class DomainBlock:
    id: str
    domain: str
    severity: str
    reject_media: bool
    reject_reports: bool
    public_comment: str | None
    private_comment: str | None
    obfuscate: bool
    created_at: datetime
    updated_at: datetime


def _block(row: Mapping[str, Any]) -> DomainBlock:
    return DomainBlock(**{name: row[name] for name in DomainBlock.__slots__})


def host_and_parents(host: str) -> list[str]:
    """`a.b.example` → ["a.b.example", "b.example", "example"] (ports dropped)."""
    name = host.lower().split(":", 1)[0].rstrip(".")
    parts = name.split(".")
    return [".".join(parts[i:]) for i in range(len(parts))] if name else []


async def get_block(db: Db, domain: str) -> DomainBlock | None:
    row = await db.fetch_one(sa.select(domain_blocks).where(domain_blocks.c.domain == domain))
    return None if row is None else _block(row)


async def get_block_by_id(db: Db, block_id: str) -> DomainBlock | None:
    row = await db.fetch_one(sa.select(domain_blocks).where(domain_blocks.c.id == block_id))
    return None if row is None else _block(row)


async def block_for_host(db: Db, host: str | None) -> DomainBlock | None:
    """The block that governs `host`: its own, or the closest parent's."""
    candidates = host_and_parents(host or "")
    if not candidates:
        return None
    rows = await db.fetch_all(
        sa.select(domain_blocks).where(domain_blocks.c.domain.in_(candidates))
    )
    blocks = sorted((_block(row) for row in rows), key=lambda b: -len(b.domain))
    return blocks[0] if blocks else None


async def list_blocks(db: Db) -> Sequence[DomainBlock]:
    rows = await db.fetch_all(sa.select(domain_blocks).order_by(domain_blocks.c.domain))
    return [_block(row) for row in rows]


async def upsert_block(db: Db, values: Mapping[str, Any], now: datetime) -> DomainBlock:
    existing = await get_block(db, values["domain"])
    if existing is None:
        await db.execute(
            domain_blocks.insert().values(id=new_id(), created_at=now, updated_at=now, **values)
        )
    else:
        await db.execute(
            domain_blocks.update()
            .where(domain_blocks.c.id == existing.id)
            .values(updated_at=now, **values)
        )
    stored = await get_block(db, values["domain"])
    assert stored is not None
    return stored


async def delete_block(db: Db, domain: str) -> bool:
    gone = await db.fetch_val(
        domain_blocks.delete().where(domain_blocks.c.domain == domain).returning(domain_blocks.c.id)
    )
    return gone is not None


async def list_blocks_page(
    db: Db,
    limit: int,
    max_id: str | None = None,
    since_id: str | None = None,
    min_id: str | None = None,
) -> Sequence[DomainBlock]:
    """Mastodon-style paging, newest id first: `max_id`/`since_id` bound the page from above and
    below; `min_id` pages forward (the page just above `min_id`)."""
    query = sa.select(domain_blocks)
    if max_id is not None:
        query = query.where(domain_blocks.c.id < max_id)
    if since_id is not None:
        query = query.where(domain_blocks.c.id > since_id)
    if min_id is not None:
        query = query.where(domain_blocks.c.id > min_id).order_by(domain_blocks.c.id.asc())
        rows = await db.fetch_all(query.limit(limit))
        return [_block(row) for row in reversed(rows)]
    rows = await db.fetch_all(query.order_by(domain_blocks.c.id.desc()).limit(limit))
    return [_block(row) for row in rows]
