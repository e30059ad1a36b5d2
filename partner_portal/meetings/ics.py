"""iCalendar (RFC 5545) for meeting invitations and calendar feeds. The one module that uses
the ``icalendar`` package.

Times are written as local Europe/Stockholm times (``DTSTART;TZID=Europe/Stockholm``) with the
zone's VTIMEZONE in the object. The VTIMEZONE uses the recurrence rules (last Sunday in March
and in October) that Outlook and Google Calendar write themselves: some clients ignore a long
list of single dates, and a rule never runs out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from icalendar import Calendar, Event, Timezone, vCalAddress

from partner_portal.platform.clock import TIMEZONE

PRODID = "-//Botkyrka kommun//Partnerportalen//SV"
TZID = "Europe/Stockholm"


@dataclass(frozen=True, slots=True)
class MeetingEvent:
    uid: str
    sequence: int
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    video_url: str
    agenda: str
    url: str
    cancelled: bool
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class DayEvent:
    """An all-day entry in a feed: an action's due date, a phase's deadline."""

    uid: str
    title: str
    day: date
    description: str
    url: str


@dataclass(frozen=True, slots=True)
class Party:
    email: str
    name: str


def _ical() -> ModuleType:
    """icalendar, imported with the first calendar made (a web process may never make one)."""
    import icalendar

    return icalendar


def _stockholm_timezone() -> Timezone:
    zone: Timezone = _ical().Timezone()
    zone.add("tzid", TZID)
    standard = _ical().TimezoneStandard()
    standard.add("dtstart", datetime(1970, 10, 25, 3, 0))  # noqa: DTZ001 (local, by definition)
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    standard.add("tzoffsetfrom", timedelta(hours=2))
    standard.add("tzoffsetto", timedelta(hours=1))
    standard.add("tzname", "CET")
    daylight = _ical().TimezoneDaylight()
    daylight.add("dtstart", datetime(1970, 3, 29, 2, 0))  # noqa: DTZ001
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    daylight.add("tzoffsetfrom", timedelta(hours=1))
    daylight.add("tzoffsetto", timedelta(hours=2))
    daylight.add("tzname", "CEST")
    zone.add_component(standard)
    zone.add_component(daylight)
    return zone


def _calendar(method: str | None) -> Calendar:
    calendar: Calendar = _ical().Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def _address(party: Party, **params: str) -> vCalAddress:
    address: vCalAddress = _ical().vCalAddress(f"mailto:{party.email}")
    address.params["cn"] = party.name or party.email
    for key, value in params.items():
        address.params[key] = value
    return address


def _meeting_event(meeting: MeetingEvent, *, now: datetime) -> Event:
    event: Event = _ical().Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("last-modified", meeting.updated_at.astimezone(UTC))
    event.add("dtstart", meeting.starts_at.astimezone(TIMEZONE), parameters={"TZID": TZID})
    event.add("dtend", meeting.ends_at.astimezone(TIMEZONE), parameters={"TZID": TZID})
    event.add("summary", meeting.title)
    location = ", ".join(p for p in (meeting.place, meeting.video_url) if p)
    if location:
        event.add("location", location)
    description = "\n\n".join(p for p in (meeting.agenda, meeting.video_url, meeting.url) if p)
    event.add("description", description)
    event.add("url", meeting.url)
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def invitation(
    meeting: MeetingEvent,
    *,
    method: str,
    organiser: Party,
    attendee: Party,
    now: datetime,
) -> str:
    """One recipient's invitation (``REQUEST``, also for updates) or cancellation (``CANCEL``).

    The UID is the meeting's own; the caller raises the sequence with every change sent out.
    The attendee is named, as Outlook needs, but asked for no reply by calendar: the answer is
    given in the portal, where it counts.
    """
    calendar = _calendar(method)
    calendar.add_component(_stockholm_timezone())
    event = _meeting_event(meeting, now=now)
    event.add("organizer", _address(organiser))
    event.add(
        "attendee",
        _address(
            attendee,
            role="REQ-PARTICIPANT",
            partstat="NEEDS-ACTION",
            rsvp="FALSE",
            cutype="INDIVIDUAL",
        ),
    )
    calendar.add_component(event)
    return str(calendar.to_ical().decode())


def feed(name: str, meetings: list[MeetingEvent], days: list[DayEvent], *, now: datetime) -> str:
    """A subscription feed: the person's meetings and deadlines (``METHOD:PUBLISH``)."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TZID)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")  # Outlook's name for the same
    calendar.add_component(_stockholm_timezone())
    for meeting in meetings:
        calendar.add_component(_meeting_event(meeting, now=now))
    for day in days:
        event = _ical().Event()
        event.add("uid", day.uid)
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", day.day)
        event.add("dtend", day.day + timedelta(days=1))
        event.add("summary", day.title)
        event.add("description", "\n\n".join(p for p in (day.description, day.url) if p))
        event.add("url", day.url)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return str(calendar.to_ical().decode())


