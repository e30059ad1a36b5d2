"""Rooms for tests, made through the services people use (no hand-built room rows)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.evidence.models import Process
from partner_portal.platform import clock
from partner_portal.rooms import lifecycle, participation
from partner_portal.rooms.access import room_for
from partner_portal.rooms.catalogue import install_standard_templates
from partner_portal.rooms.lifecycle import RoomInput
from partner_portal.rooms.models import ProcessTemplate, RoomItem
from tests.helpers import Persona, as_current


async def open_room(
    db: AsyncSession,
    coordinator: Persona,
    process: Process = Process.EL_STYREL,
    *,
    name: str = "Styrel 2026",
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> int:
    """A room opened from the process's current template; by default it starts today and runs
    for most of a year, so none of its phases' deadlines has passed yet."""
    starts_on = starts_on or clock.today()
    ends_on = ends_on or starts_on + timedelta(days=340)
    await install_standard_templates(db)
    template_id = await db.scalar(
        sa.select(col(ProcessTemplate.id)).where(
            col(ProcessTemplate.process) == process, col(ProcessTemplate.is_current).is_(True)
        )
    )
    assert template_id is not None
    return await lifecycle.open_room(
        db,
        actor=as_current(coordinator, coordinator=True),
        data=RoomInput(name, template_id, starts_on, ends_on),
    )


async def invite(
    db: AsyncSession, app: Starlette, coordinator: Persona, room_id: int, *organisation_ids: int
) -> None:
    actor = as_current(coordinator, coordinator=True)
    portal = app.state.portal
    await participation.invite_organisations(
        db,
        actor=actor,
        access=await room_for(db, actor, room_id),
        organisation_ids=list(organisation_ids),
        settings=portal.settings,
        env=portal.templates.env,
    )


async def accept(db: AsyncSession, admin: Persona, room_id: int, organisation_id: int) -> None:
    actor = as_current(admin)
    await participation.answer(
        db,
        actor=actor,
        access=await room_for(db, actor, room_id),
        organisation_id=organisation_id,
        accept=True,
        reason="",
    )


async def item_of_kind(db: AsyncSession, room_id: int, kind: str) -> int:
    item_id = await db.scalar(
        sa.select(col(RoomItem.id)).where(
            col(RoomItem.room_id) == room_id, col(RoomItem.kind) == kind
        )
    )
    assert item_id is not None
    return item_id
