""" "Väntar på svar": coordinators only, a row per thing owed, "Påminn" once a day per row
(audited, over real SMTP), the list as CSV and XLSX, in a constant number of statements, and
agreeing with the follow-up matrix."""

from __future__ import annotations

import io
from datetime import timedelta

import httpx
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.audit.models import AuditAction, AuditEvent
from partner_portal.evidence.models import Process
from partner_portal.followthrough import queries
from partner_portal.followup import service as followup
from partner_portal.followup.levels import Level
from partner_portal.mail import sender
from partner_portal.platform import clock
from partner_portal.platform.settings import Settings
from partner_portal.reminders.models import Owed, ReminderSent
from tests.followthrough.conftest import World, clear_outbox
from tests.helpers import Persona, csrf_token, log_in
from tests.organisations.factories import make_organisation
from tests.queries import QueryCounter
from tests.rooms.factories import accept, invite, open_room
from tests.smtp import SmtpServer

PAGE = "/vantar-pa-svar"


async def _rooms(db: AsyncSession, app: Starlette, alice: Persona, bob: Persona, w: World) -> int:
    """A Nödvatten room (its template's phase deadlines) that Byggen took part in and Upplev
    has not answered. Returns the room."""
    room_id = await open_room(db, alice, Process.NODVATTEN, name="Nödvattenplan")
    await invite(db, app, alice, room_id, w.byggen, w.upplev)
    await accept(db, bob, room_id, w.byggen)
    return room_id


async def _post(
    client: httpx.AsyncClient, app: Starlette, data: dict[str, str | list[str]]
) -> httpx.Response:
    return await client.post(
        f"{PAGE}/paminn", data={**data, "csrf_token": await csrf_token(client, app)}
    )


async def test_coordinators_see_who_has_not_answered_and_partners_do_not(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
) -> None:
    await _rooms(db, app, alice, bob, world)
    await log_in(client, app, alice)
    page = await client.get(PAGE)
    assert page.status_code == 200
    assert "Upplev Botkyrka AB" in page.text
    assert "Svar på inbjudan till rum" in page.text
    assert "AB Botkyrkabyggen" in page.text  # its open deliverables
    filtered = await client.get(PAGE, params={"process": "el_styrel"})
    assert "Upplev Botkyrka AB" not in filtered.text

    await log_in(client, app, bob)
    assert (await client.get(PAGE)).status_code == 404
    assert (await client.get(f"{PAGE}/export.csv")).status_code == 404
    refused = await _post(client, app, {"en": f"room_answer:1:{world.upplev}"})
    assert refused.status_code == 404


async def test_paminn_sends_one_mail_and_a_second_within_a_day_is_refused(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
) -> None:
    room_id = await _rooms(db, app, alice, bob, world)
    await clear_outbox(db)
    await log_in(client, app, alice)
    key = f"room_answer:{room_id}:{world.upplev}"

    sent = await _post(client, app, {"en": key})
    assert sent.status_code == 303
    assert "pamint=1" in sent.headers["location"]
    assert await sender.deliver_due(app.state.portal.sessions, mail_settings) == 1
    [mail] = await smtp.wait_for(1)
    assert mail.recipients == (world.frank.email,)
    assert mail.subject == "Påminnelse: inbjudan till Nödvattenplan"

    again = await _post(client, app, {"en": key})
    assert again.status_code == 429
    assert "mindre än ett dygn sedan" in again.text
    page = await client.get(PAGE)
    assert "Påmind senaste dygnet" in page.text
    room = await client.get(f"/rum/{room_id}")
    assert "påmind " in room.text

    await db.rollback()
    events = list(
        await db.scalars(
            sa.select(AuditEvent).where(col(AuditEvent.action) == AuditAction.REMINDER_SENT)
        )
    )
    assert [(e.actor_person_id, e.organisation_id) for e in events] == [(alice.id, world.upplev)]

    clock.advance(timedelta(hours=24))
    await log_in(client, app, alice)  # the login session has lapsed meanwhile
    assert (await _post(client, app, {"en": key})).status_code == 303
    assert await sender.deliver_due(app.state.portal.sessions, mail_settings) == 1


