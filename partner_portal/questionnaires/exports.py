"""A questionnaire's answers as CSV or XLSX: one row per answer set (an organisation's answers),
one column per question. A per-service question's column holds each vital service's answer as
"service: answer", separated by semicolons. Swedish whatever the reader's language, like the
other exports (they may be archived as public records); the formats are platform.tables'."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.platform.tables import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    Cell,
    csv_bytes,
    xlsx_bytes,
)
from partner_portal.questionnaires import queries
from partner_portal.questionnaires.queries import AnswerSet
from partner_portal.questionnaires.questions import Question, shown
from partner_portal.rooms.models import ProgressStatus

__all__ = ["CSV_MEDIA_TYPE", "XLSX_MEDIA_TYPE"]

_YES_NO = ("Ja", "Nej")
STATUS = {
    ProgressStatus.NOT_STARTED: "Inte påbörjad",
    ProgressStatus.IN_PROGRESS: "Pågår",
    ProgressStatus.SUBMITTED: "Inlämnad",
    ProgressStatus.RETURNED: "Återskickad",
    ProgressStatus.APPROVED: "Godkänd",
    ProgressStatus.NOT_APPLICABLE: "Gäller inte",
}


def headers(questions: Sequence[Question]) -> list[str]:
    return ["Organisation", "Läge", *(q.label for q in questions)]


def cells(questions: Sequence[Question], answer_set: AnswerSet) -> list[Cell]:
    row: list[Cell] = [answer_set.organisation_name, STATUS[answer_set.status]]
    for question in questions:
        if not question.per_service:
            row.append(shown(question, answer_set.answers.get(question.key), yes_no=_YES_NO))
            continue
        parts = []
        for service in answer_set.services:
            answer = answer_set.answers.get(f"{question.key}@{service.id}")
            text = shown(question, answer, yes_no=_YES_NO)
            if text:
                parts.append(f"{service.name}: {text}")
        row.append("; ".join(parts))
    return row


async def answers(db: AsyncSession, item_id: int, organisation_id: int | None, fmt: str) -> bytes:
    """The file (``fmt`` is "csv" or "xlsx"); three statements."""
    questions, sets = await queries.answer_sets(db, item_id, organisation_id=organisation_id)
    rows = [cells(questions, s) for s in sets]
    if fmt == "csv":
        return csv_bytes(headers(questions), rows)
    widths = [32, 14, *(40 for _q in questions)]
    return xlsx_bytes("Formulär", headers(questions), widths, rows)
