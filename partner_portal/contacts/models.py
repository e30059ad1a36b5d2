"""An organisation's 24/7 path (one row per organisation) and its people in crisis roles.

The people are entered by the organisation itself and need not be portal users: a duty
officer's phone matters in an outage whether or not that person ever logs in.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from partner_portal.platform import clock
from partner_portal.platform.db import UTCDateTime


class OrganisationContact(SQLModel, table=True):
    """How to reach an organisation around the clock, and when it last said this is right.

    ``confirmed_at`` is set by saving and by confirming (in the portal or from the six-monthly
    mail's link); ``asked_at`` is when that mail went, so it goes once per confirmation. The
    link's token is stored hashed (partner_portal.platform.links)."""

    __tablename__ = "organisation_contact"

    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True)
    duty_phone: str = Field(default="", max_length=40)  # tjänsteman i beredskap, 24/7
    mailbox: str = Field(default="", max_length=320)  # a functional mailbox
    alternative: str = Field(default="", max_length=300)  # e.g. a RAKEL talk group, as text
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    updated_by: int | None = Field(default=None, foreign_key="person.id")
    confirmed_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    confirmed_by: int | None = Field(default=None, foreign_key="person.id")
    asked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    token_hash: str | None = Field(default=None, max_length=64, unique=True)
    token_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CrisisPerson(SQLModel, table=True):
    """Someone an organisation names for a crisis: their role there and a phone number."""

    __tablename__ = "crisis_person"
    __table_args__ = (
        sa.Index("ix_crisis_person_organisation_id_position", "organisation_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    position: int
    name: str = Field(max_length=200)
    crisis_role: str = Field(max_length=200)
    phone: str = Field(max_length=40)
    email: str = Field(default="", max_length=320)
