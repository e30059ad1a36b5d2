"""Invitations as iCalendar: they parse with the icalendar package, keep their UID through an
update and a cancellation with a rising SEQUENCE, and their times are right on both sides of
the daylight-saving changes (those of 2026, on a clock started that January)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from icalendar import Calendar, Component, Timezone, vDDDTypes
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from partner_portal.mail import sender
from partner_portal.meetings import forms
from partner_portal.platform import clock
from partner_portal.platform.errors import Invalid
from partner_portal.platform.settings import replace
from tests.helpers import Persona
from tests.meetings.conftest import World
from tests.meetings.factories import (
    cancel,
    full_date,
    meeting_day,
    outbox,
    schedule,
    update,
)
from tests.smtp import running_smtp


def event_of(text: str) -> tuple[Calendar, Component]:
    calendar = Calendar.from_ical(text)
    assert isinstance(calendar, Calendar)
    [event] = calendar.walk("VEVENT")
    return calendar, event


@pytest.fixture
def january_2026() -> None:
    """The clock for the tests about the daylight-saving changes of 2026 (29 March and 25
    October): started that January, so that those days lie ahead whatever day the run is.
    Asked for first (``usefixtures``), before the world and its room are made."""
    clock.start_at(datetime(2026, 1, 15, 10, 0, tzinfo=clock.TIMEZONE))


async def test_uid_stays_and_sequence_rises_through_update_and_cancellation(
    app: Starlette, db: AsyncSession, alice: Persona, bob: Persona, world: World
) -> None:
    meeting_id = await schedule(db, app, alice, world.byggen)
    await update(db, app, alice, meeting_id, world.byggen, title="Samverkansmöte (ny tid)")
    await cancel(db, app, alice, meeting_id)

    mails = [m for m in await outbox(db, meeting_id) if m.to_address == bob.email]
    parsed = [event_of(m.body_calendar or "") for m in mails]
    assert [str(c["METHOD"]) for c, _e in parsed] == ["REQUEST", "REQUEST", "CANCEL"]
    assert [m.calendar_method for m in mails] == ["REQUEST", "REQUEST", "CANCEL"]
    uids = {str(e["UID"]) for _c, e in parsed}
    assert len(uids) == 1
    assert [int(str(e["SEQUENCE"])) for _c, e in parsed] == [0, 1, 2]
    assert [str(e["STATUS"]) for _c, e in parsed] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert [str(e["SUMMARY"]) for _c, e in parsed] == [
        "Samverkansmöte nödvatten",
        "Samverkansmöte (ny tid)",
        "Samverkansmöte (ny tid)",
    ]
    calendar, event = parsed[0]
    assert str(calendar["VERSION"]) == "2.0"
    assert str(event["ORGANIZER"]) == f"mailto:{alice.email}"
    assert str(event["ATTENDEE"]) == f"mailto:{bob.email}"
    assert str(event["URL"]) == f"http://127.0.0.1:8000/moten/{meeting_id}"
    assert [m.subject.split(":")[0] for m in mails] == ["Inbjudan", "Ändrat möte", "Inställt möte"]


@pytest.mark.usefixtures("january_2026")
@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (date(2026, 10, 24), 8),  # the last Saturday of summer time (UTC+2)
        (date(2026, 10, 25), 9),  # the clocks went back that night (UTC+1)
        (date(2026, 3, 28), 9),  # the last Saturday of winter time (UTC+1)
        (date(2026, 3, 29), 8),  # the clocks went forward that night (UTC+2)
    ],
)
async def test_times_are_right_across_the_daylight_saving_change(
    app: Starlette, db: AsyncSession, alice: Persona, world: World, day: date, utc_hour: int
) -> None:
    meeting_id = await schedule(db, app, alice, world.byggen, day=day, start=time(10, 0))

    [mail] = await outbox(db, meeting_id)
    calendar, event = event_of(mail.body_calendar or "")
    start = event["DTSTART"]
    assert isinstance(start, vDDDTypes)
    assert start.params["TZID"] == "Europe/Stockholm"
    assert isinstance(start.dt, datetime)
    assert start.dt.replace(tzinfo=None) == datetime.combine(day, time(10, 0))
    assert start.dt.astimezone(UTC) == datetime.combine(day, time(utc_hour, 0), tzinfo=UTC)
    # The VTIMEZONE in the file says the same on its own, without the zone database's help.
    [zone] = calendar.walk("VTIMEZONE")
    assert isinstance(zone, Timezone)
    own = zone.to_tz(lookup_tzid=False)
    assert datetime.combine(day, time(10, 0), tzinfo=own).astimezone(UTC).hour == utc_hour
    assert "Europe/Stockholm" in (mail.body_calendar or "")


@pytest.mark.usefixtures("january_2026")
def test_a_time_skipped_when_summer_time_begins_is_refused() -> None:
    form = {
        "title": "Möte",
        "day": "2026-03-29",
        "start": "02:30",
        "end": "04:00",
        "place": "Tumba",
    }

    class Form(dict[str, str]):
        def getlist(self, name: str) -> list[str]:
            return ["1"] if name == "organisation" else []

    with pytest.raises(Invalid) as refused:
        forms.meeting(Form(form))
    assert set(refused.value.errors) == {"start"}

    # The repeated hour in October means its first occurrence (still summer time).
    parsed = forms.meeting(Form(form | {"day": "2026-10-25", "start": "02:30"}))
    assert parsed.starts_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "ftp://example.se/x", "/moten/1", "https://", "https://a b.se"],
)
def test_only_http_links_are_video_links(link: str) -> None:
    assert forms.valid_video_url(link) is False
    assert forms.valid_video_url("https://meet.example.se/abc-123") is True


async def test_the_invitation_arrives_as_calendar_services_send_one(
    app: Starlette, db: AsyncSession, alice: Persona, bob: Persona, world: World
) -> None:
    meeting_id = await schedule(db, app, alice, world.byggen, video_url="https://meet.example.se/x")
    settings = app.state.portal.settings
    with running_smtp() as smtp:
        mail_settings = replace(settings, smtp_host=smtp.host, smtp_port=smtp.port)
        # The room's own invitations (from the world fixture) go out too.
        assert await sender.deliver_due(app.state.portal.sessions, mail_settings) == 3
        [mail] = [m for m in await smtp.wait_for(3) if "Samverkansmöte" in m.subject]

    message = mail.message
    assert mail.recipients == (bob.email,)
    assert message.get_content_type() == "multipart/mixed"
    parts = {part.get_content_type(): part for part in message.walk()}
    calendar_part = parts["text/calendar"]
    assert calendar_part.get_param("method") == "REQUEST"
    assert calendar_part.get_content_charset() == "utf-8"
    attachment = parts["application/ics"]
    assert attachment.get_filename() == "invite.ics"
    for text in (calendar_part.get_content(), attachment.get_content().decode()):
        _calendar, event = event_of(text)
        assert str(event["SUMMARY"]) == "Samverkansmöte nödvatten"
    assert f"http://127.0.0.1:8000/moten/{meeting_id}" in mail.text
    assert "https://meet.example.se/x" in mail.html
    assert f"{full_date(meeting_day())} 09:00–11:00" in mail.subject


async def test_an_organisation_taken_off_the_meeting_gets_a_cancellation(
    app: Starlette, db: AsyncSession, alice: Persona, bob: Persona, world: World
) -> None:
    meeting_id = await schedule(db, app, alice, world.byggen, world.upplev)

    await update(db, app, alice, meeting_id, world.byggen)

    mails = await outbox(db, meeting_id)
    to_dave = [m for m in mails if m.to_address == world.dave.email]
    to_bob = [m for m in mails if m.to_address == bob.email]
    assert [m.calendar_method for m in to_dave] == ["REQUEST", "CANCEL"]
    assert [m.calendar_method for m in to_bob] == ["REQUEST", "REQUEST"]
    _calendar, cancelled = event_of(to_dave[1].body_calendar or "")
    _calendar, first = event_of(to_dave[0].body_calendar or "")
    assert str(cancelled["UID"]) == str(first["UID"])
    assert int(str(cancelled["SEQUENCE"])) == 1
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert to_dave[1].subject.startswith("Inbjudan återkallad: ")
