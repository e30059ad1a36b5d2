"""Plans, versions and comments for consultation tests: plain rows (the plans' own services are
tested with the plans), and consultations made through the service people use. Deadlines are
counted from the day the test's clock started, never typed."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from partner_portal.consultations import service
from partner_portal.consultations.models import Consultation, ConsultationRecipient
from partner_portal.plans.models import (
    Plan,
    PlanComment,
    PlanSection,
    PlanVersion,
    PlanVersionSection,
)
from partner_portal.rooms.access import room_for
from tests.helpers import Persona, as_current
from tests.meetings.factories import days_ahead


def open_deadline() -> date:
    """The last day of the consultations :func:`open_consultation` opens: two months ahead."""
    return days_ahead(60)


async def published_plan(
    db: AsyncSession, room_id: int, *, title: str = "Riktlinjer 2026"
) -> tuple[int, int, list[int]]:
    """A plan with two sections and version 1 published: (plan id, version id, section ids)."""
    plan = Plan(room_id=room_id, title=title, latest_version=1)
    db.add(plan)
    await db.flush()
    assert plan.id is not None
    sections = [
        PlanSection(plan_id=plan.id, key=f"s{n}", position=n, heading=h, body="Text")
        for n, h in enumerate(["Syfte", "Ansvar"], start=1)
    ]
    db.add_all(sections)
    version = PlanVersion(plan_id=plan.id, number=1, title=title)
    db.add(version)
    await db.flush()
    assert version.id is not None
    db.add_all(
        PlanVersionSection(
            version_id=version.id,
            section_id=s.id,
            position=s.position,
            heading=s.heading,
            body=s.body,
        )
        for s in sections
        if s.id is not None
    )
    await db.commit()
    return plan.id, version.id, [s.id for s in sections if s.id is not None]


async def publish_next_version(
    db: AsyncSession, plan_id: int, section_ids: list[int], *, number: int = 2
) -> int:
    """Version ``number`` of the plan, holding only the sections ``section_ids`` (the others
    removed), their headings and text unchanged. Returns its id."""
    plan = await db.get(Plan, plan_id)
    assert plan is not None
    plan.latest_version = number
    version = PlanVersion(plan_id=plan_id, number=number, title=plan.title)
    db.add(version)
    await db.flush()
    assert version.id is not None
    for section_id in section_ids:
        section = await db.get(PlanSection, section_id)
        assert section is not None
        db.add(
            PlanVersionSection(
                version_id=version.id,
                section_id=section_id,
                position=section.position,
                heading=section.heading,
                body=section.body,
                changed=False,
            )
        )
    await db.commit()
    return version.id


async def comment(
    db: AsyncSession,
    plan_id: int,
    section_id: int,
    author: Persona,
    organisation_id: int | None,
    body: str,
    *,
    version_number: int = 1,
) -> int:
    row = PlanComment(
        plan_id=plan_id,
        section_id=section_id,
        version_number=version_number,
        author_id=author.id,
        organisation_id=organisation_id,
        body=body,
    )
    db.add(row)
    await db.commit()
    assert row.id is not None
    return row.id


async def open_consultation(
    db: AsyncSession,
    app: Starlette,
    coordinator: Persona,
    room_id: int,
    version_id: int,
    organisation_ids: list[int],
    *,
    deadline: date | None = None,
) -> int:
    actor = as_current(coordinator, coordinator=True)
    return await service.open_consultation(
        db,
        actor=actor,
        access=await room_for(db, actor, room_id),
        data=service.OpenInput(version_id, deadline or open_deadline(), organisation_ids, ""),
        settings=app.state.portal.settings,
        env=app.state.portal.templates.env,
    )


async def past_consultation(
    db: AsyncSession,
    coordinator: Persona,
    room_id: int,
    plan_id: int,
    version_id: int,
    organisation_ids: list[int],
) -> int:
    """A consultation whose last day has passed (opening one like that is refused, so the row
    is written directly, as if it had been opened long ago): a month before the test's day."""
    consultation = Consultation(
        room_id=room_id,
        plan_id=plan_id,
        version_id=version_id,
        deadline=days_ahead(-30),
        opened_by=coordinator.id,
    )
    db.add(consultation)
    await db.flush()
    assert consultation.id is not None
    db.add_all(
        ConsultationRecipient(consultation_id=consultation.id, organisation_id=o)
        for o in organisation_ids
    )
    await db.commit()
    return consultation.id
