"""Plans for tests, made through the services people use."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from partner_portal.plans import service
from partner_portal.plans.access import plan_for, plan_section_for
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


async def remove_section(
    db: AsyncSession, coordinator: Persona, room_id: int, plan_id: int, section_id: int
) -> None:
    """The section out of the draft (published as such with the next version)."""
    actor = as_current(coordinator, coordinator=True)
    access = await plan_for(db, actor, room_id, plan_id)
    await service.remove_section(db, actor=actor, access=access, section_id=section_id)


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
    access, section = await plan_section_for(db, actor, room_id, plan_id, section_id)
    new = await service.add_comment(
        db,
        actor=actor,
        access=access,
        section_id=section_id,
        section=section,
        data=CommentInput(body, parent_id, None),
        live=app.state.live,
    )
    return new.id


@dataclass(frozen=True)
class RoomWithPlan:
    alice: Persona  # coordinator
    bob: Persona  # speaks for AB Botkyrkabyggen, which has accepted
    room_id: int
    plan_id: int
    section_id: int


async def room_with_a_plan(db: AsyncSession, app: Starlette) -> RoomWithPlan:
    """A guidelines room with a published one-section plan: Alice coordinates, Bob takes part
    for AB Botkyrkabyggen (for tests that build their world outside the usual fixtures)."""
    from partner_portal.auth.models import PortalRole
    from partner_portal.evidence.models import Process
    from partner_portal.organisations.models import MembershipRole
    from tests.helpers import make_person
    from tests.organisations.factories import add_member, make_organisation
    from tests.rooms.factories import accept, invite, open_room

    alice = await make_person(db, "Alice Andersson", roles=(PortalRole.COORDINATOR,))
    bob = await make_person(db, "Bob Bergström")
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    await add_member(db, bob, byggen, MembershipRole.ADMIN)
    room_id = await open_room(db, alice, Process.RIKTLINJER, name="Riktlinjer")
    await invite(db, app, alice, room_id, byggen)
    await accept(db, bob, room_id, byggen)
    plan_id, (section_id,) = await make_plan(db, alice, room_id, [("Mål", "Trygghet")])
    return RoomWithPlan(alice, bob, room_id, plan_id, section_id)
