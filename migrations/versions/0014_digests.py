"""Digests and mail preferences: each person's choices, the unsubscribe links sent to them, a
marker per person and digest period, and extra headers (List-Unsubscribe) on outbox mail.

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "mail_preference",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("digest_frequency", sa.String(32), nullable=False),
        sa.Column("reminders", sa.Boolean(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        _fk("mail_preference", "person_id", "person"),
        sa.PrimaryKeyConstraint("person_id", name="pk_mail_preference"),
    )
    op.create_table(
        "unsubscribe_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        _fk("unsubscribe_link", "person_id", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_unsubscribe_link"),
        sa.UniqueConstraint("token_hash", name="uq_unsubscribe_link_token_hash"),
    )
    op.create_index(
        "ix_unsubscribe_link_person_id_category", "unsubscribe_link", ["person_id", "category"]
    )
    op.create_table(
        "digest_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("frequency", sa.String(32), nullable=False),
        sa.Column("covered_until", _TS, nullable=False),
        sa.Column("mailed", sa.Boolean(), nullable=False),
        _fk("digest_sent", "person_id", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_digest_sent"),
        sa.UniqueConstraint("person_id", "period", name="uq_digest_sent_person_id_period"),
    )
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("extra_headers", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("extra_headers")
    op.drop_table("digest_sent")
    op.drop_index("ix_unsubscribe_link_person_id_category", table_name="unsubscribe_link")
    op.drop_table("unsubscribe_link")
    op.drop_table("mail_preference")
