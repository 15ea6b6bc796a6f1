"""board language and rules, warning labels on notes

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 09:00:00

A board says which language it is written in (pseudonyms and automatic content warnings follow
it) and carries its own rules, shown on its page and in its actor. A note keeps the codes of the
content warnings moderation added, so each reader sees them in their own language. Notes are
indexed by board and time, for "about N notes a day" on a board's page.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=8), nullable=False, server_default="en")
        )
        batch_op.add_column(sa.Column("rules", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("warning_labels", sa.String(length=200), nullable=True))
    op.create_index("ix_notes_board_created", "notes", ["board_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_notes_board_created", table_name="notes")
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_column("warning_labels")
    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.drop_column("rules")
        batch_op.drop_column("language")
