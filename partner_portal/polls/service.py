"""Date polls: the coordinator proposes 3–8 times and asks organisations; their people answer
yes, if needed or no per time (logged in, or from the link in their mail) until the poll
closes; the coordinator sees how each organisation can and turns the best time into a meeting
in one step. Each function owns its transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.mail import facade as mail
from partner_portal.meetings import scheduling
from partner_portal.meetings.mails import people_of
from partner_portal.meetings.wording import when
from partner_portal.platform import clock, links, paths
from partner_portal.platform.errors import Gone, Invalid, NotFound
from partner_portal.platform.i18n import format_datetime
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.settings import Settings
from partner_portal.polls import queries
from partner_portal.polls.access import PollAccess
from partner_portal.polls.models import (
    DatePoll,
    DatePollAnswer,
    DatePollLink,
    DatePollOption,
    DatePollOrganisation,
    PollAnswer,
)
from partner_portal.polls.queries import AnswerRow, OptionRow, PollRow
from partner_portal.rooms.models import Room

POLL = "/omrostningar/{poll_id:id}"
POLL_LINK = "/omrostningar/svar/{token}"
FEWEST_TIMES, MOST_TIMES = 3, 8


@dataclass(frozen=True, slots=True)
class PollInput:
    title: str
    room_id: int | None
    place: str
    video_url: str
    agenda: str
    times: tuple[tuple[datetime, datetime], ...]
    closes_at: datetime
    organisation_ids: tuple[int, ...]


def poll_path(poll_id: int) -> str:
    return paths.fill(POLL, poll_id=poll_id)


def link_path(token: str) -> str:
    return paths.fill(POLL_LINK, token=token)


# --- how the organisations can ----------------------------------------------------------

_RANK = {PollAnswer.YES: 0, PollAnswer.IF_NEEDED: 1, PollAnswer.NO: 2}


@dataclass(frozen=True, slots=True)
class OptionSummary:
    """A proposed time and each organisation's answer to it: the best any of its people gave
    (one who can come is enough), None for an organisation no one has answered for."""

    option: OptionRow
    by_organisation: Mapping[int, PollAnswer | None]
    best: bool = False

    def count(self, answer: PollAnswer) -> int:
        return sum(1 for a in self.by_organisation.values() if a is answer)

    @property
    def key(self) -> tuple[int, int, datetime]:
        """Fewest organisations that cannot (or have not said), then most that can without
        trouble, then the earliest."""
        can = self.count(PollAnswer.YES) + self.count(PollAnswer.IF_NEEDED)
        return (len(self.by_organisation) - can, -self.count(PollAnswer.YES), self.option.starts_at)


def summary(
    options: list[OptionRow], organisation_ids: list[int], answers: list[AnswerRow]
) -> list[OptionSummary]:
    """Each time with each organisation's answer, the best time marked (none without answers)."""
    given: dict[tuple[int, int], PollAnswer] = {}
    for a in answers:
        key = (a.option_id, a.organisation_id)
        if key not in given or _RANK[a.answer] < _RANK[given[key]]:
            given[key] = a.answer
    rows = [
        OptionSummary(o, {org: given.get((o.id, org)) for org in organisation_ids}) for o in options
    ]
    answered = [r for r in rows if any(a is not None for a in r.by_organisation.values())]
    if not answered:
        return rows
    best = min(answered, key=lambda r: r.key)
    return [OptionSummary(r.option, r.by_organisation, r is best) for r in rows]


# --- proposing -------------------------------------------------------------------------------


