"""Organisations, memberships and invitations."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from partner_portal.platform import clock
from partner_portal.platform.db import UTCDateTime, enum_column_type


class OrganisationKind(enum.StrEnum):
    KOMMUNALT_BOLAG = "kommunalt_bolag"
    STIFTELSE = "stiftelse"
    SAMVERKANSORGAN = "samverkansorgan"
    POLIS = "polis"
    RADDNINGSTJANST = "raddningstjanst"
    VPC = "vpc"
    FRG = "frg"
    FORVALTNING = "forvaltning"
    ELNATSFORETAG = "elnatsforetag"
    VA_HUVUDMAN = "va_huvudman"
    STATLIG_MYNDIGHET = "statlig_myndighet"
    OVRIG = "ovrig"


class MembershipRole(enum.StrEnum):
    ADMIN = "admin"  # organisationens huvudkontakt
    MEMBER = "member"  # representant


class InvitationStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    # Lower-cased name: two organisations may not share a name, whatever the case.
    name_key: str = Field(max_length=200, unique=True)
    # Digits only, in Swedish alphabetical order (partner_portal.platform.text.swedish_sort_key).
    sort_key: str = Field(max_length=600, index=True)
    kind: OrganisationKind = Field(sa_type=enum_column_type(OrganisationKind), index=True)
    org_number: str | None = Field(default=None, max_length=11, unique=True)
    parent_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    contact_email: str | None = Field(default=None, max_length=320)
    is_active: bool = True
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    deactivated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Membership(SQLModel, table=True):
    """A person acting for an organisation. Ended memberships are kept, with ``ended_at``."""

    __tablename__ = "membership"
    __table_args__ = (
        sa.Index("ix_membership_organisation_id_ended_at", "organisation_id", "ended_at"),
        sa.Index("ix_membership_person_id_ended_at", "person_id", "ended_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    organisation_id: int = Field(foreign_key="organisation.id")
    role: MembershipRole = Field(sa_type=enum_column_type(MembershipRole))
    # Ersättare: stands in for the organisation's main contact.
    is_deputy: bool = False
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Invitation(SQLModel, table=True):
    """An invitation by email to act for an organisation in a given role.

    The token in the link is random and only its hash is stored; it is single use and expires.
    Expired is derived (pending and past ``expires_at``), not stored.
    """

    __tablename__ = "invitation"
    __table_args__ = (sa.Index("ix_invitation_invited_by_created_at", "invited_by", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    email: str = Field(max_length=320)
    role: MembershipRole = Field(sa_type=enum_column_type(MembershipRole))
    token_hash: str = Field(max_length=64, unique=True)
    status: InvitationStatus = Field(sa_type=enum_column_type(InvitationStatus), index=True)
    invited_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    sent_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    accepted_by: int | None = Field(default=None, foreign_key="person.id")
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
