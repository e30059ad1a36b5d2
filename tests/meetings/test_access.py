"""Who sees meetings, minutes and actions: room meetings follow the room's membership,
portal-wide ones the invited organisations (and coordinators); everyone else gets 404. And
the calendar feed's secret URL stops working when revoked."""

from __future__ import annotations

import re
from datetime import date, timedelta

import httpx
import pytest
import sqlalchemy as sa
from icalendar import Calendar
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette
from starlette.routing import Route

from partner_portal.actions.models import Action
from partner_portal.actions.service import ActionInput
from partner_portal.auth.models import Person
from partner_portal.meetings.models import MeetingDecision
from partner_portal.routes import routes
from tests.helpers import Persona, csrf_token, log_in
from tests.meetings.conftest import World
from tests.meetings.factories import decide, meeting_day, schedule

MEETING_ROUTES = [
    (route.path, sorted(m for m in route.methods or [] if m != "HEAD"))
    for route in routes(dev_tools=False)
    if isinstance(route, Route) and route.path.startswith("/moten/{meeting_id")
]
ACTION_ROUTES = [
    (route.path, sorted(m for m in route.methods or [] if m != "HEAD"))
    for route in routes(dev_tools=False)
    if isinstance(route, Route) and route.path.startswith("/atgarder/{action_id")
]


def fill(path: str, **ids: int) -> str:
    return re.sub(r"\{(\w+):id\}", lambda m: str(ids[m.group(1)]), path)


async def request(
    client: httpx.AsyncClient,
    app: Starlette,
    method: str,
    path: str,
    *,
    htmx: bool = False,
    logged_in: bool = True,
) -> httpx.Response:
    headers = {"HX-Request": "true"} if htmx else {}
    if method == "GET":
        return await client.get(path, headers=headers)
    data = {"csrf_token": await csrf_token(client, app)} if logged_in else {}
    return await client.post(path, data=data, headers=headers)


def due_on() -> date:
    """When the actions from the meetings' decisions are due: a fortnight after the meeting."""
    return meeting_day() + timedelta(days=17)


@pytest.fixture
async def room_meeting(app: Starlette, db: AsyncSession, alice: Persona, world: World) -> int:
    """A meeting in the room, to which only Byggen is invited; with minutes and an action."""
    meeting_id = await schedule(db, app, alice, world.byggen, room_id=world.room_id)
    await decide(
        db,
        alice,
        meeting_id,
        "Byggen tar fram en lista.",
        ActionInput("Ta fram listan", "", world.byggen, None, due_on()),
    )
    return meeting_id


async def action_id(db: AsyncSession, title: str) -> int:
    await db.rollback()
    value = await db.scalar(sa.select(col(Action.id)).where(col(Action.title) == title))
    assert value is not None
    return value


def test_the_meeting_and_action_routes_are_covered() -> None:
    assert len(MEETING_ROUTES) >= 7
    assert len(ACTION_ROUTES) == 2


@pytest.mark.parametrize(("path", "methods"), MEETING_ROUTES)
async def test_every_meeting_route_is_hidden_outside_the_room(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    charlie: Persona,
    room_meeting: int,
    path: str,
    methods: list[str],
) -> None:
    await db.rollback()
    decision_id = await db.scalar(
        sa.select(col(MeetingDecision.id)).where(col(MeetingDecision.meeting_id) == room_meeting)
    )
    assert decision_id is not None
    url = fill(path, meeting_id=room_meeting, decision_id=decision_id)
    for method in methods:
        anonymous = await request(client, app, method, url, logged_in=False)
        assert anonymous.status_code == 303, (method, url)
        assert anonymous.headers["location"].startswith("/auth/login")
    await log_in(client, app, charlie)
    for method in methods:
        for htmx in (False, True):
            outsider = await request(client, app, method, url, htmx=htmx)
            assert outsider.status_code == 404, (method, url, htmx)


@pytest.mark.parametrize(("path", "methods"), ACTION_ROUTES)
async def test_every_action_route_is_hidden_outside_the_room(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    charlie: Persona,
    room_meeting: int,
    path: str,
    methods: list[str],
) -> None:
    url = fill(path, action_id=await action_id(db, "Ta fram listan"))
    await log_in(client, app, charlie)
    for method in methods:
        response = await request(client, app, method, url)
        assert response.status_code == 404, (method, url)
    assert "Ta fram listan" not in (await client.get("/atgarder")).text
    assert "Samverkansmöte nödvatten" not in (await client.get("/moten")).text