def single(meeting: MeetingEvent, *, now: datetime) -> str:
    """One meeting to download and open in a calendar (``METHOD:PUBLISH``)."""
    return feed(meeting.title, [meeting], [], now=now)


@dataclass(frozen=True, slots=True)
class SeriesInstance:
    """An occurrence of a series as the calendar needs it: when the rule put it (its
    RECURRENCE-ID), and, if it was changed on its own, how it is now."""

    recurrence_at: datetime
    cancelled: bool
    changed: MeetingEvent | None


@dataclass(frozen=True, slots=True)
class SeriesEvent:
    """A series: its first occurrence as the rule has it (``master``: UID, sequence, times,
    title) and the rule, every ``interval_weeks`` weeks ``count`` times."""

    master: MeetingEvent
    interval_weeks: int
    count: int
    instances: tuple[SeriesInstance, ...]


def _local(moment: datetime) -> datetime:
    return moment.astimezone(TIMEZONE)


def _series_events(series: SeriesEvent, *, now: datetime) -> list[Event]:
    """The master VEVENT (RRULE, an EXDATE per cancelled occurrence) and a VEVENT with the same
    UID and a RECURRENCE-ID for each changed one."""
    master = _meeting_event(series.master, now=now)
    master.add(
        "rrule", {"freq": "weekly", "interval": series.interval_weeks, "count": series.count}
    )
    cancelled = [_local(i.recurrence_at) for i in series.instances if i.cancelled]
    if cancelled:
        master.add("exdate", cancelled, parameters={"TZID": TZID})
    events = [master]
    for instance in series.instances:
        if instance.changed is None or instance.cancelled:
            continue
        # The changed occurrence carries the series' UID and sequence (the caller's to give).
        event = _meeting_event(instance.changed, now=now)
        event.add("recurrence-id", _local(instance.recurrence_at), parameters={"TZID": TZID})
        events.append(event)
    return events


def series_invitation(
    series: SeriesEvent,
    *,
    method: str,
    organiser: Party,
    attendee: Party,
    now: datetime,
) -> str:
    """One recipient's invitation to a whole series (``REQUEST``, also for every change), or
    the series' cancellation (``CANCEL``): one UID for all its occurrences."""
    calendar = _calendar(method)
    calendar.add_component(_stockholm_timezone())
    for event in _series_events(series, now=now):
        event.add("organizer", _address(organiser))
        event.add(
            "attendee",
            _address(
                attendee,
                role="REQ-PARTICIPANT",
                partstat="NEEDS-ACTION",
                rsvp="FALSE",
                cutype="INDIVIDUAL",
            ),
        )
        calendar.add_component(event)
    return str(calendar.to_ical().decode())


def series_download(series: SeriesEvent, *, now: datetime) -> str:
    """A whole series to download and open in a calendar (``METHOD:PUBLISH``)."""
    calendar = _calendar("PUBLISH")
    calendar.add_component(_stockholm_timezone())
    for event in _series_events(series, now=now):
        calendar.add_component(event)
    return str(calendar.to_ical().decode())
