"""Demo work under way for `partner-portal dev`: something on every page a demo person opens.

Rooms for the other planning processes with deliverables saved (RSA's questionnaire too), a
plan with two published versions and comments on it, a consultation with a statement and the
municipality's response, meetings before and after today (minutes, a decision and actions), a
follow-up API token, an FRG call-out, and crisis contacts. All of it is made through the
services people use, dated from the portal's clock, once (a run finds the guidelines room and
leaves everything as it is).

The drinking-water room stays as the foundation seed leaves it (AB Botkyrkabyggen has only said
yes there), so the follow-up shows every level from "not invited" to "contributed".
"""

from __future__ import annotations

import sqlalchemy as sa
from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.devtools.demo.actors import Demo, guidelines_room_name
from partner_portal.devtools.demo.contacts import crisis_contacts
from partner_portal.devtools.demo.deliverables import readiness, styrel, water_needs
from partner_portal.devtools.demo.forums import vpc_forum
from partner_portal.devtools.demo.frg import callout_and_invitation
from partner_portal.devtools.demo.guidelines import guidelines
from partner_portal.devtools.demo.meetings import meeting_ahead
from partner_portal.devtools.demo.register import vital_services
from partner_portal.devtools.demo.rsa import rsa
from partner_portal.followup import api_tokens
from partner_portal.platform.settings import Settings
from partner_portal.rooms.models import Room


async def seed_work(
    db: AsyncSession,
    *,
    people: dict[str, tuple[int, str]],
    organisations: dict[str, int],
    settings: Settings,
    env: Environment,
    drinking_water_room: int,
) -> None:
    """Side effects: the demo work described in the module's docstring, unless the guidelines
    room is already there. Commits (each service its own transaction)."""
    if await db.scalar(sa.select(col(Room.id)).where(col(Room.name) == guidelines_room_name())):
        return
    demo = Demo(db, people, organisations, settings, env)
    await water_needs(demo, drinking_water_room)
    await guidelines(demo)
    await styrel(demo)
    await readiness(demo)
    await meeting_ahead(demo)
    await api_tokens.issue(
        db,
        actor=demo.anna,
        person_id=people["maria.nilsson"][0],
        name="Power BI – kommunstyrelsens förvaltning",
    )
    await callout_and_invitation(demo)
    await vital_services(demo)
    await vpc_forum(demo)
    await crisis_contacts(demo)
    await rsa(demo)
