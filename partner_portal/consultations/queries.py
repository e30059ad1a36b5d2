"""Reads about consultations: columns into frozen rows, a constant number of queries per page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth.models import Person
from partner_portal.consultations.models import (
    Consultation,
    ConsultationRecipient,
    ConsultationResponse,
    Decision,
    Statement,
)
from partner_portal.organisations.models import Organisation
from partner_portal.plans.models import (
    Plan,
    PlanComment,
    PlanSection,
    PlanVersion,
    PlanVersionSection,
)


@dataclass(frozen=True, slots=True)
class ConsultationRow:
    id: int
    room_id: int
    plan_id: int
    version_id: int
    plan_title: str
    version_number: int
    version_title: str
    deadline: date
    instructions: str
    opened_at: datetime


@dataclass(frozen=True, slots=True)
class ConsultationListRow:
    id: int
    plan_title: str
    version_number: int
    deadline: date
    asked: int
    answered: int


@dataclass(frozen=True, slots=True)
class VersionChoice:
    id: int
    plan_title: str
    number: int


@dataclass(frozen=True, slots=True)
class RecipientRow:
    organisation_id: int
    name: str
    statement_id: int | None
    submitted_at: datetime | None
    late: bool | None
    no_objections: bool | None


@dataclass(frozen=True, slots=True)
class StatementRow:
    id: int
    organisation_id: int
    organisation_name: str
    signer_name: str
    submitted_at: datetime
    late: bool
    no_objections: bool
    body: str
    decision: Decision | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class CommentRow:
    id: int
    section_heading: str
    section_position: int
    # The version the comment was made on (the consultation's, or an earlier one).
    version_number: int
    # Whether the section is in the consultation's version (it may have been removed since).
    in_version: bool
    author_name: str
    organisation_name: str | None
    body: str
    created_at: datetime
    parent_id: int | None
    decision: Decision | None
    reason: str | None


def _consultation_select() -> Any:
    return (
        sa.select(
            col(Consultation.id),
            col(Consultation.room_id),
            col(Consultation.plan_id),
            col(Consultation.version_id),
            col(Plan.title).label("plan_title"),
            col(PlanVersion.number).label("version_number"),
            col(PlanVersion.title).label("version_title"),
            col(Consultation.deadline),
            col(Consultation.instructions),
            col(Consultation.opened_at),
        )
        .join(Plan, col(Plan.id) == col(Consultation.plan_id))
        .join(PlanVersion, col(PlanVersion.id) == col(Consultation.version_id))
    )


async def consultation_in_room(
    db: AsyncSession, room_id: int, consultation_id: int
) -> ConsultationRow | None:
    row = (
        await db.execute(
            _consultation_select().where(
                col(Consultation.id) == consultation_id, col(Consultation.room_id) == room_id
            )
        )
    ).first()
    return ConsultationRow(**row._mapping) if row else None


async def consultations_in_room(db: AsyncSession, room_id: int) -> list[ConsultationListRow]:
    """Every consultation in the room with how many were asked and answered. One query."""
    asked = (
        sa.select(sa.func.count())
        .where(col(ConsultationRecipient.consultation_id) == col(Consultation.id))
        .scalar_subquery()
    )
    answered = (
        sa.select(sa.func.count())
        .where(col(Statement.consultation_id) == col(Consultation.id))
        .scalar_subquery()
    )
    rows: Any = await db.execute(
        sa.select(
            col(Consultation.id),
            col(Plan.title).label("plan_title"),
            col(PlanVersion.number).label("version_number"),
            col(Consultation.deadline),
            asked.label("asked"),
            answered.label("answered"),
        )
        .join(Plan, col(Plan.id) == col(Consultation.plan_id))
        .join(PlanVersion, col(PlanVersion.id) == col(Consultation.version_id))
        .where(col(Consultation.room_id) == room_id)
        .order_by(col(Consultation.opened_at).desc(), col(Consultation.id).desc())
    )
    return [ConsultationListRow(**row._mapping) for row in rows]


async def published_versions(db: AsyncSession, room_id: int) -> list[VersionChoice]:
    """The room's published plan versions, newest first: what a consultation can be on."""
    rows: Any = await db.execute(
        sa.select(
            col(PlanVersion.id),
            col(Plan.title).label("plan_title"),
            col(PlanVersion.number),
        )
        .join(Plan, col(Plan.id) == col(PlanVersion.plan_id))
        .where(col(Plan.room_id) == room_id)
        .order_by(col(Plan.title), col(PlanVersion.number).desc())
    )
    return [VersionChoice(**row._mapping) for row in rows]


@dataclass(frozen=True, slots=True)
class VersionRow:
    plan_id: int
    id: int
    plan_title: str
    number: int


async def version_in_room(db: AsyncSession, room_id: int, version_id: int) -> VersionRow | None:
    """The version if it is of a plan in this room."""
    row: Any = (
        await db.execute(
            sa.select(
                col(PlanVersion.plan_id),
                col(PlanVersion.id),
                col(Plan.title).label("plan_title"),
                col(PlanVersion.number),
            )
            .join(Plan, col(Plan.id) == col(PlanVersion.plan_id))
            .where(col(PlanVersion.id) == version_id, col(Plan.room_id) == room_id)
        )
    ).first()
    return VersionRow(**row._mapping) if row else None


