"""Process templates as data: the coordinator changes one as a draft (template_forms.py reads
it from the editor), the draft is checked, and a new version is saved."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.rooms import template_queries
from partner_portal.rooms.models import ItemKind, ProcessTemplate, TemplateItem, TemplatePhase


@dataclass
class ItemDraft:
    title: str = ""
    kind: str = ItemKind.CHECKLIST.value
    description: str = ""


@dataclass
class PhaseDraft:
    title: str = ""
    responsible: str = ""
    days: str = ""
    description: str = ""
    items: list[ItemDraft] = field(default_factory=list)


@dataclass
class TemplateDraft:
    name: str
    description: str
    phases: list[PhaseDraft]


_KINDS = {k.value for k in ItemKind}


def validate(draft: TemplateDraft) -> None:
    """Raise Invalid naming each field that cannot be saved."""
    errors: dict[str, str] = {}
    if not draft.name or len(draft.name) > 200:
        errors["name"] = _("Ange mallens namn (högst 200 tecken).")
    if not draft.phases:
        errors["phases"] = _("En mall behöver minst en fas.")
    for n, phase in enumerate(draft.phases):
        if not phase.title or len(phase.title) > 200:
            errors[f"p{n}-title"] = _("Ange fasens namn (högst 200 tecken).")
        if phase.days and not (phase.days.isdigit() and int(phase.days) <= 3650):
            errors[f"p{n}-days"] = _(
                "Ange antal dagar från start som ett heltal, eller lämna tomt."
            )
        for m, item in enumerate(phase.items):
            if not item.title or len(item.title) > 200:
                errors[f"p{n}-i{m}-title"] = _("Ange punktens namn (högst 200 tecken).")
            if item.kind not in _KINDS:
                errors[f"p{n}-i{m}-kind"] = _("Välj vad organisationerna lämnar.")
    if errors:
        raise Invalid(errors)


def _check_questionnaires(draft: TemplateDraft, questions: dict[str, list[Any]]) -> None:
    """A questionnaire keeps the questions its item had in the current version (found by the
    item's title); the editor cannot write questions, so a new or renamed one is refused."""
    errors: dict[str, str] = {}
    for n, phase in enumerate(draft.phases):
        for m, item in enumerate(phase.items):
            if item.kind == ItemKind.QUESTIONNAIRE.value and item.title not in questions:
                errors[f"p{n}-i{m}-kind"] = _(
                    "Ett frågeformulär behåller sina frågor bara under samma namn som i mallen."
                )
    if errors:
        raise Invalid(errors)


async def current_template(
    db: AsyncSession, actor: CurrentPerson, template_id: int
) -> ProcessTemplate:
    if not actor.is_coordinator:
        raise NotFound()
    template = await db.get(ProcessTemplate, template_id)
    if template is None or not template.is_current:
        raise NotFound()
    return template


async def draft_of(db: AsyncSession, template: ProcessTemplate) -> TemplateDraft:
    """The template as an editable draft."""
    assert template.id is not None
    return TemplateDraft(
        template.name,
        template.description,
        [
            PhaseDraft(
                phase.title,
                phase.responsible,
                "" if phase.deadline_days is None else str(phase.deadline_days),
                phase.description,
                [ItemDraft(i.title, i.kind.value, i.description) for i in items],
            )
            for phase, items in await template_queries.template_phases(db, template.id)
        ],
    )


async def save_new_version(
    db: AsyncSession, *, actor: CurrentPerson, template_id: int, draft: TemplateDraft
) -> int:
    """Save the draft as the next version of the template; the old version stays, no longer
    current, and rooms already opened keep their own copies. Side effects: template, phase and
    item rows; ``template_versioned`` audited. Commits. Returns the new version's id."""
    template = await current_template(db, actor, template_id)
    validate(draft)
    assert template.id is not None
    questions = await template_queries.questions_by_title(db, template.id)
    _check_questionnaires(draft, questions)
    latest = await db.scalar(
        sa.select(sa.func.max(col(ProcessTemplate.version))).where(
            col(ProcessTemplate.process) == template.process
        )
    )
    await db.execute(
        sa.update(ProcessTemplate)
        .where(col(ProcessTemplate.process) == template.process)
        .values(is_current=False)
    )
    new = ProcessTemplate(
        process=template.process,
        version=int(latest or 0) + 1,
        name=draft.name,
        description=draft.description,
        created_by=actor.id,
    )
    db.add(new)
    await db.flush()
    assert new.id is not None
    for position, phase in enumerate(draft.phases, start=1):
        row = TemplatePhase(
            template_id=new.id,
            position=position,
            title=phase.title,
            responsible=phase.responsible,
            description=phase.description,
            deadline_days=int(phase.days) if phase.days else None,
        )
        db.add(row)
        await db.flush()
        assert row.id is not None
        for item_position, item in enumerate(phase.items, start=1):
            db.add(
                TemplateItem(
                    phase_id=row.id,
                    position=item_position,
                    title=item.title,
                    kind=ItemKind(item.kind),
                    description=item.description,
                    questions=(
                        questions.get(item.title)
                        if item.kind == ItemKind.QUESTIONNAIRE.value
                        else None
                    ),
                )
            )
    record(
        db,
        AuditAction.TEMPLATE_VERSIONED,
        actor_id=actor.id,
        object_type="process_template",
        object_id=new.id,
        process=template.process.value,
        version=new.version,
    )
    await db.commit()
    return new.id
