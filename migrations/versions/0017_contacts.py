"""The crisis contact directory: each organisation's 24/7 path (with its six-monthly
confirmation and the confirmation link's hashed token) and its people in crisis roles.

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "organisation_contact",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("duty_phone", sa.String(40), nullable=False),
        sa.Column("mailbox", sa.String(320), nullable=False),
        sa.Column("alternative", sa.String(300), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", _TS, nullable=False),
        sa.Column("confirmed_by", sa.Integer(), nullable=True),
        sa.Column("asked_at", _TS, nullable=True),
        sa.Column("token_hash", sa.String(64), nullable=True),
        sa.Column("token_expires_at", _TS, nullable=True),
        _fk("organisation_contact", "organisation_id", "organisation"),
        _fk("organisation_contact", "updated_by", "person"),
        _fk("organisation_contact", "confirmed_by", "person"),
        sa.PrimaryKeyConstraint("organisation_id", name="pk_organisation_contact"),
        sa.UniqueConstraint("token_hash", name="uq_organisation_contact_token_hash"),
    )
    op.create_table(
        "crisis_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("crisis_role", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        _fk("crisis_person", "organisation_id", "organisation"),
        sa.PrimaryKeyConstraint("id", name="pk_crisis_person"),
    )
    op.create_index(
        "ix_crisis_person_organisation_id_position",
        "crisis_person",
        ["organisation_id", "position"],
    )


def downgrade() -> None:
    op.drop_index("ix_crisis_person_organisation_id_position", table_name="crisis_person")
    op.drop_table("crisis_person")
    op.drop_table("organisation_contact")
