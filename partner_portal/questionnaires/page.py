"""What the questionnaire page shows: the questions as fields (a per-service question once per
register entry), the saved answers, and whether the organisation may still change them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.questionnaires import queries
from partner_portal.questionnaires.access import QuestionnaireAccess
from partner_portal.questionnaires.questions import Asked, asked, parse, shown
from partner_portal.rooms.models import Classification, ProgressStatus
from partner_portal.rooms.progress import LOCKED, progress_for


@dataclass(frozen=True, slots=True)
class Page:
    organisation_name: str
    fields: list[Asked]
    has_per_service: bool
    no_services: bool
    status: ProgressStatus
    confidential: bool
    may_change: bool
    # Field name → its values, as the form shows them (saved answers, or what was posted).
    values: dict[str, list[str]]
    # Field name → the saved answer in words, for reading.
    shown: dict[str, str]


def values_of(fields: list[Asked], answers: dict[str, Any]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for f in fields:
        answer = answers.get(f.key)
        if answer is None:
            continue
        values[f.field] = [str(a) for a in answer] if isinstance(answer, list) else [str(answer)]
    return values


async def page(
    db: AsyncSession, q: QuestionnaireAccess, *, posted: dict[str, list[str]] | None = None
) -> Page:
    """Four statements: the progress, its answers, the services, the organisation's name."""
    progress = await progress_for(
        db,
        access=q.room,
        organisation_id=q.organisation_id,
        item_id=q.item.id,
        create=False,
    )
    questions = parse(q.item.questions)
    services = await queries.services(db, q.organisation_id)
    fields = asked(questions, services)
    answers = (
        await queries.answers_of(db, progress.id) if progress and progress.id else None
    ) or {}
    status = progress.status if progress else ProgressStatus.NOT_STARTED
    confidential = bool(
        progress and progress.classification is Classification.CONFIDENTIAL_METADATA_ONLY
    )
    has_per_service = any(question.per_service for question in questions)
    return Page(
        organisation_name=await queries.organisation_name(db, q.organisation_id),
        fields=fields,
        has_per_service=has_per_service,
        no_services=has_per_service and not services,
        status=status,
        confidential=confidential,
        may_change=q.room.may_work_for(q.organisation_id)
        and status not in LOCKED
        and not confidential,
        values=posted if posted is not None else values_of(fields, answers),
        shown={f.field: shown(f.question, answers.get(f.key)) for f in fields},
    )
