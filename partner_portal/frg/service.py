"""FRG rules and transactions: joining, registration, availability, the lead's list of skills,
and the volunteer's own data (export and deletion). Call-outs are in partner_portal.frg.callouts.

Each function owns its transaction and its docstring lists its side effects.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal import clock, i18n
from partner_portal.audit.models import AuditAction
from partner_portal.audit.queries import count_recent
from partner_portal.audit.service import record, record_read
from partner_portal.auth.sessions import CurrentPerson, hash_token
from partner_portal.db import forget_deleted
from partner_portal.errors import Gone, NotFound, TooManyRequests
from partner_portal.forms import FormInvalid
from partner_portal.frg import queries, tokens
from partner_portal.frg.availability import offered_weeks
from partner_portal.frg.forms import RegistrationInput
from partner_portal.frg.models import (
    Absence,
    FrgGroup,
    FrgInvitation,
    FrgInvitationStatus,
    FrgSkill,
    Recipient,
    Volunteer,
    VolunteerSkill,
    VolunteerStatus,
    WeeklySlot,
)
from partner_portal.frg.queries import GroupRow, VolunteerRow
from partner_portal.i18n import gettext as _
from partner_portal.mail.messages import build
from partner_portal.mail.models import OutboxMessage
from partner_portal.mail.outbox import enqueue
from partner_portal.organisations.models import Organisation
from partner_portal.settings import Settings
from partner_portal.tables import csv_bytes
from partner_portal.text import swedish_sort_key

# The list a new FRG group starts from; the lead changes it.
DEFAULT_SKILLS = (
    "Första hjälpen",
    "Hjärt- och lungräddning (HLR)",
    "Körkort B",
    "Körkort BE",
    "Körkort C",
    "Radio (RAKEL)",
    "Matlagning i storkök",
    "Språk: arabiska",
    "Språk: engelska",
    "Språk: finska",
    "Språk: somaliska",
    "Språk: turkiska",
    "Egen bil",
)
RELATED = ("frg_invitation", "frg_recipient", "frg_volunteer")


def mail(env: Environment, name: str, to: str, context: dict[str, Any]) -> Any:
    """Build an FRG mail in Swedish, whatever language the person who caused it reads."""
    language = i18n.current_language.set("sv")
    try:
        return build(env, name, to, context)
    finally:
        i18n.current_language.reset(language)


async def ensure_group(db: AsyncSession, organisation_id: int) -> None:
    """Side effects: the FRG group row and the default skills list, the first time only
    (added to the session; the caller commits)."""
    if await db.get(FrgGroup, organisation_id) is not None:
        return
    db.add(FrgGroup(organisation_id=organisation_id))
    for name in DEFAULT_SKILLS:
        db.add(
            FrgSkill(
                organisation_id=organisation_id,
                name=name,
                name_key=name.lower(),
                sort_key=swedish_sort_key(name),
            )
        )
    await db.flush()


# --- joining ---------------------------------------------------------------------------------


def invitation_path(token: str) -> str:
    return f"/frg/inbjudan/{token}"


def signup_path(token: str) -> str:
    return f"/frg/anmalan/{token}"


async def invite(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    group: GroupRow,
    email: str,
    settings: Settings,
    env: Environment,
) -> None:
    """Invite someone by email to join as a volunteer. Side effects: the invitation (token
    hashed), its mail in the outbox, an audit event; one transaction. TooManyRequests beyond
    the hourly cap shared with other invitations."""
    sent = await count_recent(
        db,
        actor_id=actor.id,
        actions=(
            AuditAction.FRG_VOLUNTEER_INVITED,
            AuditAction.INVITATION_SENT,
            AuditAction.INVITATION_RESENT,
        ),
        since=clock.now() - timedelta(hours=1),
    )
    if sent >= settings.invitations_per_hour:
        raise TooManyRequests(retry_after=600)
    await ensure_group(db, group.id)
    now = clock.now()
    token = secrets.token_urlsafe(32)
    invitation = FrgInvitation(
        organisation_id=group.id,
        email=email,
        token_hash=hash_token(token),
        status=FrgInvitationStatus.PENDING,
        invited_by=actor.id,
        created_at=now,
        expires_at=now + timedelta(days=settings.invitation_days),
    )
    db.add(invitation)
    await db.flush()
    assert invitation.id is not None
    message = mail(
        env,
        "frg-invitation",
        email,
        {
            "group_name": group.name,
            "inviter_name": actor.name,
            "url": settings.absolute_url(invitation_path(token)),
            "expires_at": invitation.expires_at,
        },
    )
    enqueue(db, message, related=("frg_invitation", invitation.id))
    record(
        db,
        AuditAction.FRG_VOLUNTEER_INVITED,
        actor_id=actor.id,
        object_type="frg_invitation",
        object_id=invitation.id,
        organisation_id=group.id,
    )
    await db.commit()


@dataclass(frozen=True, slots=True)
class OpenLink:
    group_name: str
    expires_at: datetime | None


def _link_gone() -> Gone:
    return Gone(
        _("Länken gäller inte längre. Be din FRG-ledare om en ny länk."),
        title=_("Länken gäller inte"),
    )


async def open_invitation(db: AsyncSession, token: str) -> OpenLink:
    """The invitation behind a link if it can still be accepted, else Gone."""
    if not token or len(token) > 100:
        raise _link_gone()
    row: Any = (
        await db.execute(
            sa.select(
                col(Organisation.name),
                col(Organisation.is_active),
                col(FrgInvitation.status),
                col(FrgInvitation.expires_at),
            )
            .join(Organisation, col(Organisation.id) == col(FrgInvitation.organisation_id))
            .where(col(FrgInvitation.token_hash) == hash_token(token))
        )
    ).one_or_none()
    if (
        row is None
        or not row.is_active
        or row.status is not FrgInvitationStatus.PENDING
        or row.expires_at <= clock.now()
    ):
        raise _link_gone()
    return OpenLink(row.name, row.expires_at)


async def _join(
    db: AsyncSession, person: CurrentPerson, organisation_id: int, status: VolunteerStatus
) -> None:
    existing = await queries.volunteer_of(db, person.id, organisation_id)
    if existing is None:
        db.add(
            Volunteer(
                organisation_id=organisation_id,
                person_id=person.id,
                status=status,
                email=person.email or "",
            )
        )
    elif existing.status is VolunteerStatus.PENDING and status is VolunteerStatus.ACTIVE:
        await db.execute(
            sa.update(Volunteer)
            .where(col(Volunteer.id) == existing.id)
            .values(status=VolunteerStatus.ACTIVE)
        )
    record(
        db,
        AuditAction.FRG_VOLUNTEER_JOINED,
        actor_id=person.id,
        object_type="frg_volunteer",
        organisation_id=organisation_id,
        status=str(status),
    )


async def accept_invitation(db: AsyncSession, *, person: CurrentPerson, token: str) -> int:
    """Join as a volunteer through an invitation. Side effects: the invitation is used (one
    conditional UPDATE: of two accepts exactly one succeeds), the volunteer's registration
    (approved; the form is filled in next), an audit event. Returns the organisation id."""
    await open_invitation(db, token)
    await db.commit()
    claimed: Any = (
        await db.execute(
            sa.update(FrgInvitation)
            .where(
                col(FrgInvitation.token_hash) == hash_token(token),
                col(FrgInvitation.status) == FrgInvitationStatus.PENDING,
                col(FrgInvitation.expires_at) > clock.now(),
            )
            .values(
                status=FrgInvitationStatus.ACCEPTED, accepted_by=person.id, accepted_at=clock.now()
            )
            .returning(col(FrgInvitation.organisation_id))
        )
    ).one_or_none()
    if claimed is None:
        await db.rollback()
        raise _link_gone()
    organisation_id = int(claimed.organisation_id)
    await ensure_group(db, organisation_id)
    await _join(db, person, organisation_id, VolunteerStatus.ACTIVE)
    await db.commit()
    return organisation_id


async def create_signup_link(db: AsyncSession, *, actor: CurrentPerson, group: GroupRow) -> str:
    """A new open sign-up link for the group (the old one stops working); shown once. Side
    effects: its hash on the group, an audit event. Commits. Returns the token."""
    await ensure_group(db, group.id)
    token = secrets.token_urlsafe(24)
    await db.execute(
        sa.update(FrgGroup)
        .where(col(FrgGroup.organisation_id) == group.id)
        .values(signup_token_hash=hash_token(token), signup_created_at=clock.now())
    )
    record(
        db,
        AuditAction.FRG_SIGNUP_LINK_CREATED,
        actor_id=actor.id,
        object_type="frg_group",
        object_id=group.id,
        organisation_id=group.id,
    )
    await db.commit()
    return token


async def open_signup(db: AsyncSession, token: str) -> GroupRow:
    if not token or len(token) > 100:
        raise _link_gone()
    organisation_id = await db.scalar(
        sa.select(col(FrgGroup.organisation_id)).where(
            col(FrgGroup.signup_token_hash) == hash_token(token)
        )
    )
    group = None if organisation_id is None else await queries.frg_organisation(db, organisation_id)
    if group is None or not group.is_active:
        raise _link_gone()
    return group


async def sign_up(db: AsyncSession, *, person: CurrentPerson, token: str) -> int:
    """Ask to join through the open link: a registration waiting for the lead's approval.
    Side effects: the registration, an audit event. Commits. Returns the organisation id."""
    group = await open_signup(db, token)
    await db.commit()
    await _join(db, person, group.id, VolunteerStatus.PENDING)
    await db.commit()
    return group.id


async def approve(
    db: AsyncSession, *, actor: CurrentPerson, group: GroupRow, volunteer_id: int
) -> None:
    """Side effects: the registration becomes active, an audit event. Commits."""
    volunteer = await db.get(Volunteer, volunteer_id)
    if volunteer is None or volunteer.organisation_id != group.id:
        raise NotFound()
    if volunteer.status is VolunteerStatus.PENDING:
        volunteer.status = VolunteerStatus.ACTIVE
        record(
            db,
            AuditAction.FRG_VOLUNTEER_APPROVED,
            actor_id=actor.id,
            object_type="frg_volunteer",
            object_id=volunteer_id,
            organisation_id=group.id,
        )
        await db.commit()


# --- the volunteer's registration and availability --------------------------------------------


async def _own(db: AsyncSession, volunteer: VolunteerRow) -> Volunteer:
    row = await db.get(Volunteer, volunteer.id)
    if row is None:
        raise NotFound()
    return row


async def save_registration(
    db: AsyncSession, *, volunteer: VolunteerRow, data: RegistrationInput
) -> None:
    """Side effects: contact details, dates and skills replaced; registered (the first time)
    and active now. Commits."""
    row = await _own(db, volunteer)
    now = clock.now()
    row.phone = data.phone
    row.email = data.email
    row.agreement_signed_on = data.agreement_signed_on
    row.basic_course_on = data.basic_course_on
    row.registered_at = row.registered_at or now
    row.last_active_at = now
    await db.execute(sa.delete(VolunteerSkill).where(col(VolunteerSkill.volunteer_id) == row.id))
    for skill_id in sorted(data.skill_ids):
        db.add(VolunteerSkill(volunteer_id=volunteer.id, skill_id=skill_id))
    await db.commit()


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
        raise FormInvalid(
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
        raise FormInvalid({"starts_on": _("Ta bort gamla frånvaroperioder först (högst 100).")})
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


async def confirm_from_mail(db: AsyncSession, *, token: str, settings: Settings) -> str:
    """Apply a one-click answer from the availability mail. Side effects: see set_week.
    Returns the action; Gone for an expired, altered or unknown link."""
    now = clock.now()
    try:
        volunteer_id, action = tokens.read(settings.secret_key._value, token, now)
    except tokens.BadToken as bad:
        raise Gone(
            _("Länken har gått ut. Logga in och ändra din tillgänglighet i portalen.")
            if bad.expired
            else _("Länken gäller inte. Kontrollera att du har fått med hela länken."),
            title=_("Länken gäller inte"),
        ) from None
    if await db.get(Volunteer, volunteer_id) is None:
        raise Gone(_("Länken gäller inte."), title=_("Länken gäller inte"))
    available = {"stammer": None, "ja": True, "nej": False}[action]
    await set_week(db, volunteer_id=volunteer_id, available=available, now=now)
    return action


def check_mail_token(token: str, settings: Settings) -> str:
    """The action of a genuine link (for the confirm page), else Gone."""
    try:
        return tokens.read(settings.secret_key._value, token, clock.now())[1]
    except tokens.BadToken as bad:
        raise Gone(
            _("Länken har gått ut. Logga in och ändra din tillgänglighet i portalen.")
            if bad.expired
            else _("Länken gäller inte. Kontrollera att du har fått med hela länken."),
            title=_("Länken gäller inte"),
        ) from None


async def send_availability_mails(
    db: AsyncSession, *, settings: Settings, env: Environment, limit: int = 200
) -> int:
    """Ask volunteers whose availability was last asked for (or who registered) at least
    PORTAL_FRG_AVAILABILITY_MAIL_DAYS ago to confirm it with one click. Side effects: one mail
    per volunteer in the outbox, ``availability_asked_at`` set; one transaction per batch.
    Returns how many were asked."""
    now = clock.now()
    due = now - timedelta(days=settings.frg_availability_mail_days)
    rows: Any = await db.execute(
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
    asked = []
    expires = now + timedelta(days=settings.frg_availability_mail_days)
    secret = settings.secret_key._value
    for volunteer_id, email, organisation_id, group_name in rows:

        def link(action: str, volunteer_id: int = volunteer_id) -> str:
            token = tokens.sign(secret, volunteer_id, action, expires)
            return settings.absolute_url(f"/frg/tillganglighet/{token}")

        message = mail(
            env,
            "frg-availability",
            email,
            {
                "group_name": group_name,
                "confirm_url": link("stammer"),
                "yes_url": link("ja"),
                "no_url": link("nej"),
                "change_url": settings.absolute_url(f"/frg/{organisation_id}/tillganglighet"),
                "expires_at": expires,
            },
        )
        enqueue(db, message, related=("frg_volunteer", volunteer_id))
        asked.append(volunteer_id)
    if asked:
        await db.execute(
            sa.update(Volunteer)
            .where(col(Volunteer.id).in_(asked))
            .values(availability_asked_at=now)
        )
    await db.commit()
    return len(asked)


# --- the lead's list of skills ---------------------------------------------------------------


async def add_skill(db: AsyncSession, *, group: GroupRow, name: str) -> None:
    """Side effects: the skill on the list (or back on it, if it was taken off). Commits."""
    await ensure_group(db, group.id)
    existing = await db.scalar(
        sa.select(FrgSkill).where(
            col(FrgSkill.organisation_id) == group.id, col(FrgSkill.name_key) == name.lower()
        )
    )
    if existing is not None:
        if existing.is_active:
            raise FormInvalid({"name": _("Den finns redan på listan.")})
        existing.is_active = True
    else:
        db.add(
            FrgSkill(
                organisation_id=group.id,
                name=name,
                name_key=name.lower(),
                sort_key=swedish_sort_key(name),
            )
        )
    await db.commit()


async def set_skill_active(
    db: AsyncSession, *, group: GroupRow, skill_id: int, active: bool
) -> None:
    """Take a skill off the list (volunteers keep it; it is no longer offered) or put it back.
    Commits."""
    skill = await db.get(FrgSkill, skill_id)
    if skill is None or skill.organisation_id != group.id:
        raise NotFound()
    skill.is_active = active
    await db.commit()


# --- the volunteer's own data ------------------------------------------------------------------


async def export_data(
    db: AsyncSession, *, volunteer: VolunteerRow, group: GroupRow, fmt: str
) -> dict[str, Any]:
    """Everything the register holds about the volunteer. Side effects: an audit event (the
    format only). Commits."""
    held = await queries.held_about(db, volunteer)
    await record_read(
        db,
        AuditAction.FRG_DATA_EXPORTED,
        actor_id=volunteer.person_id,
        object_type="frg_volunteer",
        object_id=volunteer.id,
        organisation_id=group.id,
        format=fmt,
    )
    return volunteer_data(volunteer, group.name, held)


def volunteer_data(
    volunteer: VolunteerRow, group_name: str, held: queries.HeldData
) -> dict[str, Any]:
    """The volunteer's registration as data (their FRG download, and the FRG part of the
    portal-wide one: partner_portal.privacy)."""

    def iso(value: date | datetime | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "frg": group_name,
        "namn": volunteer.name,
        "telefon": volunteer.phone,
        "e_post": volunteer.email,
        "status": str(volunteer.status),
        "avtal_undertecknat": iso(volunteer.agreement_signed_on),
        "grundkurs": iso(volunteer.basic_course_on),
        "registrerad": iso(volunteer.registered_at),
        "senast_aktiv": iso(volunteer.last_active_at),
        "kompetenser": held.skill_names,
        "veckoschema": sorted(held.slots),
        "vecka": {
            "vecka_som_borjar": iso(volunteer.week_start),
            "tillganglig": volunteer.week_available,
        },
        "franvaro": [{"fran": iso(a.starts_on), "till": iso(a.ends_on)} for a in held.absences],
        "utlarmningar": [
            {
                "rubrik": c.title,
                "plats": c.place,
                "start": iso(c.starts_at),
                "slut": iso(c.ends_at),
                "ovning": c.is_exercise,
                "svar": str(c.answer),
                "besvarad": iso(c.answered_at),
                "roll": c.role,
                "incheckad": iso(c.checked_in_at),
                "utcheckad": iso(c.checked_out_at),
            }
            for c in held.callouts
        ],
    }


async def remove_volunteer(
    db: AsyncSession, *, actor: CurrentPerson, group: GroupRow, volunteer_id: int
) -> None:
    """The lead takes a registration out of the register (after reviewing an inactive one,
    say): the same as the volunteer deleting their own data. See delete_volunteer."""
    volunteer = await queries.volunteer(db, volunteer_id)
    if volunteer is None or volunteer.organisation_id != group.id:
        raise NotFound()
    await delete_volunteer(db, volunteer=volunteer, actor_id=actor.id)


async def delete_volunteer(
    db: AsyncSession, *, volunteer: VolunteerRow, actor_id: int | None = None
) -> None:
    """The volunteer leaves and their data goes: skills, weekly pattern, absences and the
    registration are deleted; in the call-out history their answers and hours stay, anonymised
    (no link to them); invitations they accepted or that were sent to their address are
    deleted, and so is every FRG mail to them in the outbox. The login identity (``person``)
    is the portal's, not the register's, and stays. Side effects: an audit event (no personal
    data). One transaction; then, on SQLite, nothing of it is left in the database file or
    its write-ahead log (see forget_deleted)."""
    await delete_volunteer_rows(db, volunteer=volunteer, actor_id=actor_id)
    await db.commit()
    await forget_deleted(db)


async def delete_volunteer_rows(
    db: AsyncSession, *, volunteer: VolunteerRow, actor_id: int | None = None
) -> None:
    """What delete_volunteer deletes and anonymises, in the caller's transaction (also used
    when a person's removal is confirmed: partner_portal.privacy)."""
    recipient_ids = list(
        await db.scalars(
            sa.select(col(Recipient.id)).where(col(Recipient.volunteer_id) == volunteer.id)
        )
    )
    invitation_ids = list(
        await db.scalars(
            sa.select(col(FrgInvitation.id)).where(
                col(FrgInvitation.organisation_id) == volunteer.organisation_id,
                sa.or_(
                    col(FrgInvitation.accepted_by) == volunteer.person_id,
                    col(FrgInvitation.email) == volunteer.email,
                ),
            )
        )
    )
    related: list[tuple[str, list[Any]]] = [
        ("frg_recipient", recipient_ids),
        ("frg_invitation", invitation_ids),
        ("frg_volunteer", [volunteer.id]),
    ]
    for related_type, ids in related:
        if ids:
            await db.execute(
                sa.delete(OutboxMessage).where(
                    col(OutboxMessage.related_type) == related_type,
                    col(OutboxMessage.related_id).in_(ids),
                )
            )
    await db.execute(
        sa.update(Recipient)
        .where(col(Recipient.volunteer_id) == volunteer.id)
        .values(volunteer_id=None)
    )
    if invitation_ids:
        await db.execute(sa.delete(FrgInvitation).where(col(FrgInvitation.id).in_(invitation_ids)))
    await db.execute(
        sa.delete(VolunteerSkill).where(col(VolunteerSkill.volunteer_id) == volunteer.id)
    )
    await db.execute(sa.delete(WeeklySlot).where(col(WeeklySlot.volunteer_id) == volunteer.id))
    await db.execute(sa.delete(Absence).where(col(Absence.volunteer_id) == volunteer.id))
    await db.execute(sa.delete(Volunteer).where(col(Volunteer.id) == volunteer.id))
    record(
        db,
        AuditAction.FRG_VOLUNTEER_DELETED,
        actor_id=actor_id or volunteer.person_id,
        object_type="frg_volunteer",
        object_id=volunteer.id,
        organisation_id=volunteer.organisation_id,
    )


def export_csv(data: dict[str, Any]) -> bytes:
    """The same data as the JSON, as rows of (section, field, value)."""
    rows: list[tuple[str, str, str]] = []
    for key, value in data.items():
        if isinstance(value, list):
            for index, item in enumerate(value, start=1):
                if isinstance(item, dict):
                    for field, inner in item.items():
                        rows.append((f"{key} {index}", field, "" if inner is None else str(inner)))
                else:
                    rows.append((key, str(index), str(item)))
        elif isinstance(value, dict):
            for field, inner in value.items():
                rows.append((key, field, "" if inner is None else str(inner)))
        else:
            rows.append(("uppgifter", key, "" if value is None else str(value)))
    return csv_bytes(("Avsnitt", "Uppgift", "Värde"), rows)
