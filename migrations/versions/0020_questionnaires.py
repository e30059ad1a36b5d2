"""Questionnaires: the questions a template item and a room item carry as data, and each
organisation's answers (RSA's questionnaire the first). The RSA process itself is a new value
of the process column, stored as text: nothing to migrate for it.

Revision ID: 0020
Revises: 0017
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.add_column("template_item", sa.Column("questions", sa.JSON(), nullable=True))
    op.add_column("room_item", sa.Column("questions", sa.JSON(), nullable=True))
    op.create_table(
        "questionnaire_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("progress_id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        _fk("questionnaire_answers", "progress_id", "item_progress"),
        _fk("questionnaire_answers", "room_id", "room"),
        _fk("questionnaire_answers", "updated_by", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_questionnaire_answers"),
        sa.UniqueConstraint("progress_id", name="uq_questionnaire_answers_progress_id"),
    )
    op.create_index("ix_questionnaire_answers_room_id", "questionnaire_answers", ["room_id"])


def downgrade() -> None:
    op.drop_index("ix_questionnaire_answers_room_id", table_name="questionnaire_answers")
    op.drop_table("questionnaire_answers")
    with op.batch_alter_table("room_item") as batch:
        batch.drop_column("questions")
    with op.batch_alter_table("template_item") as batch:
        batch.drop_column("questions")
