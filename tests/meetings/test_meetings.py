"""Meetings through the pages: scheduling, answers, attendance, decisions and actions, the
participation evidence they leave, and bounded queries on the lists."""

from __future__ import annotations

import re
from datetime import time, timedelta

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.actions.models import Action, ActionSource, ActionStatus
from partner_portal.actions.service import ActionInput
from partner_portal.audit.models import AuditEvent
from partner_portal.evidence.models import Evidence, EvidenceKind, Process
from partner_portal.mail.models import OutboxMessage
from partner_portal.meetings.models import Meeting, MeetingPerson
from partner_portal.organisations.models import MembershipRole
from partner_portal.platform import clock
from partner_portal.rooms.models import RoomPhase
from tests.helpers import (
    Persona,
    assert_error_links_resolve,
    csrf_token,
    log_in,
    make_person,
)
from tests.meetings.conftest import ROOM_NAME, World
from tests.meetings.factories import (
    START,
    days_ahead,
    decide,
    full_date,
    meeting_day,
    schedule,
    stockholm,
)
from tests.organisations.factories import add_member, make_organisation
from tests.queries import QueryCounter


def meeting_form() -> dict[str, object]:
    """The coordinator's form for a meeting on the factories' meeting day, 09:00–11:00."""
    return {
        "title": "Samverkansmöte om nödvatten",
        "day": meeting_day().isoformat(),
        "start": "09:00",
        "end": "11:00",
        "place": "Kommunhuset, Tumba",
        "video_url": "https://meet.example.se/nodvatten",
        "agenda": "1. Läget\n2. Tankar",
    }


async def post(
    client: httpx.AsyncClient, app: Starlette, path: str, data: dict[str, object]
) -> httpx.Response:
    return await client.post(path, data={**data, "csrf_token": await csrf_token(client, app)})


async def evidence(db: AsyncSession, kind: EvidenceKind) -> list[Evidence]:
    await db.rollback()
    return list(
        await db.scalars(
            sa.select(Evidence).where(col(Evidence.kind) == kind).order_by(col(Evidence.id))
        )
    )


async def test_the_coordinator_schedules_a_meeting_in_a_room(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
) -> None:
    await log_in(client, app, alice)
    form = await client.get(f"/moten/nytt?rum={world.room_id}")
    assert f'id="org-{world.byggen}"' in form.text
    assert f'id="org-{world.outside}"' not in form.text  # not in the room

    response = await post(
        client,
        app,
        "/moten/nytt",
        meeting_form() | {"room_id": str(world.room_id), "organisation": [str(world.byggen)]},
    )

    assert response.status_code == 303
    meeting_id = int(response.headers["location"].rsplit("/", 1)[1])
    await db.rollback()
    meeting = await db.get(Meeting, meeting_id)
    assert meeting is not None
    assert meeting.room_id == world.room_id
    assert meeting.starts_at.isoformat() == stockholm(meeting_day(), time(9, 0)).isoformat()
    invitations = list(
        await db.scalars(
            sa.select(OutboxMessage).where(col(OutboxMessage.related_type) == "meeting")
        )
    )
    assert [m.to_address for m in invitations] == [bob.email]
    assert invitations[0].calendar_method == "REQUEST"
    page = (await client.get(f"/moten/{meeting_id}")).text
    assert "<h1>Samverkansmöte om nödvatten</h1>" in page
    assert f"{full_date(meeting_day())} 09:00–11:00" in page
    assert 'href="https://meet.example.se/nodvatten"' in page
    assert "Bob Bergström" in page
    actions = [e.action for e in await db.scalars(sa.select(AuditEvent))]
    assert "meeting_created" in actions


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": ""}, "title", "Ge mötet en rubrik."),
        ({"video_url": "javascript:alert(1)"}, "video_url", "Ange en fullständig länk"),
        ({"end": "08:00"}, "end", "Mötet måste sluta efter att det börjar."),
        ({"day": "{year}-02-30"}, "day", "Ange datum som ÅÅÅÅ-MM-DD."),  # in no year
        ({"place": "", "video_url": ""}, "place", "Ange en plats eller en länk"),
        ({"organisation": []}, "organisations", "Bjud in minst en organisation."),
        ({"organisation": ["999999"]}, "organisations", "Bjud bara in organisationer"),
    ],
)
async def test_bad_input_is_refused_in_swedish_and_nothing_is_written(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    world: World,
    change: dict[str, object],
    field: str,
    message: str,
) -> None:
    await log_in(client, app, alice)
    if "day" in change:
        change = change | {"day": str(change["day"]).format(year=meeting_day().year)}

    response = await post(
        client, app, "/moten/nytt", meeting_form() | {"organisation": [str(world.byggen)]} | change
    )

    assert response.status_code == 400
    assert message in response.text
    assert f'href="#f-{field}"' in response.text
    await db.rollback()
    assert await db.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 0


