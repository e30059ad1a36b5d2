"""Who may use each FRG route: the volunteer, the group's lead, a coordinator, a member of a
partner organisation, a member of the FRG organisation who is not its lead, and someone not
logged in. One table; a new /frg route fails the test until it is placed in it."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette
from starlette.routing import Route

from partner_portal.frg import callouts
from partner_portal.frg.callouts import CalloutInput
from partner_portal.frg.models import Absence, Recipient, VolunteerStatus
from partner_portal.frg.queries.members import GroupRow
from partner_portal.organisations.models import MembershipRole
from partner_portal.platform import clock
from partner_portal.routes import routes
from tests.frg.factories import make_volunteer, skill_id
from tests.helpers import Persona, as_current, csrf_token, log_in, make_person
from tests.organisations.factories import add_member, make_organisation

# Who gets in (everyone else gets 404; someone not logged in is sent to log in).
MINE = "the volunteer only"
LEAD = "the group's leads and coordinators"
ANYONE_LOGGED_IN = "anyone logged in"
LINK = "anyone with the link"  # a made-up token: 410 Gone for everybody
LINK_THEN_LOGIN = "the link page for anyone; joining needs a login"

TABLE: dict[tuple[str, str], str] = {
    ("/frg", "GET"): ANYONE_LOGGED_IN,
    ("/frg/inbjudan/{token}", "GET"): LINK,
    ("/frg/inbjudan/{token}", "POST"): LINK_THEN_LOGIN,
    ("/frg/anmalan/{token}", "GET"): LINK,
    ("/frg/anmalan/{token}", "POST"): LINK_THEN_LOGIN,
    ("/frg/svar/{token}", "GET"): LINK,
    ("/frg/svar/{token}", "POST"): LINK,
    ("/frg/tillganglighet/{token}", "GET"): LINK,
    ("/frg/tillganglighet/{token}", "POST"): LINK,
    ("/frg/{organisation_id:id}/uppgifter", "GET"): MINE,
    ("/frg/{organisation_id:id}/uppgifter", "POST"): MINE,
    ("/frg/{organisation_id:id}/tillganglighet", "GET"): MINE,
    ("/frg/{organisation_id:id}/tillganglighet", "POST"): MINE,
    ("/frg/{organisation_id:id}/tillganglighet/vecka", "POST"): MINE,
    ("/frg/{organisation_id:id}/franvaro", "POST"): MINE,
    ("/frg/{organisation_id:id}/franvaro/{absence_id:id}/ta-bort", "POST"): MINE,
    ("/frg/{organisation_id:id}/mina-uppgifter", "GET"): MINE,
    ("/frg/{organisation_id:id}/mina-uppgifter.{fmt}", "GET"): MINE,
    ("/frg/{organisation_id:id}/mina-uppgifter/radera", "POST"): MINE,
    ("/frg/{organisation_id:id}/ledning", "GET"): LEAD,
    ("/frg/{organisation_id:id}/ledning/inbjudningar", "POST"): LEAD,
    ("/frg/{organisation_id:id}/ledning/anmalningslank", "POST"): LEAD,
    ("/frg/{organisation_id:id}/ledning/medlemmar/{volunteer_id:id}/godkann", "POST"): LEAD,
    ("/frg/{organisation_id:id}/ledning/medlemmar/{volunteer_id:id}/ta-bort", "POST"): LEAD,
    ("/frg/{organisation_id:id}/ledning/kompetenser", "GET"): LEAD,
    ("/frg/{organisation_id:id}/ledning/kompetenser", "POST"): LEAD,
    ("/frg/{organisation_id:id}/ledning/kompetenser/{skill_id:id}", "POST"): LEAD,
    ("/frg/{organisation_id:id}/ledning/sok", "GET"): LEAD,
    ("/frg/{organisation_id:id}/ledning/oversikt", "GET"): LEAD,
    ("/frg/{organisation_id:id}/ledning/utlarmningar/ny", "GET"): LEAD,
    ("/frg/{organisation_id:id}/ledning/utlarmningar/ny", "POST"): LEAD,
    ("/frg/{organisation_id:id}/ledning/utlarmningar/{callout_id:id}", "GET"): LEAD,
    (
        "/frg/{organisation_id:id}/ledning/utlarmningar/{callout_id:id}/mottagare/{recipient_id:id}",
        "POST",
    ): LEAD,
    ("/frg/{organisation_id:id}/ledning/utlarmningar/{callout_id:id}/stang", "POST"): LEAD,
}
# Harmless forms (an invalid one is fine: it must get past access to be judged).
FORMS: dict[str, dict[str, str]] = {
    "/frg/{organisation_id:id}/tillganglighet/vecka": {"available": "ja"},
    "/frg/{organisation_id:id}/ledning/inbjudningar": {"email": "ny@example.se"},
    "/frg/{organisation_id:id}/mina-uppgifter/radera": {},  # not confirmed: nothing deleted
}
PERSONAS = ("volunteer", "lead", "coordinator", "partner", "frg_member", "anonymous")
ALLOWED = {
    MINE: {"volunteer"},
    LEAD: {"lead", "coordinator"},
    ANYONE_LOGGED_IN: {"volunteer", "lead", "coordinator", "partner", "frg_member"},
}


def frg_routes() -> list[tuple[str, str]]:
    return sorted(
        (route.path, method)
        for route in routes(dev_tools=False)
        if isinstance(route, Route) and route.path.startswith("/frg")
        for method in sorted(route.methods or [])
        if method != "HEAD"
    )


def test_every_frg_route_is_in_the_table() -> None:
    assert frg_routes() == sorted(TABLE)


def fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(:id)?\}", lambda m: ids[m.group(1)], path)


@pytest.fixture
async def world(
    app: Starlette, db: AsyncSession, group: int, lead: Persona, alice: Persona
) -> dict[str, object]:
    volunteer = await make_person(db, "Vera Volontär")
    volunteer_id = await make_volunteer(db, group, volunteer, skills=["Körkort B"])
    absence = Absence(
        volunteer_id=volunteer_id,
        starts_on=clock.today() + timedelta(days=60),
        ends_on=clock.today() + timedelta(days=61),
    )
    db.add(absence)
    await db.commit()
    pending = await make_volunteer(db, group, "Petra Pending", status=VolunteerStatus.PENDING)
    partner = await make_person(db, "Paul Partner")
    await add_member(
        db, partner, await make_organisation(db, "AB Botkyrkabyggen"), MembershipRole.ADMIN
    )
    frg_member = await make_person(db, "Frida Representant")
    await add_member(db, frg_member, group, MembershipRole.MEMBER)
    now = clock.now()
    callout_id = await callouts.send(
        db,
        actor=as_current(lead),
        group=GroupRow(group, "FRG Botkyrka", True),
        data=CalloutInput(
            "Övning", "Tumba", "", now + timedelta(hours=1), now + timedelta(hours=5), 1, None, True
        ),
        volunteer_ids=frozenset({volunteer_id}),
        settings=app.state.portal.settings,
        env=app.state.portal.templates.env,
    )
    recipient = await db.scalar(sa.select(col(Recipient.id)))
    return {
        "people": {
            "volunteer": volunteer,
            "lead": lead,
            "coordinator": alice,
            "partner": partner,
            "frg_member": frg_member,
        },
        "ids": {
            "organisation_id": str(group),
            "absence_id": str(absence.id),
            "volunteer_id": str(pending),
            "skill_id": str(await skill_id(db, group, "Körkort B")),
            "callout_id": str(callout_id),
            "recipient_id": str(recipient),
            "fmt": "json",
            "token": "made-up-token",
        },
    }


@pytest.mark.parametrize("who", PERSONAS)
async def test_each_route_lets_in_exactly_whom_the_table_says(
    app: Starlette, client: httpx.AsyncClient, world: dict[str, object], who: str
) -> None:
    people: dict[str, Persona] = world["people"]  # type: ignore[assignment]
    ids: dict[str, str] = world["ids"]  # type: ignore[assignment]
    headers = {}
    if who != "anonymous":
        await log_in(client, app, people[who])
        headers["X-CSRF-Token"] = await csrf_token(client, app)
    wrong = []
    # The deleting and closing routes last, so that the others see the world as it was made.
    for path, method in sorted(
        TABLE, key=lambda r: (any(w in r[0] for w in ("radera", "stang", "ta-bort")), r)
    ):
        who_may = TABLE[(path, method)]
        url = fill(path, ids)
        if method == "GET":
            response = await client.get(url)
        else:
            response = await client.post(url, data=FORMS.get(path, {}), headers=headers)
        status = response.status_code
        if who_may in (LINK,) or (who_may == LINK_THEN_LOGIN and method == "GET"):
            expected_ok = status == 410
        elif who == "anonymous":
            expected_ok = status == 303 and response.headers["location"].startswith("/auth/login")
        elif who_may == LINK_THEN_LOGIN:
            expected_ok = status == 410
        elif who in ALLOWED[who_may]:
            expected_ok = status in (200, 303, 400)
        else:
            expected_ok = status == 404
        if not expected_ok:
            wrong.append(f"{method} {path}: {status}")
    assert wrong == []
