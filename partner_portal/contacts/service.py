"""Keeping the directory: saving an organisation's entry, confirming it (in the portal or from
the six-monthly mail's one-click link), asking for confirmation, and auditing exports.

Each function owns its transaction and its docstring lists its side effects.
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
from partner_portal.audit.service import record, record_read
from partner_portal.auth.queries import recipients
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.contacts import queries
from partner_portal.contacts.models import CrisisPerson, OrganisationContact
from partner_portal.contacts.paths import confirm_link, entry_path
from partner_portal.mail import facade as mail
from partner_portal.organisations.queries import main_contact_addresses
from partner_portal.platform import clock, links
from partner_portal.platform.errors import Gone, Invalid, NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.settings import Settings

LINK_VALID = timedelta(days=60)
MAX_PEOPLE = 30


@dataclass(frozen=True, slots=True)
class PersonInput:
    name: str
    crisis_role: str
    phone: str
    email: str = ""


@dataclass(frozen=True, slots=True)
class ContactInput:
    duty_phone: str
    mailbox: str
    alternative: str
    people: tuple[PersonInput, ...] = ()


async def save(
    db: AsyncSession,
    *,
    organisation_id: int,
    actor: CurrentPerson,
    data: ContactInput,
    ip_address: str | None,
) -> None:
    """Side effects: the organisation's path written and its people replaced; saving is also a
    confirmation (confirmed now, by the actor); an audit event. Commits."""
    if len(data.people) > MAX_PEOPLE:
        raise Invalid({"people": _("Högst %(n)s personer per organisation.") % {"n": MAX_PEOPLE}})
    now = clock.now()
    row = await db.get(OrganisationContact, organisation_id, with_for_update=True)
    if row is None:
        row = OrganisationContact(organisation_id=organisation_id)
        db.add(row)
    row.duty_phone = data.duty_phone
    row.mailbox = data.mailbox
    row.alternative = data.alternative
    row.updated_at = row.confirmed_at = now
    row.updated_by = row.confirmed_by = actor.id
    await db.execute(
        sa.delete(CrisisPerson).where(col(CrisisPerson.organisation_id) == organisation_id)
    )
    for position, person in enumerate(data.people, start=1):
        db.add(
            CrisisPerson(
                organisation_id=organisation_id,
                position=position,
                name=person.name,
                crisis_role=person.crisis_role,
                phone=person.phone,
                email=person.email,
            )
        )
    record(
        db,
        AuditAction.CONTACTS_CHANGED,
        actor_id=actor.id,
        object_type="organisation",
        object_id=organisation_id,
        organisation_id=organisation_id,
        ip_address=ip_address,
        people=len(data.people),
    )
    await db.commit()


async def confirm(
    db: AsyncSession, *, organisation_id: int, actor: CurrentPerson, ip_address: str | None
) -> None:
    """ "The entry is still right", in the portal. Side effects: confirmed now by the actor; an
    audit event. Commits. Invalid when nothing has been entered yet."""
    row = await db.get(OrganisationContact, organisation_id, with_for_update=True)
    if row is None:
        raise Invalid({"duty_phone": _("Fyll i uppgifterna och spara dem först.")})
    row.confirmed_at = clock.now()
    row.confirmed_by = actor.id
    record(
        db,
        AuditAction.CONTACTS_CONFIRMED,
        actor_id=actor.id,
        object_type="organisation",
        object_id=organisation_id,
        organisation_id=organisation_id,
        ip_address=ip_address,
        via="portal",
    )
    await db.commit()


@dataclass(frozen=True, slots=True)
class OpenLink:
    organisation_id: int
    organisation_name: str


async def open_link(db: AsyncSession, token: str) -> OpenLink:
    """The organisation a confirmation link is for; NotFound for an unknown token, Gone for an
    expired one."""
    if not links.plausible(token):
        raise NotFound(_("Länken gäller inte. Kontrollera att du har fått med hela länken."))
    found = await queries.contact_by_token(db, token)
    if found is None:
        raise NotFound(_("Länken gäller inte. Kontrollera att du har fått med hela länken."))
    organisation_id, name, expires_at = found
    if expires_at is not None and expires_at <= clock.now():
        raise Gone(
            _("Länken har gått ut. Logga in och bekräfta uppgifterna i kontaktlistan."),
            title=_("Länken gäller inte"),
        )
    return OpenLink(organisation_id, name)


async def confirm_from_link(db: AsyncSession, *, token: str, ip_address: str | None) -> OpenLink:
    """The one-click confirmation from the mail, without login. Side effects: confirmed now (by
    no person); an audit event saying it came by link. Commits."""
    link = await open_link(db, token)
    await db.execute(
        sa.update(OrganisationContact)
        .where(col(OrganisationContact.organisation_id) == link.organisation_id)
        .values(confirmed_at=clock.now(), confirmed_by=None)
    )
    record(
        db,
        AuditAction.CONTACTS_CONFIRMED,
        actor_id=None,
        object_type="organisation",
        object_id=link.organisation_id,
        organisation_id=link.organisation_id,
        ip_address=ip_address,
        via="link",
    )
    await db.commit()
    return link


async def ask_for_confirmation(
    db: AsyncSession, *, settings: Settings, env: Environment, now: datetime, limit: int = 200
) -> int:
    """Ask each organisation whose entry was confirmed six months ago or more, once, to confirm
    it. Side effects: a new link token (stored hashed), ``asked_at``; one mail per main contact
    (or to the organisation's contact address) in their language. Commits. Returns how many
    organisations were asked."""
    due = await queries.due_for_confirmation(db, now, limit)
    if not due:
        return 0
    addresses = await main_contact_addresses(db, [i for i, _n in due])
    expires = now + LINK_VALID
    for organisation_id, name in due:
        token = links.new_token()
        values: dict[str, Any] = {
            "asked_at": now,
            "token_hash": links.digest(token),
            "token_expires_at": expires,
        }
        await db.execute(
            sa.update(OrganisationContact)
            .where(col(OrganisationContact.organisation_id) == organisation_id)
            .values(**values)
        )
        for recipient in await recipients(db, addresses.get(organisation_id, [])):
            mail.send(
                db,
                env,
                "contacts-confirm",
                to=recipient,
                context={
                    "organisation_name": name,
                    "confirm_url": settings.absolute_url(confirm_link(token)),
                    "change_url": settings.absolute_url(entry_path(organisation_id)),
                    "expires_at": expires,
                },
                related=("organisation", organisation_id),
            )
    await db.commit()
    return len(due)


async def record_export(
    db: AsyncSession, *, actor: CurrentPerson, fmt: str, count: int, ip_address: str | None
) -> None:
    """Side effects: an audit event for a download of the directory (committed at once)."""
    await record_read(
        db,
        AuditAction.EXPORT_DOWNLOADED,
        actor_id=actor.id,
        object_type="contacts",
        ip_address=ip_address,
        export=f"kontakter.{fmt}",
        organisations=count,
    )
