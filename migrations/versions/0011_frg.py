"""FRG volunteers: the register, skills, weekly availability, absences and call-outs.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*columns, name=f"pk_{table}")


def upgrade() -> None:
    op.create_table(
        "frg_group",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("signup_token_hash", sa.String(64), nullable=True),
        sa.Column("signup_created_at", _TS, nullable=True),
        _fk("frg_group", "organisation_id", "organisation"),
        _pk("frg_group", "organisation_id"),
        sa.UniqueConstraint("signup_token_hash", name="uq_frg_group_signup_token_hash"),
    )
    op.create_table(
        "frg_skill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_key", sa.String(100), nullable=False),
        sa.Column("sort_key", sa.String(300), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        _fk("frg_skill", "organisation_id", "organisation"),
        _pk("frg_skill", "id"),
        sa.UniqueConstraint(
            "organisation_id", "name_key", name="uq_frg_skill_organisation_id_name_key"
        ),
    )
    op.create_index("ix_frg_skill_organisation_id", "frg_skill", ["organisation_id"])
    op.create_table(
        "frg_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("invited_by", sa.Integer(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("accepted_by", sa.Integer(), nullable=True),
        sa.Column("accepted_at", _TS, nullable=True),
        _fk("frg_invitation", "organisation_id", "organisation"),
        _fk("frg_invitation", "invited_by", "person"),
        _fk("frg_invitation", "accepted_by", "person"),
        _pk("frg_invitation", "id"),
        sa.UniqueConstraint("token_hash", name="uq_frg_invitation_token_hash"),
    )
    op.create_index("ix_frg_invitation_organisation_id", "frg_invitation", ["organisation_id"])
    op.create_index("ix_frg_invitation_invited_by", "frg_invitation", ["invited_by"])
    op.create_index("ix_frg_invitation_accepted_by", "frg_invitation", ["accepted_by"])
    op.create_table(
        "frg_volunteer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("agreement_signed_on", sa.Date(), nullable=True),
        sa.Column("basic_course_on", sa.Date(), nullable=True),
        sa.Column("registered_at", _TS, nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("last_active_at", _TS, nullable=False),
        sa.Column("week_start", sa.Date(), nullable=True),
        sa.Column("week_available", sa.Boolean(), nullable=True),
        sa.Column("availability_asked_at", _TS, nullable=True),
        _fk("frg_volunteer", "organisation_id", "organisation"),
        _fk("frg_volunteer", "person_id", "person"),
        _pk("frg_volunteer", "id"),
        sa.UniqueConstraint(
            "organisation_id", "person_id", name="uq_frg_volunteer_organisation_id_person_id"
        ),
    )
    op.create_index("ix_frg_volunteer_person_id", "frg_volunteer", ["person_id"])
    op.create_index(
        "ix_frg_volunteer_organisation_id_status", "frg_volunteer", ["organisation_id", "status"]
    )
    op.create_table(
        "frg_volunteer_skill",
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        _fk("frg_volunteer_skill", "volunteer_id", "frg_volunteer"),
        _fk("frg_volunteer_skill", "skill_id", "frg_skill"),
        _pk("frg_volunteer_skill", "volunteer_id", "skill_id"),
    )
    op.create_index("ix_frg_volunteer_skill_skill_id", "frg_volunteer_skill", ["skill_id"])
    op.create_table(
        "frg_availability",
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        _fk("frg_availability", "volunteer_id", "frg_volunteer"),
        _pk("frg_availability", "volunteer_id", "slot"),
        sa.CheckConstraint("slot BETWEEN 0 AND 27", name=op.f("ck_frg_availability_slot_range")),
    )
    op.create_index("ix_frg_availability_slot", "frg_availability", ["slot"])
    op.create_table(
        "frg_absence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        _fk("frg_absence", "volunteer_id", "frg_volunteer"),
        _pk("frg_absence", "id"),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_frg_absence_dates_in_order")),
    )
    op.create_index("ix_frg_absence_volunteer_id", "frg_absence", ["volunteer_id"])
    op.create_table(
        "frg_callout",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("description", sa.String(2000), nullable=False),
        sa.Column("starts_at", _TS, nullable=False),
        sa.Column("ends_at", _TS, nullable=False),
        sa.Column("people_needed", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=True),
        sa.Column("is_exercise", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("closed_at", _TS, nullable=True),
        _fk("frg_callout", "organisation_id", "organisation"),
        _fk("frg_callout", "skill_id", "frg_skill"),
        _fk("frg_callout", "created_by", "person"),
        _pk("frg_callout", "id"),
    )
    op.create_index(
        "ix_frg_callout_organisation_id_created_at",
        "frg_callout",
        ["organisation_id", "created_at"],
    )
    op.create_index("ix_frg_callout_skill_id", "frg_callout", ["skill_id"])
    op.create_index("ix_frg_callout_created_by", "frg_callout", ["created_by"])
    op.create_table(
        "frg_recipient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("callout_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("answer", sa.String(32), nullable=False),
        sa.Column("answered_at", _TS, nullable=True),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("role", sa.String(100), nullable=False),
        sa.Column("checked_in_at", _TS, nullable=True),
        sa.Column("checked_out_at", _TS, nullable=True),
        _fk("frg_recipient", "callout_id", "frg_callout"),
        _fk("frg_recipient", "volunteer_id", "frg_volunteer"),
        _pk("frg_recipient", "id"),
        sa.UniqueConstraint("token_hash", name="uq_frg_recipient_token_hash"),
        sa.UniqueConstraint(
            "callout_id", "volunteer_id", name="uq_frg_recipient_callout_id_volunteer_id"
        ),
    )
    op.create_index("ix_frg_recipient_callout_id", "frg_recipient", ["callout_id"])
    op.create_index("ix_frg_recipient_volunteer_id", "frg_recipient", ["volunteer_id"])


def downgrade() -> None:
    for table in (
        "frg_recipient",
        "frg_callout",
        "frg_absence",
        "frg_availability",
        "frg_volunteer_skill",
        "frg_volunteer",
        "frg_invitation",
        "frg_skill",
        "frg_group",
    ):
        op.drop_table(table)
