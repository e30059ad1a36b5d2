"""The email outbox: messages written in the transaction that caused them, delivered later.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to_address", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _TS, nullable=False),
        sa.Column("claimed_until", _TS, nullable=True),
        sa.Column("sent_at", _TS, nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("related_type", sa.String(40), nullable=True),
        sa.Column("related_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_message"),
    )
    op.create_index("ix_outbox_message_status", "outbox_message", ["status"])
    op.create_index("ix_outbox_message_next_attempt_at", "outbox_message", ["next_attempt_at"])
    op.create_index("ix_outbox_message_related", "outbox_message", ["related_type", "related_id"])


def downgrade() -> None:
    op.drop_table("outbox_message")
