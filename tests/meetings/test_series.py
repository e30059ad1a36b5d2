"""Recurring meetings: one iCalendar series (RRULE) whose occurrences keep their Swedish clock
time across the daylight-saving change, a moved occurrence as RECURRENCE-ID, a cancelled one as
EXDATE, the UID kept and SEQUENCE raised; answers and attendance per occurrence. The days are
counted from the test's clock (the next change after it), never typed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import httpx
import sqlalchemy as sa
from dateutil import rrule
from icalendar import Calendar, Component, vDDDLists, vDDDTypes, vRecur
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.mail.models import OutboxMessage
from partner_portal.meetings import minutes, series
from partner_portal.meetings.access import meeting_for
from partner_portal.meetings.models import MeetingPerson, Rsvp, SeriesOccurrence
from partner_portal.platform import clock
from tests.helpers import Persona, as_current, log_in
from tests.meetings.conftest import World
from tests.meetings.factories import answer, meeting_input, start_day
from tests.queries import QueryCounter

START, END = time(9, 0), time(10, 30)
COUNT = 4


def next_dst_change(after: date) -> date:
    """The next day (after ``after``) the Swedish clocks change: the last Sunday of March or
    October, found from the zone database rather than typed."""
    day = after + timedelta(days=1)
    while True:
        if clock.wall_time(day, time(12)) is not None:
            offset = datetime.combine(day, time(12), tzinfo=clock.TIMEZONE).utcoffset()
            before = datetime.combine(day - timedelta(days=1), time(12), tzinfo=clock.TIMEZONE)
            if offset != before.utcoffset():
                return day
        day += timedelta(days=1)


def first_day() -> date:
    """A day two weeks (and a bit) before the next change: a weekly series of four spans it."""
    change = next_dst_change(start_day() + timedelta(days=14))
    return change - timedelta(days=16)


def moment(event: Component, name: str) -> datetime:
    value = event[name]
    assert isinstance(value, vDDDTypes)
    assert isinstance(value.dt, datetime)
    return value.dt


def expand(event: Component) -> list[datetime]:
    """The event's rule expanded by dateutil, from its DTSTART (local, with its zone)."""
    rule = event["RRULE"]
    assert isinstance(rule, vRecur)
    text: bytes = rule.to_ical()  # type: ignore[no-untyped-call]
    return list(rrule.rrulestr(text.decode(), dtstart=moment(event, "DTSTART")))


def exdates(event: Component) -> list[datetime]:
    value = event["EXDATE"]
    assert isinstance(value, vDDDLists)
    found = [d.dt for d in value.dts]
    assert all(isinstance(d, datetime) for d in found)
    return [d.astimezone(UTC) for d in found if isinstance(d, datetime)]


async def make_series(db: AsyncSession, app: Starlette, alice: Persona, world: World) -> int:
    portal = app.state.portal
    return await series.create_series(
        db,
        actor=as_current(alice, coordinator=True),
        data=meeting_input(
            world.byggen, title="Samverkansråd", day=first_day(), start=START, end=END
        ),
        repeat=series.Repeat(interval_weeks=1, count=COUNT),
        settings=portal.settings,
        env=portal.templates.env,
    )


async def occurrence_ids(db: AsyncSession) -> list[int]:
    return list(
        await db.scalars(
            sa.select(col(SeriesOccurrence.meeting_id)).order_by(
                col(SeriesOccurrence.recurrence_at)
            )
        )
    )


async def series_mails(db: AsyncSession, to: str) -> list[tuple[Calendar, list[Component]]]:
    await db.rollback()
    mails = await db.scalars(
        sa.select(OutboxMessage)
        .where(
            col(OutboxMessage.to_address) == to, col(OutboxMessage.body_calendar).contains("RRULE")
        )
        .order_by(col(OutboxMessage.id))
    )
    parsed = []
    for mail in mails:
        calendar = Calendar.from_ical(mail.body_calendar or "")
        assert isinstance(calendar, Calendar)
        parsed.append((calendar, list(calendar.walk("VEVENT"))))
    return parsed


async def test_a_series_keeps_its_clock_time_across_the_daylight_saving_change(
    app: Starlette, db: AsyncSession, alice: Persona, bob: Persona, world: World
) -> None:
    await make_series(db, app, alice, world)

    [(calendar, [event])] = await series_mails(db, bob.email)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
    expanded = expand(event)
    assert len(expanded) == COUNT
    assert {moment.astimezone(clock.TIMEZONE).time() for moment in expanded} == {START}
    # The change lies inside the series: the same 09:00 is another hour in UTC after it.
    assert len({moment.astimezone(UTC).hour for moment in expanded}) == 2
    days = [first_day() + timedelta(weeks=n) for n in range(COUNT)]
    assert [moment.astimezone(UTC) for moment in expanded] == [
        clock.wall_time(day, START) for day in days
    ]
    # Each occurrence is a meeting of its own, at the same moments.
    ids = await occurrence_ids(db)
    actor = as_current(alice, coordinator=True)
    starts = [(await meeting_for(db, actor, i)).meeting.starts_at for i in ids]
    assert starts == [clock.wall_time(day, START) for day in days]


