"""The register of vital services: one row per site or activity an organisation keeps, its
dependencies and connection points, and every version of it (who changed what, when).

An entry labelled "confidential – metadata only" keeps its name, sector and label, nothing
else: the content went to the municipality another way, as with deliverables.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from partner_portal.platform import clock
from partner_portal.platform.db import UTCDateTime, enum_column_type
from partner_portal.rooms.models import Classification


class Sector(enum.StrEnum):
    """MSB's sectors of vital services (samhällsviktig verksamhet)."""

    ENERGY = "energy"
    FINANCE = "finance"
    TRADE_INDUSTRY = "trade_industry"
    HEALTH_CARE = "health_care"
    INFORMATION = "information"
    MUNICIPAL_TECHNICAL = "municipal_technical"
    FOOD = "food"
    PUBLIC_ADMINISTRATION = "public_administration"
    PROTECTION_SAFETY = "protection_safety"
    SOCIAL_INSURANCE = "social_insurance"
    TRANSPORT = "transport"
    # Only for entries made from rows entered before the register existed (migration 0016b).
    NOT_GIVEN = "not_given"


class Dependency(enum.StrEnum):
    """What a site depends on; each with its own backup and how long that lasts."""

    ELECTRICITY = "electricity"
    WATER = "water"
    HEATING = "heating"
    IT_TELECOM = "it_telecom"
    FUEL = "fuel"
    FOOD = "food"
    STAFF = "staff"
    TRANSPORT = "transport"


class VersionAction(enum.StrEnum):
    CREATED = "created"
    CHANGED = "changed"
    REVIEWED = "reviewed"


class VitalService(SQLModel, table=True):
    __tablename__ = "vital_service"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=200)
    address: str = Field(default="", max_length=300)
    sector: Sector = Field(sa_type=enum_column_type(Sector))
    persons_served: int = 0
    # Of those served: how many cannot leave or need help to (care homes, hospitals, LSS).
    cannot_leave: int = 0
    stored_water_litres: int | None = None
    contact: str = Field(default="", max_length=300)
    classification: Classification = Field(sa_type=enum_column_type(Classification))
    version: int = 1
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    updated_by: int | None = Field(default=None, foreign_key="person.id")
    # Confirmed as still right ("stämmer fortfarande"), or last changed; a year later it is due.
    reviewed_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime, index=True)


class VitalServiceDependency(SQLModel, table=True):
    __tablename__ = "vital_service_dependency"
    # The unique constraint also serves as the index on service_id.
    __table_args__ = (sa.UniqueConstraint("service_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="vital_service.id")
    kind: Dependency = Field(sa_type=enum_column_type(Dependency))
    backup: str = Field(default="", max_length=300)
    # How long the site's own backup lasts (for electricity: reserve power hours); None: no backup.
    lasts_hours: int | None = None


class VitalServicePoint(SQLModel, table=True):
    """A connection point (GSRN) of the site's electricity supply."""

    __tablename__ = "vital_service_point"
    __table_args__ = (sa.UniqueConstraint("service_id", "gsrn"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="vital_service.id")
    gsrn: str = Field(min_length=18, max_length=18, index=True)


class VitalServiceVersion(SQLModel, table=True):
    """One version of an entry: the whole of it as saved, and which fields changed."""

    __tablename__ = "vital_service_version"
    __table_args__ = (sa.UniqueConstraint("service_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="vital_service.id")
    version: int
    action: VersionAction = Field(sa_type=enum_column_type(VersionAction))
    changed_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    changed_by: int | None = Field(default=None, foreign_key="person.id")
    changed_fields: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)


class EntryField(enum.StrEnum):
    """The parts of an entry a version names as changed (the keys of its snapshot)."""

    NAME = "name"
    ADDRESS = "address"
    SECTOR = "sector"
    PERSONS_SERVED = "persons_served"
    CANNOT_LEAVE = "cannot_leave"
    STORED_WATER_LITRES = "stored_water_litres"
    CONTACT = "contact"
    CLASSIFICATION = "classification"
    DEPENDENCIES = "dependencies"
    GSRNS = "gsrns"


class CheckKind(enum.StrEnum):
    """The coordinator's cross-checks between the register and the processes."""

    STYREL_WITHOUT_WATER = "styrel_without_water"
    WATER_WITHOUT_STYREL = "water_without_styrel"
    SHORT_RESERVE = "short_reserve"
    SHARED_GSRN = "shared_gsrn"
    NOT_REVIEWED = "not_reviewed"
