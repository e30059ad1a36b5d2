"""The volunteer's availability: their weekly pattern, the one-tap answer for a week (in the
portal or from the periodic mail's signed links), absences, and sending that mail. The rule of
who is available is in partner_portal.frg.slots, the reads in frg.queries.availability.

Each function owns its transaction and its docstring lists its side effects.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.frg import tokens
from partner_portal.frg.mails import volunteer_languages
from partner_portal.frg.models import Absence, Volunteer, VolunteerStatus, WeeklySlot
from partner_portal.frg.queries.members import VolunteerRow
from partner_portal.frg.slots import offered_weeks
from partner_portal.mail import facade as mail
from partner_portal.organisations.models import Organisation
from partner_portal.platform import clock, i18n, links, paths
from partner_portal.platform.errors import Gone, Invalid, NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.settings import Settings


async def _own(db: AsyncSession, volunteer: VolunteerRow) -> Volunteer:
    row = await db.get(Volunteer, volunteer.id)
    if row is None:
        raise NotFound()
    return row


async def save_pattern(db: AsyncSession, *, volunteer: VolunteerRow, slots: frozenset[int]) -> None:
    """Side effects: the weekly pattern replaced, active now. Commits."""
    row = await _own(db, volunteer)
    row.last_active_at = clock.now()
    await db.execute(sa.delete(WeeklySlot).where(col(WeeklySlot.volunteer_id) == row.id))
    for value in sorted(slots):
        db.add(WeeklySlot(volunteer_id=volunteer.id, slot=value))
    await db.commit()


async def set_week(
    db: AsyncSession,
    *,
    volunteer_id: int,
    available: bool | None,
    now: datetime,
    week: date | None = None,
) -> None:
    """The one-tap answer for a week (by its Monday; this week when None): available all of
    it, not at all, or (None) confirm the weekly pattern as it is. Only a week offered today
    (see availability.offered_weeks: on a Sunday next week too) may be answered; one answer is
    kept, so answering for next week on a Sunday leaves today to the weekly pattern. Side
    effects: the week's answer, active now. Commits."""
    offered = offered_weeks(clock.swedish_date(now))
    if week is None:
        week = offered[0]
    elif week not in offered:
        raise Invalid(
            {"vecka": _("Du kan bara svara för den här veckan (på söndagar även nästa vecka).")}
        )
    values: dict[str, Any] = {"last_active_at": now}
    if available is not None:
        values |= {"week_start": week, "week_available": available}
    await db.execute(sa.update(Volunteer).where(col(Volunteer.id) == volunteer_id).values(**values))
    await db.commit()


async def add_absence(
    db: AsyncSession, *, volunteer: VolunteerRow, starts_on: date, ends_on: date
) -> None:
    """Side effects: the absence, active now. Commits."""
    row = await _own(db, volunteer)
    count = await db.scalar(sa.select(sa.func.count()).where(col(Absence.volunteer_id) == row.id))
    if (count or 0) >= 100:
        raise Invalid({"starts_on": _("Ta bort gamla frånvaroperioder först (högst 100).")})
    row.last_active_at = clock.now()
    db.add(Absence(volunteer_id=volunteer.id, starts_on=starts_on, ends_on=ends_on))
    await db.commit()


async def remove_absence(db: AsyncSession, *, volunteer: VolunteerRow, absence_id: int) -> None:
    """Side effects: the absence deleted (only the volunteer's own). Commits."""
    result: Any = await db.execute(
        sa.delete(Absence).where(
            col(Absence.id) == absence_id, col(Absence.volunteer_id) == volunteer.id
        )
    )
    if result.rowcount == 0:
        await db.rollback()
        raise NotFound()
    await db.commit()


def _gone(*, expired: bool) -> Gone:
    return links.gone(
        links.Why.EXPIRED if expired else links.Why.UNKNOWN,
        _("Logga in och ändra din tillgänglighet i portalen."),
    )


async def confirm_from_mail(db: AsyncSession, *, token: str, settings: Settings) -> str:
    """Apply a one-click answer from the availability mail. Side effects: see set_week.
    Returns the action; Gone for an expired, altered or unknown link."""
    now = clock.now()
    try:
        volunteer_id, action = tokens.read(settings.secret_key._value, token, now)
    except tokens.BadToken as bad:
        raise _gone(expired=bad.expired) from None
    if await db.get(Volunteer, volunteer_id) is None:
        raise _gone(expired=False)
    available = {"stammer": None, "ja": True, "nej": False}[action]
    await set_week(db, volunteer_id=volunteer_id, available=available, now=now)
    return action


def check_mail_token(token: str, settings: Settings) -> str:
    """The action of a genuine link (for the confirm page), else Gone."""
    try:
        return tokens.read(settings.secret_key._value, token, clock.now())[1]
    except tokens.BadToken as bad:
        raise _gone(expired=bad.expired) from None


async def send_availability_mails(
    db: AsyncSession, *, settings: Settings, env: Environment, limit: int = 200
) -> int:
    """Ask volunteers whose availability was last asked for (or who registered) at least
    PORTAL_FRG_AVAILABILITY_MAIL_DAYS ago to confirm it with one click. Side effects: one mail
    per volunteer in the outbox, ``availability_asked_at`` set; one transaction per batch.
    Returns how many were asked."""
    now = clock.now()
    due = now - timedelta(days=settings.frg_availability_mail_days)
    rows: Any = (
        await db.execute(
            sa.select(
                col(Volunteer.id),
                col(Volunteer.email),
                col(Volunteer.organisation_id),
                col(Organisation.name),
            )
            .join(Organisation, col(Organisation.id) == col(Volunteer.organisation_id))
            .where(
                col(Volunteer.status) == VolunteerStatus.ACTIVE,
                col(Volunteer.registered_at).is_not(None),
                col(Volunteer.registered_at) <= due,
                col(Volunteer.email) != "",
                col(Organisation.is_active).is_(True),
                sa.or_(
                    col(Volunteer.availability_asked_at).is_(None),
                    col(Volunteer.availability_asked_at) <= due,
                ),
            )
            .order_by(col(Volunteer.id))
            .limit(limit)
        )
    ).all()
    asked = []
    expires = now + timedelta(days=settings.frg_availability_mail_days)
    secret = settings.secret_key._value
    language = await volunteer_languages(db, [r[0] for r in rows])
    for volunteer_id, email, organisation_id, group_name in rows:

        def link(action: str, volunteer_id: int = volunteer_id) -> str:
            token = tokens.sign(secret, volunteer_id, action, expires)
            return settings.absolute_url(paths.fill(paths.AVAILABILITY_LINK, token=token))

        mail.send(
            db,
            env,
            "frg-availability",
            to=mail.Recipient(email, language.get(volunteer_id, i18n.DEFAULT_LANGUAGE)),
            context={
                "group_name": group_name,
                "confirm_url": link("stammer"),
                "yes_url": link("ja"),
                "no_url": link("nej"),
                "change_url": settings.absolute_url(
                    paths.fill(paths.AVAILABILITY, organisation_id=organisation_id)
                ),
                "expires_at": expires,
            },
            related=("frg_volunteer", volunteer_id),
        )
        asked.append(volunteer_id)
    if asked:
        await db.execute(
            sa.update(Volunteer)
            .where(col(Volunteer.id).in_(asked))
            .values(availability_asked_at=now)
        )
    await db.commit()
    return len(asked)
