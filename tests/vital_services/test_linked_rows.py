"""A site entered once in the register appears pre-filled as a STYREL row and as a water-need row
in two rooms, linked to the entry; changing the entry shows which rows now differ."""

from __future__ import annotations

import re

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.deliverables.models import ConnectionPoint, StyrelUser, WaterNeed
from partner_portal.organisations.models import MembershipRole
from partner_portal.rooms.models import ItemKind, Participation, ParticipationStatus
from tests.deliverables.factories import make_room
from tests.helpers import Persona, csrf_token, log_in
from tests.organisations.factories import add_member, make_organisation
from tests.vital_services.factories import GSRN_A, make_entry


async def post(
    client: httpx.AsyncClient, app: Starlette, path: str, data: dict[str, str]
) -> httpx.Response:
    return await client.post(path, data={**data, "csrf_token": await csrf_token(client, app)})


async def take_part(db: AsyncSession, room_id: int, organisation_id: int) -> None:
    db.add(
        Participation(
            room_id=room_id, organisation_id=organisation_id, status=ParticipationStatus.ACCEPTED
        )
    )
    await db.commit()


def field(html: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
    return found.group(1) if found else ""


@pytest.fixture
async def setting(db: AsyncSession, bob: Persona) -> dict[str, int]:
    home = await make_organisation(db, "Vård AB")
    await add_member(db, bob, home, MembershipRole.ADMIN)
    styrel_room, styrel_item = await make_room(db, "Styrel 2026", ItemKind.STYREL_USERS)
    water_room, water_item = await make_room(db, "Nödvatten 2026", ItemKind.WATER_NEEDS)
    for room_id in (styrel_room, water_room):
        await take_part(db, room_id, home)
    entry = await make_entry(
        db, home, "Solgården", persons=64, cannot_leave=58, reserve_hours=72, gsrns=(GSRN_A,)
    )
    return {
        "home": home,
        "entry": entry,
        "styrel_room": styrel_room,
        "styrel_item": styrel_item,
        "water_room": water_room,
        "water_item": water_item,
    }


async def test_a_site_entered_once_is_prefilled_and_linked_in_two_rooms(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    bob: Persona,
    setting: dict[str, int],
) -> None:
    s = setting
    await log_in(client, app, bob)
    page = (await client.get(f"/verksamheter/{s['entry']}")).text
    styrel_base = f"/rum/{s['styrel_room']}/organisationer/{s['home']}/punkter/{s['styrel_item']}"
    water_base = f"/rum/{s['water_room']}/organisationer/{s['home']}/punkter/{s['water_item']}"
    styrel_form = f"{styrel_base}/styrel/fran-verksamhet/{s['entry']}"
    water_form = f"{water_base}/vatten/fran-verksamhet/{s['entry']}"
    assert styrel_form in page
    assert water_form in page

    styrel = (await client.get(styrel_form)).text
    assert field(styrel, "name") == "Solgården"
    assert field(styrel, "address") == "Storgatan 1"
    assert field(styrel, "gsrn") == GSRN_A
    assert f'action="{styrel_form}"' in styrel
    water = (await client.get(water_form)).text
    assert (field(water, "site"), field(water, "persons"), field(water, "vulnerable")) == (
        "Solgården",
        "64",
        "58",
    )

    saved_styrel = await post(
        client,
        app,
        styrel_form,
        {
            "from_register": str(s["entry"]),
            "name": field(styrel, "name"),
            "activity": field(styrel, "activity"),
            "address": field(styrel, "address"),
            "priority_class": "1",
            "justification": "Liv och hälsa inom timmar.",
            "grid_company": "Ellevio",
            "gsrn": GSRN_A,
            "point_class": "1",
        },
    )
    saved_water = await post(
        client,
        app,
        water_form,
        {
            "from_register": str(s["entry"]),
            "site": "Solgården",
            "category": "care",
            "persons": "64",
            "litres_per_day": "640",
            "vulnerable": "58",
            "own_tank": "no",
        },
    )

    assert (saved_styrel.status_code, saved_water.status_code) == (303, 303)
    await db.rollback()
    [user] = list(await db.scalars(sa.select(StyrelUser)))
    [need] = list(await db.scalars(sa.select(WaterNeed)))
    assert (user.vital_service_id, user.room_id, user.name) == (
        s["entry"],
        s["styrel_room"],
        "Solgården",
    )
    assert list(await db.scalars(sa.select(col(ConnectionPoint.gsrn)))) == [GSRN_A]
    assert (need.vital_service_id, need.room_id, need.persons) == (s["entry"], s["water_room"], 64)
    page = (await client.get(f"/verksamheter/{s['entry']}")).text
    assert "Styrel 2026" in page
    assert "Nödvatten 2026" in page
    assert "Skiljer sig från registret" not in page


async def test_changing_the_entry_shows_the_rows_that_now_differ(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    bob: Persona,
    setting: dict[str, int],
) -> None:
    s = setting
    await log_in(client, app, bob)
    water_base = f"/rum/{s['water_room']}/organisationer/{s['home']}/punkter/{s['water_item']}"
    await post(
        client,
        app,
        f"{water_base}/vatten/fran-verksamhet/{s['entry']}",
        {
            "site": "Solgården",
            "category": "care",
            "persons": "64",
            "litres_per_day": "640",
            "vulnerable": "58",
            "own_tank": "no",
        },
    )
    edit = (await client.get(f"/verksamheter/{s['entry']}/redigera")).text
    values = {
        name: field(edit, name)
        for name in ("name", "address", "persons_served", "cannot_leave", "hours-electricity")
    }
    await post(
        client,
        app,
        f"/verksamheter/{s['entry']}/redigera",
        values
        | {
            "sector": "health_care",
            "classification": "internal",
            "dep-electricity": "1",
            "persons_served": "80",
        },
    )

    page = (await client.get(f"/verksamheter/{s['entry']}")).text
    assert "Skiljer sig från registret" in page
    assert "Ändrat i registret: Personer som verksamheten når" in page
    await db.rollback()
    [need] = list(await db.scalars(sa.select(WaterNeed)))
    assert need.persons == 64  # the submitted row is never changed behind the partner's back


async def test_an_entry_of_another_organisation_makes_no_row(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    bob: Persona,
    setting: dict[str, int],
) -> None:
    s = setting
    other = await make_organisation(db, "Annan AB")
    foreign = await make_entry(db, other, "Främmande plats")
    await log_in(client, app, bob)
    water_base = f"/rum/{s['water_room']}/organisationer/{s['home']}/punkter/{s['water_item']}"

    shown = await client.get(f"{water_base}/vatten/fran-verksamhet/{foreign}")
    posted = await post(
        client,
        app,
        f"{water_base}/vatten/fran-verksamhet/{foreign}",
        {"site": "X", "category": "care", "persons": "1", "litres_per_day": "3", "own_tank": "no"},
    )

    assert (shown.status_code, posted.status_code) == (404, 404)
    await db.rollback()
    assert list(await db.scalars(sa.select(WaterNeed))) == []
