"""Reminders: the sent-markers of deadline reminders and coordinators' manual reminders.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "reminder_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("owed", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(32), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", _TS, nullable=False),
        sa.Column("sent_by", sa.Integer(), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
        _fk("reminder_sent", "organisation_id", "organisation"),
        _fk("reminder_sent", "room_id", "room"),
        _fk("reminder_sent", "sent_by", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_reminder_sent"),
        sa.UniqueConstraint(
            "organisation_id",
            "owed",
            "subject_id",
            "step",
            "serial",
            name="uq_reminder_sent_organisation_id_owed_subject_id_step_serial",
        ),
    )
    op.create_index(
        "ix_reminder_sent_room_id_organisation_id", "reminder_sent", ["room_id", "organisation_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_reminder_sent_room_id_organisation_id", table_name="reminder_sent")
    op.drop_table("reminder_sent")
