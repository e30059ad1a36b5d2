"""The deliverables' tables. Every row hangs off one organisation's ItemProgress in one room.

``room_id`` is stored beside ``progress_id`` (it is the progress row's room) so that the database
itself can keep a GSRN unique within a room, and exports for a room need no detour.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from partner_portal.platform import clock
from partner_portal.platform.db import UTCDateTime, enum_column_type


class WaterCategory(enum.StrEnum):
    """Livsmedelsverket's kinds of sites with special needs in a drinking-water outage."""

    CARE = "care"  # vård och omsorg
    SCHOOL = "school"  # förskola och skola
    FOOD = "food"  # livsmedel
    ANIMALS = "animals"  # djurhållning
    BUSINESS = "business"  # industri och näringsliv
    OTHER = "other"  # övrigt


class WarOrganisation(enum.StrEnum):
    """Whether the organisation has a war organisation: a status only, never lists of people."""

    YES = "yes"
    NO = "no"
    IN_PROGRESS = "in_progress"


class StyrelUser(SQLModel, table=True):
    """An electricity user (elanvändare) and its main priority class."""

    __tablename__ = "styrel_user"
    __table_args__ = (sa.CheckConstraint("priority_class BETWEEN 1 AND 8", name="priority_class"),)

    id: int | None = Field(default=None, primary_key=True)
    progress_id: int = Field(foreign_key="item_progress.id", index=True)
    room_id: int = Field(foreign_key="room.id", index=True)
    position: int
    name: str = Field(max_length=200)
    activity: str = Field(max_length=300)
    priority_class: int
    justification: str = Field(max_length=2000)
    address: str = Field(max_length=300)
    grid_company: str = Field(max_length=200)
    # The register entry (vital_services) the row was made from, if any.
    vital_service_id: int | None = Field(default=None, foreign_key="vital_service.id", index=True)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class ConnectionPoint(SQLModel, table=True):
    """A connection point (anslutningspunkt) of an electricity user, with its own class.

    A point can have only one class, so a GSRN occurs once per room: the unique constraint makes
    "two classes on one point" impossible even between organisations and concurrent saves. Its
    leading column also serves as the index on ``room_id``.
    """

    __tablename__ = "connection_point"
    __table_args__ = (
        sa.UniqueConstraint("room_id", "gsrn"),
        sa.CheckConstraint("priority_class BETWEEN 1 AND 8", name="priority_class"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="styrel_user.id", index=True)
    room_id: int = Field(foreign_key="room.id")
    position: int
    gsrn: str = Field(min_length=18, max_length=18)
    priority_class: int


class WaterNeed(SQLModel, table=True):
    """One site's need of drinking water when the mains fail."""

    __tablename__ = "water_need"

    id: int | None = Field(default=None, primary_key=True)
    progress_id: int = Field(foreign_key="item_progress.id", index=True)
    room_id: int = Field(foreign_key="room.id", index=True)
    position: int
    site: str = Field(max_length=200)
    category: WaterCategory = Field(sa_type=enum_column_type(WaterCategory))
    persons: int
    litres_per_day: int
    # People at the site who cannot fetch water themselves: water must be brought to them.
    vulnerable: int
    own_tank: bool
    note: str = Field(default="", max_length=1000)
    # The register entry (vital_services) the row was made from, if any.
    vital_service_id: int | None = Field(default=None, foreign_key="vital_service.id", index=True)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class ReadinessStatus(SQLModel, table=True):
    """The höjd beredskap status of one organisation's item: ticks, never content.

    The security-protection analysis itself is security-classified and must never be stored in
    the portal; only the fact that it is done is.
    """

    __tablename__ = "readiness_status"
    # One per progress row; the unique constraint also serves as the index on progress_id.
    __table_args__ = (sa.UniqueConstraint("progress_id"),)

    id: int | None = Field(default=None, primary_key=True)
    progress_id: int = Field(foreign_key="item_progress.id")
    war_organisation: WarOrganisation = Field(sa_type=enum_column_type(WarOrganisation))
    security_analysis_done: bool
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
