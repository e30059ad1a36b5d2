"""The register of vital services: entries, their dependencies, connection points and versions,
and the link from STYREL and water-need rows to the entry they were made from.

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "vital_service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("sector", sa.String(32), nullable=False),
        sa.Column("persons_served", sa.Integer(), nullable=False),
        sa.Column("cannot_leave", sa.Integer(), nullable=False),
        sa.Column("stored_water_litres", sa.Integer(), nullable=True),
        sa.Column("contact", sa.String(300), nullable=False),
        sa.Column("classification", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", _TS, nullable=False),
        _fk("vital_service", "organisation_id", "organisation"),
        _fk("vital_service", "updated_by", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_vital_service"),
    )
    op.create_index("ix_vital_service_organisation_id", "vital_service", ["organisation_id"])
    op.create_index("ix_vital_service_reviewed_at", "vital_service", ["reviewed_at"])
    op.create_table(
        "vital_service_dependency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("backup", sa.String(300), nullable=False),
        sa.Column("lasts_hours", sa.Integer(), nullable=True),
        _fk("vital_service_dependency", "service_id", "vital_service"),
        sa.PrimaryKeyConstraint("id", name="pk_vital_service_dependency"),
        sa.UniqueConstraint(
            "service_id", "kind", name="uq_vital_service_dependency_service_id_kind"
        ),
    )
    op.create_table(
        "vital_service_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("gsrn", sa.String(18), nullable=False),
        _fk("vital_service_point", "service_id", "vital_service"),
        sa.PrimaryKeyConstraint("id", name="pk_vital_service_point"),
        sa.UniqueConstraint("service_id", "gsrn", name="uq_vital_service_point_service_id_gsrn"),
    )
    op.create_index("ix_vital_service_point_gsrn", "vital_service_point", ["gsrn"])
    op.create_table(
        "vital_service_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("changed_at", _TS, nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_fields", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        _fk("vital_service_version", "service_id", "vital_service"),
        _fk("vital_service_version", "changed_by", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_vital_service_version"),
        sa.UniqueConstraint(
            "service_id", "version", name="uq_vital_service_version_service_id_version"
        ),
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in ("styrel_user", "water_need"):
        if sqlite:
            # Not a batch: recreating the table would break the rows that refer to it
            # (connection_point). SQLite adds a nullable column with its reference in place.
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN vital_service_id INTEGER "
                f"CONSTRAINT fk_{table}_vital_service_id_vital_service "
                "REFERENCES vital_service (id)"
            )
        else:
            op.add_column(table, sa.Column("vital_service_id", sa.Integer(), nullable=True))
            op.create_foreign_key(
                f"fk_{table}_vital_service_id_vital_service",
                table,
                "vital_service",
                ["vital_service_id"],
                ["id"],
            )
        op.create_index(f"ix_{table}_vital_service_id", table, ["vital_service_id"])


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in ("water_need", "styrel_user"):
        op.drop_index(f"ix_{table}_vital_service_id", table_name=table)
        if sqlite:
            op.execute(f"ALTER TABLE {table} DROP COLUMN vital_service_id")
        else:
            op.drop_constraint(
                f"fk_{table}_vital_service_id_vital_service", table, type_="foreignkey"
            )
            op.drop_column(table, "vital_service_id")
    op.drop_table("vital_service_version")
    op.drop_index("ix_vital_service_point_gsrn", table_name="vital_service_point")
    op.drop_table("vital_service_point")
    op.drop_table("vital_service_dependency")
    op.drop_index("ix_vital_service_reviewed_at", table_name="vital_service")
    op.drop_index("ix_vital_service_organisation_id", table_name="vital_service")
    op.drop_table("vital_service")
