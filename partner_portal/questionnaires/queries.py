"""Reads of questionnaires: the item's questions, the organisation's vital services, the
answer sets. Columns, not entities, in a constant number of statements per call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.organisations.models import Organisation
from partner_portal.questionnaires.models import QuestionnaireAnswers
from partner_portal.questionnaires.questions import Question, Service, asked, parse, shown
from partner_portal.rooms import deliverable_rows
from partner_portal.rooms.models import ItemKind, ItemProgress, ProgressStatus, RoomItem
from partner_portal.vital_services.models import VitalService

# What the coordinator's export shows: what organisations have handed in, nothing in draft.
_HANDED_IN = (ProgressStatus.SUBMITTED, ProgressStatus.APPROVED)


@dataclass(frozen=True, slots=True)
class Line:
    """One answered field, in words, for the item page."""

    label: str
    service: str
    answer: str


async def services(db: AsyncSession, organisation_id: int) -> list[Service]:
    """The organisation's register entries, by name: what a per-service question asks about.
    An entry labelled confidential keeps its name (metadata), so it is asked about too."""
    rows: Any = await db.execute(
        sa.select(col(VitalService.id), col(VitalService.name))
        .where(col(VitalService.organisation_id) == organisation_id)
        .order_by(col(VitalService.name), col(VitalService.id))
    )
    return [Service(r[0], r[1]) for r in rows]


async def answers_of(db: AsyncSession, progress_id: int) -> dict[str, Any] | None:
    return await db.scalar(
        sa.select(col(QuestionnaireAnswers.answers)).where(
            col(QuestionnaireAnswers.progress_id) == progress_id
        )
    )


async def lines(db: AsyncSession, progress_id: int) -> list[Line]:
    """The saved answers in words, in the questions' order; empty before any are saved. Two
    statements: the answers with the item's questions, and the organisation's services."""
    row = (
        await db.execute(
            sa.select(
                col(QuestionnaireAnswers.answers),
                col(RoomItem.questions),
                col(ItemProgress.organisation_id),
            )
            .join(ItemProgress, col(ItemProgress.id) == col(QuestionnaireAnswers.progress_id))
            .join(RoomItem, col(RoomItem.id) == col(ItemProgress.item_id))
            .where(col(QuestionnaireAnswers.progress_id) == progress_id)
        )
    ).first()
    if row is None:
        return []
    answers, raw, organisation_id = row
    fields = asked(parse(raw), await services(db, organisation_id))
    return [
        Line(f.question.label, f.service.name if f.service else "", shown(f.question, answer))
        for f in fields
        if (answer := answers.get(f.key)) not in (None, "", [])
    ]


@dataclass(frozen=True, slots=True)
class AnswerSet:
    organisation_id: int
    organisation_name: str
    status: ProgressStatus
    answers: dict[str, Any]
    services: list[Service]


async def answer_sets(
    db: AsyncSession, item_id: int, *, organisation_id: int | None
) -> tuple[tuple[Question, ...], list[AnswerSet]]:
    """The item's questions and its answer sets, by organisation: all the handed-in ones, or
    (``organisation_id``) that organisation's in any state. Three statements."""
    questions = parse(
        await db.scalar(sa.select(col(RoomItem.questions)).where(col(RoomItem.id) == item_id))
    )
    query = (
        sa.select(
            col(Organisation.id),
            col(Organisation.name),
            col(ItemProgress.status),
            col(QuestionnaireAnswers.answers),
        )
        .select_from(QuestionnaireAnswers)
        .join(ItemProgress, col(ItemProgress.id) == col(QuestionnaireAnswers.progress_id))
        .join(Organisation, col(Organisation.id) == col(ItemProgress.organisation_id))
        .where(col(ItemProgress.item_id) == item_id)
        .order_by(col(Organisation.sort_key), col(Organisation.id))
    )
    if organisation_id is None:
        query = query.where(col(ItemProgress.status).in_(_HANDED_IN))
    else:
        query = query.where(col(ItemProgress.organisation_id) == organisation_id)
    rows = list(await db.execute(query))
    named: dict[int, list[Service]] = {r[0]: [] for r in rows}
    if named and any(q.per_service for q in questions):
        entries: Any = await db.execute(
            sa.select(
                col(VitalService.id), col(VitalService.organisation_id), col(VitalService.name)
            )
            .where(col(VitalService.organisation_id).in_(list(named)))
            .order_by(col(VitalService.name), col(VitalService.id))
        )
        for sid, oid, name in entries:
            named[oid].append(Service(sid, name))
    return questions, [AnswerSet(r[0], r[1], r[2], dict(r[3] or {}), named[r[0]]) for r in rows]


# What rooms show on, and check before handing in, a questionnaire item (rooms never import
# this feature; see partner_portal.rooms.deliverable_rows).
deliverable_rows.register(ItemKind.QUESTIONNAIRE, lines)


async def organisation_name(db: AsyncSession, organisation_id: int) -> str:
    return (
        await db.scalar(
            sa.select(col(Organisation.name)).where(col(Organisation.id) == organisation_id)
        )
        or ""
    )
