"""Meetings, their organisations, answers and attendance, decisions, actions, calendar feeds;
and the outbox learns to carry a meeting's iCalendar object.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(100), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("starts_at", _TS, nullable=False),
        sa.Column("ends_at", _TS, nullable=False),
        sa.Column("place", sa.String(300), nullable=False),
        sa.Column("video_url", sa.String(500), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("cancelled_at", _TS, nullable=True),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("minutes_filed_at", _TS, nullable=True),
        sa.Column("minutes_filed_by", sa.Integer(), nullable=True),
        sa.Column("reminder_sent_at", _TS, nullable=True),
        sa.Column("minutes_reminder_sent_at", _TS, nullable=True),
        _fk("meeting", "room_id", "room"),
        _fk("meeting", "organiser_id", "person"),
        _fk("meeting", "minutes_filed_by", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_meeting"),
        sa.UniqueConstraint("uid", name="uq_meeting_uid"),
    )
    op.create_index("ix_meeting_room_id", "meeting", ["room_id"])
    op.create_index("ix_meeting_starts_at", "meeting", ["starts_at"])
    op.create_index("ix_meeting_organiser_id", "meeting", ["organiser_id"])
    op.create_table(
        "meeting_organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("invited_at", _TS, nullable=False),
        _fk("meeting_organisation", "meeting_id", "meeting"),
        _fk("meeting_organisation", "organisation_id", "organisation"),
        sa.PrimaryKeyConstraint("id", name="pk_meeting_organisation"),
        sa.UniqueConstraint(
            "meeting_id",
            "organisation_id",
            name="uq_meeting_organisation_meeting_id_organisation_id",
        ),
    )
    op.create_index(
        "ix_meeting_organisation_organisation_id", "meeting_organisation", ["organisation_id"]
    )
    op.create_table(
        "meeting_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("rsvp", sa.String(32), nullable=True),
        sa.Column("rsvp_at", _TS, nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("attendance_recorded_at", _TS, nullable=True),
        sa.Column("attendance_recorded_by", sa.Integer(), nullable=True),
        _fk("meeting_person", "meeting_id", "meeting"),
        _fk("meeting_person", "person_id", "person"),
        _fk("meeting_person", "organisation_id", "organisation"),
        _fk("meeting_person", "attendance_recorded_by", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_meeting_person"),
        sa.UniqueConstraint(
            "meeting_id", "person_id", name="uq_meeting_person_meeting_id_person_id"
        ),
    )
    op.create_index("ix_meeting_person_person_id", "meeting_person", ["person_id"])
    op.create_index("ix_meeting_person_organisation_id", "meeting_person", ["organisation_id"])
    op.create_table(
        "meeting_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _fk("meeting_decision", "meeting_id", "meeting"),
        _fk("meeting_decision", "created_by", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_meeting_decision"),
    )
    op.create_index("ix_meeting_decision_meeting_id", "meeting_decision", ["meeting_id"])
    op.create_table(
        "action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("source_type", sa.String(32), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("source_link", sa.String(300), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("completed_at", _TS, nullable=True),
        sa.Column("completed_by", sa.Integer(), nullable=True),
        sa.Column("overdue_reminder_sent_at", _TS, nullable=True),
        _fk("action", "organisation_id", "organisation"),
        _fk("action", "person_id", "person"),
        _fk("action", "room_id", "room"),
        _fk("action", "meeting_id", "meeting"),
        _fk("action", "created_by", "person"),
        _fk("action", "completed_by", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_action"),
    )
    op.create_index("ix_action_organisation_id_status", "action", ["organisation_id", "status"])
    op.create_index("ix_action_status_due_on", "action", ["status", "due_on"])
    op.create_index("ix_action_source", "action", ["source_type", "source_id"])
    op.create_index("ix_action_person_id", "action", ["person_id"])
    op.create_index("ix_action_room_id", "action", ["room_id"])
    op.create_index("ix_action_meeting_id", "action", ["meeting_id"])
    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("revoked_at", _TS, nullable=True),
        _fk("calendar_feed", "person_id", "person"),
        sa.PrimaryKeyConstraint("id", name="pk_calendar_feed"),
        sa.UniqueConstraint("token_hash", name="uq_calendar_feed_token_hash"),
    )
    op.create_index("ix_calendar_feed_person_id", "calendar_feed", ["person_id"])
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("body_calendar", sa.Text(), nullable=True))
        batch.add_column(sa.Column("calendar_method", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("calendar_method")
        batch.drop_column("body_calendar")
    op.drop_table("calendar_feed")
    op.drop_table("action")
    op.drop_table("meeting_decision")
    op.drop_table("meeting_person")
    op.drop_table("meeting_organisation")
    op.drop_table("meeting")
