"""Recurring meetings (a series and its occurrences) and date polls (proposed times, the
organisations asked, answers and answer links).

Revision ID: 0019
Revises: 0014
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "meeting_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(100), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("starts_at", _TS, nullable=False),
        sa.Column("ends_at", _TS, nullable=False),
        sa.Column("interval_weeks", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(300), nullable=False),
        sa.Column("video_url", sa.String(500), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        _fk("meeting_series", "room_id", "room"),
        _fk("meeting_series", "organiser_id", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_meeting_series"),
        sa.UniqueConstraint("uid", name="uq_meeting_series_uid"),
    )
    op.create_index("ix_meeting_series_room_id", "meeting_series", ["room_id"])
    op.create_index("ix_meeting_series_organiser_id", "meeting_series", ["organiser_id"])
    op.create_table(
        "meeting_series_occurrence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("recurrence_at", _TS, nullable=False),
        sa.Column("changed", sa.Boolean(), nullable=False),
        _fk("meeting_series_occurrence", "series_id", "meeting_series"),
        _fk("meeting_series_occurrence", "meeting_id", "meeting"),
        sa.PrimaryKeyConstraint("id", name="pk_meeting_series_occurrence"),
        sa.UniqueConstraint("meeting_id", name="uq_meeting_series_occurrence_meeting_id"),
    )
    op.create_index(
        "ix_meeting_series_occurrence_series_id", "meeting_series_occurrence", ["series_id"]
    )
    op.create_table(
        "date_poll",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("place", sa.String(300), nullable=False),
        sa.Column("video_url", sa.String(500), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("closes_at", _TS, nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        _fk("date_poll", "room_id", "room"),
        _fk("date_poll", "created_by", "person"),
        _fk("date_poll", "meeting_id", "meeting"),
        sa.PrimaryKeyConstraint("id", name="pk_date_poll"),
    )
    op.create_index("ix_date_poll_room_id", "date_poll", ["room_id"])
    op.create_index("ix_date_poll_created_by", "date_poll", ["created_by"])
    op.create_table(
        "date_poll_organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        _fk("date_poll_organisation", "poll_id", "date_poll"),
        _fk("date_poll_organisation", "organisation_id", "organisation"),
        sa.PrimaryKeyConstraint("id", name="pk_date_poll_organisation"),
        sa.UniqueConstraint(
            "poll_id",
            "organisation_id",
            name="uq_date_poll_organisation_poll_id_organisation_id",
        ),
    )
    op.create_index(
        "ix_date_poll_organisation_organisation_id", "date_poll_organisation", ["organisation_id"]
    )
    op.create_table(
        "date_poll_option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", _TS, nullable=False),
        sa.Column("ends_at", _TS, nullable=False),
        _fk("date_poll_option", "poll_id", "date_poll"),
        sa.PrimaryKeyConstraint("id", name="pk_date_poll_option"),
    )
    op.create_index("ix_date_poll_option_poll_id", "date_poll_option", ["poll_id"])
    op.create_table(
        "date_poll_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(32), nullable=False),
        sa.Column("answered_at", _TS, nullable=False),
        _fk("date_poll_answer", "option_id", "date_poll_option"),
        _fk("date_poll_answer", "person_id", "person"),
        _fk("date_poll_answer", "organisation_id", "organisation"),
        sa.PrimaryKeyConstraint("id", name="pk_date_poll_answer"),
        sa.UniqueConstraint(
            "option_id", "person_id", name="uq_date_poll_answer_option_id_person_id"
        ),
    )
    op.create_index("ix_date_poll_answer_person_id", "date_poll_answer", ["person_id"])
    op.create_table(
        "date_poll_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        _fk("date_poll_link", "poll_id", "date_poll"),
        _fk("date_poll_link", "person_id", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_date_poll_link"),
        sa.UniqueConstraint("token_hash", name="uq_date_poll_link_token_hash"),
    )
    op.create_index("ix_date_poll_link_poll_id", "date_poll_link", ["poll_id"])
    op.create_index("ix_date_poll_link_person_id", "date_poll_link", ["person_id"])


def downgrade() -> None:
    for table in (
        "date_poll_link",
        "date_poll_answer",
        "date_poll_option",
        "date_poll_organisation",
        "date_poll",
        "meeting_series_occurrence",
        "meeting_series",
    ):
        op.drop_table(table)
