"""The register of vital services: kept by the organisation's people, versioned, reviewed once a
year, closed to other organisations, and nothing but metadata for a confidential entry."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.organisations.models import MembershipRole
from partner_portal.platform import clock
from partner_portal.vital_services.models import (
    Dependency,
    Sector,
    VersionAction,
    VitalService,
    VitalServiceDependency,
    VitalServicePoint,
    VitalServiceVersion,
)
from tests.helpers import Persona, csrf_token, log_in
from tests.organisations.factories import add_member, make_organisation
from tests.queries import QueryCounter
from tests.vital_services.factories import GSRN_A, make_entry

SITE = {
    "name": "Äldreboendet Solgården",
    "address": "Solgårdsvägen 3, Tumba",
    "sector": "health_care",
    "classification": "internal",
    "persons_served": "64",
    "cannot_leave": "58",
    "contact": "Eva Ek, 08-123 45",
    "dep-electricity": "1",
    "backup-electricity": "Fast reservkraft",
    "hours-electricity": "72",
    "dep-water": "1",
    "stored_water_litres": "2 000",
    "gsrns": "735999 0000 0000 0013",
}


async def post(
    client: httpx.AsyncClient, app: Starlette, path: str, data: dict[str, str] | None = None
) -> httpx.Response:
    return await client.post(
        path, data={**(data or {}), "csrf_token": await csrf_token(client, app)}
    )


@pytest.fixture
async def home(db: AsyncSession, bob: Persona) -> int:
    organisation_id = await make_organisation(db, "Vård AB")
    await add_member(db, bob, organisation_id, MembershipRole.ADMIN)
    return organisation_id


async def entries(db: AsyncSession) -> list[VitalService]:
    await db.rollback()
    return list(await db.scalars(sa.select(VitalService).order_by(col(VitalService.id))))


async def versions(db: AsyncSession, service_id: int) -> list[VitalServiceVersion]:
    await db.rollback()
    return list(
        await db.scalars(
            sa.select(VitalServiceVersion)
            .where(col(VitalServiceVersion.service_id) == service_id)
            .order_by(col(VitalServiceVersion.version))
        )
    )


async def test_a_partner_registers_a_site_once_with_its_dependencies(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, bob: Persona, home: int
) -> None:
    await log_in(client, app, bob)

    response = await post(client, app, "/verksamheter/ny", SITE | {"organisation_id": str(home)})

    [saved] = await entries(db)
    saved_id = saved.id
    assert response.status_code == 303
    assert response.headers["location"] == f"/verksamheter/{saved_id}"
    assert (saved.organisation_id, saved.name, saved.sector, saved.persons_served) == (
        home,
        "Äldreboendet Solgården",
        Sector.HEALTH_CARE,
        64,
    )
    assert (saved.cannot_leave, saved.stored_water_litres) == (58, 2000)
    dependencies = {
        d.kind: (d.backup, d.lasts_hours)
        for d in await db.scalars(sa.select(VitalServiceDependency))
    }
    assert dependencies == {
        Dependency.ELECTRICITY: ("Fast reservkraft", 72),
        Dependency.WATER: ("", None),
    }
    assert list(await db.scalars(sa.select(col(VitalServicePoint.gsrn)))) == [GSRN_A]
    [first] = await versions(db, saved_id or 0)
    assert (first.version, first.action, first.changed_by) == (1, VersionAction.CREATED, bob.id)
    listing = (await client.get("/verksamheter")).text
    assert "Äldreboendet Solgården" in listing
    page = (await client.get(f"/verksamheter/{saved_id}")).text
    assert "Fast reservkraft" in page
    assert "Registrerad" in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"gsrns": "735999 0000 0000 0014"}, "gsrns", "inget giltigt anläggnings-id"),
        ({"name": " "}, "name", "Ange verksamhetens eller platsens namn."),
        ({"sector": "not_given"}, "sector", "Välj sektor."),
        ({"cannot_leave": "65"}, "cannot_leave", "Kan inte vara fler än"),
        ({"hours-electricity": "ett dygn"}, "hours-electricity", "Ange ett heltal"),
    ],
)
async def test_bad_input_is_refused_in_swedish_and_nothing_is_saved(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    bob: Persona,
    home: int,
    change: dict[str, str],
    field: str,
    message: str,
) -> None:
    await log_in(client, app, bob)

    response = await post(
        client, app, "/verksamheter/ny", SITE | {"organisation_id": str(home)} | change
    )

    assert response.status_code == 400
    assert message in response.text
    assert f'id="f-{field}"' in response.text
    assert await entries(db) == []


async def test_only_an_organisation_one_acts_for(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, bob: Persona, home: int
) -> None:
    other = await make_organisation(db, "Annan AB")
    await log_in(client, app, bob)

    response = await post(client, app, "/verksamheter/ny", SITE | {"organisation_id": str(other)})

    assert response.status_code == 400
    assert "Välj en organisation som du företräder." in response.text
    assert await entries(db) == []


async def test_a_change_is_a_version_with_who_what_and_when(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, bob: Persona, home: int
) -> None:
    await log_in(client, app, bob)
    await post(client, app, "/verksamheter/ny", SITE | {"organisation_id": str(home)})
    [saved] = await entries(db)
    saved_id = saved.id

    same = await post(client, app, f"/verksamheter/{saved_id}/redigera", SITE)
    changed = await post(
        client,
        app,
        f"/verksamheter/{saved_id}/redigera",
        SITE | {"persons_served": "70", "hours-electricity": "12"},
    )

    assert (same.status_code, changed.status_code) == (303, 303)
    history = await versions(db, saved_id or 0)
    assert [(v.version, v.action, v.changed_fields) for v in history] == [
        (1, VersionAction.CREATED, []),
        (2, VersionAction.CHANGED, ["persons_served", "dependencies"]),
    ]
    assert history[1].snapshot["persons_served"] == 70
    assert history[0].snapshot["persons_served"] == 64
    page = (await client.get(f"/verksamheter/{saved_id}")).text
    assert "Personer som verksamheten når, Beroenden och reserv" in page


async def test_still_right_is_one_click_and_clears_the_yearly_review(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, bob: Persona, home: int
) -> None:
    long_ago = clock.now() - timedelta(days=400)
    service_id = await make_entry(db, home, "Skolan", reviewed_at=long_ago)
    await log_in(client, app, bob)
    assert "Dags att granska" in (await client.get("/verksamheter")).text

    response = await post(client, app, f"/verksamheter/{service_id}/stammer")

    assert response.status_code == 303
    [entry] = await entries(db)
    assert entry.reviewed_at > long_ago + timedelta(days=399)
    [reviewed] = await versions(db, service_id)
    assert (reviewed.action, reviewed.changed_by, reviewed.changed_fields) == (
        VersionAction.REVIEWED,
        bob.id,
        [],
    )
    assert "Dags att granska" not in (await client.get("/verksamheter")).text


async def test_a_confidential_entry_stores_no_content(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, bob: Persona, home: int
) -> None:
    await log_in(client, app, bob)

    await post(
        client,
        app,
        "/verksamheter/ny",
        SITE | {"organisation_id": str(home), "classification": "confidential_metadata_only"},
    )

    [saved] = await entries(db)
    assert (saved.address, saved.contact, saved.persons_served, saved.cannot_leave) == (
        "",
        "",
        0,
        0,
    )
    assert saved.stored_water_litres is None
    assert list(await db.scalars(sa.select(VitalServiceDependency))) == []
    assert list(await db.scalars(sa.select(VitalServicePoint))) == []
    [version] = await versions(db, saved.id or 0)
    stored = repr(version.snapshot)
    for typed in ("Solgårdsvägen", "Eva Ek", "reservkraft", "735999"):
        assert typed not in stored


async def test_another_organisation_never_sees_an_entry(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    bob: Persona,
    charlie: Persona,
    home: int,
) -> None:
    service_id = await make_entry(db, home, "Hemligt äldreboende")
    elsewhere = await make_organisation(db, "Annan AB")
    await add_member(db, charlie, elsewhere, MembershipRole.ADMIN)
    await log_in(client, app, charlie)

    assert "Hemligt äldreboende" not in (await client.get("/verksamheter")).text
    for path in (f"/verksamheter/{service_id}", f"/verksamheter/{service_id}/redigera"):
        assert (await client.get(path)).status_code == 404
    for path in (f"/verksamheter/{service_id}/redigera", f"/verksamheter/{service_id}/stammer"):
        assert (await post(client, app, path, SITE)).status_code == 404
    [entry] = await entries(db)
    assert entry.version == 1


async def test_the_coordinator_reads_every_entry_but_the_organisation_keeps_it(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, home: int
) -> None:
    service_id = await make_entry(db, home, "Vattenverket")
    await log_in(client, app, alice)

    assert "Vattenverket" in (await client.get("/verksamheter")).text
    page = await client.get(f"/verksamheter/{service_id}")
    assert page.status_code == 200
    assert "Stämmer fortfarande" not in page.text
    assert (await client.get(f"/verksamheter/{service_id}/redigera")).status_code == 404
    assert (await post(client, app, f"/verksamheter/{service_id}/stammer")).status_code == 404


async def test_the_register_reads_in_a_constant_number_of_statements(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    bob: Persona,
    home: int,
    query_counter: QueryCounter,
) -> None:
    await log_in(client, app, bob)
    await make_entry(db, home, "Plats 0000")
    few = await query_counter.for_page(client, "/verksamheter")
    for number in range(1, 1000):
        await make_entry(db, home, f"Plats {number:04d}", commit=False)
    await db.commit()

    many = await query_counter.for_page(client, "/verksamheter")

    assert few == many


def test_a_version_names_its_changes_with_the_words_for_them() -> None:
    """The snapshot's keys are the fields a version can name (each has words to show)."""
    from partner_portal.rooms.models import Classification
    from partner_portal.vital_services.models import EntryField
    from partner_portal.vital_services.service import EntryInput

    entry = EntryInput("x", "", Sector.FOOD, 0, 0, None, "", Classification.PUBLIC, (), ())

    assert set(entry.snapshot()) == {f.value for f in EntryField}