async def test_answers_attendance_decisions_and_actions_leave_evidence(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
) -> None:
    meeting_id = await schedule(db, app, alice, world.byggen, world.upplev, room_id=world.room_id)
    due = meeting_day() + timedelta(days=17)
    await log_in(client, app, bob)
    assert "Kommer du?" in (await client.get(f"/moten/{meeting_id}")).text

    assert (
        await post(client, app, f"/moten/{meeting_id}/svar", {"rsvp": "maybe"})
    ).status_code == 303
    await post(client, app, f"/moten/{meeting_id}/svar", {"rsvp": "maybe"})  # unchanged
    await post(client, app, f"/moten/{meeting_id}/svar", {"rsvp": "yes"})
    bad = await post(client, app, f"/moten/{meeting_id}/svar", {"rsvp": "kanske-inte"})
    assert bad.status_code == 400

    rsvps = await evidence(db, EvidenceKind.RSVP_GIVEN)
    assert [(e.organisation_id, e.person_id, e.details["answer"]) for e in rsvps] == [
        (world.byggen, bob.id, "maybe"),
        (world.byggen, bob.id, "yes"),
    ]
    assert {(e.process, e.room_id, e.link) for e in rsvps} == {
        (Process.EL_STYREL, world.room_id, f"/moten/{meeting_id}")
    }

    await log_in(client, app, alice)
    page = (await client.get(f"/moten/{meeting_id}")).text
    assert "Ja" in page
    assert "Dave Dahl" in page
    clock.advance(stockholm(meeting_day(), START) - clock.now())  # the meeting has begun
    await log_in(client, app, alice)  # a fresh session, a fortnight later
    for _ in range(2):  # recorded twice: evidence once
        recorded = await post(
            client, app, f"/moten/{meeting_id}/narvaro", {"present": [str(bob.id)]}
        )
        assert recorded.status_code == 303
    attended = await evidence(db, EvidenceKind.MEETING_ATTENDED)
    assert [(e.organisation_id, e.person_id, e.process) for e in attended] == [
        (world.byggen, bob.id, Process.EL_STYREL)
    ]
    people = {
        p.person_id: p.attended
        for p in await db.scalars(
            sa.select(MeetingPerson).where(col(MeetingPerson.meeting_id) == meeting_id)
        )
    }
    assert people == {bob.id: True, world.dave.id: False}

    minutes = await post(
        client, app, f"/moten/{meeting_id}/protokoll", {"minutes": "Vi gick igenom läget."}
    )
    assert minutes.status_code == 303
    decided = await post(
        client,
        app,
        f"/moten/{meeting_id}/beslut",
        {
            "decision": "Byggen inventerar sina tankar.",
            "action_title": "Inventera tankar",
            "action_organisation": str(world.byggen),
            "action_person": str(bob.id),
            "action_due_on": due.isoformat(),
        },
    )
    assert decided.status_code == 303
    outside_owner = await post(
        client,
        app,
        f"/moten/{meeting_id}/beslut",
        {
            "decision": "Fel ägare.",
            "action_title": "X",
            "action_organisation": str(world.outside),
            "action_due_on": due.isoformat(),
        },
    )
    assert outside_owner.status_code == 400
    assert "Välj en organisation i listan." in outside_owner.text
    await db.rollback()
    [action] = list(await db.scalars(sa.select(Action)))
    assert (action.organisation_id, action.person_id, action.due_on) == (
        world.byggen,
        bob.id,
        due,
    )
    assert action.source_type is ActionSource.MEETING_DECISION
    assert action.source_link.startswith(f"/moten/{meeting_id}#beslut-")
    assert (action.room_id, action.meeting_id) == (world.room_id, meeting_id)
    page = (await client.get(f"/moten/{meeting_id}")).text
    assert "Vi gick igenom läget." in page
    assert f'href="/atgarder/{action.id}">Inventera tankar</a>' in page

    action_id = action.id
    await log_in(client, app, bob)
    home = (await client.get("/")).text
    assert "Väntar på min organisation" in home
    assert f'<a href="/atgarder/{action.id}">Inventera tankar</a>' in home
    assert (
        await post(client, app, f"/atgarder/{action.id}/lage", {"status": "in_progress"})
    ).status_code == 303
    assert (
        await post(client, app, f"/atgarder/{action.id}/lage", {"status": "done"})
    ).status_code == 303
    assert "Väntar på min organisation" not in (await client.get("/")).text
    [completed] = await evidence(db, EvidenceKind.ACTION_COMPLETED)
    assert (completed.organisation_id, completed.person_id, completed.process) == (
        world.byggen,
        bob.id,
        Process.EL_STYREL,
    )
    assert completed.link == f"/atgarder/{action_id}"
    done = await db.get(Action, action_id)
    assert done is not None
    assert done.status is ActionStatus.DONE
    assert done.completed_by == bob.id


