"""Attachments (files in rooms) and consultations (remisser) with their statements.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", _TS, nullable=False),
        sa.Column("classification", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("note", sa.String(2000), nullable=False),
        sa.Column("object_type", sa.String(40), nullable=True),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("original_name", sa.String(200), nullable=True),
        sa.Column("media_type", sa.String(100), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("storage_key", sa.String(64), nullable=True),
        _fk("attachment", "room_id", "room"),
        _fk("attachment", "organisation_id", "organisation"),
        _fk("attachment", "uploaded_by", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_attachment"),
        sa.UniqueConstraint("storage_key", name="uq_attachment_storage_key"),
    )
    op.create_index("ix_attachment_room_id", "attachment", ["room_id"])
    op.create_index("ix_attachment_organisation_id", "attachment", ["organisation_id"])
    op.create_index("ix_attachment_uploaded_by", "attachment", ["uploaded_by"])
    op.create_index("ix_attachment_object", "attachment", ["object_type", "object_id"])


def downgrade() -> None:
    op.drop_table("attachment")