async def create_poll(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    data: PollInput,
    settings: Settings,
    env: Environment,
) -> int:
    """Propose times and ask organisations. Side effects: the poll, its times and
    organisations; to every person of those organisations a mail with their own answer link
    (only its digest stored); ``date_poll_created`` audited. Commits."""
    if not actor.is_coordinator:
        raise NotFound()
    now = clock.now()
    errors: dict[str, str] = {}
    if data.room_id is not None:
        room = await db.get(Room, data.room_id)
        if room is None or room.is_closed:
            errors["room_id"] = _("Välj ett öppet planeringsrum i listan.")
    allowed = await scheduling.allowed_organisations(db, data.room_id)
    if not set(data.organisation_ids) <= allowed:
        errors["organisations"] = _("Bjud bara in organisationer som finns i listan.")
    if not FEWEST_TIMES <= len(set(data.times)) == len(data.times) <= MOST_TIMES:
        errors["times"] = _("Föreslå 3–8 olika tider.")
    if data.closes_at <= now:
        errors["closes"] = _("Svaren måste stänga senare än nu.")
    elif any(start <= data.closes_at for start, _end in data.times):
        errors["closes"] = _("Svaren måste stänga innan den första föreslagna tiden.")
    if errors:
        raise Invalid(errors)
    poll = DatePoll(
        room_id=data.room_id,
        title=data.title,
        place=data.place,
        video_url=data.video_url,
        agenda=data.agenda,
        created_by=actor.id,
        created_at=now,
        closes_at=data.closes_at,
    )
    db.add(poll)
    await db.flush()
    assert poll.id is not None
    for starts_at, ends_at in sorted(data.times):
        db.add(DatePollOption(poll_id=poll.id, starts_at=starts_at, ends_at=ends_at))
    for organisation_id in data.organisation_ids:
        db.add(DatePollOrganisation(poll_id=poll.id, organisation_id=organisation_id))
    record(
        db,
        AuditAction.DATE_POLL_CREATED,
        actor_id=actor.id,
        object_type="date_poll",
        object_id=poll.id,
        title=data.title,
        times=len(data.times),
        organisations=list(data.organisation_ids),
    )
    times = sorted(data.times)
    for recipient in await people_of(db, data.organisation_ids):
        token = links.new_token()
        db.add(
            DatePollLink(
                poll_id=poll.id, person_id=recipient.person_id, token_hash=links.digest(token)
            )
        )

        def context(name: str = recipient.name, token: str = token) -> dict[str, Any]:
            return {
                "title": data.title,
                "name": name,
                "organiser_name": actor.name,
                "times": [when(start, end) for start, end in times],
                "closes": format_datetime(data.closes_at, "short"),
                "url": settings.absolute_url(link_path(token)),
            }

        mail.send(
            db, env, "date-poll", to=recipient.to, context=context, related=("date_poll", poll.id)
        )
    await db.commit()
    return poll.id


# --- answering -------------------------------------------------------------------------------


async def _answer(
    db: AsyncSession,
    *,
    poll: PollRow,
    person_id: int,
    organisation_id: int,
    given: Mapping[int, PollAnswer],
) -> None:
    now = clock.now()
    if not poll.is_open(now):
        raise Invalid({"answers": _("Omröstningen är stängd och tar inte emot fler svar.")})
    option_ids = {o.id for o in await queries.options(db, poll.id)}
    if not given or not set(given) <= option_ids:
        raise Invalid({"answers": _("Svara ja, om det behövs eller nej för minst en tid.")})
    existing = {
        row.option_id: row
        for row in await db.scalars(
            sa.select(DatePollAnswer).where(
                col(DatePollAnswer.person_id) == person_id,
                col(DatePollAnswer.option_id).in_(list(given)),
            )
        )
    }
    for option_id, answer in given.items():
        row = existing.get(option_id)
        if row is None:
            row = DatePollAnswer(
                option_id=option_id,
                person_id=person_id,
                organisation_id=organisation_id,
                answer=answer,
            )
            db.add(row)
        row.answer = answer
        row.organisation_id = organisation_id
        row.answered_at = now
    record(
        db,
        AuditAction.DATE_POLL_ANSWERED,
        actor_id=person_id,
        object_type="date_poll",
        object_id=poll.id,
        organisation_id=organisation_id,
        answers={str(k): v.value for k, v in sorted(given.items())},
    )
    await db.commit()


async def answer(
    db: AsyncSession, *, actor: CurrentPerson, access: PollAccess, given: Mapping[int, PollAnswer]
) -> None:
    """The person answers per time, for their (first) organisation asked, until the poll
    closes. Side effects: their answers; ``date_poll_answered`` audited. Commits."""
    if not access.my_invited:
        raise NotFound()
    await _answer(
        db,
        poll=access.poll,
        person_id=actor.id,
        organisation_id=access.my_invited[0],
        given=given,
    )


