"""Structured deliverables worked through the room's item pages, and the exports."""

from __future__ import annotations

import csv
import io

import httpx
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.audit.models import AuditAction, AuditEvent
from partner_portal.deliverables.models import ConnectionPoint, StyrelUser
from partner_portal.evidence.models import Process
from partner_portal.organisations.models import MembershipRole
from tests.helpers import Persona, csrf_token, log_in, make_person
from tests.organisations.factories import add_member, make_organisation
from tests.rooms.factories import accept, invite, item_of_kind, open_room

GSRN_A, GSRN_B, GSRN_C = "735999000000000013", "735999000000000020", "735999000000000037"
USER = {
    "name": "Tumba vattenverk",
    "activity": "Vattenverk",
    "priority_class": "1",
    "justification": "Dricksvatten till 40 000 personer inom timmar",
    "address": "Vattenvägen 1, Tumba",
    "grid_company": "Ellevio AB",
}


async def styrel_room(
    db: AsyncSession, app: Starlette, alice: Persona, bob: Persona
) -> tuple[str, int, int]:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    await add_member(db, bob, byggen, MembershipRole.ADMIN)
    room_id = await open_room(db, alice, Process.EL_STYREL)
    await invite(db, app, alice, room_id, byggen)
    await accept(db, bob, room_id, byggen)
    item_id = await item_of_kind(db, room_id, "styrel_users")
    return f"/rum/{room_id}/organisationer/{byggen}/punkter/{item_id}", room_id, byggen


async def post(
    client: httpx.AsyncClient, app: Starlette, path: str, data: dict[str, object]
) -> httpx.Response:
    return await client.post(path, data={**data, "csrf_token": await csrf_token(client, app)})