async def test_a_portal_wide_meetings_evidence_belongs_to_no_process(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
) -> None:
    meeting_id = await schedule(db, app, alice, world.byggen)
    await log_in(client, app, bob)
    await post(client, app, f"/moten/{meeting_id}/svar", {"rsvp": "yes"})

    [given] = await evidence(db, EvidenceKind.RSVP_GIVEN)
    assert (given.process, given.room_id) == (None, None)


async def test_a_cancelled_meeting_takes_no_answers(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
) -> None:
    meeting_id = await schedule(db, app, alice, world.byggen)
    await log_in(client, app, alice)
    assert (
        await post(client, app, f"/moten/{meeting_id}/stall-in", {"bekraftat": "ja"})
    ).status_code == 303
    await log_in(client, app, bob)

    page = await client.get(f"/moten/{meeting_id}")
    response = await post(client, app, f"/moten/{meeting_id}/svar", {"rsvp": "yes"})

    assert "Inställt" in page.text
    assert response.status_code == 400
    assert "Mötet är inställt." in response.text


async def test_the_coordinator_gives_an_action_from_a_rooms_phase(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, world: World
) -> None:
    phase_id = await db.scalar(
        sa.select(col(RoomPhase.id)).where(col(RoomPhase.room_id) == world.room_id)
    )
    due = days_ahead(30).isoformat()
    await log_in(client, app, alice)
    assert f"{ROOM_NAME} – " in (await client.get("/atgarder/ny")).text

    refused = await post(
        client,
        app,
        "/atgarder/ny",
        {
            "phase": str(phase_id),
            "action_title": "Skicka listan",
            "action_organisation": str(world.outside),
            "action_due_on": due,
        },
    )
    created = await post(
        client,
        app,
        "/atgarder/ny",
        {
            "phase": str(phase_id),
            "action_title": "Skicka listan",
            "action_organisation": str(world.upplev),
            "action_due_on": due,
        },
    )

    assert refused.status_code == 400
    assert created.status_code == 303
    await db.rollback()
    [action] = list(await db.scalars(sa.select(Action)))
    assert action.source_type is ActionSource.ROOM_PHASE
    assert action.source_link == f"/rum/{world.room_id}#fas-{phase_id}"


