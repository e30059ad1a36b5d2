"""Deadline reminders, run on a chosen instant and delivered over real SMTP: each step once, at
08:00 Swedish time, to the main contacts, escalated once to the deputy and the other members,
and never again once the organisation has answered."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.evidence.models import Process
from partner_portal.followthrough import rules, service
from partner_portal.followthrough.queries import OwedRow
from partner_portal.mail import preferences
from partner_portal.mail.preferences import Preferences
from partner_portal.meetings.models import Rsvp
from partner_portal.organisations.models import MembershipRole
from partner_portal.platform import clock
from partner_portal.platform.settings import Settings
from partner_portal.reminders.models import Owed, ReminderSent, Step
from tests.consultations.factories import open_consultation, published_plan
from tests.followthrough.conftest import World, at, clear_outbox, round_at, set_deadlines
from tests.helpers import Persona, make_person
from tests.meetings.factories import answer, days_ahead, long_date, meeting_day, schedule
from tests.organisations.factories import add_member, make_organisation
from tests.rooms.factories import accept, invite, open_room
from tests.smtp import SmtpServer


async def _room(
    db: AsyncSession,
    app: Starlette,
    alice: Persona,
    *organisation_ids: int,
    process: Process = Process.NODVATTEN,
    name: str = "Nödvattenplan",
) -> int:
    room_id = await open_room(
        db, alice, process, name=name, starts_on=clock.today() - timedelta(days=30)
    )
    await set_deadlines(db, room_id, {})
    if organisation_ids:
        await invite(db, app, alice, room_id, *organisation_ids)
    return room_id


async def test_deliverables_are_reminded_a_week_and_a_day_before_and_once_overdue(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
) -> None:
    room_id = await _room(db, app, alice, world.byggen)
    await accept(db, bob, room_id, world.byggen)
    deadline = days_ahead(20)
    await set_deadlines(db, room_id, {1: deadline})
    await clear_outbox(db)
    everyone = {bob.email, world.dave.email, world.erin.email}

    # Before 08:00 on the day a week before: nothing yet.
    assert await round_at(app, mail_settings, at(deadline - timedelta(days=7), 7, 59)) == (0, 0)
    assert await round_at(app, mail_settings, at(deadline - timedelta(days=7), 8)) == (1, 1)
    [first] = await smtp.wait_for(1)
    assert first.recipients == (bob.email,)
    assert first.subject.startswith("Påminnelse: Nödvattenplan – ")
    assert long_date(deadline) in first.subject
    assert f"/rum/{room_id}" in first.text
    assert "AB Botkyrkabyggen har" in first.text
    assert await round_at(app, mail_settings, at(deadline - timedelta(days=7), 9)) == (0, 0)

    # Three days later, still nothing handed in: once to everyone, the deputy too.
    assert await round_at(app, mail_settings, at(deadline - timedelta(days=4), 7, 30)) == (0, 0)
    assert await round_at(app, mail_settings, at(deadline - timedelta(days=4), 8)) == (1, 3)
    mails = await smtp.wait_for(4)
    assert {m.recipients[0] for m in mails[1:]} == everyone
    assert "sedan den första påminnelsen" in mails[1].text
    assert await round_at(app, mail_settings, at(deadline - timedelta(days=3), 8)) == (0, 0)

    # The day before, and once when overdue (now escalated: to everyone).
    assert await round_at(app, mail_settings, at(deadline - timedelta(days=1), 8)) == (1, 3)
    assert await round_at(app, mail_settings, at(deadline, 8)) == (0, 0)
    assert await round_at(app, mail_settings, at(deadline + timedelta(days=1), 8)) == (1, 3)
    mails = await smtp.wait_for(10)
    assert mails[-1].subject.startswith("Försenat: Nödvattenplan")
    for later in (1, 2, 5):
        assert await round_at(app, mail_settings, at(deadline + timedelta(days=later), 10)) == (
            0,
            0,
        )
    assert len(smtp.received) == 10
    await db.rollback()
    steps = list(await db.scalars(sa.select(col(ReminderSent.step)).order_by(col(ReminderSent.id))))
    assert steps == [Step.WEEK_BEFORE, Step.ESCALATED, Step.DAY_BEFORE, Step.OVERDUE]


async def test_nothing_goes_out_at_night(
    app: Starlette, db: AsyncSession, alice: Persona, bob: Persona, world: World,
    mail_settings: Settings,
) -> None:  # fmt: skip
    room_id = await _room(db, app, alice, world.byggen)
    await accept(db, bob, room_id, world.byggen)
    deadline = days_ahead(20)
    await set_deadlines(db, room_id, {1: deadline})
    await clear_outbox(db)
    week_before = deadline - timedelta(days=7)
    assert await round_at(app, mail_settings, at(week_before, 20, 0)) == (0, 0)
    assert await round_at(app, mail_settings, at(week_before, 23, 30)) == (0, 0)
    # The next morning the week's reminder still goes (it is not yet the day before).
    assert (await round_at(app, mail_settings, at(week_before + timedelta(days=1), 8)))[0] == 1


async def test_a_room_invitation_unanswered_for_a_week_is_reminded_until_it_is_answered(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
) -> None:
    room_id = await _room(db, app, alice, world.upplev)
    await clear_outbox(db)
    invited = clock.swedish_date(clock.now())

    assert await round_at(app, mail_settings, at(invited + timedelta(days=6), 12)) == (0, 0)
    assert await round_at(app, mail_settings, at(invited + timedelta(days=7), 8)) == (1, 1)
    [mail] = await smtp.wait_for(1)
    assert mail.recipients == (world.frank.email,)
    assert mail.subject == "Påminnelse: inbjudan till Nödvattenplan"

    await accept(db, world.frank, room_id, world.upplev)
    # Answered: no escalation, no more reminders.
    for later in (10, 11, 20):
        assert await round_at(app, mail_settings, at(invited + timedelta(days=later), 9)) == (
            0,
            0,
        )
    assert len(smtp.received) == 1


async def test_an_organisation_with_no_one_to_write_to_is_reminded_once_someone_is_there(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
) -> None:
    """No one acts for Tumba Bruk yet: the round writes no reminder and no sent-marker for it
    (a marker would say it was reminded, and keep the step from going out); once someone is
    there, the next round reminds them."""
    tumba = await make_organisation(db, "Tumba Bruk")
    await _room(db, app, alice, world.upplev, tumba)
    await clear_outbox(db)
    invited = clock.swedish_date(clock.now())

    assert await round_at(app, mail_settings, at(invited + timedelta(days=7), 8)) == (1, 1)
    await db.rollback()
    marked = await db.scalars(sa.select(col(ReminderSent.organisation_id)))
    assert list(marked) == [world.upplev]

    gustav = await make_person(db, "Gustav Gran")
    await add_member(db, gustav, tumba, MembershipRole.ADMIN)
    assert await round_at(app, mail_settings, at(invited + timedelta(days=7), 9)) == (1, 1)
    mails = await smtp.wait_for(2)
    assert mails[1].recipients == (gustav.email,)
    assert await round_at(app, mail_settings, at(invited + timedelta(days=7), 10)) == (0, 0)


async def test_a_meeting_not_answered_is_reminded_two_days_before_and_escalated_the_day_before(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
) -> None:
    meeting_id = await schedule(db, app, alice, world.byggen, world.upplev)
    await answer(db, world.dave, meeting_id, Rsvp.YES)  # Byggen has answered
    await clear_outbox(db)
    day = meeting_day()

    assert await round_at(app, mail_settings, at(day - timedelta(days=3), 12)) == (0, 0)
    assert await round_at(app, mail_settings, at(day - timedelta(days=2), 7, 59)) == (0, 0)
    assert await round_at(app, mail_settings, at(day - timedelta(days=2), 8)) == (1, 1)
    [mail] = await smtp.wait_for(1)
    assert mail.recipients == (world.frank.email,)
    assert f"/moten/{meeting_id}" in mail.text
    assert await round_at(app, mail_settings, at(day - timedelta(days=1), 8)) == (1, 1)
    await smtp.wait_for(2)
    assert await round_at(app, mail_settings, at(day - timedelta(days=1), 12)) == (0, 0)
    assert await round_at(app, mail_settings, at(day, 8)) == (0, 0)
    assert len(smtp.received) == 2


async def test_an_answered_meeting_is_not_reminded(
    app: Starlette, db: AsyncSession, alice: Persona, world: World, mail_settings: Settings
) -> None:
    meeting_id = await schedule(db, app, alice, world.upplev)
    await answer(db, world.frank, meeting_id, Rsvp.NO)
    day = meeting_day()
    assert (await round_at(app, mail_settings, at(day - timedelta(days=2), 8)))[0] == 0


async def test_a_remiss_statement_is_reminded_three_days_before_the_last_day(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
) -> None:
    room_id = await _room(
        db, app, alice, world.byggen, process=Process.RIKTLINJER, name="Riktlinjer"
    )
    await accept(db, bob, room_id, world.byggen)
    _plan, version_id, _sections = await published_plan(db, room_id)
    last_day = days_ahead(20)
    await open_consultation(db, app, alice, room_id, version_id, [world.byggen], deadline=last_day)
    await clear_outbox(db)

    assert await round_at(app, mail_settings, at(last_day - timedelta(days=4), 9)) == (0, 0)
    assert await round_at(app, mail_settings, at(last_day - timedelta(days=3), 8)) == (1, 1)
    [mail] = await smtp.wait_for(1)
    assert mail.recipients == (bob.email,)
    assert mail.subject == f"Påminnelse: remiss om Riktlinjer 2026, sista dag {long_date(last_day)}"
    # Escalated on the last day, and never after it.
    assert await round_at(app, mail_settings, at(last_day, 8)) == (1, 3)
    assert await round_at(app, mail_settings, at(last_day + timedelta(days=1), 8)) == (0, 0)


async def test_two_rounds_at_once_send_each_reminder_once(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
    mail_settings: Settings,
) -> None:
    room_id = await _room(db, app, alice, world.byggen)
    await accept(db, bob, room_id, world.byggen)
    deadline = days_ahead(20)
    await set_deadlines(db, room_id, {1: deadline})
    await clear_outbox(db)
    now = at(deadline - timedelta(days=7), 8)
    portal = app.state.portal

    async def one_round() -> int:
        async with portal.sessions() as session:
            return await service.send_due(
                session, settings=mail_settings, env=portal.templates.env, now=now
            )

    assert sorted(await asyncio.gather(one_round(), one_round())) == [0, 1]
    await db.rollback()
    assert await db.scalar(sa.select(sa.func.count()).select_from(ReminderSent)) == 1


def _row(owed: Owed, **changes: object) -> OwedRow:
    values: dict[str, object] = {
        "owed": owed,
        "organisation_id": 1,
        "organisation_name": "AB",
        "process": Process.NODVATTEN,
        "room_id": 1,
        "room_name": "Rum",
        "subject_id": 1,
        "title": "Fas",
        "open_items": 1,
        "due_on": None,
        "due_at": None,
        "asked_at": clock.now() - timedelta(days=60),
        "first_reminded_at": None,
        "last_reminded_at": None,
        "last_manual_at": None,
        "steps": frozenset(),
    }
    values.update(changes)
    return OwedRow(**values)  # type: ignore[arg-type]


def _dst_sundays(year: int) -> list[date]:
    """The last Sundays of March and October: the days Sweden changes its clocks."""
    days = []
    for month in (3, 10):
        last = date(year, month, 31)
        days.append(last - timedelta(days=(last.weekday() + 1) % 7))
    return days


def test_the_morning_hour_holds_on_the_days_the_clocks_change() -> None:
    for sunday in _dst_sundays(clock.today().year + 1):
        assert not rules.daytime(at(sunday, 7, 59))
        assert rules.daytime(at(sunday, 8))
        assert not rules.daytime(at(sunday, 20))
        # The week's reminder for a deadline a week after the change goes at 08:00 local.
        row = _row(Owed.DELIVERABLES, due_on=sunday + timedelta(days=7))
        assert rules.due_steps(row, at(sunday, 7, 59)) == []
        assert rules.due_steps(row, at(sunday, 8)) == [Step.WEEK_BEFORE]
        # Escalation three calendar days after the first, at 08:00 whatever the offset.
        sent = _row(
            Owed.DELIVERABLES,
            due_on=sunday + timedelta(days=9),
            first_reminded_at=at(sunday - timedelta(days=1), 8),
            steps=frozenset({Step.WEEK_BEFORE}),
        )
        assert rules.due_steps(sent, at(sunday + timedelta(days=2), 8)) == [Step.ESCALATED]
        assert rules.due_steps(sent, at(sunday + timedelta(days=1), 19)) == []


async def test_who_turned_reminders_off_gets_none_and_each_reminder_can_turn_them_off(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
    smtp: SmtpServer,
    mail_settings: Settings,
) -> None:
    await preferences.save(
        db, person_id=bob.id, choice=Preferences(reminders=False), ip_address=None
    )
    await _room(db, app, alice, world.byggen, world.upplev)
    await clear_outbox(db)
    invited = clock.swedish_date(clock.now())

    assert await round_at(app, mail_settings, at(invited + timedelta(days=7), 8)) == (2, 3)
    mails = await smtp.wait_for(3)
    # Bob, Byggen's main contact, said no: its other members are reminded in his place.
    recipients = sorted(r for m in mails for r in m.recipients)
    assert recipients == sorted([world.frank.email, world.dave.email, world.erin.email])
    assert bob.email not in recipients
    for mail in mails:
        assert mail.message["List-Unsubscribe"].startswith(f"<{mail_settings.base_url}")
        assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
