"""Plans: a draft in sections, published versions, and comments anchored to sections.

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("latest_version", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("draft_updated_at", _TS, nullable=False),
        _fk("plan", "room_id", "room"),
        _fk("plan", "created_by", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_plan"),
    )
    op.create_index("ix_plan_room_id", "plan", ["room_id"])
    op.create_table(
        "plan_section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("heading", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("in_draft", sa.Boolean(), nullable=False),
        sa.Column("changed_in_version", sa.Integer(), nullable=False),
        _fk("plan_section", "plan_id", "plan"),
        sa.PrimaryKeyConstraint("id", name="pk_plan_section"),
        sa.UniqueConstraint("plan_id", "key", name="uq_plan_section_plan_id_key"),
    )
    op.create_index("ix_plan_section_plan_id", "plan_section", ["plan_id"])
    op.create_table(
        "plan_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("note", sa.String(2000), nullable=False),
        sa.Column("published_at", _TS, nullable=False),
        sa.Column("published_by", sa.Integer(), nullable=True),
        _fk("plan_version", "plan_id", "plan"),
        _fk("plan_version", "published_by", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_plan_version"),
        sa.UniqueConstraint("plan_id", "number", name="uq_plan_version_plan_id_number"),
    )
    op.create_table(
        "plan_version_section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("heading", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("changed", sa.Boolean(), nullable=False),
        _fk("plan_version_section", "version_id", "plan_version"),
        _fk("plan_version_section", "section_id", "plan_section"),
        sa.PrimaryKeyConstraint("id", name="pk_plan_version_section"),
        sa.UniqueConstraint(
            "version_id", "section_id", name="uq_plan_version_section_version_id_section_id"
        ),
    )
    op.create_index("ix_plan_version_section_section_id", "plan_version_section", ["section_id"])
    op.create_table(
        "plan_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("edited_at", _TS, nullable=True),
        _fk("plan_comment", "plan_id", "plan"),
        _fk("plan_comment", "section_id", "plan_section"),
        _fk("plan_comment", "parent_id", "plan_comment"),
        _fk("plan_comment", "author_id", "person"),
        _fk("plan_comment", "organisation_id", "organisation"),
        sa.PrimaryKeyConstraint("id", name="pk_plan_comment"),
    )
    op.create_index("ix_plan_comment_parent_id", "plan_comment", ["parent_id"])
    op.create_index("ix_plan_comment_author_id", "plan_comment", ["author_id"])
    op.create_index("ix_plan_comment_organisation_id", "plan_comment", ["organisation_id"])
    op.create_index("ix_plan_comment_plan_id_created_at", "plan_comment", ["plan_id", "created_at"])
    op.create_index(
        "ix_plan_comment_section_id_created_at", "plan_comment", ["section_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_table("plan_comment")
    op.drop_table("plan_version_section")
    op.drop_table("plan_version")
    op.drop_table("plan_section")
    op.drop_table("plan")
