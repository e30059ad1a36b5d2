"""Call-outs: proposing recipients, sending, one-click answers, and the lead's follow-through.

Each recipient's answer link carries a random token of its own; only its hash is stored. It
answers for that recipient only, while the call-out is open (until the lead closes it or its
end passes). Opening the link (GET) only shows a page asking to confirm; the answer is a POST,
so mail scanners that follow links answer nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.audit.models import AuditAction
from partner_portal.audit.queries import count_recent
from partner_portal.audit.service import record
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.evidence.models import EvidenceKind, Process
from partner_portal.evidence.service import record_evidence
from partner_portal.frg.mails import volunteer_languages
from partner_portal.frg.models import (
    Answer,
    Callout,
    CalloutStatus,
    Recipient,
    Volunteer,
    VolunteerStatus,
)
from partner_portal.frg.queries import availability as availability_queries
from partner_portal.frg.queries import callouts as callout_queries
from partner_portal.frg.queries import members
from partner_portal.frg.queries.availability import AvailableRow
from partner_portal.frg.queries.callouts import CalloutRow, RecipientRow
from partner_portal.frg.queries.members import GroupRow
from partner_portal.frg.slots import window
from partner_portal.mail import facade as mail
from partner_portal.platform import clock, i18n, links, paths
from partner_portal.platform.errors import Gone, Invalid, NotFound, TooManyRequests
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.settings import Settings


@dataclass(frozen=True, slots=True)
class CalloutInput:
    title: str
    place: str
    description: str
    starts_at: datetime
    ends_at: datetime
    people_needed: int
    skill_id: int | None
    is_exercise: bool


@dataclass(frozen=True, slots=True)
class RecipientUpdate:
    confirmed: bool
    role: str
    action: str | None  # "in" (check in now), "ut" (check out now) or None


# Plan for about three times the people needed: each volunteer may say no.
PROPOSAL_FACTOR = 3
FAIRNESS_PERIOD = timedelta(days=90)
CALLOUTS_PER_HOUR = 20  # per person sending: a slip of the finger must not mail everyone twice


def answer_path(token: str) -> str:
    return paths.fill(paths.CALLOUT_ANSWER_LINK, token=token)


def callout_path(organisation_id: int, callout_id: int) -> str:
    return paths.fill(paths.CALLOUT, organisation_id=organisation_id, callout_id=callout_id)


@dataclass(frozen=True, slots=True)
class Proposal:
    available: list[AvailableRow]  # everyone available with the skill, in proposal order
    proposed: frozenset[int]  # the first ~3 × N of them


async def propose(db: AsyncSession, *, group: GroupRow, data: CalloutInput) -> Proposal:
    """Who to call out: the volunteers available for the whole call-out with the skill, those
    called out least in the last 90 days first; about three times the people needed."""
    found = await availability_queries.available(
        db,
        group.id,
        window(data.starts_at, data.ends_at),
        frozenset({data.skill_id}) if data.skill_id else frozenset(),
        since=clock.now() - FAIRNESS_PERIOD,
    )
    wanted = PROPOSAL_FACTOR * data.people_needed
    return Proposal(found, frozenset(r.id for r in found[:wanted]))


async def send(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    group: GroupRow,
    data: CalloutInput,
    volunteer_ids: frozenset[int],
    settings: Settings,
    env: Environment,
) -> int:
    """Send the call-out to the chosen volunteers (approved, registered volunteers of this
    group only; any other id is refused). Side effects: the call-out, a recipient with a
    hashed answer token and a mail in the outbox for each, ``callout_held`` evidence for the
    FRG organisation (process FRG, exercise or not), an audit event; one transaction.
    Returns the call-out id."""
    if not volunteer_ids:
        raise Invalid({"volunteer": _("Välj minst en mottagare.")})
    if len(volunteer_ids) > 2000:
        raise Invalid({"volunteer": _("Högst 2000 mottagare åt gången.")})
    sent = await count_recent(
        db,
        actor_id=actor.id,
        actions=(AuditAction.FRG_CALLOUT_SENT,),
        since=clock.now() - timedelta(hours=1),
    )
    if sent >= CALLOUTS_PER_HOUR:
        raise TooManyRequests(
            retry_after=600,
            message=_(
                "Du har skickat %(count)s utlarmningar den senaste timmen, vilket är gränsen. "
                "Vänta en stund och försök igen."
            )
            % {"count": CALLOUTS_PER_HOUR},
        )
    rows: Any = await db.execute(
        sa.select(col(Volunteer.id), col(Volunteer.email)).where(
            col(Volunteer.id).in_(sorted(volunteer_ids)),
            col(Volunteer.organisation_id) == group.id,
            col(Volunteer.status) == VolunteerStatus.ACTIVE,
            col(Volunteer.registered_at).is_not(None),
        )
    )
    chosen = {int(r.id): str(r.email) for r in rows}
    if set(chosen) != set(volunteer_ids):
        raise Invalid({"volunteer": _("Någon av de valda kan inte larmas ut härifrån.")})
    now = clock.now()
    callout = Callout(
        organisation_id=group.id,
        title=data.title,
        place=data.place,
        description=data.description,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        people_needed=data.people_needed,
        skill_id=data.skill_id,
        is_exercise=data.is_exercise,
        status=CalloutStatus.OPEN,
        created_by=actor.id,
        created_at=now,
    )
    db.add(callout)
    await db.flush()
    assert callout.id is not None
    skill_name = None
    if data.skill_id:
        skill_name = next(
            (
                s.name
                for s in await members.skills(db, group.id, active_only=False)
                if s.id == data.skill_id
            ),
            None,
        )
    language = await volunteer_languages(db, chosen)
    for volunteer_id, email in sorted(chosen.items()):
        token = links.new_token()
        recipient = Recipient(
            callout_id=callout.id, volunteer_id=volunteer_id, token_hash=links.digest(token)
        )
        db.add(recipient)
        await db.flush()
        assert recipient.id is not None
        url = settings.absolute_url(answer_path(token))
        mail.send(
            db,
            env,
            "frg-callout",
            to=mail.Recipient(email, language.get(volunteer_id, i18n.DEFAULT_LANGUAGE)),
            context={
                "group_name": group.name,
                "callout": callout,
                "skill_name": skill_name,
                "yes_url": f"{url}?svar=ja",
                "no_url": f"{url}?svar=nej",
            },
            related=("frg_recipient", recipient.id),
        )
    await record_evidence(
        db,
        EvidenceKind.CALLOUT_HELD,
        organisation_id=group.id,
        person_id=actor.id,
        link=callout_path(group.id, callout.id),
        process=Process.FRG,
        object_type="frg_callout",
        object_id=callout.id,
        exercise=data.is_exercise,
    )
    record(
        db,
        AuditAction.FRG_CALLOUT_SENT,
        actor_id=actor.id,
        object_type="frg_callout",
        object_id=callout.id,
        organisation_id=group.id,
        recipients=len(chosen),
        exercise=data.is_exercise,
    )
    await db.commit()
    return callout.id


@dataclass(frozen=True, slots=True)
class AnswerPage:
    callout: CalloutRow
    name: str
    answer: Answer


def _closed() -> Gone:
    return Gone(
        _("Utlarmningen är avslutad och tar inte emot fler svar. Tack ändå!"),
        title=_("Utlarmningen är avslutad"),
    )


def _unknown() -> Gone:
    return links.gone(links.Why.UNKNOWN)


async def _recipient_by_token(db: AsyncSession, token: str) -> Any:
    if not links.plausible(token):
        raise _unknown()
    row: Any = (
        await db.execute(
            sa.select(
                col(Recipient.id),
                col(Recipient.callout_id),
                col(Recipient.volunteer_id),
                col(Recipient.answer),
            ).where(links.matching(col(Recipient.token_hash), token))
        )
    ).one_or_none()
    if row is None or row.volunteer_id is None:
        raise _unknown()
    return row


async def open_answer(db: AsyncSession, token: str) -> AnswerPage:
    """The call-out behind an answer link, while it takes answers; else Gone."""
    row = await _recipient_by_token(db, token)
    callout = await callout_queries.callout(db, row.callout_id)
    volunteer = await members.volunteer(db, row.volunteer_id)
    if callout is None or volunteer is None:
        raise _unknown()
    if not callout.is_open(clock.now()):
        raise _closed()
    return AnswerPage(callout, volunteer.name, row.answer)


async def answer(db: AsyncSession, *, token: str, yes: bool) -> AnswerPage:
    """Answer yes or no (or change the answer) while the call-out is open. Side effects: the
    answer and its time, the volunteer active now; one conditional UPDATE. Gone once closed."""
    page = await open_answer(db, token)
    await db.commit()
    now = clock.now()
    new = Answer.YES if yes else Answer.NO
    changed: Any = await db.execute(
        sa.update(Recipient)
        .where(
            links.matching(col(Recipient.token_hash), token),
            col(Recipient.callout_id).in_(
                sa.select(col(Callout.id)).where(
                    col(Callout.status) == CalloutStatus.OPEN, col(Callout.ends_at) > now
                )
            ),
        )
        .values(answer=new, answered_at=now)
        .returning(col(Recipient.volunteer_id))
    )
    volunteer_id = changed.scalar_one_or_none()
    if volunteer_id is None:
        await db.rollback()
        raise _closed()
    await db.execute(
        sa.update(Volunteer).where(col(Volunteer.id) == volunteer_id).values(last_active_at=now)
    )
    await db.commit()
    return AnswerPage(page.callout, page.name, new)


async def update_recipient(
    db: AsyncSession, *, group: GroupRow, callout_id: int, recipient_id: int, data: RecipientUpdate
) -> None:
    """The lead confirms a recipient, gives a role, checks them in or out (now). Side
    effects: those fields. Commits."""
    recipient = await db.get(Recipient, recipient_id)
    callout = await db.get(Callout, callout_id)
    if (
        recipient is None
        or callout is None
        or recipient.callout_id != callout_id
        or callout.organisation_id != group.id
    ):
        raise NotFound()
    recipient.confirmed = data.confirmed
    recipient.role = data.role
    now = clock.now()
    if data.action == "in":
        recipient.checked_in_at = now
        recipient.checked_out_at = None
    elif data.action == "ut":
        if recipient.checked_in_at is None:
            raise Invalid({"action": _("Checka in personen innan du checkar ut.")})
        recipient.checked_out_at = now
    await db.commit()


async def close(
    db: AsyncSession, *, actor: CurrentPerson, group: GroupRow, callout_id: int
) -> None:
    """No more answers. Side effects: status and time, an audit event. Commits."""
    callout = await db.get(Callout, callout_id)
    if callout is None or callout.organisation_id != group.id:
        raise NotFound()
    if callout.status is CalloutStatus.OPEN:
        callout.status = CalloutStatus.CLOSED
        callout.closed_at = clock.now()
        record(
            db,
            AuditAction.FRG_CALLOUT_CLOSED,
            actor_id=actor.id,
            object_type="frg_callout",
            object_id=callout_id,
            organisation_id=group.id,
        )
        await db.commit()


def hours_total(recipients: list[RecipientRow]) -> float:
    return round(sum(r.hours or 0.0 for r in recipients), 2)


def is_open(callout: CalloutRow, now: datetime | None = None) -> bool:
    return callout.is_open(now or clock.now())