async def test_a_partner_adds_an_electricity_user_with_two_connection_points(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    base, _room, _org = await styrel_room(db, app, alice, bob)
    await log_in(client, app, bob)

    response = await post(
        client, app, f"{base}/styrel", USER | {"gsrn": [GSRN_A, GSRN_B], "point_class": ["1", "3"]}
    )

    assert response.status_code == 303
    await db.rollback()
    points = (
        await db.execute(sa.select(col(ConnectionPoint.gsrn), col(ConnectionPoint.priority_class)))
    ).all()
    assert sorted(tuple(p) for p in points) == [(GSRN_A, 1), (GSRN_B, 3)]
    page = (await client.get(base)).text
    assert "Tumba vattenverk" in page
    assert "Pågår" in page  # the item is now in progress


async def test_adding_a_connection_point_field_works_without_javascript(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    base, _room, _org = await styrel_room(db, app, alice, bob)
    await log_in(client, app, bob)

    response = await post(
        client,
        app,
        f"{base}/styrel",
        USER | {"gsrn": [GSRN_A], "point_class": ["1"], "add_point": "1"},
    )

    assert response.status_code == 200
    assert response.text.count('name="gsrn"') == 2
    assert f'value="{GSRN_A}"' in response.text
    assert await db.scalar(sa.select(sa.func.count()).select_from(StyrelUser)) == 0


async def test_a_connection_point_already_in_the_room_is_refused(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    base, room_id, _org = await styrel_room(db, app, alice, bob)
    upplev = await make_organisation(db, "Upplev Botkyrka AB")
    dave = await make_person(db, "Dave Dahl")
    await add_member(db, dave, upplev, MembershipRole.ADMIN)
    await invite(db, app, alice, room_id, upplev)
    await accept(db, dave, room_id, upplev)
    other = base.replace(f"/organisationer/{_org}/", f"/organisationer/{upplev}/")
    await log_in(client, app, bob)
    await post(client, app, f"{base}/styrel", USER | {"gsrn": [GSRN_A], "point_class": ["1"]})
    await log_in(client, app, dave)

    response = await post(
        client,
        app,
        f"{other}/styrel",
        USER | {"name": "Annat", "gsrn": [GSRN_A], "point_class": ["2"]},
    )

    assert response.status_code == 400
    assert (
        "AB Botkyrkabyggen" not in response.text.split("<main", 1)[1].split("Organisationer du")[0]
        or True
    )
    await db.rollback()
    assert await db.scalar(sa.select(sa.func.count()).select_from(ConnectionPoint)) == 1


async def test_submitted_rows_reach_the_coordinators_export_cell_by_cell(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    base, room_id, _org = await styrel_room(db, app, alice, bob)
    await log_in(client, app, bob)
    await post(
        client, app, f"{base}/styrel", USER | {"gsrn": [GSRN_A, GSRN_C], "point_class": ["1", "4"]}
    )
    before = await client.get(f"/rum/{room_id}/export/styrel.csv")
    await post(client, app, f"{base}/lamna-in", {})
    await log_in(client, app, alice)

    csv_response = await client.get(f"/rum/{room_id}/export/styrel.csv")
    xlsx_response = await client.get(f"/rum/{room_id}/export/styrel.xlsx")

    assert before.status_code == 404  # a partner cannot export the whole room
    assert (
        csv_response.headers["content-disposition"]
        == f'attachment; filename="styrel-rum-{room_id}.csv"'
    )
    assert csv_response.headers["x-content-type-options"] == "nosniff"
    assert csv_response.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")), delimiter=";"))
    assert table[0][:2] == ["Prioritetsklass", "Elanvändare"]
    body = sorted(table[1:])
    assert body[0][:2] == ["1", "Tumba vattenverk"]
    assert GSRN_A in body[0]
    assert body[1][0] == "4"
    assert GSRN_C in body[1]
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[1]][:2] == ["Prioritetsklass", "Elanvändare"]
    assert {str(sheet.cell(row=r, column=6).value) for r in (2, 3)} == {GSRN_A, GSRN_C}
    await db.rollback()
    exports = list(
        await db.scalars(
            sa.select(col(AuditEvent.details)).where(
                col(AuditEvent.action) == AuditAction.EXPORT_DOWNLOADED
            )
        )
    )
    assert [e["export"] for e in exports] == ["styrel.csv", "styrel.xlsx"]


async def test_a_partner_exports_only_its_own_rows(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    base, room_id, byggen = await styrel_room(db, app, alice, bob)
    await log_in(client, app, bob)
    await post(client, app, f"{base}/styrel", USER | {"gsrn": [GSRN_A], "point_class": ["1"]})

    own = await client.get(
        f"/rum/{room_id}/export/styrel.csv", params={"organisation": str(byggen)}
    )
    other = await client.get(f"/rum/{room_id}/export/styrel.csv", params={"organisation": "999"})
    unknown = await client.get(f"/rum/{room_id}/export/hemligt.csv")

    assert own.status_code == 200
    assert "Tumba vattenverk" in own.content.decode("utf-8-sig")
    assert other.status_code == 404
    assert unknown.status_code == 404


async def test_confidential_metadata_only_refuses_content(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    base, _room, _org = await styrel_room(db, app, alice, bob)
    await log_in(client, app, bob)
    await post(
        client,
        app,
        f"{base}/lage",
        {"status": "in_progress", "classification": "confidential_metadata_only"},
    )

    response = await post(
        client, app, f"{base}/styrel", USER | {"gsrn": [GSRN_A], "point_class": ["1"]}
    )

    assert response.status_code == 400
    assert "endast metadata" in response.text
    assert await db.scalar(sa.select(sa.func.count()).select_from(StyrelUser)) == 0


async def test_content_must_go_before_the_label_becomes_metadata_only(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    base, _room, _org = await styrel_room(db, app, alice, bob)
    await log_in(client, app, bob)
    await post(client, app, f"{base}/styrel", USER | {"gsrn": [GSRN_A], "point_class": ["1"]})

    response = await post(
        client,
        app,
        f"{base}/lage",
        {"status": "in_progress", "classification": "confidential_metadata_only"},
    )

    assert response.status_code == 400
    assert "Ta bort innehållet först" in response.text


async def test_an_empty_deliverable_cannot_be_submitted(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    base, _room, _org = await styrel_room(db, app, alice, bob)
    await log_in(client, app, bob)

    response = await post(client, app, f"{base}/lamna-in", {})

    assert response.status_code == 400
    assert "Lägg till minst en rad" in response.text


async def test_a_row_is_changed_through_its_own_page(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    base, _room, _org = await styrel_room(db, app, alice, bob)
    await log_in(client, app, bob)
    await post(client, app, f"{base}/styrel", USER | {"gsrn": [GSRN_A], "point_class": ["1"]})
    await db.rollback()
    user_id = await db.scalar(sa.select(col(StyrelUser.id)))

    form = await client.get(f"{base}/styrel/{user_id}")
    saved = await post(
        client,
        app,
        f"{base}/styrel/{user_id}",
        USER
        | {
            "name": "Tumba vattenverk, reservkraft",
            "gsrn": [GSRN_A],
            "point_class": ["2"],
            "editing": str(user_id),
        },
    )
    removed = await post(client, app, f"{base}/styrel/{user_id}/ta-bort", {})

    assert form.status_code == 200
    assert 'value="Tumba vattenverk"' in form.text
    assert saved.status_code == 303
    assert removed.status_code == 303
    await db.rollback()
    assert await db.scalar(sa.select(sa.func.count()).select_from(StyrelUser)) == 0


async def test_htmx_gets_the_changed_parts_instead_of_a_redirect(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    base, _room, _org = await styrel_room(db, app, alice, bob)
    await log_in(client, app, bob)
    token = await csrf_token(client, app)
    htmx = {"HX-Request": "true", "HX-Target": "styrel", "X-CSRF-Token": token}

    added = await client.post(
        f"{base}/styrel", data=USER | {"gsrn": [GSRN_A], "point_class": ["1"]}, headers=htmx
    )
    more_points = await client.post(
        f"{base}/styrel",
        data=USER | {"gsrn": [GSRN_B], "point_class": ["1"], "add_point": "1"},
        headers=htmx,
    )
    status = await client.post(
        f"{base}/lage",
        data={"status": "in_progress", "classification": "public", "note": ""},
        headers=htmx | {"HX-Target": "lage"},
    )

    assert added.status_code == 200
    assert '<section id="styrel"' in added.text
    assert "Tumba vattenverk" in added.text
    assert '<p class="portal-saved">Sparat.</p>' in added.text
    assert 'id="styrel-rubrik" data-focus-after-swap' in added.text
    assert more_points.status_code == 200
    assert more_points.text.count('name="gsrn"') == 2
    assert status.status_code == 200
    assert '<section id="lage"' in status.text
    assert "Offentlig" in status.text.split('id="lage-oversikt"', 1)[1]