@pytest.mark.parametrize("coordinator", [True, False])
async def test_the_meeting_and_action_lists_keep_a_constant_number_of_queries(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
    coordinator: bool,
    query_counter: QueryCounter,
) -> None:
    due = meeting_day() + timedelta(days=17)

    async def meetings_with_actions(start: int, stop: int) -> None:
        for number in range(start, stop):
            organisation = await make_organisation(db, f"Bolag {number:03d}")
            admin = await make_person(db, f"Admin {number:03d}", email=f"a{number}@x.se")
            await add_member(db, admin, organisation, MembershipRole.ADMIN)
            meeting_id = await schedule(
                db, app, alice, world.byggen, organisation, title=f"Möte {number:03d}"
            )
            await decide(
                db,
                alice,
                meeting_id,
                f"Beslut {number}",
                ActionInput(f"Åtgärd {number:03d}", "", world.byggen, bob.id, due),
            )

    await log_in(client, app, alice if coordinator else bob)
    await meetings_with_actions(0, 3)
    counts_3 = [await query_counter.for_page(client, p) for p in ("/moten", "/atgarder", "/")]
    await meetings_with_actions(3, 20)
    counts_20 = [await query_counter.for_page(client, p) for p in ("/moten", "/atgarder", "/")]

    assert counts_3 == counts_20
    assert max(counts_20) <= 8
    assert (await client.get("/moten")).text.count(">Möte 0") == 20
    assert (await client.get("/atgarder")).text.count(">Åtgärd 0") == 20


async def test_the_room_page_leads_to_the_rooms_meetings_and_actions(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, world: World
) -> None:
    await schedule(db, app, alice, world.byggen, room_id=world.room_id, title="Rummets möte")
    await schedule(db, app, alice, world.byggen, title="Portalens möte")
    await log_in(client, app, alice)

    room_page = (await client.get(f"/rum/{world.room_id}")).text
    filtered = (await client.get(f"/moten?rum={world.room_id}")).text

    assert f'href="/moten?rum={world.room_id}"' in room_page
    assert f'href="/moten/nytt?rum={world.room_id}"' in room_page
    assert "Rummets möte" in filtered
    assert "Portalens möte" not in filtered
    assert "Portalens möte" in (await client.get("/moten")).text


async def test_the_coordinator_changes_a_meeting_through_its_form(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, world: World
) -> None:
    meeting_id = await schedule(db, app, alice, world.byggen)
    await log_in(client, app, alice)

    form = (await client.get(f"/moten/{meeting_id}/andra")).text
    changed = await post(
        client,
        app,
        f"/moten/{meeting_id}/andra",
        meeting_form() | {"start": "13:00", "end": "15:00", "organisation": [str(world.byggen)]},
    )

    assert f'value="{meeting_day().isoformat()}"' in form
    assert 'value="09:00"' in form  # Stockholm time, not UTC
    assert f'id="org-{world.byggen}" name="organisation" value="{world.byggen}" checked' in form
    assert changed.status_code == 303
    await db.rollback()
    meeting = await db.get(Meeting, meeting_id)
    assert meeting is not None
    assert meeting.sequence == 1
    assert meeting.starts_at.isoformat() == stockholm(meeting_day(), time(13, 0)).isoformat()


async def test_a_meeting_downloads_as_an_ics_file(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    bob: Persona,
    alice: Persona,
    world: World,
) -> None:
    meeting_id = await schedule(db, app, alice, world.byggen)
    await log_in(client, app, bob)

    response = await client.get(f"/moten/{meeting_id}/mote.ics")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert (
        response.headers["content-disposition"] == f'attachment; filename="mote-{meeting_id}.ics"'
    )
    assert f"DTSTART;TZID=Europe/Stockholm:{meeting_day():%Y%m%d}T090000" in response.text
    assert "SUMMARY:Samverkansmöte nödvatten" in response.text


