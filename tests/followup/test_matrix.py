"""The board's matrix, drill-down, report and exports, from constructed evidence."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

import httpx
import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.auth.models import PortalRole
from partner_portal.evidence.models import Evidence, EvidenceKind, Process
from partner_portal.followup import service
from partner_portal.followup.levels import Level
from partner_portal.organisations.models import Organisation, OrganisationKind
from partner_portal.platform import clock
from tests.helpers import Persona, log_in, make_person
from tests.organisations.factories import make_organisation
from tests.queries import QueryCounter

K = EvidenceKind
P = Process


def last_year() -> int:
    return clock.today().year - 1


def period() -> tuple[date, date]:
    """The period the tests read: from 1 January last year up to today. Their evidence is from
    last year (so it lies in the past on any day, also on 1 January) and from the year before
    (outside the period); the organisations are registered today, within it."""
    return date(last_year(), 1, 1), clock.today()


def in_period() -> dict[str, str]:
    first, last = period()
    return {"fran": first.isoformat(), "till": last.isoformat()}


def at(month: int, day: int = 15, *, years_ago: int = 1) -> datetime:
    """10:00 UTC on a day of last year (or ``years_ago``)."""
    return datetime(clock.today().year - years_ago, month, day, 10, 0, tzinfo=UTC)


async def evidence(
    db: AsyncSession,
    organisation_id: int,
    kind: EvidenceKind,
    when: datetime,
    process: Process = P.NODVATTEN,
    **details: object,
) -> None:
    db.add(
        Evidence(
            organisation_id=organisation_id,
            kind=kind,
            occurred_at=when,
            process=process,
            link="/rum/1",
            details=dict(details),
        )
    )
    await db.commit()


@pytest.fixture
async def reader(db: AsyncSession) -> Persona:
    return await make_person(db, "Rita Läsare", roles=(PortalRole.FOLLOWUP_READER,))


def chosen(kinds: tuple[OrganisationKind, ...] | None = None) -> service.Chosen:
    return service.choose(*period(), kinds, today=clock.today())


async def test_levels_per_cell_from_constructed_evidence(db: AsyncSession) -> None:
    never = await make_organisation(db, "Aldrig AB")
    invited = await make_organisation(db, "Inbjudna AB")
    declined = await make_organisation(db, "Nejsägarna AB")
    accepted = await make_organisation(db, "Jasägarna AB")
    late = await make_organisation(db, "Sena AB")
    left = await make_organisation(db, "Lämnarna AB")
    done = await make_organisation(db, "Klara AB")
    old = await make_organisation(db, "Fjolårets AB")
    for org in (invited, declined, accepted, late, left, done):
        await evidence(db, org, K.ROOM_INVITED, at(2))
    await evidence(db, declined, K.ROOM_DECLINED, at(3), reason="Inga resurser")
    for org in (accepted, late, left, done):
        await evidence(db, org, K.ROOM_ACCEPTED, at(3))
    await evidence(db, late, K.ITEM_SUBMITTED, at(5), late=True)
    await evidence(db, left, K.ROOM_WITHDRAWN, at(4), reason="Omorganisation")
    await evidence(db, done, K.ITEM_SUBMITTED, at(4), late=False)
    await evidence(db, done, K.ROOM_COMPLETED, at(6))
    await evidence(db, old, K.ROOM_INVITED, at(2, years_ago=2))  # outside the period
    await evidence(db, old, K.ROOM_COMPLETED, at(12, years_ago=2))
    await evidence(db, done, K.ROOM_INVITED, at(2), process=P.EL_STYREL)

    matrix = await service.matrix(db, chosen())

    def lvl(org: int, process: Process = P.NODVATTEN) -> Level:
        return matrix.cell(org, process).level

    assert lvl(never) is Level.NOT_INVITED
    assert lvl(invited) is Level.INVITED
    assert lvl(declined) is Level.DECLINED
    assert lvl(accepted) is Level.ACCEPTED
    assert lvl(late) is Level.CONTRIBUTED
    assert matrix.cell(late, P.NODVATTEN).facts.late == 1
    assert lvl(left) is Level.DECLINED
    assert matrix.cell(left, P.NODVATTEN).withdrew
    assert lvl(done) is Level.COMPLETED
    assert lvl(done, P.EL_STYREL) is Level.INVITED
    assert lvl(old) is Level.NOT_INVITED
    assert matrix.took_part(P.NODVATTEN) == 3  # accepted, late, done
    assert {o.name for o in matrix.absent(P.NODVATTEN)} == {
        "Inbjudna AB",
        "Nejsägarna AB",
        "Lämnarna AB",
    }


async def test_an_organisation_deactivated_mid_period_is_still_followed_up(
    db: AsyncSession,
) -> None:
    gone = await make_organisation(db, "Avvecklade AB")
    await evidence(db, gone, K.ROOM_INVITED, at(2))
    await evidence(db, gone, K.ROOM_ACCEPTED, at(3))
    await db.execute(
        sa.update(Organisation)
        .where(col(Organisation.id) == gone)
        .values(is_active=False, deactivated_at=at(6))
    )
    long_gone = await make_organisation(db, "Nedlagda AB", active=False)
    await db.execute(
        sa.update(Organisation)
        .where(col(Organisation.id) == long_gone)
        .values(deactivated_at=at(6, years_ago=2))
    )
    await db.commit()

    matrix = await service.matrix(db, chosen())

    names = {o.name for o in matrix.organisations}
    assert "Avvecklade AB" in names
    assert "Nedlagda AB" not in names
    assert matrix.cell(gone, P.NODVATTEN).level is Level.ACCEPTED


async def test_the_default_kinds_are_the_programmes(db: AsyncSession) -> None:
    await make_organisation(db, "Bolaget AB", OrganisationKind.KOMMUNALT_BOLAG)
    await make_organisation(db, "Stiftelsen", OrganisationKind.STIFTELSE)
    await make_organisation(db, "Rådet", OrganisationKind.SAMVERKANSORGAN)
    await make_organisation(db, "Polisen", OrganisationKind.POLIS)

    default = await service.matrix(db, chosen())
    everyone = await service.matrix(
        db, service.choose(None, None, None, today=clock.today(), every_kind=True)
    )

    assert {o.name for o in default.organisations} == {"Bolaget AB", "Stiftelsen", "Rådet"}
    assert len(everyone.organisations) == 4


async def test_the_drill_down_lists_exactly_the_evidence_behind_the_level(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, reader: Persona
) -> None:
    org = await make_organisation(db, "Jasägarna AB")
    other = await make_organisation(db, "Andra AB")
    await evidence(db, org, K.ROOM_INVITED, at(2))
    await evidence(db, org, K.ROOM_ACCEPTED, at(3))
    await evidence(db, org, K.ROOM_ACCEPTED, at(3), process=P.EL_STYREL)  # another process
    await evidence(db, org, K.ROOM_INVITED, at(2, years_ago=2))  # another period
    await evidence(db, other, K.ROOM_INVITED, at(2))  # another organisation
    await log_in(client, app, reader)

    page = (
        await client.get(
            "/uppfoljning/cell",
            params={**in_period(), "organisation": str(org), "process": "nodvatten"},
        )
    ).text

    rows = re.findall(r'<th scope="row" class="table__column"><a href="([^"]+)">([^<]+)</a>', page)
    assert [text for _link, text in rows] == [
        "Jasägarna AB bjöds in till rummet",
        "Jasägarna AB tackade ja till att delta",
    ]
    assert all(link == "/rum/1" for link, _text in rows)
    assert "<strong>Tackade ja</strong>" in page


async def test_the_matrix_page_groups_by_kind_and_links_each_cell(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, reader: Persona
) -> None:
    org = await make_organisation(db, "Jasägarna AB")
    await make_organisation(db, "Stiftelsen Hemgården", OrganisationKind.STIFTELSE)
    await evidence(db, org, K.ROOM_ACCEPTED, at(3))
    await log_in(client, app, reader)

    page = (await client.get("/uppfoljning", params=in_period())).text

    assert "Kommunalt bolag (1)" in page
    assert "Stiftelse (1)" in page
    assert f"organisation={org}&amp;process=nodvatten" in page
    assert 'Tackade ja<span class="sr-only"> – Jasägarna AB, Nödvatten</span>' in page


async def test_the_matrix_keeps_a_constant_number_of_queries_at_10_and_500_organisations(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    reader: Persona,
    query_counter: QueryCounter,
) -> None:
    await log_in(client, app, reader)

    async def queries_for_matrix() -> int:
        return await query_counter.for_page(client, "/uppfoljning", params=in_period())

    async def organisations(start: int, stop: int) -> None:
        for number in range(start, stop):
            db.add(
                Organisation(
                    name=f"Bolag {number:03d}",
                    name_key=f"bolag {number:03d}",
                    sort_key=f"{number:05d}",
                    kind=OrganisationKind.KOMMUNALT_BOLAG,
                )
            )
        await db.commit()
        ids = list(
            await db.scalars(sa.select(col(Organisation.id)).where(col(Organisation.id) > start))
        )
        for organisation_id in ids[:5]:
            assert organisation_id is not None
            db.add(
                Evidence(
                    organisation_id=organisation_id,
                    kind=K.ROOM_INVITED,
                    occurred_at=at(3),
                    process=P.NODVATTEN,
                    link="/",
                    details={},
                )
            )
        await db.commit()

    await organisations(0, 10)
    with_10 = await queries_for_matrix()
    await organisations(10, 500)
    with_500 = await queries_for_matrix()

    assert with_10 == with_500
    assert with_500 <= 6


@pytest.mark.parametrize(
    "path",
    [
        "/uppfoljning",
        "/uppfoljning/cell?organisation=1&process=nodvatten",
        "/uppfoljning/processer/nodvatten",
        "/uppfoljning/rapport",
        "/uppfoljning/rapport.pdf",
        "/uppfoljning/export/matris.csv",
        "/uppfoljning/export/evidens.xlsx",
    ],
)
async def test_the_follow_up_is_for_coordinators_and_readers_only(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    reader: Persona,
    path: str,
) -> None:
    await make_organisation(db, "Jasägarna AB")
    anonymous = await client.get(path)
    await log_in(client, app, bob)
    partner = await client.get(path)
    await log_in(client, app, reader)
    as_reader = await client.get(path)
    await log_in(client, app, alice)
    as_coordinator = await client.get(path)

    assert anonymous.status_code == 303
    assert partner.status_code == 404
    assert as_reader.status_code == 200
    assert as_coordinator.status_code == 200


async def report_data(db: AsyncSession) -> tuple[int, int]:
    yes = await make_organisation(db, "Jasägarna AB")
    no = await make_organisation(db, "Nejsägarna AB", OrganisationKind.STIFTELSE)
    for org in (yes, no):
        await evidence(db, org, K.ROOM_INVITED, at(2))
    await evidence(db, yes, K.ROOM_ACCEPTED, at(3))
    await evidence(db, yes, K.ITEM_SUBMITTED, at(5), late=True)
    await evidence(db, no, K.ROOM_DECLINED, at(3), reason="Ingen tid")
    return yes, no


async def test_the_report_answers_the_programmes_points_in_plain_swedish(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, reader: Persona
) -> None:
    await report_data(db)
    await log_in(client, app, reader)

    page = (await client.get("/uppfoljning/rapport", params=in_period())).text

    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert (
        "a) Deltog bolagen, stiftelserna och samverkansorganen i arbetet med nödvattenplanen?"
        in text
    )
    assert (
        "1 av 2 organisationer deltog (2 bjöds in). 1 lämnade underlag och 0 fick allt godkänt."
        in text
    )
    assert "1 lämnade något underlag efter sista dagen." in text
    assert "Bjöds in men deltog inte: Nejsägarna AB." in text
    assert "Ingen av de 2 organisationerna bjöds in under perioden." in text  # STYREL
    assert 'role="img"' in page
    assert ">Antal organisationer per nivå</caption>" in page


async def test_the_exports_hold_the_matrix_cell_by_cell(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, reader: Persona
) -> None:
    await report_data(db)
    await log_in(client, app, reader)

    csv_file = await client.get("/uppfoljning/export/matris.csv", params=in_period())
    xlsx_file = await client.get("/uppfoljning/export/matris.xlsx", params=in_period())
    evidence_file = await client.get("/uppfoljning/export/evidens.csv", params=in_period())

    assert csv_file.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig")), delimiter=";"))
    assert table[0] == [
        "Organisation",
        "Sort",
        "Status i registret",
        "Nödvatten",
        "El och styrel",
        "Riktlinjer för trygghets- och säkerhetsarbetet",
        "Höjd beredskap",
        "Frivilliga resursgruppen",
        "Samverkan",
        "Risk- och sårbarhetsanalys",
    ]
    assert table[1] == [
        "Jasägarna AB",
        "Kommunalt bolag",
        "Aktiv",
        "Lämnade underlag, försenat",
        "Inte inbjuden",
        "Inte inbjuden",
        "Inte inbjuden",
        "Inte inbjuden",
        "Inte inbjuden",
        "Inte inbjuden",
    ]
    assert table[2][:4] == ["Nejsägarna AB", "Stiftelse", "Aktiv", "Avböjde eller lämnade"]
    sheet = load_workbook(io.BytesIO(xlsx_file.content)).active
    assert sheet is not None
    assert [[c.value for c in row] for row in sheet.iter_rows()] == table
    events = list(csv.reader(io.StringIO(evidence_file.content.decode("utf-8-sig")), delimiter=";"))
    assert len(events) == 1 + 5
    assert events[0][:5] == ["Id", "Tid (svensk tid)", "Organisation", "Process", "Händelse"]
    assert events[1][1] == f"{last_year()}-02-15 11:00"  # 10:00 UTC in Swedish winter time
    assert events[1][-1] == "http://127.0.0.1:8000/rum/1"


async def test_the_pdf_opens_and_holds_the_matrix(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, reader: Persona
) -> None:
    await report_data(db)
    await log_in(client, app, reader)

    response = await client.get("/uppfoljning/rapport.pdf", params=in_period())

    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment;")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = " ".join(text.split())  # table cells wrap where the column widths say
    assert "Uppföljning av samverkan med externa parter" in flat
    assert "Bjöds in men deltog inte: Nejsägarna AB." in flat
    assert "Jasägarna AB" in flat
    assert "Lämnade underlag, försenat" in flat
    assert "Avböjde eller lämnade" in flat
