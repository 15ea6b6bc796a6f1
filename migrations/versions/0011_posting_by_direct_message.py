"""posting by direct message: a board setting and the answers' delete capability

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 14:30:00

A board says who may post to it by direct message (anyone, its followers, nobody). Each answer
to a post sent that way is a row: which note a `delete` reply to it deletes, and an HMAC that
confirms the reply comes from the same sender without naming them (docs/decisions/0013).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("dm_posting", sa.String(length=16), nullable=False, server_default="anyone")
        )
    op.create_table(
        "dm_answers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("note_id", sa.String(length=32), nullable=False),
        sa.Column("sender_check", sa.String(length=64), nullable=False),
        sa.Column("board_id", sa.String(length=32), nullable=False),
        sa.Column("notify_actor", sa.String(length=2048), nullable=True),
        sa.Column("notify_handle", sa.String(length=255), nullable=True),
        sa.Column("notify_inbox", sa.String(length=2048), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_dm_answers_note_id", "dm_answers", ["note_id"])


def downgrade() -> None:
    op.drop_index("ix_dm_answers_note_id", table_name="dm_answers")
    op.drop_table("dm_answers")
    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.drop_column("dm_posting")