async def recipients(db: AsyncSession, consultation_id: int) -> list[RecipientRow]:
    """The organisations asked, in Swedish order, each with its statement if any. One query."""
    rows: Any = await db.execute(
        sa.select(
            col(Organisation.id).label("organisation_id"),
            col(Organisation.name),
            col(Statement.id).label("statement_id"),
            col(Statement.submitted_at),
            col(Statement.late),
            col(Statement.no_objections),
        )
        .select_from(ConsultationRecipient)
        .join(Organisation, col(Organisation.id) == col(ConsultationRecipient.organisation_id))
        .outerjoin(
            Statement,
            sa.and_(
                col(Statement.consultation_id) == col(ConsultationRecipient.consultation_id),
                col(Statement.organisation_id) == col(ConsultationRecipient.organisation_id),
            ),
        )
        .where(col(ConsultationRecipient.consultation_id) == consultation_id)
        .order_by(col(Organisation.sort_key))
    )
    return [RecipientRow(**row._mapping) for row in rows]


async def statements(
    db: AsyncSession, consultation_id: int, *, organisation_ids: list[int] | None = None
) -> list[StatementRow]:
    """Statements with the municipality's response, by organisation name. One query."""
    query = (
        sa.select(
            col(Statement.id),
            col(Statement.organisation_id),
            col(Statement.organisation_name),
            col(Statement.signer_name),
            col(Statement.submitted_at),
            col(Statement.late),
            col(Statement.no_objections),
            col(Statement.body),
            col(ConsultationResponse.decision),
            col(ConsultationResponse.reason),
        )
        .join(Organisation, col(Organisation.id) == col(Statement.organisation_id))
        .outerjoin(
            ConsultationResponse,
            col(ConsultationResponse.statement_id) == col(Statement.id),
        )
        .where(col(Statement.consultation_id) == consultation_id)
        .order_by(col(Organisation.sort_key))
    )
    if organisation_ids is not None:
        query = query.where(col(Statement.organisation_id).in_(organisation_ids))
    rows: Any = await db.execute(query)
    return [StatementRow(**row._mapping) for row in rows]


async def comments_for_consultation(
    db: AsyncSession, consultation_id: int, plan_id: int, version_id: int, version_number: int
) -> list[CommentRow]:
    """The partners' comments on the plan's sections up to the consultation's version: a
    comment belongs to its section, so one made on an earlier version is still the section's
    and is answered here too. Each with the version it was made on and this consultation's
    response, in the order of the sections in the consultation's version (sections no longer
    in it last). One query."""
    rows: Any = await db.execute(
        sa.select(
            col(PlanComment.id),
            sa.func.coalesce(col(PlanVersionSection.heading), col(PlanSection.heading)).label(
                "section_heading"
            ),
            sa.func.coalesce(col(PlanVersionSection.position), col(PlanSection.position)).label(
                "section_position"
            ),
            col(PlanComment.version_number),
            col(PlanVersionSection.id).is_not(None).label("in_version"),
            col(Person.name).label("author_name"),
            col(Organisation.name).label("organisation_name"),
            col(PlanComment.body),
            col(PlanComment.created_at),
            col(PlanComment.parent_id),
            col(ConsultationResponse.decision),
            col(ConsultationResponse.reason),
        )
        .join(PlanSection, col(PlanSection.id) == col(PlanComment.section_id))
        .outerjoin(
            PlanVersionSection,
            sa.and_(
                col(PlanVersionSection.section_id) == col(PlanComment.section_id),
                col(PlanVersionSection.version_id) == version_id,
            ),
        )
        .join(Person, col(Person.id) == col(PlanComment.author_id))
        .outerjoin(Organisation, col(Organisation.id) == col(PlanComment.organisation_id))
        .outerjoin(
            ConsultationResponse,
            sa.and_(
                col(ConsultationResponse.comment_id) == col(PlanComment.id),
                col(ConsultationResponse.consultation_id) == consultation_id,
            ),
        )
        .where(
            col(PlanComment.plan_id) == plan_id,
            col(PlanComment.version_number) <= version_number,
            # The municipality's own replies are not answered in its compilation.
            col(PlanComment.organisation_id).is_not(None),
        )
        .order_by(
            col(PlanVersionSection.id).is_(None),
            sa.func.coalesce(col(PlanVersionSection.position), col(PlanSection.position)),
            col(PlanComment.created_at),
            col(PlanComment.id),
        )
    )
    return [CommentRow(**row._mapping) for row in rows]


async def comment_up_to_version(
    db: AsyncSession, comment_id: int, plan_id: int, version_number: int
) -> bool:
    """The comment is on the plan, made on the consultation's version or an earlier one."""
    found = await db.scalar(
        sa.select(col(PlanComment.id)).where(
            col(PlanComment.id) == comment_id,
            col(PlanComment.plan_id) == plan_id,
            col(PlanComment.version_number) <= version_number,
        )
    )
    return found is not None


async def statement_in(db: AsyncSession, consultation_id: int, statement_id: int) -> bool:
    found = await db.scalar(
        sa.select(col(Statement.id)).where(
            col(Statement.id) == statement_id, col(Statement.consultation_id) == consultation_id
        )
    )
    return found is not None


async def asked_organisations(db: AsyncSession, consultation_id: int) -> set[int]:
    rows: Any = await db.execute(
        sa.select(col(ConsultationRecipient.organisation_id)).where(
            col(ConsultationRecipient.consultation_id) == consultation_id
        )
    )
    return {row.organisation_id for row in rows}
