"""Organisations, memberships, invitations, participation evidence; audit by organisation.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("sort_key", sa.String(600), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("org_number", sa.String(11), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("contact_email", sa.String(320), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("deactivated_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["organisation.id"], name="fk_organisation_parent_id_organisation"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_organisation"),
        sa.UniqueConstraint("name_key", name="uq_organisation_name_key"),
        sa.UniqueConstraint("org_number", name="uq_organisation_org_number"),
    )
    op.create_index("ix_organisation_sort_key", "organisation", ["sort_key"])
    op.create_index("ix_organisation_kind", "organisation", ["kind"])
    op.create_index("ix_organisation_parent_id", "organisation", ["parent_id"])

    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("is_deputy", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("ended_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name="fk_membership_organisation_id_organisation",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name="fk_membership_person_id_person"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_membership"),
    )
    op.create_index(
        "ix_membership_organisation_id_ended_at", "membership", ["organisation_id", "ended_at"]
    )
    op.create_index("ix_membership_person_id_ended_at", "membership", ["person_id", "ended_at"])

    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("invited_by", sa.Integer(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("sent_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("accepted_by", sa.Integer(), nullable=True),
        sa.Column("accepted_at", _TS, nullable=True),
        sa.Column("revoked_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name="fk_invitation_organisation_id_organisation",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by"], ["person.id"], name="fk_invitation_invited_by_person"
        ),
        sa.ForeignKeyConstraint(
            ["accepted_by"], ["person.id"], name="fk_invitation_accepted_by_person"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_invitation"),
        sa.UniqueConstraint("token_hash", name="uq_invitation_token_hash"),
    )
    op.create_index("ix_invitation_organisation_id", "invitation", ["organisation_id"])
    op.create_index("ix_invitation_status", "invitation", ["status"])
    op.create_index(
        "ix_invitation_invited_by_created_at", "invitation", ["invited_by", "created_at"]
    )

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", _TS, nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("process", sa.String(32), nullable=True),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("phase_id", sa.Integer(), nullable=True),
        sa.Column("object_type", sa.String(40), nullable=True),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("link", sa.String(300), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name="fk_evidence_organisation_id_organisation",
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name="fk_evidence_person_id_person"),
        sa.PrimaryKeyConstraint("id", name="pk_evidence"),
    )
    op.create_index(
        "ix_evidence_process_organisation_id_kind_occurred_at",
        "evidence",
        ["process", "organisation_id", "kind", "occurred_at"],
    )
    op.create_index(
        "ix_evidence_organisation_id_occurred_at", "evidence", ["organisation_id", "occurred_at"]
    )
    op.create_index("ix_evidence_person_id", "evidence", ["person_id"])
    op.create_index("ix_evidence_room_id", "evidence", ["room_id"])

    # A plain column (no foreign key): the audit log outlives what it mentions. Adding a column
    # needs no table rebuild on SQLite, which would drop the append-only triggers.
    op.add_column("audit_event", sa.Column("organisation_id", sa.Integer(), nullable=True))
    op.create_index(
        "ix_audit_event_organisation_id_occurred_at",
        "audit_event",
        ["organisation_id", "occurred_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_audit_event_organisation_id_occurred_at", table_name="audit_event")
    op.drop_column("audit_event", "organisation_id")
    op.drop_table("evidence")
    op.drop_table("invitation")
    op.drop_table("membership")
    op.drop_table("organisation")
