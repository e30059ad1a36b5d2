"""Deliverables as structured data: STYREL electricity users and connection points, water needs,
höjd beredskap status.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def _class_check(table: str) -> sa.CheckConstraint:
    # op.f(): the name is final; the metadata's naming convention would prefix it a second time.
    return sa.CheckConstraint(
        "priority_class BETWEEN 1 AND 8", name=op.f(f"ck_{table}_priority_class")
    )


def upgrade() -> None:
    op.create_table(
        "styrel_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("progress_id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("activity", sa.String(300), nullable=False),
        sa.Column("priority_class", sa.Integer(), nullable=False),
        sa.Column("justification", sa.String(2000), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("grid_company", sa.String(200), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        _fk("styrel_user", "progress_id", "item_progress"),
        _fk("styrel_user", "room_id", "room"),
        _class_check("styrel_user"),
        sa.PrimaryKeyConstraint("id", name="pk_styrel_user"),
    )
    op.create_index("ix_styrel_user_progress_id", "styrel_user", ["progress_id"])
    op.create_index("ix_styrel_user_room_id", "styrel_user", ["room_id"])
    op.create_table(
        "connection_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("gsrn", sa.String(18), nullable=False),
        sa.Column("priority_class", sa.Integer(), nullable=False),
        _fk("connection_point", "user_id", "styrel_user"),
        _fk("connection_point", "room_id", "room"),
        _class_check("connection_point"),
        sa.PrimaryKeyConstraint("id", name="pk_connection_point"),
        # Also the index on room_id (its leading column).
        sa.UniqueConstraint("room_id", "gsrn", name="uq_connection_point_room_id_gsrn"),
    )
    op.create_index("ix_connection_point_user_id", "connection_point", ["user_id"])
    op.create_table(
        "water_need",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("progress_id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(200), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("litres_per_day", sa.Integer(), nullable=False),
        sa.Column("vulnerable", sa.Integer(), nullable=False),
        sa.Column("own_tank", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(1000), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        _fk("water_need", "progress_id", "item_progress"),
        _fk("water_need", "room_id", "room"),
        sa.PrimaryKeyConstraint("id", name="pk_water_need"),
    )
    op.create_index("ix_water_need_progress_id", "water_need", ["progress_id"])
    op.create_index("ix_water_need_room_id", "water_need", ["room_id"])
    op.create_table(
        "readiness_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("progress_id", sa.Integer(), nullable=False),
        sa.Column("war_organisation", sa.String(32), nullable=False),
        sa.Column("security_analysis_done", sa.Boolean(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        _fk("readiness_status", "progress_id", "item_progress"),
        sa.PrimaryKeyConstraint("id", name="pk_readiness_status"),
        # Also the index on progress_id.
        sa.UniqueConstraint("progress_id", name="uq_readiness_status_progress_id"),
    )


def downgrade() -> None:
    for table in ("readiness_status", "water_need", "connection_point", "styrel_user"):
        op.drop_table(table)
