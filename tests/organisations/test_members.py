"""An organisation's people: roles, deputies, warnings, and leaving."""

from __future__ import annotations

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.audit.models import AuditEvent
from partner_portal.organisations.models import Membership, MembershipRole
from tests.helpers import Persona, csrf_token, log_in
from tests.organisations.factories import add_member, make_organisation


async def test_the_admin_names_a_deputy_and_the_warning_goes(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    bob: Persona,
    charlie: Persona,
) -> None:
    organisation_id = await make_organisation(db, "AB Botkyrkabyggen")
    await add_member(db, bob, organisation_id, MembershipRole.ADMIN)
    charlies = await add_member(db, charlie, organisation_id)
    await log_in(client, app, bob)
    assert (
        "Organisationen har ingen ersättare"
        in (await client.get(f"/organisationer/{organisation_id}")).text
    )

    response = await client.post(
        f"/organisationer/{organisation_id}/medlemmar/{charlies}",
        data={"role": "member", "is_deputy": "on", "csrf_token": await csrf_token(client, app)},
    )

    assert response.status_code == 303
    page = (await client.get(f"/organisationer/{organisation_id}")).text
    assert "Organisationen har ingen ersättare" not in page
    assert "Representant, ersättare" in page
    details = await db.scalar(
        sa.select(col(AuditEvent.details)).where(col(AuditEvent.action) == "membership_changed")
    )
    assert details == {
        "before": {"role": "member", "is_deputy": False},
        "after": {"role": "member", "is_deputy": True},
    }


async def test_an_organisation_without_admin_is_flagged_in_the_list(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    organisation_id = await make_organisation(db, "AB Botkyrkabyggen")
    await add_member(db, bob, organisation_id, MembershipRole.MEMBER, deputy=True)
    await log_in(client, app, alice)

    page = (await client.get("/organisationer")).text

    assert "Saknar huvudkontakt" in page
    assert "Saknar ersättare" not in page


async def test_removing_a_person_keeps_the_record_and_ends_access(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    organisation_id = await make_organisation(db, "AB Botkyrkabyggen")
    bobs = await add_member(db, bob, organisation_id)
    await log_in(client, app, alice)

    path = f"/organisationer/{organisation_id}/medlemmar/{bobs}/avsluta"
    asked = await client.post(path, data={"csrf_token": await csrf_token(client, app)})
    await db.rollback()
    assert (await db.get(Membership, bobs)).ended_at is None  # type: ignore[union-attr]

    response = await client.post(
        path, data={"csrf_token": await csrf_token(client, app), "bekraftat": "ja"}
    )

    assert asked.status_code == 200
    assert "<h1>Ta bort Bob Bergström ur AB Botkyrkabyggen?</h1>" in asked.text
    assert ">Ja, ta bort Bob Bergström</button>" in asked.text
    assert response.status_code == 303
    await db.rollback()
    membership = await db.get(Membership, bobs)
    assert membership is not None
    assert membership.ended_at is not None
    await log_in(client, app, bob)
    assert (await client.get(f"/organisationer/{organisation_id}")).status_code == 404


async def test_a_bad_role_is_refused(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    organisation_id = await make_organisation(db, "AB Botkyrkabyggen")
    bobs = await add_member(db, bob, organisation_id)
    await log_in(client, app, alice)

    response = await client.post(
        f"/organisationer/{organisation_id}/medlemmar/{bobs}",
        data={"role": "coordinator", "csrf_token": await csrf_token(client, app)},
    )

    assert response.status_code == 400
    assert "Välj vilken roll" in response.text


async def test_a_membership_of_another_organisation_is_not_found(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    mine = await make_organisation(db, "AB Botkyrkabyggen")
    other = await make_organisation(db, "Upplev Botkyrka AB")
    bobs = await add_member(db, bob, other)
    await log_in(client, app, alice)

    response = await client.post(
        f"/organisationer/{mine}/medlemmar/{bobs}/avsluta",
        data={"csrf_token": await csrf_token(client, app)},
    )

    assert response.status_code == 404


async def test_the_start_page_lists_the_organisations_one_represents(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, bob: Persona
) -> None:
    organisation_id = await make_organisation(db, "AB Botkyrkabyggen")
    await add_member(db, bob, organisation_id, MembershipRole.ADMIN)
    await make_organisation(db, "Gamla bolaget", active=False)
    await log_in(client, app, bob)

    page = (await client.get("/")).text

    assert "Organisationer du företräder" in page
    assert (
        f'<a href="/organisationer/{organisation_id}">AB Botkyrkabyggen</a> – Huvudkontakt' in page
    )
    assert "Gamla bolaget" not in page
