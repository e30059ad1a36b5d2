"""A new version of the RSA template keeps its questionnaire's questions; a questionnaire the
editor cannot give questions to (renamed, or added) is refused beside its field."""

from __future__ import annotations

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.evidence.models import Process
from partner_portal.rooms.models import ItemKind, ProcessTemplate, TemplateItem, TemplatePhase
from partner_portal.rooms.rsa_questions import RSA
from tests.helpers import Persona, csrf_token, log_in
from tests.rooms.test_templates import form_of, template_id


def questionnaire_title(values: dict[str, str]) -> str:
    kind = next(k for k, v in values.items() if v == ItemKind.QUESTIONNAIRE.value)
    return kind.removesuffix("-kind") + "-title"


async def test_a_new_version_keeps_the_questions_and_a_renamed_questionnaire_is_refused(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    first = await template_id(db, Process.RSA)
    await log_in(client, app, alice)
    values = form_of((await client.get(f"/mallar/{first}")).text)
    title_field = questionnaire_title(values)

    renamed = await client.post(
        f"/mallar/{first}",
        data=values | {title_field: "Andra frågor", "csrf_token": await csrf_token(client, app)},
    )
    assert renamed.status_code == 400
    assert "behåller sina frågor bara under samma namn" in renamed.text

    kept = await client.post(
        f"/mallar/{first}",
        data=values | {"p0-days": "21", "csrf_token": await csrf_token(client, app)},
    )
    assert kept.status_code == 303
    await db.rollback()
    questions = await db.scalar(
        sa.select(col(TemplateItem.questions))
        .join(TemplatePhase, col(TemplatePhase.id) == col(TemplateItem.phase_id))
        .join(ProcessTemplate, col(ProcessTemplate.id) == col(TemplatePhase.template_id))
        .where(
            col(ProcessTemplate.process) == Process.RSA,
            col(ProcessTemplate.is_current).is_(True),
            col(TemplateItem.kind) == ItemKind.QUESTIONNAIRE,
        )
    )
    assert questions == [dict(q) for q in RSA]
