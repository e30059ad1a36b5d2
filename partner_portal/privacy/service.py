"""What the portal holds about a person, and removing it when they ask.

Every person can read and download what the portal holds about them, and ask for it to be
removed. A coordinator confirms the request; then the person's personal data is deleted, and
the public records they took part in — signed statements, comments on plans, minutes and
attendance, actions, files, the audit log — stay, with the person anonymised: their ``person``
row keeps its id (the records refer to it) but has no name, email or login any more, and is
shown as "Borttagen person". The requests live in the audit log itself (requested, withdrawn,
done), so every step is recorded and nothing new has to be stored.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record, record_read
from partner_portal.auth.models import LoginSession, Person, RoleGrant
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.consultations.models import Statement
from partner_portal.digests.models import DigestSent
from partner_portal.followup.api_tokens import ApiToken
from partner_portal.frg import privacy as frg_privacy
from partner_portal.frg.models import FrgInvitation
from partner_portal.mail.models import OutboxMessage
from partner_portal.mail.preference_models import MailPreference, UnsubscribeLink
from partner_portal.meetings.models import CalendarFeed
from partner_portal.organisations.acting import current_membership
from partner_portal.organisations.models import Invitation, Membership
from partner_portal.platform import clock
from partner_portal.platform.db import forget_deleted
from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.polls.models import DatePollLink
from partner_portal.privacy import queries

REMOVED_NAME = "Borttagen person"
REMOVED_SUBJECT_PREFIX = "borttagen:"


def jsonable(value: Any) -> Any:
    """``value`` with every date and moment as ISO 8601 text (for the JSON download)."""
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


# --- what the portal holds ---------------------------------------------------------------------


async def export(db: AsyncSession, *, person: CurrentPerson) -> dict[str, Any]:
    """The person's download. Side effects: an audit event. Commits."""
    data = await queries.held_about(db, person.id)
    await record_read(
        db,
        AuditAction.PERSONAL_DATA_EXPORTED,
        actor_id=person.id,
        object_type="person",
        object_id=person.id,
        format="json",
    )
    exported: dict[str, Any] = jsonable({"hamtad": clock.now(), **data})
    return exported


# --- removal requests ----------------------------------------------------------------------------


async def request_removal(db: AsyncSession, *, person: CurrentPerson) -> None:
    """The person asks for their data to be removed. Side effects: an audit event (the request
    itself). Commits. Asking again while a request is open changes nothing."""
    if await queries.pending_request(db, person.id) is not None:
        return
    record(
        db,
        AuditAction.REMOVAL_REQUESTED,
        actor_id=person.id,
        object_type="person",
        object_id=person.id,
    )
    await db.commit()


async def withdraw_removal(db: AsyncSession, *, person: CurrentPerson) -> None:
    """The person takes back their open request. Side effects: an audit event. Commits."""
    if await queries.pending_request(db, person.id) is None:
        return
    record(
        db,
        AuditAction.REMOVAL_WITHDRAWN,
        actor_id=person.id,
        object_type="person",
        object_id=person.id,
    )
    await db.commit()


async def confirm_removal(db: AsyncSession, *, actor: CurrentPerson, person_id: int) -> None:
    """A coordinator confirms an open request: the person's personal data is deleted and the
    records they took part in stay, anonymised (see the module's docstring and remove_person).
    Side effects: an audit event by the coordinator. One transaction; then, on SQLite, nothing
    of it is left in the database file or its write-ahead log."""
    if await queries.pending_request(db, person_id) is None:
        raise Invalid({"person": _("Det finns ingen öppen begäran om radering för personen.")})
    if person_id == actor.id:
        raise Invalid(
            {"person": _("En annan samordnare får bekräfta raderingen av dina egna uppgifter.")}
        )
    await remove_person(db, person_id=person_id, actor_id=actor.id)
    await db.commit()
    await forget_deleted(db)


async def remove_person(db: AsyncSession, *, person_id: int, actor_id: int) -> None:
    """In the caller's transaction: delete what is the person's own (logins, roles, calendar
    feeds, FRG registrations, invitations to their address, mail to them), end their
    memberships, revoke their API keys, anonymise their signature on statements, and strip the
    person row of name, email and login (it stays, so records keep pointing at "Borttagen
    person"). Audit: PERSON_REMOVED, with no personal data in it."""
    person = await db.get(Person, person_id)
    if person is None:
        raise NotFound()
    now = clock.now()
    email = (person.email or "").lower()
    for volunteer in await queries.registrations(db, person_id):
        await frg_privacy.delete_volunteer_rows(db, volunteer=volunteer, actor_id=actor_id)
    await db.execute(sa.delete(LoginSession).where(col(LoginSession.person_id) == person_id))
    await db.execute(sa.delete(CalendarFeed).where(col(CalendarFeed.person_id) == person_id))
    for table in (MailPreference, UnsubscribeLink, DigestSent, DatePollLink):
        owner: Any = table.person_id
        await db.execute(sa.delete(table).where(owner == person_id))
    await db.execute(
        sa.delete(RoleGrant).where(
            sa.or_(
                col(RoleGrant.person_id) == person_id,
                sa.and_(sa.literal(email != ""), sa.func.lower(col(RoleGrant.email)) == email),
            )
        )
    )
    await db.execute(
        sa.update(ApiToken)
        .where(col(ApiToken.person_id) == person_id, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=now, revoked_by=actor_id)
    )
    await db.execute(
        sa.update(Membership)
        .where(col(Membership.person_id) == person_id, current_membership())
        .values(ended_at=now)
    )
    if email:
        await db.execute(
            sa.delete(Invitation).where(
                sa.or_(
                    sa.func.lower(col(Invitation.email)) == email,
                    col(Invitation.accepted_by) == person_id,
                )
            )
        )
        await db.execute(
            sa.delete(FrgInvitation).where(
                sa.or_(
                    sa.func.lower(col(FrgInvitation.email)) == email,
                    col(FrgInvitation.accepted_by) == person_id,
                )
            )
        )
        await db.execute(
            sa.delete(OutboxMessage).where(sa.func.lower(col(OutboxMessage.to_address)) == email)
        )
    else:
        await db.execute(sa.delete(Invitation).where(col(Invitation.accepted_by) == person_id))
        await db.execute(
            sa.delete(FrgInvitation).where(col(FrgInvitation.accepted_by) == person_id)
        )
    await db.execute(
        sa.update(Statement)
        .where(col(Statement.submitted_by) == person_id)
        .values(signer_name=REMOVED_NAME)
    )
    await db.execute(
        sa.update(Person)
        .where(col(Person.id) == person_id)
        .values(
            name=REMOVED_NAME,
            email=None,
            email_verified=False,
            is_active=False,
            oidc_subject=f"{REMOVED_SUBJECT_PREFIX}{person_id}",
            last_login_at=None,
        )
    )
    record(
        db,
        AuditAction.PERSON_REMOVED,
        actor_id=actor_id,
        object_type="person",
        object_id=person_id,
    )
