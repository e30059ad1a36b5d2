"""Plans for tests, made through the services people use."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from partner_portal.plans import service
from partner_portal.plans.access import plan_for
from partner_portal.plans.service import CommentInput, SectionInput
from partner_portal.rooms.access import room_for
from tests.helpers import Persona, as_current


async def make_plan(
    db: AsyncSession,
    coordinator: Persona,
    room_id: int,
    sections: list[tuple[str, str]],
    *,
    title: str = "Nödvattenplan",
    publish: bool = True,
) -> tuple[int, list[int]]:
    """A plan with these (heading, Markdown) sections, published as version 1 by default."""
    actor = as_current(coordinator, coordinator=True)
    plan_id = await service.create_plan(
        db, actor=actor, access=await room_for(db, actor, room_id), title=title
    )
    section_ids = []
    for heading, body in sections:
        access = await plan_for(db, actor, room_id, plan_id)
        section_ids.append(
            await service.add_section(
                db, actor=actor, access=access, data=SectionInput(heading, body, None)
            )
        )
    if publish:
        await publish_draft(db, coordinator, room_id, plan_id)
    return plan_id, section_ids


async def publish_draft(
    db: AsyncSession, coordinator: Persona, room_id: int, plan_id: int, note: str = ""
) -> int:
    actor = as_current(coordinator, coordinator=True)
    access = await plan_for(db, actor, room_id, plan_id)
    return await service.publish(db, actor=actor, access=access, note=note)


async def edit_section(
    db: AsyncSession,
    coordinator: Persona,
    room_id: int,
    plan_id: int,
    section_id: int,
    heading: str,
    body: str,
) -> None:
    actor = as_current(coordinator, coordinator=True)
    access = await plan_for(db, actor, room_id, plan_id)
    await service.save_section(
        db,
        actor=actor,
        access=access,
        section_id=section_id,
        data=SectionInput(heading, body, None),
    )


async def comment(
    db: AsyncSession,
    app: Starlette,
    persona: Persona,
    room_id: int,
    plan_id: int,
    section_id: int,
    body: str,
    *,
    coordinator: bool = False,
    parent_id: int | None = None,
) -> int:
    actor = as_current(persona, coordinator=coordinator)
    access = await plan_for(db, actor, room_id, plan_id)
    return await service.add_comment(
        db,
        actor=actor,
        access=access,
        section_id=section_id,
        data=CommentInput(body, parent_id, None),
        live=app.state.live,
    )