@dataclass(frozen=True, slots=True)
class LinkPage:
    poll: PollRow
    person_id: int
    name: str
    organisation_id: int
    options: list[OptionRow]
    mine: Mapping[int, PollAnswer]


def _unknown() -> Gone:
    return Gone(
        _(
            "Länken gäller inte. Kontrollera att du har fått med hela länken från "
            "e-postmeddelandet."
        ),
        title=_("Länken gäller inte"),
    )


def _closed() -> Gone:
    return Gone(
        _("Omröstningen är stängd och tar inte emot fler svar. Tack ändå!"),
        title=_("Omröstningen är stängd"),
    )


async def open_link(db: AsyncSession, token: str) -> LinkPage:
    """The poll behind an answer link, while it takes answers; else Gone. The person answers
    for their first organisation still asked (a link of someone who has left says so)."""
    owner = await queries.link_owner(db, token) if links.plausible(token) else None
    if owner is None:
        raise _unknown()
    poll_id, person_id, name = owner
    poll = await queries.poll(db, poll_id)
    mine = await queries.my_invited(db, poll_id, person_id)
    if poll is None or not mine:
        raise _unknown()
    if not poll.is_open(clock.now()):
        raise _closed()
    given = {
        a.option_id: a.answer
        for a in await queries.answers(db, poll_id)
        if a.person_id == person_id
    }
    return LinkPage(poll, person_id, name, mine[0], await queries.options(db, poll_id), given)


async def answer_by_link(
    db: AsyncSession, *, token: str, given: Mapping[int, PollAnswer]
) -> LinkPage:
    """Answer from the mail's link, without logging in: as :func:`answer`."""
    page = await open_link(db, token)
    try:
        await _answer(
            db,
            poll=page.poll,
            person_id=page.person_id,
            organisation_id=page.organisation_id,
            given=given,
        )
    except Invalid:
        await db.rollback()
        raise
    return await open_link(db, token)


# --- booking ---------------------------------------------------------------------------------


async def book(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: PollAccess,
    option_id: int,
    settings: Settings,
    env: Environment,
) -> int:
    """Turn a proposed time into a meeting, in one step: the poll's title, place, room and
    organisations, at that time. Side effects: the meeting and its invitations (as
    ``meetings.scheduling.create_meeting``); the poll closed with its meeting;
    ``date_poll_booked`` audited; all in one transaction. Commits."""
    if not access.is_coordinator:
        raise NotFound()
    poll = access.poll
    if poll.meeting_id is not None:
        raise Invalid({"option": _("Omröstningen har redan blivit ett möte.")})
    chosen = next((o for o in await queries.options(db, poll.id) if o.id == option_id), None)
    if chosen is None:
        raise Invalid({"option": _("Välj en av de föreslagna tiderna.")})
    invited = [i for i, _name in await queries.invited(db, poll.id)]
    meeting_id = await scheduling.create_meeting(
        db,
        actor=actor,
        data=scheduling.MeetingInput(
            title=poll.title,
            room_id=poll.room_id,
            starts_at=chosen.starts_at,
            ends_at=chosen.ends_at,
            place=poll.place,
            video_url=poll.video_url,
            agenda=poll.agenda,
            organisation_ids=tuple(invited),
        ),
        settings=settings,
        env=env,
        commit=False,
    )
    booked: Any = await db.execute(
        sa.update(DatePoll)
        .where(col(DatePoll.id) == poll.id, col(DatePoll.meeting_id).is_(None))
        .values(meeting_id=meeting_id)
    )
    if booked.rowcount != 1:
        await db.rollback()
        raise Invalid({"option": _("Omröstningen har redan blivit ett möte.")})
    record(
        db,
        AuditAction.DATE_POLL_BOOKED,
        actor_id=actor.id,
        object_type="date_poll",
        object_id=poll.id,
        option_id=option_id,
        meeting_id=meeting_id,
    )
    await db.commit()
    return meeting_id
