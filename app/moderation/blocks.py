"""Read-only checks of domain and actor moderation, used wherever content comes or goes.

Kept apart from the moderation actions (app/moderation/domains.py) so the protocol paths can ask
"is this host suspended?" without depending on the deletion machinery.
"""

from __future__ import annotations

from app.db.engine import Db
from app.store import domain_blocks
from app.store.domain_blocks import SILENCE, SUSPEND
from app.store.remote_actors import RemoteActor


async def is_suspended_host(db: Db, host: str | None) -> bool:
    block = await domain_blocks.block_for_host(db, host)
    return block is not None and block.severity == SUSPEND


async def is_silenced(db: Db, actor: RemoteActor) -> bool:
    if actor.silenced:
        return True
    block = await domain_blocks.block_for_host(db, actor.domain)
    return block is not None and block.severity == SILENCE


async def refuses_reports(db: Db, host: str | None) -> bool:
    block = await domain_blocks.block_for_host(db, host)
    return block is not None and block.reject_reports
