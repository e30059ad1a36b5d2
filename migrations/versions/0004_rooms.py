"""Process templates, planning rooms, phases, items, participation and progress.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "process_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _fk("process_template", "created_by", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_process_template"),
        sa.UniqueConstraint("process", "version", name="uq_process_template_process_version"),
    )
    op.create_table(
        "template_phase",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("responsible", sa.String(200), nullable=False),
        sa.Column("deadline_days", sa.Integer(), nullable=True),
        _fk("template_phase", "template_id", "process_template"),
        sa.PrimaryKeyConstraint("id", name="pk_template_phase"),
    )
    op.create_index("ix_template_phase_template_id", "template_phase", ["template_id"])
    op.create_table(
        "template_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phase_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        _fk("template_item", "phase_id", "template_phase"),
        sa.PrimaryKeyConstraint("id", name="pk_template_item"),
    )
    op.create_index("ix_template_item_phase_id", "template_item", ["phase_id"])
    op.create_table(
        "room",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("process", sa.String(32), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("current_position", sa.Integer(), nullable=False),
        sa.Column("is_closed", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _fk("room", "template_id", "process_template"),
        _fk("room", "created_by", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_room"),
    )
    op.create_index("ix_room_process", "room", ["process"])
    op.create_table(
        "room_phase",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("responsible", sa.String(200), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        _fk("room_phase", "room_id", "room"),
        sa.PrimaryKeyConstraint("id", name="pk_room_phase"),
        sa.UniqueConstraint("room_id", "position", name="uq_room_phase_room_id_position"),
    )
    op.create_index("ix_room_phase_room_id", "room_phase", ["room_id"])
    op.create_table(
        "room_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("phase_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        _fk("room_item", "room_id", "room"),
        _fk("room_item", "phase_id", "room_phase"),
        sa.PrimaryKeyConstraint("id", name="pk_room_item"),
    )
    op.create_index("ix_room_item_room_id", "room_item", ["room_id"])
    op.create_index("ix_room_item_phase_id", "room_item", ["phase_id"])
    op.create_table(
        "participation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("invited_at", _TS, nullable=False),
        sa.Column("invited_by", sa.Integer(), nullable=True),
        sa.Column("responded_at", _TS, nullable=True),
        sa.Column("responded_by", sa.Integer(), nullable=True),
        sa.Column("decline_reason", sa.String(1000), nullable=True),
        _fk("participation", "room_id", "room"),
        _fk("participation", "organisation_id", "organisation"),
        _fk("participation", "invited_by", "person"),
        _fk("participation", "responded_by", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_participation"),
        sa.UniqueConstraint(
            "room_id", "organisation_id", name="uq_participation_room_id_organisation_id"
        ),
    )
    op.create_index(
        "ix_participation_organisation_id_status", "participation", ["organisation_id", "status"]
    )
    op.create_table(
        "item_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("classification", sa.String(32), nullable=False),
        sa.Column("note", sa.String(2000), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("submitted_at", _TS, nullable=True),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", _TS, nullable=True),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("review_comment", sa.String(2000), nullable=False),
        _fk("item_progress", "room_id", "room"),
        _fk("item_progress", "item_id", "room_item"),
        _fk("item_progress", "organisation_id", "organisation"),
        _fk("item_progress", "updated_by", "person"),
        _fk("item_progress", "submitted_by", "person"),
        _fk("item_progress", "reviewed_by", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_item_progress"),
        sa.UniqueConstraint(
            "item_id", "organisation_id", name="uq_item_progress_item_id_organisation_id"
        ),
    )
    op.create_index("ix_item_progress_organisation_id", "item_progress", ["organisation_id"])
    op.create_index(
        "ix_item_progress_room_id_organisation_id", "item_progress", ["room_id", "organisation_id"]
    )


def downgrade() -> None:
    for table in (
        "item_progress",
        "participation",
        "room_item",
        "room_phase",
        "room",
        "template_item",
        "template_phase",
        "process_template",
    ):
        op.drop_table(table)
