"""report target

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 10:30:00

A Flag from another server may name only an account or a board (Mastodon puts the account
first and statuses after, and sends the account alone when no status was picked): the report
keeps the URL it named.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("target_url", sa.String(2048), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("target_url")
