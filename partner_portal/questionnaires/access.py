"""Who may see a questionnaire item, and the route table's loader for its pages.

The room decides (rooms.access): the organisation's own people and the coordinator see an
organisation's answers; anyone else, or an item that is not a questionnaire, is not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.platform.errors import NotFound
from partner_portal.rooms import access as room_access
from partner_portal.rooms.access import RoomAccess
from partner_portal.rooms.lifecycle import item_in_room
from partner_portal.rooms.models import ItemKind, RoomItem
from partner_portal.web import Ctx


@dataclass(frozen=True, slots=True)
class ItemView:
    """The item's columns, copied: the view may roll back, which expires every entity."""

    id: int
    title: str
    description: str
    questions: list[dict[str, Any]] | None


@dataclass(frozen=True, slots=True)
class QuestionnaireAccess:
    room: RoomAccess
    item: ItemView
    organisation_id: int


def _view(item: RoomItem) -> ItemView:
    if item.kind is not ItemKind.QUESTIONNAIRE:
        raise NotFound()
    assert item.id is not None
    return ItemView(item.id, item.title, item.description, item.questions)


async def questionnaire_for(
    db: AsyncSession, access: RoomAccess, organisation_id: int, item_id: int
) -> QuestionnaireAccess:
    if not access.may_see_organisation(organisation_id):
        raise NotFound()
    item = await item_in_room(db, access, item_id)
    return QuestionnaireAccess(access, _view(item), organisation_id)


async def questionnaire(ctx: Ctx) -> QuestionnaireAccess:
    """The loader for an organisation's questionnaire on an item: the room, then the item."""
    return await questionnaire_for(
        ctx.db,
        await room_access.room(ctx),
        ctx.path_id("organisation_id"),
        ctx.path_id("item_id"),
    )


async def room_item(ctx: Ctx) -> QuestionnaireAccess:
    """The loader for a questionnaire's export: the room and the item, for the coordinator or
    (``?organisation=``) for one organisation the person may see."""
    access = await room_access.room(ctx)
    raw = ctx.request.query_params.get("organisation", "")
    organisation_id = int(raw) if raw.isdigit() and len(raw) < 10 else 0
    if not organisation_id and not access.is_coordinator:
        raise NotFound()
    if organisation_id and not access.may_see_organisation(organisation_id):
        raise NotFound()
    item = await item_in_room(ctx.db, access, ctx.path_id("item_id"))
    return QuestionnaireAccess(access, _view(item), organisation_id)
