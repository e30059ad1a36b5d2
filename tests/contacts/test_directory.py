"""The directory: who sees whose contacts (404 outside), entering them (bad input refused with
nothing written), search, exports (CSV with BOM and semicolons, XLSX, vCard; each audited), and
a list page read in a constant number of statements."""

from __future__ import annotations

import io

import httpx
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.audit.models import AuditAction, AuditEvent
from partner_portal.contacts.models import CrisisPerson, OrganisationContact
from partner_portal.contacts.service import PersonInput
from partner_portal.organisations.models import MembershipRole
from tests.contacts.conftest import World, enter
from tests.helpers import Persona, assert_error_links_resolve, csrf_token, log_in, make_person
from tests.organisations.factories import add_member, make_organisation
from tests.queries import QueryCounter

LUKASZ = PersonInput("Łukasz Ødegård", "Krisledare", "070-123 45 67", "lukasz@example.se")


async def test_partners_see_their_own_and_their_room_neighbours_only(
    app: Starlette,
    db: AsyncSession,
    client: httpx.AsyncClient,
    alice: Persona,
    bob: Persona,
    charlie: Persona,
    world: World,
) -> None:
    await enter(db, world.byggen, bob, "08-530 610 00", LUKASZ)
    await enter(db, world.upplev, world.dave, "08-530 620 00")
    await enter(db, world.outside, charlie, "08-530 630 00")

    await log_in(client, app, bob)
    page = (await client.get("/kontakter")).text
    assert "Łukasz Ødegård" in page
    assert "08-530 620 00" in page  # Upplev shares the room
    assert "Utanför AB" not in page
    assert "08-530 630 00" not in page

    await log_in(client, app, charlie)
    page = (await client.get("/kontakter")).text
    assert "Utanför AB" in page
    assert "Botkyrkabyggen" not in page
    assert (await client.get(f"/kontakter/{world.byggen}.vcf")).status_code == 404
    assert (await client.get(f"/kontakter/{world.byggen}")).status_code == 404

    await log_in(client, app, alice)
    page = (await client.get("/kontakter")).text
    assert all(name in page for name in ("Botkyrkabyggen", "Upplev Botkyrka", "Utanför AB"))


async def test_only_the_main_contact_deputy_or_a_coordinator_changes_an_entry(
    app: Starlette, db: AsyncSession, client: httpx.AsyncClient, alice: Persona, world: World
) -> None:
    member = await make_person(db, "Mona Medlem")
    deputy = await make_person(db, "Erik Ersättare")
    await add_member(db, member, world.byggen)
    await add_member(db, deputy, world.byggen, MembershipRole.MEMBER, deputy=True)
    await log_in(client, app, member)
    assert (await client.get(f"/kontakter/{world.byggen}")).status_code == 404
    await log_in(client, app, deputy)
    assert (await client.get(f"/kontakter/{world.byggen}")).status_code == 200
    await log_in(client, app, alice)
    assert (await client.get(f"/kontakter/{world.byggen}")).status_code == 200
    await log_in(client, app, world.dave)  # shares the room, but does not speak for Byggen
    assert (await client.get(f"/kontakter/{world.byggen}")).status_code == 404


async def test_entering_contacts_and_refusing_bad_input_with_nothing_written(
    app: Starlette, db: AsyncSession, client: httpx.AsyncClient, bob: Persona, world: World
) -> None:
    await log_in(client, app, bob)
    token = await csrf_token(client, app)
    bad = await client.post(
        f"/kontakter/{world.byggen}",
        data={
            "csrf_token": token,
            "telefon": "ring mig",
            "brevlada": "inte en adress",
            "person-1-namn": "Łukasz Ødegård",
            "person-1-roll": "",
            "person-1-telefon": "070-123 45 67",
        },
    )
    assert bad.status_code == 400
    assert "Ange telefonnumret med siffror" in bad.text
    assert "Ange personens roll vid en kris" in bad.text
    assert "Łukasz Ødegård" in bad.text  # what was typed comes back
    assert_error_links_resolve(bad.text)
    assert await db.get(OrganisationContact, world.byggen) is None

    good = await client.post(
        f"/kontakter/{world.byggen}",
        data={
            "csrf_token": token,
            "telefon": "08-530 610 00",
            "brevlada": "beredskap@byggen.se",
            "alternativ": "Rakel: BOT-KRIS-1",
            "person-1-namn": "Łukasz Ødegård",
            "person-1-roll": "Krisledare",
            "person-1-telefon": "070-123 45 67",
            "person-2-namn": "",
            "person-2-roll": "",
            "person-2-telefon": "",
        },
    )
    assert good.status_code == 303
    await db.rollback()
    row = await db.get(OrganisationContact, world.byggen)
    assert row is not None
    assert row.duty_phone == "08-530 610 00"
    people = list(await db.scalars(sa.select(CrisisPerson)))
    assert [(p.name, p.crisis_role) for p in people] == [("Łukasz Ødegård", "Krisledare")]
    changed = await db.scalars(
        sa.select(AuditEvent).where(col(AuditEvent.action) == AuditAction.CONTACTS_CHANGED)
    )
    assert [e.organisation_id for e in changed] == [world.byggen]
    page = (await client.get(f"/kontakter/{world.byggen}?sparat=1")).text
    assert "Senast bekräftad" in page


