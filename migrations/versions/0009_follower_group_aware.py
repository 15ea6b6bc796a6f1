"""follower group aware

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 11:00:00

Whether a board's follower is on a server that reads FEP-1b12 Announces of activities (Lemmy,
Mbin, PieFed...): those followers also get the board's Announce of its members' activities.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("followers") as batch:
        batch.add_column(
            sa.Column("group_aware", sa.Boolean, nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("followers") as batch:
        batch.drop_column("group_aware")