async def test_a_refused_room_meeting_form_keeps_its_room(
    app: Starlette, client: httpx.AsyncClient, alice: Persona, world: World
) -> None:
    await log_in(client, app, alice)

    response = await post(
        client,
        app,
        "/moten/nytt",
        meeting_form()
        | {"title": "", "room_id": str(world.room_id), "organisation": [str(world.byggen)]},
    )

    assert response.status_code == 400
    assert f'name="room_id" value="{world.room_id}"' in response.text
    assert f'id="org-{world.outside}"' not in response.text
    assert (
        f'id="org-{world.byggen}" name="organisation" value="{world.byggen}" checked'
        in response.text
    )


async def test_a_decision_can_give_more_actions(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
) -> None:
    meeting_id = await schedule(db, app, alice, world.byggen, world.upplev)
    other_meeting = await schedule(db, app, alice, world.byggen, title="Ett annat möte")
    decision_id = await decide(db, alice, meeting_id, "Båda bolagen ser över reservkraften.")
    other_decision = await decide(db, alice, other_meeting, "Något annat.")
    await log_in(client, app, alice)
    page = f"/moten/{meeting_id}/beslut/{decision_id}/atgard"
    assert f'href="{page}"' in (await client.get(f"/moten/{meeting_id}")).text

    form = await client.get(page)
    refused = await post(client, app, page, {"action_title": "", "action_due_on": "i morgon"})
    for organisation, title in ((world.byggen, "Byggens del"), (world.upplev, "Upplevs del")):
        created = await post(
            client,
            app,
            page,
            {
                "action_title": title,
                "action_organisation": str(organisation),
                "action_due_on": days_ahead(60).isoformat(),
            },
        )
        assert created.status_code == 303
        assert created.headers["location"] == f"/moten/{meeting_id}#beslut-{decision_id}"
    elsewhere = await client.get(f"/moten/{meeting_id}/beslut/{other_decision}/atgard")

    assert form.status_code == 200
    assert "Båda bolagen ser över reservkraften." in form.text
    assert refused.status_code == 400
    assert "Beskriv kort vad som ska göras." in refused.text
    assert "Ange sista dag som ÅÅÅÅ-MM-DD." in refused.text
    assert elsewhere.status_code == 404
    await db.rollback()
    actions = list(await db.scalars(sa.select(Action).order_by(col(Action.id))))
    assert [(a.title, a.source_id) for a in actions] == [
        ("Byggens del", decision_id),
        ("Upplevs del", decision_id),
    ]


async def test_attendance_and_minutes_wait_for_the_meeting_to_begin(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
) -> None:
    meeting_id = await schedule(db, app, alice, world.byggen, room_id=world.room_id)
    await log_in(client, app, alice)
    before = (await client.get(f"/moten/{meeting_id}")).text
    early_attendance = await post(
        client, app, f"/moten/{meeting_id}/narvaro", {"present": [str(bob.id)]}
    )
    early_minutes = await post(
        client, app, f"/moten/{meeting_id}/protokoll", {"minutes": "Vi gick igenom läget."}
    )
    clock.advance(stockholm(meeting_day(), START) - clock.now() - timedelta(seconds=1))
    await log_in(client, app, alice)
    still_early = await post(
        client, app, f"/moten/{meeting_id}/narvaro", {"present": [str(bob.id)]}
    )
    clock.advance(timedelta(seconds=1))  # 09:00, the meeting's start
    await log_in(client, app, alice)  # a fresh session, a fortnight later
    started = (await client.get(f"/moten/{meeting_id}")).text
    attendance = await post(client, app, f"/moten/{meeting_id}/narvaro", {"present": [str(bob.id)]})
    minutes = await post(
        client, app, f"/moten/{meeting_id}/protokoll", {"minutes": "Vi gick igenom läget."}
    )

    assert "Spara närvaron" not in before
    assert "Skriv protokollet" not in before
    assert "kan registreras när mötet har börjat" in before
    assert early_attendance.status_code == still_early.status_code == 400
    assert "Närvaron kan registreras först när mötet har börjat." in early_attendance.text
    assert_error_links_resolve(early_attendance.text)
    assert early_minutes.status_code == 400
    assert "Protokollet kan skrivas först när mötet har börjat." in early_minutes.text
    assert_error_links_resolve(early_minutes.text)
    assert "Spara närvaron" in started
    assert "Skriv protokollet" in started
    assert attendance.status_code == minutes.status_code == 303
    assert [e.person_id for e in await evidence(db, EvidenceKind.MEETING_ATTENDED)] == [bob.id]


