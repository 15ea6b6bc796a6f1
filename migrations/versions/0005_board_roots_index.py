"""board roots index

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 21:30:00

The board timeline reads live thread roots newest first. With `in_reply_to_id` inside the old
index, PostgreSQL sorted every root of the board for each page (its planner does not treat
`IS NULL` as fixing a column for the ordering); a partial index over roots is read in order on
both engines.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ROOTS = sa.text("in_reply_to_id IS NULL")


def upgrade() -> None:
    op.drop_index("ix_notes_board_timeline", table_name="notes")
    op.create_index(
        "ix_notes_board_roots",
        "notes",
        ["board_id", "state", "created_at", "id"],
        sqlite_where=ROOTS,
        postgresql_where=ROOTS,
    )


def downgrade() -> None:
    op.drop_index("ix_notes_board_roots", table_name="notes")
    op.create_index(
        "ix_notes_board_timeline",
        "notes",
        ["board_id", "state", "in_reply_to_id", "created_at", "id"],
    )
