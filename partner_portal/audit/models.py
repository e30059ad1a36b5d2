"""Audit events: appended, never updated or deleted (the database refuses both)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from partner_portal.platform import clock
from partner_portal.platform.db import UTCDateTime, enum_column_type


class AuditAction(enum.StrEnum):
    LOGIN = "login"
    LOGIN_REFUSED = "login_refused"
    LOGOUT = "logout"
    ROLE_GRANTED = "role_granted"
    ROLE_REVOKED = "role_revoked"
    ORGANISATION_CREATED = "organisation_created"
    ORGANISATION_UPDATED = "organisation_updated"
    ORGANISATION_DEACTIVATED = "organisation_deactivated"
    ORGANISATION_REACTIVATED = "organisation_reactivated"
    INVITATION_SENT = "invitation_sent"
    INVITATION_RESENT = "invitation_resent"
    INVITATION_ACCEPTED = "invitation_accepted"
    INVITATION_REVOKED = "invitation_revoked"
    INVITATION_REFUSED = "invitation_refused"  # someone else than the invited address tried
    MEMBERSHIP_ADDED = "membership_added"
    MEMBERSHIP_CHANGED = "membership_changed"
    MEMBERSHIP_ENDED = "membership_ended"
    ROOM_OPENED = "room_opened"
    ROOM_CLOSED = "room_closed"
    ROOM_PHASE_CHANGED = "room_phase_changed"
    ROOM_ORGANISATION_INVITED = "room_organisation_invited"
    ROOM_ANSWERED = "room_answered"
    ITEM_SUBMITTED = "item_submitted"
    ITEM_REVIEWED = "item_reviewed"
    TEMPLATE_VERSIONED = "template_versioned"
    EXPORT_DOWNLOADED = "export_downloaded"
    PROGRAMME_VERSIONED = "programme_versioned"  # a new version of the programme's questions
    PROGRAMME_CHANGED = "programme_changed"  # a version not yet in force, changed in place
    FOLLOWUP_ANSWER_WRITTEN = "followup_answer_written"  # a coordinator's answer, with its text
    API_TOKEN_ISSUED = "api_token_issued"  # noqa: S105 (an action, not a secret)
    API_TOKEN_REVOKED = "api_token_revoked"  # noqa: S105
    MEETING_CREATED = "meeting_created"
    MEETING_UPDATED = "meeting_updated"
    MEETING_CANCELLED = "meeting_cancelled"
    MEETING_ATTENDANCE_RECORDED = "meeting_attendance_recorded"
    MEETING_MINUTES_FILED = "meeting_minutes_filed"
    MEETING_SERIES_CREATED = "meeting_series_created"
    MEETING_OCCURRENCE_CHANGED = "meeting_occurrence_changed"
    MEETING_OCCURRENCE_CANCELLED = "meeting_occurrence_cancelled"
    DATE_POLL_CREATED = "date_poll_created"
    DATE_POLL_ANSWERED = "date_poll_answered"
    DATE_POLL_BOOKED = "date_poll_booked"
    ACTION_CREATED = "action_created"
    ACTION_STATUS_CHANGED = "action_status_changed"
    CALENDAR_FEED_CREATED = "calendar_feed_created"
    CALENDAR_FEED_REVOKED = "calendar_feed_revoked"
    FRG_VOLUNTEER_INVITED = "frg_volunteer_invited"
    FRG_VOLUNTEER_JOINED = "frg_volunteer_joined"
    FRG_VOLUNTEER_APPROVED = "frg_volunteer_approved"
    FRG_VOLUNTEER_DELETED = "frg_volunteer_deleted"
    FRG_SIGNUP_LINK_CREATED = "frg_signup_link_created"
    FRG_CALLOUT_SENT = "frg_callout_sent"
    FRG_CALLOUT_CLOSED = "frg_callout_closed"
    REMINDER_SENT = "reminder_sent"  # a coordinator's "Påminn" (partner_portal.followthrough)
    FRG_DATA_EXPORTED = "frg_data_exported"
    FILE_UPLOADED = "file_uploaded"
    FILE_DOWNLOADED = "file_downloaded"
    CONSULTATION_OPENED = "consultation_opened"
    STATEMENT_SUBMITTED = "statement_submitted"
    STATEMENT_ANSWERED = "statement_answered"
    PLAN_CREATED = "plan_created"
    PLAN_PUBLISHED = "plan_published"
    PLAN_COMMENT_EDITED = "plan_comment_edited"
    PERSONAL_DATA_EXPORTED = "personal_data_exported"
    REMOVAL_REQUESTED = "removal_requested"
    REMOVAL_WITHDRAWN = "removal_withdrawn"
    PERSON_REMOVED = "person_removed"
    MAIL_RETRIED = "mail_retried"
    MAIL_PREFERENCES_CHANGED = "mail_preferences_changed"
    MAIL_UNSUBSCRIBED = "mail_unsubscribed"  # one click on a mail's unsubscribe link
    CONTACTS_CHANGED = "contacts_changed"
    CONTACTS_CONFIRMED = "contacts_confirmed"  # details: via portal or link
    CRISIS_PACK_DOWNLOADED = "crisis_pack_downloaded"


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index("ix_audit_event_object", "object_type", "object_id"),
        sa.Index("ix_audit_event_organisation_id_occurred_at", "organisation_id", "occurred_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime, index=True)
    action: AuditAction = Field(sa_type=enum_column_type(AuditAction))
    actor_person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    object_type: str | None = Field(default=None, max_length=40)
    object_id: str | None = Field(default=None, max_length=64)
    # No foreign key: the log outlives what it mentions, and stays append-only.
    organisation_id: int | None = Field(default=None)
    ip_address: str | None = Field(default=None, max_length=45)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
