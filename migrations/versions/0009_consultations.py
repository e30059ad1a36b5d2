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

    op.create_table(
        "consultation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("instructions", sa.String(4000), nullable=False),
        sa.Column("opened_at", _TS, nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=False),
        _fk("consultation", "room_id", "room"),
        _fk("consultation", "plan_id", "plan"),
        _fk("consultation", "version_id", "plan_version"),
        _fk("consultation", "opened_by", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_consultation"),
    )
    for column in ("room_id", "plan_id", "version_id"):
        op.create_index(f"ix_consultation_{column}", "consultation", [column])

    op.create_table(
        "consultation_recipient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        _fk("consultation_recipient", "consultation_id", "consultation"),
        _fk("consultation_recipient", "organisation_id", "organisation"),
        sa.PrimaryKeyConstraint("id", name="pk_consultation_recipient"),
        sa.UniqueConstraint(
            "consultation_id",
            "organisation_id",
            name="uq_consultation_recipient_consultation_id_organisation_id",
        ),
    )
    op.create_index(
        "ix_consultation_recipient_organisation_id", "consultation_recipient", ["organisation_id"]
    )

    op.create_table(
        "statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("no_objections", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=False),
        sa.Column("signer_name", sa.String(200), nullable=False),
        sa.Column("organisation_name", sa.String(200), nullable=False),
        sa.Column("submitted_at", _TS, nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        _fk("statement", "consultation_id", "consultation"),
        _fk("statement", "organisation_id", "organisation"),
        _fk("statement", "submitted_by", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_statement"),
        sa.UniqueConstraint(
            "consultation_id",
            "organisation_id",
            name="uq_statement_consultation_id_organisation_id",
        ),
    )
    op.create_index("ix_statement_organisation_id", "statement", ["organisation_id"])
    op.create_index("ix_statement_submitted_by", "statement", ["submitted_by"])

    op.create_table(
        "consultation_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=True),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(4000), nullable=False),
        sa.Column("responded_at", _TS, nullable=False),
        sa.Column("responded_by", sa.Integer(), nullable=False),
        _fk("consultation_response", "consultation_id", "consultation"),
        _fk("consultation_response", "statement_id", "statement"),
        _fk("consultation_response", "comment_id", "plan_comment"),
        _fk("consultation_response", "responded_by", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_consultation_response"),
        sa.UniqueConstraint(
            "consultation_id",
            "statement_id",
            name="uq_consultation_response_consultation_id_statement_id",
        ),
        sa.UniqueConstraint(
            "consultation_id",
            "comment_id",
            name="uq_consultation_response_consultation_id_comment_id",
        ),
        sa.CheckConstraint(
            "(statement_id IS NULL) <> (comment_id IS NULL)",
            name="ck_consultation_response_one_subject",
        ),
    )
    op.create_index(
        "ix_consultation_response_statement_id", "consultation_response", ["statement_id"]
    )
    op.create_index("ix_consultation_response_comment_id", "consultation_response", ["comment_id"])


def downgrade() -> None:
    op.drop_table("consultation_response")
    op.drop_table("statement")
    op.drop_table("consultation_recipient")
    op.drop_table("consultation")
    op.drop_table("attachment")