async def test_a_refused_attendance_form_keeps_the_ticked_boxes(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
) -> None:
    meeting_id = await schedule(db, app, alice, world.byggen, room_id=world.room_id)
    clock.advance(stockholm(meeting_day(), START) - clock.now())
    await log_in(client, app, alice)

    refused = await post(
        client, app, f"/moten/{meeting_id}/narvaro", {"present": [str(bob.id), "x"]}
    )

    assert refused.status_code == 400
    assert "Välj närvarande i listan." in refused.text
    assert re.search(rf'id="present-{bob.id}"[^>]*checked', refused.text)
    assert not re.search(rf'id="present-{world.dave.id}"[^>]*checked', refused.text)


async def test_the_answer_starts_empty_and_an_empty_answer_is_refused_in_swedish(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
) -> None:
    meeting_id = await schedule(db, app, alice, world.byggen, room_id=world.room_id)
    await log_in(client, app, bob)
    page = (await client.get(f"/moten/{meeting_id}")).text

    empty = await post(client, app, f"/moten/{meeting_id}/svar", {})
    await post(client, app, f"/moten/{meeting_id}/svar", {"rsvp": "no"})
    answered = (await client.get(f"/moten/{meeting_id}")).text

    assert 'name="rsvp"' in page
    assert not re.search(r'name="rsvp"[^>]*checked', page)
    assert empty.status_code == 400
    assert "Välj ja, nej eller kanske." in empty.text
    assert_error_links_resolve(empty.text)
    assert not re.search(r'name="rsvp"[^>]*checked', empty.text)
    assert re.search(r'id="rsvp-no"[^>]*checked', answered)  # the stored answer is shown


@pytest.mark.parametrize("form", ["decision", "decision_action", "phase_action"])
async def test_a_due_date_in_the_past_needs_a_ticked_confirmation(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    world: World,
    form: str,
) -> None:
    meeting_id = await schedule(db, app, alice, world.byggen, room_id=world.room_id)
    yesterday = (clock.today() - timedelta(days=1)).isoformat()
    fields: dict[str, object] = {
        "action_title": "Inventera tankar",
        "action_organisation": str(world.byggen),
        "action_due_on": yesterday,
    }
    if form == "decision":
        path = f"/moten/{meeting_id}/beslut"
        fields["decision"] = "Byggen inventerar sina tankar."
    elif form == "decision_action":
        decision_id = await decide(db, alice, meeting_id, "Byggen inventerar sina tankar.")
        path = f"/moten/{meeting_id}/beslut/{decision_id}/atgard"
    else:
        phase_id = await db.scalar(
            sa.select(col(RoomPhase.id)).where(col(RoomPhase.room_id) == world.room_id)
        )
        path = "/atgarder/ny"
        fields["phase"] = str(phase_id)
    await log_in(client, app, alice)

    refused = await post(client, app, path, fields)
    await db.rollback()
    nothing = await db.scalar(sa.select(sa.func.count()).select_from(Action))
    confirmed = await post(client, app, path, fields | {"action_past_due": "ja"})

    assert refused.status_code == 400
    assert "Sista dagen har redan passerat." in refused.text
    assert 'name="action_past_due"' in refused.text
    assert_error_links_resolve(refused.text)
    assert f'value="{yesterday}"' in refused.text  # the typed date is kept
    assert nothing == 0
    assert confirmed.status_code == 303
    await db.rollback()
    [action] = await db.scalars(sa.select(Action))
    assert action.due_on.isoformat() == yesterday
