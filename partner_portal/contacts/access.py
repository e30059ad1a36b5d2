"""Who may see and keep which organisation's contacts, and the route table's loaders.

Seeing: :func:`partner_portal.contacts.queries.visible_organisation_ids` (coordinators; the
organisation's own people; organisations sharing a room with it). Keeping: the organisation's
main contact or deputy, and coordinators. Anyone else gets 404, so nothing shows that the
organisation exists.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import col

from partner_portal.auth.sessions import CurrentPerson
from partner_portal.contacts import queries
from partner_portal.contacts.queries import Entry
from partner_portal.organisations.models import Organisation
from partner_portal.platform.errors import NotFound
from partner_portal.web import Ctx


@dataclass(frozen=True, slots=True)
class Kept:
    """An organisation whose entry this person may change."""

    organisation_id: int
    name: str


def seen_by(person: CurrentPerson) -> sa.ColumnElement[bool]:
    return queries.visible_organisation_ids(person.id, coordinator=person.is_coordinator)


async def visible(ctx: Ctx) -> Entry:
    """Loader for ``{organisation_id}`` on reading routes: the entry, if this person sees it."""
    organisation_id = ctx.path_id("organisation_id")
    found = await queries.entries(
        ctx.db, sa.and_(col(Organisation.id) == organisation_id, seen_by(ctx.me))
    )
    if not found:
        raise NotFound()
    return found[0]


async def kept(ctx: Ctx) -> Kept:
    """Loader for ``{organisation_id}`` on changing routes: its main contact, deputy or a
    coordinator; 404 for anyone else."""
    organisation_id = ctx.path_id("organisation_id")
    name = await queries.organisation_name(ctx.db, organisation_id)
    if name is None:
        raise NotFound()
    if not ctx.me.is_coordinator and not await queries.speaks_for(
        ctx.db, ctx.me.id, organisation_id
    ):
        raise NotFound()
    return Kept(organisation_id, name)
