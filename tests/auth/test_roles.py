"""The coordinator grants and revokes portal-wide roles."""

from __future__ import annotations

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.audit.models import AuditEvent
from partner_portal.auth.models import PortalRole, RoleGrant
from tests.helpers import Persona, csrf_token, log_in


async def grants(db: AsyncSession) -> list[tuple[PortalRole, int | None, str | None]]:
    await db.rollback()
    rows = await db.execute(
        sa.select(col(RoleGrant.role), col(RoleGrant.person_id), col(RoleGrant.email)).order_by(
            col(RoleGrant.id)
        )
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


async def test_the_coordinator_makes_someone_a_follow_up_reader(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    await log_in(client, app, alice)

    response = await client.post(
        "/roller",
        data={
            "email": "BOB@example.se",
            "role": "followup_reader",
            "csrf_token": await csrf_token(client, app),
        },
    )

    assert response.status_code == 303
    assert (PortalRole.FOLLOWUP_READER, bob.id, "bob@example.se") in await grants(db)
    page = (await client.get("/roller")).text
    assert "Bob Bergström" in page
    assert "Läsare för uppföljning" in page
    await log_in(client, app, bob)
    assert "Läsare för uppföljning" in (await client.get("/")).text


async def test_a_role_for_an_unknown_email_waits_for_the_login(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    await log_in(client, app, alice)

    await client.post(
        "/roller",
        data={
            "email": "ny@botkyrka.se",
            "role": "coordinator",
            "csrf_token": await csrf_token(client, app),
        },
    )

    assert (PortalRole.COORDINATOR, None, "ny@botkyrka.se") in await grants(db)
    assert "Har inte loggat in ännu" in (await client.get("/roller")).text


async def test_bad_input_is_refused(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    await log_in(client, app, alice)

    response = await client.post(
        "/roller",
        data={"email": "nej", "role": "kung", "csrf_token": await csrf_token(client, app)},
    )

    assert response.status_code == 400
    assert "Ange en giltig e-postadress" in response.text
    assert "Välj en roll." in response.text
    assert len(await grants(db)) == 1  # alice's own


async def test_the_last_coordinator_cannot_be_removed(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    await log_in(client, app, alice)
    [grant_id] = list(await db.scalars(sa.select(col(RoleGrant.id))))

    response = await client.post(
        f"/roller/{grant_id}/ta-bort", data={"csrf_token": await csrf_token(client, app)}
    )

    assert response.status_code == 400
    assert "minst en samordnare" in response.text
    assert len(await grants(db)) == 1


async def test_revoking_a_role_is_audited_and_takes_effect(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    db.add(RoleGrant(role=PortalRole.COORDINATOR, email=bob.email, person_id=bob.id))
    await db.commit()
    bobs = await db.scalar(sa.select(col(RoleGrant.id)).where(col(RoleGrant.person_id) == bob.id))
    await log_in(client, app, alice)

    await client.post(f"/roller/{bobs}/ta-bort", data={"csrf_token": await csrf_token(client, app)})

    assert [g[1] for g in await grants(db)] == [alice.id]
    action = await db.scalar(sa.select(col(AuditEvent.action)).order_by(col(AuditEvent.id).desc()))
    assert action == "role_revoked"
    await log_in(client, app, bob)
    assert (await client.get("/organisationer")).status_code == 404


async def test_only_coordinators_reach_the_roles_page(
    app: Starlette, client: httpx.AsyncClient, bob: Persona
) -> None:
    await log_in(client, app, bob)

    assert (await client.get("/roller")).status_code == 404
    response = await client.post(
        "/roller",
        data={
            "email": "bob@example.se",
            "role": "coordinator",
            "csrf_token": await csrf_token(client, app),
        },
    )
    assert response.status_code == 404
