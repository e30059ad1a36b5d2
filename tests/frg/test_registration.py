"""Joining (invitation or open sign-up link), the registration form, availability, and the
periodic availability mail with its signed one-click links."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.frg import tokens
from partner_portal.frg.models import (
    Absence,
    Volunteer,
    VolunteerSkill,
    VolunteerStatus,
    WeeklySlot,
)
from partner_portal.frg.slots import week_start
from partner_portal.jobs import housekeeping
from partner_portal.mail.models import OutboxMessage
from partner_portal.platform import clock
from partner_portal.platform.i18n import format_date
from tests.frg.factories import make_volunteer, skill_id
from tests.helpers import Persona, csrf_token, log_in, make_person

INVITATION = re.compile(r"http://127\.0\.0\.1:8000(/frg/inbjudan/[A-Za-z0-9_-]+)")
SIGNUP = re.compile(r"http://127\.0\.0\.1:8000(/frg/anmalan/[A-Za-z0-9_-]+)")
CONFIRM = re.compile(r"http://127\.0\.0\.1:8000(/frg/tillganglighet/[A-Za-z0-9._-]+)")
NAME_ATTR = re.compile(r'name="([^"]+)"')


async def volunteer_row(db: AsyncSession, person: Persona) -> Volunteer | None:
    await db.rollback()
    return await db.scalar(sa.select(Volunteer).where(col(Volunteer.person_id) == person.id))


async def week_answer(db: AsyncSession, volunteer_id: int) -> tuple[date | None, bool | None]:
    """The volunteer's one-tap answer as stored now: (the week's Monday, available)."""
    await db.rollback()
    row = (
        await db.execute(
            sa.select(col(Volunteer.week_start), col(Volunteer.week_available)).where(
                col(Volunteer.id) == volunteer_id
            )
        )
    ).one()
    return row[0], row[1]


async def as_person(client: httpx.AsyncClient, app: Starlette, person: Persona) -> dict[str, str]:
    client.cookies.clear()
    await log_in(client, app, person)
    return {"X-CSRF-Token": await csrf_token(client, app)}


# --- joining ---


async def test_a_lead_invites_and_the_invited_person_joins(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, group: int, lead: Persona
) -> None:
    headers = await as_person(client, app, lead)
    sent = await client.post(
        f"/frg/{group}/ledning/inbjudningar", data={"email": "ny@example.se"}, headers=headers
    )
    assert sent.status_code == 303
    body = await db.scalar(
        sa.select(col(OutboxMessage.body_text)).where(
            col(OutboxMessage.to_address) == "ny@example.se"
        )
    )
    assert body is not None
    match = INVITATION.search(body)
    assert match
    link = match.group(1)

    client.cookies.clear()
    page = await client.get(link)
    assert page.status_code == 200
    assert "Bli medlem i FRG Botkyrka" in page.text
    assert "Logga in för att gå med" in page.text

    newcomer = await make_person(db, "Nina Ny", email="ny@example.se")
    headers = await as_person(client, app, newcomer)
    joined = await client.post(link, headers=headers)

    assert joined.status_code == 303
    assert joined.headers["location"] == f"/frg/{group}/uppgifter"
    row = await volunteer_row(db, newcomer)
    assert row is not None
    assert (row.status, row.registered_at, row.email) == (
        VolunteerStatus.ACTIVE,
        None,
        "ny@example.se",
    )
    assert (await client.post(link, headers=headers)).status_code == 410  # used once


async def test_the_open_signup_link_needs_the_leads_approval(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, group: int, lead: Persona
) -> None:
    headers = await as_person(client, app, lead)
    page = await client.post(f"/frg/{group}/ledning/anmalningslank", headers=headers)
    match = SIGNUP.search(page.text)
    assert match
    link = match.group(1)
    renewed = await client.post(f"/frg/{group}/ledning/anmalningslank", headers=headers)
    new_match = SIGNUP.search(renewed.text)
    assert new_match
    assert new_match.group(1) != link
    assert (await client.get(link)).status_code == 410  # the old link stops working
    link = new_match.group(1)

    sam = await make_person(db, "Sam Självanmäld")
    headers = await as_person(client, app, sam)
    assert (await client.post(link, headers=headers)).status_code == 303
    row = await volunteer_row(db, sam)
    assert row is not None
    assert row.status is VolunteerStatus.PENDING

    headers = await as_person(client, app, lead)
    approved = await client.post(
        f"/frg/{group}/ledning/medlemmar/{row.id}/godkann", headers=headers
    )
    assert approved.status_code == 303
    row = await volunteer_row(db, sam)
    assert row is not None
    assert row.status is VolunteerStatus.ACTIVE


# --- the registration form ---


@pytest.fixture
async def vera(db: AsyncSession, group: int) -> tuple[Persona, int]:
    person = await make_person(db, "Vera Volontär")
    volunteer_id = await make_volunteer(db, group, person, registered=False, slots=[])
    return person, volunteer_id


async def test_the_form_explains_the_data_and_asks_for_nothing_else(
    app: Starlette, client: httpx.AsyncClient, group: int, vera: tuple[Persona, int]
) -> None:
    await as_person(client, app, vera[0])

    page = await client.get(f"/frg/{group}/uppgifter")

    assert page.status_code == 200
    for heading in ("Varför vi sparar dem", "Rättslig grund", "Vem som ser dem", "Hur länge"):
        assert heading in page.text
    assert "Avtal (artikel 6.1 b i dataskyddsförordningen)" in page.text
    form = page.text.split('class="portal-form frg-form"')[1].split("</form>")[0]
    assert set(NAME_ATTR.findall(form)) == {
        "csrf_token",
        "phone",
        "email",
        "skill",
        "agreement_signed_on",
        "basic_course_on",
        "informed",
    }
    lowered = form.lower()
    for word in ("personnummer", "hälsa", "allergi", "sjukdom", "diagnos"):
        assert word not in lowered


async def test_saving_keeps_the_listed_fields_and_ignores_anything_else(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    group: int,
    vera: tuple[Persona, int],
) -> None:
    headers = await as_person(client, app, vera[0])
    driving = await skill_id(db, group, "Körkort B")
    signed, course = clock.today() - timedelta(days=60), clock.today() - timedelta(days=14)
    response = await client.post(
        f"/frg/{group}/uppgifter",
        data={
            "phone": "070-765 43 21",
            "email": "vera.privat@example.se",
            "skill": [str(driving), "999999"],
            "agreement_signed_on": signed.isoformat(),
            "basic_course_on": course.isoformat(),
            "informed": "ja",
            # Not on the form: ignored.
            "personnummer": "19800101-1234",
            "halsa": "Diabetes",
            "status": "pending",
            "organisation_id": "999",
            "person_id": "1",
            "registered_at": (clock.today() - timedelta(days=9000)).isoformat(),
        },
        headers=headers,
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/frg/{group}/tillganglighet?sparat=1"
    row = await volunteer_row(db, vera[0])
    assert row is not None
    assert (row.phone, row.email, row.agreement_signed_on, row.basic_course_on) == (
        "070-765 43 21",
        "vera.privat@example.se",
        signed,
        course,
    )
    assert (row.status, row.organisation_id, row.person_id) == (
        VolunteerStatus.ACTIVE,
        group,
        vera[0].id,
    )
    assert row.registered_at is not None
    assert row.registered_at > clock.now() - timedelta(minutes=1)
    skills = (
        await db.scalars(
            sa.select(col(VolunteerSkill.skill_id)).where(
                col(VolunteerSkill.volunteer_id) == row.id
            )
        )
    ).all()
    assert skills == [driving]
    for table in ("frg_volunteer", "audit_event", "outbox_message"):
        dump = str((await db.execute(sa.text(f"SELECT * FROM {table}"))).all())  # noqa: S608
        assert "19800101" not in dump
        assert "Diabetes" not in dump


async def test_saving_needs_contact_details_and_the_information_read(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    group: int,
    vera: tuple[Persona, int],
) -> None:
    headers = await as_person(client, app, vera[0])

    response = await client.post(
        f"/frg/{group}/uppgifter",
        data={"phone": "ring mig", "email": "inte-en-adress", "basic_course_on": "2025-13-40"},
        headers=headers,
    )

    assert response.status_code == 400
    for message in (
        "Skriv telefonnumret med siffror",
        "Skriv en e-postadress",
        "Skriv datumet som ÅÅÅÅ-MM-DD",
        "Bekräfta att du har läst informationen",
    ):
        assert message in response.text
    row = await volunteer_row(db, vera[0])
    assert row is not None
    assert row.registered_at is None


# --- availability ---


async def test_the_volunteer_sets_the_pattern_the_week_and_absences(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    group: int,
    vera: tuple[Persona, int],
) -> None:
    person, volunteer_id = vera
    headers = await as_person(client, app, person)
    base = f"/frg/{group}/tillganglighet"

    assert (
        await client.post(base, data={"slot": ["1", "5", "27", "28", "x"]}, headers=headers)
    ).status_code == 303
    assert (
        await client.post(f"{base}/vecka", data={"available": "nej"}, headers=headers)
    ).status_code == 303
    away_from, away_to = clock.today() + timedelta(days=20), clock.today() + timedelta(days=40)
    bad = await client.post(
        f"/frg/{group}/franvaro",
        data={
            "starts_on": (away_from + timedelta(days=9)).isoformat(),
            "ends_on": away_from.isoformat(),
        },
        headers=headers,
    )
    good = await client.post(
        f"/frg/{group}/franvaro",
        data={"starts_on": away_from.isoformat(), "ends_on": away_to.isoformat()},
        headers=headers,
    )

    assert bad.status_code == 400
    assert "Slutdatumet kan inte vara före startdatumet" in bad.text
    # The refused dates come back as typed.
    assert f'value="{(away_from + timedelta(days=9)).isoformat()}"' in bad.text
    assert f'value="{away_from.isoformat()}"' in bad.text
    assert good.status_code == 303
    await db.rollback()
    slots = (
        await db.scalars(
            sa.select(col(WeeklySlot.slot)).where(col(WeeklySlot.volunteer_id) == volunteer_id)
        )
    ).all()
    assert sorted(slots) == [1, 5, 27]
    row = await db.get(Volunteer, volunteer_id)
    assert row is not None
    assert (row.week_start, row.week_available) == (week_start(clock.today()), False)
    page = await client.get(base)
    assert "Inte tillgänglig den här veckan" in page.text
    assert f"{format_date(away_from)} – {format_date(away_to)}" in page.text

    # Someone else's absence cannot be removed.
    other = await make_volunteer(db, group, "Otto Annan", absences=[(clock.today(), clock.today())])
    absence = await db.scalar(sa.select(col(Absence.id)).where(col(Absence.volunteer_id) == other))
    assert (
        await client.post(f"/frg/{group}/franvaro/{absence}/ta-bort", headers=headers)
    ).status_code == 404


# --- the periodic availability mail ---


async def test_volunteers_are_asked_to_confirm_their_availability_every_few_weeks(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, group: int
) -> None:
    settings = app.state.portal.settings
    due = await make_volunteer(db, group, "Dora Dags")
    recent = await make_volunteer(db, group, "Rut Nyss")
    await db.execute(
        sa.update(Volunteer)
        .where(col(Volunteer.id) == due)
        .values(registered_at=clock.now() - timedelta(days=settings.frg_availability_mail_days + 1))
    )
    await db.commit()

    await housekeeping(db, settings)
    await housekeeping(db, settings)  # asked once, not every round

    mails = (
        await db.execute(sa.select(col(OutboxMessage.to_address), col(OutboxMessage.body_text)))
    ).all()
    assert [to for to, _ in mails] == ["dora@example.se"]
    links = CONFIRM.findall(mails[0][1])
    assert len(links) == 3
    assert recent  # registered just now: not asked yet
    confirm, yes, no = links
    assert confirm.split("/")[-1].split(".")[1] == "stammer"

    page = await client.get(no)
    assert page.status_code == 200
    assert "Bekräfta att du inte är tillgänglig den här veckan" in page.text
    assert (await week_answer(db, due))[1] is None  # opening the link changes nothing

    done = await client.post(no)
    assert done.status_code == 200
    assert await week_answer(db, due) == (week_start(clock.today()), False)
    assert (await client.post(yes)).status_code == 200
    assert (await week_answer(db, due))[1] is True


async def test_a_tampered_or_expired_availability_link_is_gone(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, group: int
) -> None:
    secret = app.state.portal.settings.secret_key._value
    volunteer_id = await make_volunteer(db, group, "Tove Test")
    other_id = await make_volunteer(db, group, "Olof Annan")
    good = tokens.sign(secret, volunteer_id, "ja", clock.now() + timedelta(days=1))
    expired = tokens.sign(secret, volunteer_id, "ja", clock.now() - timedelta(seconds=1))
    as_other = good.replace(f"{volunteer_id}.", f"{other_id}.", 1)
    as_no = good.replace(".ja.", ".nej.")
    foreign = tokens.sign("another-secret", volunteer_id, "ja", clock.now() + timedelta(days=1))

    assert (await client.get(f"/frg/tillganglighet/{good}")).status_code == 200
    for token in (expired, as_other, as_no, foreign, good[:-1], "1.ja.1.x"):
        assert (await client.get(f"/frg/tillganglighet/{token}")).status_code == 410, token
        assert (await client.post(f"/frg/tillganglighet/{token}")).status_code == 410, token
    expired_page = await client.get(f"/frg/tillganglighet/{expired}")
    assert "Länken har gått ut" in expired_page.text
    await db.rollback()
    assert (
        await db.scalar(
            sa.select(sa.func.count())
            .select_from(Volunteer)
            .where(col(Volunteer.week_start).is_not(None))
        )
        == 0
    )


async def test_the_lead_sees_registrations_to_review_after_months_without_activity(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, group: int, lead: Persona
) -> None:
    months = app.state.portal.settings.frg_inactive_months
    await make_volunteer(
        db, group, "Ivar Inaktiv", last_active_at=clock.now() - timedelta(days=31 * months + 1)
    )
    await make_volunteer(db, group, "Alva Aktiv")
    await as_person(client, app, lead)

    page = await client.get(f"/frg/{group}/ledning")

    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(
            r'<th scope="row" class="table__column">([^<]+)</th>(.*?)</tr>', page.text, re.S
        )
    }
    assert f"Granska: inte aktiv på {months} månader" in rows["Ivar Inaktiv"]
    assert "Granska" not in rows["Alva Aktiv"]


# --- the one-tap week answer on each day of the week ---

WEEK_FIELD = re.compile(r'name="vecka" value="([0-9-]+)"')


def _frozen_on(weekday: int, at: time) -> date:
    """Freeze the clock on ``weekday`` (0 Monday) of the coming week at ``at`` Swedish time
    (a week away from the suite's start, whatever day that is); returns that day."""
    day = week_start(clock.today()) + timedelta(days=7 + weekday)
    moment = clock.wall_time(day, at)
    assert moment is not None
    clock.freeze(moment)
    return day


@pytest.mark.parametrize(
    ("weekday", "at"),
    # Every day at noon; late on Sunday; just after midnight on Monday (in UTC still Sunday).
    [(d, time(12, 0)) for d in range(7)] + [(6, time(23, 59)), (0, time(0, 30))],
)
async def test_the_week_answer_is_offered_for_the_right_weeks_on_every_day(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    group: int,
    vera: tuple[Persona, int],
    weekday: int,
    at: time,
) -> None:
    person, volunteer_id = vera
    day = _frozen_on(weekday, at)
    this_monday = day - timedelta(days=weekday)
    next_monday = this_monday + timedelta(days=7)
    headers = await as_person(client, app, person)
    base = f"/frg/{group}/tillganglighet"

    page = (await client.get(base)).text
    offered = WEEK_FIELD.findall(page)
    next_week = await client.post(
        f"{base}/vecka",
        data={"available": "ja", "vecka": next_monday.isoformat()},
        headers=headers,
    )
    stored_after_next = await week_answer(db, volunteer_id)
    this_week = await client.post(
        f"{base}/vecka",
        data={"available": "nej", "vecka": this_monday.isoformat()},
        headers=headers,
    )
    stored_after_this = await week_answer(db, volunteer_id)
    last_week = await client.post(
        f"{base}/vecka",
        data={"available": "ja", "vecka": (this_monday - timedelta(days=7)).isoformat()},
        headers=headers,
    )

    assert this_week.status_code == 303
    assert stored_after_this == (this_monday, False)
    assert last_week.status_code == 400
    assert "Du kan bara svara för den här veckan" in last_week.text
    assert await week_answer(db, volunteer_id) == (this_monday, False)
    if weekday == 6:  # Sunday: this week has only today left, so next week is offered too
        assert offered == [this_monday.isoformat(), next_monday.isoformat()]
        assert "Tillgänglig nästa vecka" in page
        assert next_week.status_code == 303
        assert next_week.headers["location"].endswith("sparat=nasta-vecka")
        assert stored_after_next == (next_monday, True)
    else:
        assert offered == [this_monday.isoformat()]
        assert "nästa vecka" not in page.lower()
        assert next_week.status_code == 400
        assert stored_after_next == (None, None)


async def test_a_week_answer_without_a_week_is_for_this_week(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    group: int,
    vera: tuple[Persona, int],
) -> None:
    person, volunteer_id = vera
    day = _frozen_on(6, time(20, 0))
    headers = await as_person(client, app, person)

    answered = await client.post(
        f"/frg/{group}/tillganglighet/vecka", data={"available": "ja"}, headers=headers
    )
    garbled = await client.post(
        f"/frg/{group}/tillganglighet/vecka",
        data={"available": "ja", "vecka": "nästa"},
        headers=headers,
    )

    assert answered.headers["location"].endswith("sparat=vecka")
    assert await week_answer(db, volunteer_id) == (day - timedelta(days=6), True)
    assert garbled.status_code == 400
