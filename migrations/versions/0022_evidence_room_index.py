"""A room's activity feed reads its latest evidence from an index (room, time, id) instead of
sorting all of the room's evidence on each view of the room page; the index on the room alone
is a prefix of the new one, and goes.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_evidence_room_id_occurred_at", "evidence", ["room_id", "occurred_at", "id"])
    op.drop_index("ix_evidence_room_id", table_name="evidence")


def downgrade() -> None:
    op.create_index("ix_evidence_room_id", "evidence", ["room_id"])
    op.drop_index("ix_evidence_room_id_occurred_at", table_name="evidence")
