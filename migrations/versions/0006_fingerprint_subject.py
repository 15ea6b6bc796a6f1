"""fingerprint subject

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00

A near-duplicate fingerprint names the note (or remote note) it was taken from, so deleting the
note deletes its fingerprint at once instead of leaving it for the rest of its window. Rows
stored before have none and age out with the window.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("content_fingerprints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject_id", sa.String(32), nullable=True))
        batch_op.create_index("ix_content_fingerprints_subject_id", ["subject_id"])


def downgrade() -> None:
    with op.batch_alter_table("content_fingerprints", schema=None) as batch_op:
        batch_op.drop_index("ix_content_fingerprints_subject_id")
        batch_op.drop_column("subject_id")
