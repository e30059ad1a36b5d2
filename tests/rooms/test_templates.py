"""The coordinator adjusts a process template without a code change: a new version."""

from __future__ import annotations

import re

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.evidence.models import Process
from partner_portal.rooms.catalogue import install_standard_templates
from partner_portal.rooms.models import ProcessTemplate, RoomPhase, TemplatePhase
from tests.helpers import Persona, csrf_token, log_in
from tests.rooms.factories import open_room


async def template_id(db: AsyncSession, process: Process = Process.NODVATTEN) -> int:
    await install_standard_templates(db)
    found = await db.scalar(
        sa.select(col(ProcessTemplate.id)).where(
            col(ProcessTemplate.process) == process, col(ProcessTemplate.is_current).is_(True)
        )
    )
    assert found is not None
    return found


def form_of(page: str) -> dict[str, str]:
    """The values the edit page filled in, as a browser would post them (no buttons)."""
    values: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and value and 'type="checkbox"' not in tag:
            values[name.group(1)] = value.group(1)
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', page):
        values[name] = text
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', options)
        if chosen:
            values[name] = chosen.group(1)
    return values


async def test_saving_a_template_makes_a_new_version_for_new_rooms_only(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    first = await template_id(db)
    running = await open_room(db, alice, Process.NODVATTEN, name="Nödvatten 2025")
    await log_in(client, app, alice)
    values = form_of((await client.get(f"/mallar/{first}")).text)
    values |= {"p0-title": "Uppdrag, ansvar och kontaktpersoner", "p0-days": "21"}

    response = await client.post(
        f"/mallar/{first}", data=values | {"csrf_token": await csrf_token(client, app)}
    )

    assert response.status_code == 303
    await db.rollback()
    versions = (
        await db.execute(
            sa.select(col(ProcessTemplate.version), col(ProcessTemplate.is_current))
            .where(col(ProcessTemplate.process) == Process.NODVATTEN)
            .order_by(col(ProcessTemplate.version))
        )
    ).all()
    assert [tuple(v) for v in versions] == [(1, False), (2, True)]
    newest = await template_id(db)
    titles = list(
        await db.scalars(
            sa.select(col(TemplatePhase.title))
            .where(col(TemplatePhase.template_id) == newest)
            .order_by(col(TemplatePhase.position))
        )
    )
    assert titles[0] == "Uppdrag, ansvar och kontaktpersoner"
    assert len(titles) == 8
    old_room = list(
        await db.scalars(sa.select(col(RoomPhase.title)).where(col(RoomPhase.room_id) == running))
    )
    assert "Uppdrag och ansvar" in old_room
    new_room = await open_room(db, alice, Process.NODVATTEN, name="Nödvatten 2026")
    assert "Uppdrag, ansvar och kontaktpersoner" in set(
        await db.scalars(sa.select(col(RoomPhase.title)).where(col(RoomPhase.room_id) == new_room))
    )


async def test_adding_a_phase_works_without_javascript_and_saves_nothing_yet(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    first = await template_id(db)
    await log_in(client, app, alice)
    values = form_of((await client.get(f"/mallar/{first}")).text)

    response = await client.post(
        f"/mallar/{first}",
        data=values | {"add": "phase", "csrf_token": await csrf_token(client, app)},
    )

    assert response.status_code == 200
    assert "Fas 9" in response.text
    assert await db.scalar(sa.select(sa.func.count()).select_from(ProcessTemplate)) == 5


async def test_a_template_with_errors_is_refused_and_nothing_is_saved(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    first = await template_id(db)
    await log_in(client, app, alice)
    values = form_of((await client.get(f"/mallar/{first}")).text)

    response = await client.post(
        f"/mallar/{first}",
        data=values
        | {"p1-title": "", "p2-days": "snart", "csrf_token": await csrf_token(client, app)},
    )

    assert response.status_code == 400
    assert "Ange fasens namn" in response.text
    assert "Ange antal dagar från start" in response.text
    await db.rollback()
    assert await db.scalar(sa.select(sa.func.count()).select_from(ProcessTemplate)) == 5


async def test_templates_are_the_coordinators(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, bob: Persona
) -> None:
    first = await template_id(db)
    await log_in(client, app, bob)

    assert (await client.get("/mallar")).status_code == 404
    assert (await client.get(f"/mallar/{first}")).status_code == 404