async def test_a_moved_occurrence_has_a_recurrence_id_and_a_cancelled_one_an_exdate(
    app: Starlette, db: AsyncSession, alice: Persona, bob: Persona, world: World
) -> None:
    await make_series(db, app, alice, world)
    second, third = (await occurrence_ids(db))[1:3]
    portal = app.state.portal
    actor = as_current(alice, coordinator=True)
    moved_day = first_day() + timedelta(weeks=1, days=1)
    await series.change_occurrence(
        db,
        actor=actor,
        access=await meeting_for(db, actor, second),
        data=meeting_input(
            world.byggen, title="Samverkansråd", day=moved_day, start=time(13, 0), end=time(14, 0)
        ),
        settings=portal.settings,
        env=portal.templates.env,
    )
    await series.cancel_occurrence(
        db,
        actor=actor,
        access=await meeting_for(db, actor, third),
        settings=portal.settings,
        env=portal.templates.env,
    )

    mails = await series_mails(db, bob.email)
    assert len(mails) == 3
    masters = [next(e for e in events if "RRULE" in e) for _c, events in mails]
    assert len({str(m["UID"]) for m in masters}) == 1
    assert [int(str(m["SEQUENCE"])) for m in masters] == [0, 1, 2]
    _calendar, last = mails[-1]
    master = masters[-1]
    [moved] = [e for e in last if "RECURRENCE-ID" in e]
    assert str(moved["UID"]) == str(master["UID"])
    assert int(str(moved["SEQUENCE"])) == 2
    original_second = clock.wall_time(first_day() + timedelta(weeks=1), START)
    assert moment(moved, "RECURRENCE-ID").astimezone(UTC) == original_second
    assert moment(moved, "DTSTART").astimezone(UTC) == clock.wall_time(moved_day, time(13, 0))
    cancelled = exdates(master)
    assert cancelled == [clock.wall_time(first_day() + timedelta(weeks=2), START)]
    # Expanded as a calendar does it: the rule without the cancelled day, the moved one apart.
    kept = [m.astimezone(UTC) for m in expand(master) if m.astimezone(UTC) not in cancelled]
    assert len(kept) == COUNT - 1


async def test_answers_and_attendance_are_per_occurrence(
    app: Starlette, db: AsyncSession, alice: Persona, bob: Persona, world: World
) -> None:
    await make_series(db, app, alice, world)
    first, second = (await occurrence_ids(db))[:2]
    await answer(db, bob, first, Rsvp.YES)
    await answer(db, bob, second, Rsvp.NO)
    coordinator = as_current(alice, coordinator=True)
    held = await meeting_for(db, coordinator, first)
    after_start = held.meeting.starts_at + timedelta(minutes=30)
    await minutes.record_attendance(
        db, actor=coordinator, access=held, present={bob.id}, now=after_start
    )

    await db.rollback()
    rows = {
        r.meeting_id: (r.rsvp, r.attended)
        for r in await db.scalars(
            sa.select(MeetingPerson).where(col(MeetingPerson.person_id) == bob.id)
        )
    }
    assert rows == {first: (Rsvp.YES, True), second: (Rsvp.NO, None)}


async def test_the_series_page_is_for_the_invited_and_404_for_outsiders(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    charlie: Persona,
    world: World,
) -> None:
    first = await make_series(db, app, alice, world)
    await db.rollback()
    series_id = await db.scalar(
        sa.select(col(SeriesOccurrence.series_id)).where(col(SeriesOccurrence.meeting_id) == first)
    )
    await log_in(client, app, charlie)
    assert (await client.get(f"/moten/serier/{series_id}")).status_code == 404
    assert (await client.get(f"/moten/serier/{series_id}/serie.ics")).status_code == 404
    assert (await client.get(f"/moten/{first}")).status_code == 404
    await log_in(client, app, bob)
    page = await client.get(f"/moten/serier/{series_id}")
    assert page.status_code == 200
    assert "Samverkansråd" in page.text
    download = await client.get(f"/moten/serier/{series_id}/serie.ics")
    assert download.status_code == 200
    assert "RRULE:FREQ=WEEKLY;COUNT=4;INTERVAL=1" in download.text.replace("\r", "")
    assert (await client.get(f"/moten/{first}")).status_code == 200


async def test_the_series_page_keeps_a_constant_number_of_queries(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
    query_counter: QueryCounter,
) -> None:
    portal = app.state.portal
    counts = []
    for count in (2, 12):
        first = await series.create_series(
            db,
            actor=as_current(alice, coordinator=True),
            data=meeting_input(world.byggen, title=f"Serie {count}", day=first_day()),
            repeat=series.Repeat(interval_weeks=2, count=count),
            settings=portal.settings,
            env=portal.templates.env,
        )
        await db.rollback()
        series_id = await db.scalar(
            sa.select(col(SeriesOccurrence.series_id)).where(
                col(SeriesOccurrence.meeting_id) == first
            )
        )
        await db.rollback()
        await log_in(client, app, bob)
        counts.append(await query_counter.for_page(client, f"/moten/serier/{series_id}"))
    assert counts[0] == counts[1]
    assert counts[1] <= 8
