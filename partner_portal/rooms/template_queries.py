"""Reads of process templates: the current ones (to open a room from, or to adjust), and a
template's phases with their items."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.evidence.models import Process
from partner_portal.rooms.models import ItemKind, ProcessTemplate, TemplateItem, TemplatePhase


@dataclass(frozen=True, slots=True)
class TemplateRow:
    id: int
    process: Process
    version: int
    name: str
    description: str


async def current_templates(db: AsyncSession) -> list[TemplateRow]:
    rows = await db.execute(
        sa.select(
            col(ProcessTemplate.id),
            col(ProcessTemplate.process),
            col(ProcessTemplate.version),
            col(ProcessTemplate.name),
            col(ProcessTemplate.description),
        )
        .where(col(ProcessTemplate.is_current).is_(True))
        .order_by(col(ProcessTemplate.name))
    )
    return [TemplateRow(**row._mapping) for row in rows]


async def template_phases(
    db: AsyncSession, template_id: int
) -> list[tuple[TemplatePhase, list[TemplateItem]]]:
    phase_rows = list(
        await db.scalars(
            sa.select(TemplatePhase)
            .where(col(TemplatePhase.template_id) == template_id)
            .order_by(col(TemplatePhase.position))
        )
    )
    item_rows = list(
        await db.scalars(
            sa.select(TemplateItem)
            .where(col(TemplateItem.phase_id).in_([p.id for p in phase_rows]))
            .order_by(col(TemplateItem.position))
        )
    )
    return [(p, [i for i in item_rows if i.phase_id == p.id]) for p in phase_rows]


async def questions_by_title(db: AsyncSession, template_id: int) -> dict[str, list[Any]]:
    """The questionnaires' questions in a template version, by their item's title."""
    rows = await db.execute(
        sa.select(col(TemplateItem.title), col(TemplateItem.questions))
        .join(TemplatePhase, col(TemplatePhase.id) == col(TemplateItem.phase_id))
        .where(
            col(TemplatePhase.template_id) == template_id,
            col(TemplateItem.kind) == ItemKind.QUESTIONNAIRE,
        )
    )
    return {title: list(questions or ()) for title, questions in rows}
