"""Standing forums: a room may be marked free of personal data about individuals (VPC), and a
forum's agreement record, its parties' commitments and its saved versions.

Revision ID: 0018
Revises: 0014
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0016b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    # A constant default, so SQLite adds the column in place: an expression would make Alembic
    # rebuild the table, which the rows referring to rooms do not allow.
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("room") as batch:
        batch.add_column(
            sa.Column(
                "personal_data_free",
                sa.Boolean(),
                nullable=False,
                server_default="0" if sqlite else sa.false(),
            )
        )
    op.create_table(
        "agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("next_revision_on", sa.Date(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("reminder_sent_for", sa.Date(), nullable=True),
        _fk("agreement", "room_id", "room"),
        _fk("agreement", "document_id", "attachment"),
        _fk("agreement", "updated_by", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_agreement"),
        sa.UniqueConstraint("room_id", name="uq_agreement_room_id"),
    )
    op.create_table(
        "agreement_commitment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("commitment", sa.Text(), nullable=False),
        _fk("agreement_commitment", "agreement_id", "agreement"),
        _fk("agreement_commitment", "organisation_id", "organisation"),
        sa.PrimaryKeyConstraint("id", name="pk_agreement_commitment"),
        sa.UniqueConstraint(
            "agreement_id",
            "organisation_id",
            name="uq_agreement_commitment_agreement_id_organisation_id",
        ),
    )
    op.create_index(
        "ix_agreement_commitment_organisation_id", "agreement_commitment", ["organisation_id"]
    )
    op.create_table(
        "agreement_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", _TS, nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        _fk("agreement_version", "agreement_id", "agreement"),
        _fk("agreement_version", "changed_by", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_agreement_version"),
        sa.UniqueConstraint(
            "agreement_id", "version", name="uq_agreement_version_agreement_id_version"
        ),
    )


def downgrade() -> None:
    op.drop_table("agreement_version")
    op.drop_index("ix_agreement_commitment_organisation_id", table_name="agreement_commitment")
    op.drop_table("agreement_commitment")
    op.drop_table("agreement")
    with op.batch_alter_table("room") as batch:
        batch.drop_column("personal_data_free")
