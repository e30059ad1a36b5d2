"""The coordinator's cross-checks: each finds exactly its constructed case and nothing else,
as a page with links and as CSV/XLSX, in a constant number of statements."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.audit.models import AuditEvent
from partner_portal.deliverables.models import StyrelUser, WaterCategory, WaterNeed
from partner_portal.organisations.models import MembershipRole
from partner_portal.platform import clock
from partner_portal.rooms.models import ItemKind
from partner_portal.vital_services import checks
from partner_portal.vital_services.models import CheckKind
from tests.deliverables.factories import make_progress, make_room
from tests.helpers import Persona, log_in
from tests.organisations.factories import add_member, make_organisation
from tests.queries import QueryCounter
from tests.vital_services.factories import GSRN_A, GSRN_B, make_entry


async def styrel_row(
    db: AsyncSession, progress_id: int, room_id: int, entry: int, cls: int
) -> None:
    db.add(
        StyrelUser(
            progress_id=progress_id,
            room_id=room_id,
            position=entry,
            name="x",
            activity="x",
            priority_class=cls,
            justification="x",
            address="x",
            grid_company="x",
            vital_service_id=entry,
        )
    )
    await db.commit()


async def water_row(db: AsyncSession, progress_id: int, room_id: int, entry: int) -> None:
    db.add(
        WaterNeed(
            progress_id=progress_id,
            room_id=room_id,
            position=entry,
            site="x",
            category=WaterCategory.CARE,
            persons=10,
            litres_per_day=100,
            vulnerable=0,
            own_tank=False,
            vital_service_id=entry,
        )
    )
    await db.commit()


@pytest.fixture
async def cases(db: AsyncSession) -> dict[str, int]:
    vard = await make_organisation(db, "Vård AB")
    skol = await make_organisation(db, "Skol AB")
    styrel_room, styrel_item = await make_room(db, "Styrel", ItemKind.STYREL_USERS)
    water_room, water_item = await make_room(db, "Vatten", ItemKind.WATER_NEEDS)
    styrel = (
        await make_progress(db, room_id=styrel_room, item_id=styrel_item, organisation_id=vard)
    ).id
    water = (
        await make_progress(db, room_id=water_room, item_id=water_item, organisation_id=vard)
    ).id
    assert styrel is not None
    assert water is not None
    e = {
        "styrel_only": await make_entry(db, vard, "Styrel utan vatten", reserve_hours=48),
        "water_only": await make_entry(db, vard, "Vatten utan Styrel"),
        "short": await make_entry(db, vard, "Kort reserv", cannot_leave=5, reserve_hours=4),
        "shared_a": await make_entry(db, vard, "Delad A", gsrns=(GSRN_B,)),
        "shared_b": await make_entry(db, skol, "Delad B", gsrns=(GSRN_B,)),
        "old": await make_entry(db, skol, "Gammal", reviewed_at=clock.now() - timedelta(days=400)),
        "fine": await make_entry(
            db, vard, "Allt rätt", cannot_leave=10, reserve_hours=72, gsrns=(GSRN_A,)
        ),
        "class_6": await make_entry(db, vard, "Klass 6"),
        "no_reserve_needed": await make_entry(db, skol, "Ingen som stannar", reserve_hours=1),
    }
    await styrel_row(db, styrel, styrel_room, e["styrel_only"], 2)
    await water_row(db, water, water_room, e["water_only"])
    await styrel_row(db, styrel, styrel_room, e["fine"], 1)
    await water_row(db, water, water_room, e["fine"])
    await styrel_row(db, styrel, styrel_room, e["class_6"], 6)
    return e


async def test_each_check_finds_exactly_its_case(db: AsyncSession, cases: dict[str, int]) -> None:
    found = await checks.findings(db, clock.now())

    assert sorted((f.kind.value, f.service_id) for f in found) == sorted(
        [
            (CheckKind.STYREL_WITHOUT_WATER.value, cases["styrel_only"]),
            (CheckKind.WATER_WITHOUT_STYREL.value, cases["water_only"]),
            (CheckKind.SHORT_RESERVE.value, cases["short"]),
            (CheckKind.SHARED_GSRN.value, cases["shared_a"]),
            (CheckKind.SHARED_GSRN.value, cases["shared_b"]),
            (CheckKind.NOT_REVIEWED.value, cases["old"]),
        ]
    )
    details = {(f.kind, f.service_id): f.detail for f in found}
    assert details[(CheckKind.SHORT_RESERVE, cases["short"])] == 4
    assert details[(CheckKind.SHARED_GSRN, cases["shared_b"])] == GSRN_B


async def test_the_coordinator_gets_a_page_with_links_and_files(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    cases: dict[str, int],
) -> None:
    await log_in(client, app, alice)

    page = (await client.get("/verksamheter/kontroller")).text
    csv = await client.get("/verksamheter/kontroller.csv")
    xlsx = await client.get("/verksamheter/kontroller.xlsx")

    assert f'href="/verksamheter/{cases["short"]}"' in page
    assert "4 timmar" in page
    assert csv.status_code == 200
    text = csv.content.decode("utf-8-sig")
    assert text.count("\r\n") == 7  # the headers and six findings
    assert f"Samma anläggnings-id (GSRN) hos två organisationer;Skol AB;Delad B;{GSRN_B}" in text
    assert xlsx.status_code == 200
    assert xlsx.content.startswith(b"PK")
    assert (await client.get("/verksamheter/kontroller.pdf")).status_code == 404
    await db.rollback()
    audited = list(
        await db.scalars(
            sa.select(col(AuditEvent.details)).where(
                col(AuditEvent.object_type) == "vital_service_checks"
            )
        )
    )
    assert sorted(d["export"] for d in audited) == ["kontroller.csv", "kontroller.xlsx"]


async def test_partners_never_see_the_checks(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, bob: Persona
) -> None:
    organisation = await make_organisation(db, "Vård AB")
    await add_member(db, bob, organisation, MembershipRole.ADMIN)
    await log_in(client, app, bob)

    for path in ("/verksamheter/kontroller", "/verksamheter/kontroller.csv"):
        assert (await client.get(path)).status_code == 404


async def test_the_checks_read_in_a_constant_number_of_statements(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    query_counter: QueryCounter,
) -> None:
    organisation = await make_organisation(db, "Vård AB")
    await log_in(client, app, alice)
    await make_entry(db, organisation, "Plats 0000", cannot_leave=1)
    few = await query_counter.for_page(client, "/verksamheter/kontroller")
    old = clock.now() - timedelta(days=400)
    for number in range(1, 1000):
        await make_entry(
            db, organisation, f"Plats {number:04d}", cannot_leave=1, reviewed_at=old, commit=False
        )
    await db.commit()

    many = await query_counter.for_page(client, "/verksamheter/kontroller")

    assert few == many
