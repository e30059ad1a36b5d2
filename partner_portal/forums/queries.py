"""Reads about forums and their agreements: columns, not entities; a constant number of
queries per page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.attachments.models import Attachment
from partner_portal.auth.models import Person
from partner_portal.evidence.models import Process
from partner_portal.forums.models import Agreement, AgreementCommitment, AgreementVersion
from partner_portal.organisations.models import Organisation
from partner_portal.rooms.models import Participation, ParticipationStatus, Room
from partner_portal.rooms.visibility import my_room_ids


@dataclass(frozen=True, slots=True)
class ForumRow:
    id: int
    name: str
    personal_data_free: bool
    is_closed: bool
    parties: int  # organisations that accepted
    next_revision_on: date | None


async def forums_for(db: AsyncSession, person_id: int, *, everything: bool) -> list[ForumRow]:
    """The forums the person sees (all, for a coordinator), with their number of parties and
    next revision date. One query."""
    parties = (
        sa.select(sa.func.count())
        .where(
            col(Participation.room_id) == col(Room.id),
            col(Participation.status) == ParticipationStatus.ACCEPTED,
        )
        .correlate(Room)
        .scalar_subquery()
    )
    query = (
        sa.select(
            col(Room.id),
            col(Room.name),
            col(Room.personal_data_free),
            col(Room.is_closed),
            parties.label("parties"),
            col(Agreement.next_revision_on),
        )
        .outerjoin(Agreement, col(Agreement.room_id) == col(Room.id))
        .where(col(Room.process) == Process.SAMVERKAN)
        .order_by(col(Room.is_closed), col(Room.name), col(Room.id))
    )
    if not everything:
        query = query.where(col(Room.id).in_(my_room_ids(person_id)))
    return [ForumRow(**row._mapping) for row in await db.execute(query)]


@dataclass(frozen=True, slots=True)
class AgreementRow:
    id: int
    title: str
    signed_on: date | None
    valid_from: date | None
    valid_until: date | None
    next_revision_on: date | None
    document_id: int | None
    document_title: str | None
    version: int
    updated_at: datetime
    updated_by_name: str | None


@dataclass(frozen=True, slots=True)
class CommitmentRow:
    organisation_id: int
    organisation_name: str
    commitment: str


async def agreement_of(
    db: AsyncSession, room_id: int
) -> tuple[AgreementRow | None, list[CommitmentRow]]:
    """The forum's agreement and each party's commitment. Two queries."""
    row: Any = (
        await db.execute(
            sa.select(
                col(Agreement.id),
                col(Agreement.title),
                col(Agreement.signed_on),
                col(Agreement.valid_from),
                col(Agreement.valid_until),
                col(Agreement.next_revision_on),
                col(Agreement.document_id),
                col(Attachment.title).label("document_title"),
                col(Agreement.version),
                col(Agreement.updated_at),
                col(Person.name).label("updated_by_name"),
            )
            .outerjoin(Attachment, col(Attachment.id) == col(Agreement.document_id))
            .outerjoin(Person, col(Person.id) == col(Agreement.updated_by))
            .where(col(Agreement.room_id) == room_id)
        )
    ).one_or_none()
    if row is None:
        return None, []
    agreement = AgreementRow(**row._mapping)
    rows: Any = await db.execute(
        sa.select(
            col(AgreementCommitment.organisation_id),
            col(Organisation.name).label("organisation_name"),
            col(AgreementCommitment.commitment),
        )
        .join(Organisation, col(Organisation.id) == col(AgreementCommitment.organisation_id))
        .where(col(AgreementCommitment.agreement_id) == agreement.id)
        .order_by(col(Organisation.sort_key))
    )
    return agreement, [CommitmentRow(**c._mapping) for c in rows]


@dataclass(frozen=True, slots=True)
class VersionRow:
    version: int
    changed_at: datetime
    changed_by_name: str | None
    changed: list[str]
    snapshot: dict[str, Any]


async def versions(db: AsyncSession, room_id: int) -> list[VersionRow]:
    """Every saved version of the forum's agreement, newest first. One query."""
    rows = await db.execute(
        sa.select(
            col(AgreementVersion.version),
            col(AgreementVersion.changed_at),
            col(Person.name).label("changed_by_name"),
            col(AgreementVersion.changed),
            col(AgreementVersion.snapshot),
        )
        .join(Agreement, col(Agreement.id) == col(AgreementVersion.agreement_id))
        .outerjoin(Person, col(Person.id) == col(AgreementVersion.changed_by))
        .where(col(Agreement.room_id) == room_id)
        .order_by(col(AgreementVersion.version).desc())
    )
    return [VersionRow(**row._mapping) for row in rows]


async def party_ids(db: AsyncSession, room_id: int) -> list[int]:
    """The organisations that accepted the forum."""
    return list(
        await db.scalars(
            sa.select(col(Participation.organisation_id)).where(
                col(Participation.room_id) == room_id,
                col(Participation.status) == ParticipationStatus.ACCEPTED,
            )
        )
    )
