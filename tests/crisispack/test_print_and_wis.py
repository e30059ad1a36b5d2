"""A plan version prints without menus, tools or comments (the print stylesheet), and the room
page points to MSB's WIS for information sharing during a crisis (a plain link: nothing is
fetched from MSB)."""

from __future__ import annotations

import re

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.plans.models import Plan
from partner_portal.platform.resources import resource_dir
from tests.crisispack.conftest import Room
from tests.helpers import Persona, log_in


def print_rules() -> str:
    css = (resource_dir("static") / "css" / "portal.css").read_text()
    return " ".join(re.findall(r"@media print \{(.*?)\n\}", css, re.S))


async def test_a_plan_version_prints_its_text_without_menus_tools_or_comments(
    app: Starlette, db: AsyncSession, client: httpx.AsyncClient, bob: Persona, room: Room
) -> None:
    plan_id = await db.scalar(sa.select(col(Plan.id)).where(col(Plan.room_id) == room.id))
    await log_in(client, app, bob)
    page = (await client.get(f"/rum/{room.id}/planer/{plan_id}")).text
    rules = print_rules()
    for hidden in (".portal-nav", ".portal-header", ".portal-footer", ".portal-noprint"):
        assert hidden in rules
    for hidden in (".portal-plan-tools", ".portal-section-comments"):
        assert hidden in rules
        assert f'class="{hidden[1:]}' in page
    assert '<p class="portal-noprint"><a href=' in page  # the way back to the list
    assert "Aktiveringsrutin" in page


async def test_the_room_page_points_to_wis_for_information_sharing_during_a_crisis(
    app: Starlette, client: httpx.AsyncClient, bob: Persona, room: Room
) -> None:
    await log_in(client, app, bob)
    page = (await client.get(f"/rum/{room.id}")).text
    assert '<a href="https://wis.msb.se/">WIS, MSB:s webbaserade informationssystem</a>' in page
    assert "Under en pågående kris delas lägesbilder och information i" in page
    assert f'href="/rum/{room.id}/beredskapspaket"' in page
    assert not re.search(r"<(script|img|link|iframe)[^>]+msb\.se", page)