async def test_paminn_for_an_organisation_with_no_one_to_write_to_says_so_and_marks_nothing(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
) -> None:
    room_id = await _rooms(db, app, alice, bob, world)
    tumba = await make_organisation(db, "Tumba Bruk")
    await invite(db, app, alice, room_id, tumba)
    await clear_outbox(db)
    await log_in(client, app, alice)
    nobody = f"room_answer:{room_id}:{tumba}"
    upplev = f"room_answer:{room_id}:{world.upplev}"

    alone = await _post(client, app, {"en": nobody})
    both = await _post(client, app, {"rad": [nobody, upplev]})

    assert alone.status_code == 409
    assert "ingen som företräder organisationen har en e-postadress" in alone.text
    assert both.status_code == 303
    assert "pamint=1" in both.headers["location"]
    assert "utan_adress=1" in both.headers["location"]
    told = await client.get(both.headers["location"])
    assert "1 kunde inte skickas: ingen som företräder organisationen" in told.text
    assert await sender.deliver_due(app.state.portal.sessions, mail_settings) == 1
    await db.rollback()
    marked = await db.scalars(sa.select(col(ReminderSent.organisation_id)))
    assert list(marked) == [world.upplev]


async def test_paminn_for_a_selection_and_for_nothing(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
) -> None:
    room_id = await _rooms(db, app, alice, bob, world)
    await log_in(client, app, alice)
    rows = await queries.owed(db, now=clock.now())
    keys = [r.key for r in rows]
    assert f"room_answer:{room_id}:{world.upplev}" in keys
    assert any(r.owed is Owed.DELIVERABLES and r.organisation_id == world.byggen for r in rows)

    nothing = await _post(client, app, {})
    assert nothing.status_code == 400
    assert "Välj minst en rad" in nothing.text

    sent = await _post(client, app, {"rad": keys})
    assert sent.status_code == 303
    assert f"pamint={len(keys)}" in sent.headers["location"]


async def test_the_list_as_csv_and_xlsx(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
) -> None:
    await _rooms(db, app, alice, bob, world)
    await log_in(client, app, alice)
    csv = await client.get(f"{PAGE}/export.csv")
    assert csv.status_code == 200
    text = csv.content.decode("utf-8-sig")
    assert text.startswith("Organisation;Vad;Process;Rum;")
    assert "Upplev Botkyrka AB;Svar på inbjudan till rum;Nödvatten" in text
    xlsx = await client.get(f"{PAGE}/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {"AB Botkyrkabyggen", "Upplev Botkyrka AB"}
    assert (await client.get(f"{PAGE}/export.pdf")).status_code == 404


async def test_the_page_and_the_query_cost_the_same_for_2_and_20_organisations(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
    query_counter: QueryCounter,
) -> None:
    room_id = await _rooms(db, app, alice, bob, world)
    await log_in(client, app, alice)
    few = await query_counter.for_page(client, PAGE)
    with query_counter.counting(selects_only=True) as few_query:
        few_rows = await queries.owed(db, now=clock.now())

    more = [await make_organisation(db, f"Bolag {n} AB") for n in range(18)]
    await invite(db, app, alice, room_id, *more)
    other = await open_room(db, alice, Process.EL_STYREL, name="Styrel")
    await invite(db, app, alice, other, *more)
    await db.rollback()
    with query_counter.counting(selects_only=True) as many_query:
        many_rows = await queries.owed(db, now=clock.now())
    assert len(many_rows) == len(few_rows) + 36
    assert len(few_query) == len(many_query) == 1
    assert await query_counter.for_page(client, PAGE) == few


async def test_it_agrees_with_the_follow_up_matrix(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
) -> None:
    await _rooms(db, app, alice, bob, world)
    declined = await make_organisation(db, "Nej Tack AB")
    styrel = await open_room(db, alice, Process.EL_STYREL, name="Styrel")
    await invite(db, app, alice, styrel, world.upplev, declined)
    # Upplev has answered neither room; Byggen took part in one; Nej Tack AB is asked in one.
    rows = await queries.owed(db, now=clock.now())
    matrix = await followup.matrix(
        db, followup.choose(None, None, None, today=clock.today(), every_kind=True)
    )

    unanswered = {(r.organisation_id, r.process) for r in rows if r.owed is Owed.ROOM_ANSWER}
    invited = {
        (o.id, p)
        for o in matrix.organisations
        for p in matrix.processes
        if matrix.cell(o.id, p).level is Level.INVITED
    }
    assert unanswered == invited
    owing = {(r.organisation_id, r.process) for r in rows if r.owed is Owed.DELIVERABLES}
    assert owing == {(world.byggen, Process.NODVATTEN)}
    for organisation_id, process in owing:
        assert process is not None
        cell = matrix.cell(organisation_id, process)
        assert cell.level.took_part
        assert cell.level is not Level.COMPLETED