async def test_search_by_name_role_and_kind(
    app: Starlette,
    db: AsyncSession,
    client: httpx.AsyncClient,
    alice: Persona,
    bob: Persona,
    world: World,
) -> None:
    await enter(db, world.byggen, bob, "08-530 610 00", LUKASZ)
    await enter(
        db,
        world.upplev,
        world.dave,
        "08-530 620 00",
        PersonInput("Sara Ek", "Kommunikatör", "07012"),
    )
    await log_in(client, app, alice)
    by_role = (await client.get("/kontakter", params={"q": "krisledare"})).text
    assert "Łukasz Ødegård" in by_role
    assert "Sara Ek" not in by_role
    by_name = (await client.get("/kontakter", params={"q": "upplev"})).text
    assert "Upplev Botkyrka AB" in by_name
    assert "Botkyrkabyggen" not in by_name
    by_kind = (await client.get("/kontakter", params={"typ": "stiftelse"})).text
    assert "Upplev Botkyrka AB" in by_kind
    assert "Botkyrkabyggen" not in by_kind


async def test_exports_open_in_a_spreadsheet_and_a_phone_and_are_audited(
    app: Starlette, db: AsyncSession, client: httpx.AsyncClient, bob: Persona, world: World
) -> None:
    await enter(db, world.byggen, bob, "08-530 610 00", LUKASZ)
    await log_in(client, app, bob)

    csv = await client.get("/kontakter.csv")
    assert csv.status_code == 200
    assert csv.content.startswith(b"\xef\xbb\xbf")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:4] == ["Organisation", "Typ", "Namn", "Roll vid kris"]
    assert any("Łukasz Ødegård;Krisledare;070-123 45 67" in line for line in lines)

    xlsx = await client.get("/kontakter.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert "Łukasz Ødegård" in [cell.value for cell in sheet["C"]]

    vcf = (await client.get("/kontakter.vcf")).content.decode()
    assert "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Łukasz Ødegård\r\n" in vcf
    assert "TEL;TYPE=VOICE:08-530 610 00" in vcf
    one = await client.get(f"/kontakter/{world.byggen}.vcf")
    assert one.status_code == 200
    assert "FN:Łukasz Ødegård" in one.text

    assert (await client.get("/kontakter.pdf")).status_code == 404
    await db.rollback()
    exports = await db.scalars(
        sa.select(AuditEvent).where(col(AuditEvent.action) == AuditAction.EXPORT_DOWNLOADED)
    )
    assert sorted(e.details["export"] for e in exports) == [
        "kontakter.csv",
        "kontakter.vcf",
        "kontakter.vcf",
        "kontakter.xlsx",
    ]


async def test_the_directory_reads_in_a_constant_number_of_statements(
    app: Starlette,
    db: AsyncSession,
    client: httpx.AsyncClient,
    alice: Persona,
    bob: Persona,
    world: World,
    query_counter: QueryCounter,
) -> None:
    await enter(db, world.byggen, bob, "08-530 610 00", LUKASZ)
    await log_in(client, app, alice)
    few = await query_counter.for_page(client, "/kontakter")
    for n in range(5):
        organisation = await make_organisation(db, f"Bolag {n}")
        await enter(db, organisation, alice, f"08-530 64{n} 00", LUKASZ, LUKASZ)
    assert await query_counter.for_page(client, "/kontakter") == few