async def test_the_rooms_people_see_its_meeting_minutes_and_actions(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    world: World,
    room_meeting: int,
) -> None:
    # Dave's organisation is in the room but not invited: he sees, but does not answer.
    await log_in(client, app, world.dave)
    page = await client.get(f"/moten/{room_meeting}")
    assert page.status_code == 200
    assert "Byggen tar fram en lista." in page.text
    assert "Kommer du?" not in page.text
    refused = await client.post(
        f"/moten/{room_meeting}/svar",
        data={"rsvp": "yes", "csrf_token": await csrf_token(client, app)},
    )
    assert refused.status_code == 403
    action = await action_id(db, "Ta fram listan")
    assert (await client.get(f"/atgarder/{action}")).status_code == 200
    assert "Ta fram listan" in (await client.get("/atgarder")).text
    # … nor change an action his organisation does not own.
    denied = await client.post(
        f"/atgarder/{action}/lage",
        data={"status": "done", "csrf_token": await csrf_token(client, app)},
    )
    assert denied.status_code == 403
    # Partners never manage meetings.
    for path in (
        "/moten/nytt",
        f"/moten/{room_meeting}/andra",
        f"/moten/{room_meeting}/beslut/1/atgard",
        "/atgarder/ny",
    ):
        assert (await client.get(path)).status_code == 404, path


async def test_a_portal_wide_meeting_is_seen_by_its_invited_organisations_and_coordinators(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
) -> None:
    meeting_id = await schedule(db, app, alice, world.byggen, title="Portalmöte")
    await decide(
        db,
        alice,
        meeting_id,
        "Beslut.",
        ActionInput("Portalåtgärd", "", world.byggen, None, due_on()),
    )
    action = await action_id(db, "Portalåtgärd")

    for persona, status in ((bob, 200), (alice, 200), (world.dave, 404)):
        await log_in(client, app, persona)
        assert (await client.get(f"/moten/{meeting_id}")).status_code == status, persona.name
        assert (await client.get(f"/moten/{meeting_id}/mote.ics")).status_code == status
        assert (await client.get(f"/atgarder/{action}")).status_code == status
        assert ("Portalmöte" in (await client.get("/moten")).text) is (status == 200)


async def test_the_calendar_feed_works_until_it_is_revoked(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    bob: Persona,
    room_meeting: int,
) -> None:
    await log_in(client, app, bob)
    assert "Du har ingen prenumerationslänk." in (await client.get("/kalender")).text
    page = await client.post("/kalender", data={"csrf_token": await csrf_token(client, app)})
    assert page.status_code == 200
    found = re.search(
        r'value="(http://127\.0\.0\.1:8000/kalender/[A-Za-z0-9_-]{43}\.ics)"', page.text
    )
    assert found
    feed_path = found.group(1).removeprefix("http://127.0.0.1:8000")

    anonymous = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8000"
    )
    async with anonymous:
        feed = await anonymous.get(feed_path)
        assert feed.status_code == 200
        assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
        assert "SUMMARY:Samverkansmöte nödvatten" in feed.text
        assert "SUMMARY:Åtgärd: Ta fram listan" in feed.text
        assert f"DTSTART;VALUE=DATE:{due_on():%Y%m%d}" in feed.text
        assert "Sista dag" in feed.text  # the room's phase deadlines
        calendar = Calendar.from_ical(feed.text)
        summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
        assert summaries[:2] == ["Samverkansmöte nödvatten", "Åtgärd: Ta fram listan"]
        assert len({str(e["UID"]) for e in calendar.walk("VEVENT")}) == len(summaries)

        # A new link replaces the old one.
        await client.post("/kalender", data={"csrf_token": await csrf_token(client, app)})
        assert (await anonymous.get(feed_path)).status_code == 404

        page = await client.post("/kalender", data={"csrf_token": await csrf_token(client, app)})
        found = re.search(r"/kalender/[A-Za-z0-9_-]{43}\.ics", page.text)
        assert found
        assert (await anonymous.get(found.group(0))).status_code == 200
        revoked = await client.post(
            "/kalender/aterkalla", data={"csrf_token": await csrf_token(client, app)}
        )
        assert revoked.status_code == 303
        assert (await anonymous.get(found.group(0))).status_code == 404
        assert (await anonymous.get("/kalender/" + "x" * 43 + ".ics")).status_code == 404
        assert (await anonymous.get("/kalender/kort.ics")).status_code == 404


async def test_a_deactivated_persons_feed_stops(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, bob: Persona, world: World
) -> None:
    await log_in(client, app, bob)
    page = await client.post("/kalender", data={"csrf_token": await csrf_token(client, app)})
    found = re.search(r"/kalender/[A-Za-z0-9_-]{43}\.ics", page.text)
    assert found
    client.cookies.clear()
    assert (await client.get(found.group(0))).status_code == 200

    await db.execute(sa.update(Person).where(col(Person.id) == bob.id).values(is_active=False))
    await db.commit()

    assert (await client.get(found.group(0))).status_code == 404
