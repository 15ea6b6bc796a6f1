"""board hashtags setting

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 10:00:00

Whether a board's federated notes turn `#tags` into Hashtag tags and links (on by default).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("boards") as batch:
        batch.add_column(
            sa.Column("hashtags", sa.Boolean, nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("boards") as batch:
        batch.drop_column("hashtags")
