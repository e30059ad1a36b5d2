"""Who takes part in a room: inviting organisations (mailing their main contacts), the
organisations' answers, and an organisation leaving the room. Each function owns its transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record
from partner_portal.auth.queries import languages
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.evidence.models import EvidenceKind, Process
from partner_portal.evidence.service import record_evidence
from partner_portal.mail import facade as mail
from partner_portal.organisations.models import Organisation
from partner_portal.organisations.queries import Reach, main_contact_reach
from partner_portal.platform import clock, i18n
from partner_portal.platform.errors import Forbidden, Invalid, NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.settings import Settings
from partner_portal.rooms.access import RoomAccess
from partner_portal.rooms.lifecycle import require_coordinator
from partner_portal.rooms.models import Participation, ParticipationStatus
from partner_portal.rooms.paths import room_path


@dataclass(frozen=True, slots=True)
class NotReached:
    """An organisation that was not invited because mail cannot reach it, and why."""

    organisation_id: int
    name: str
    reach: Reach


@dataclass(frozen=True, slots=True)
class Invited:
    """What inviting did: who was invited (by name), who was not and why, and who was
    invited although nobody got mail (no main contact and no contact address)."""

    invited: list[str] = field(default_factory=list)
    not_reached: list[NotReached] = field(default_factory=list)
    without_mail: list[str] = field(default_factory=list)


async def invite_organisations(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: RoomAccess,
    organisation_ids: list[int],
    settings: Settings,
    env: Environment,
) -> Invited:
    """Invite organisations from the register (again, if they declined earlier). Side effects:
    participation rows, ``room invited`` evidence, audit events, and an email to each
    organisation's main contacts, in one transaction.

    An organisation that mail cannot reach (its main contacts have no usable address) is not
    invited — the board would count an invitation nobody received — and is named in the
    result with the reason; the others are invited all the same."""
    require_coordinator(actor)
    room = access.room
    if room.is_closed:
        raise Invalid({"organisations": _("Rummet är stängt.")})
    organisations = list(
        await db.scalars(
            sa.select(Organisation)
            .where(
                col(Organisation.id).in_(organisation_ids), col(Organisation.is_active).is_(True)
            )
            .order_by(col(Organisation.sort_key))
        )
    )
    if len(organisations) != len(set(organisation_ids)) or not organisations:
        raise Invalid({"organisations": _("Välj organisationer i listan.")})
    existing = {
        p.organisation_id: p
        for p in await db.scalars(
            sa.select(Participation).where(col(Participation.room_id) == room.id)
        )
    }
    reach = await main_contact_reach(db, [o.id for o in organisations if o.id is not None])
    readers = await languages(db, [a for r in reach.values() for a in r.addresses])
    outcome = Invited()
    for organisation in organisations:
        assert organisation.id is not None
        participation = existing.get(organisation.id)
        if participation is not None and participation.status is not ParticipationStatus.DECLINED:
            continue
        its_reach = reach[organisation.id]
        if its_reach.unreachable:
            outcome.not_reached.append(NotReached(organisation.id, organisation.name, its_reach))
            continue
        if participation is None:
            participation = Participation(
                room_id=room.id, organisation_id=organisation.id, status=ParticipationStatus.INVITED
            )
            db.add(participation)
        participation.status = ParticipationStatus.INVITED
        participation.invited_at = clock.now()
        participation.invited_by = actor.id
        participation.responded_at = None
        participation.responded_by = None
        participation.decline_reason = None
        await record_evidence(
            db,
            EvidenceKind.ROOM_INVITED,
            organisation_id=organisation.id,
            person_id=None,
            link=room_path(room.id),
            process=room.process,
            room_id=room.id,
        )
        record(
            db,
            AuditAction.ROOM_ORGANISATION_INVITED,
            actor_id=actor.id,
            object_type="room",
            object_id=room.id,
            organisation_id=organisation.id,
        )
        _mail_main_contacts(
            db,
            [mail.Recipient(a, readers.get(a, i18n.DEFAULT_LANGUAGE)) for a in its_reach.addresses],
            organisation,
            room.id,
            room.name,
            actor.name,
            settings,
            env,
            forum=room.process is Process.SAMVERKAN,
        )
        outcome.invited.append(organisation.name)
        if not its_reach.addresses:
            outcome.without_mail.append(organisation.name)
    await db.commit()
    return outcome


def _mail_main_contacts(
    db: AsyncSession,
    readers: Sequence[mail.Recipient],
    organisation: Organisation,
    room_id: int,
    room_name: str,
    inviter_name: str,
    settings: Settings,
    env: Environment,
    *,
    forum: bool = False,
) -> None:
    for reader in readers:
        mail.send(
            db,
            env,
            "room-invitation",
            to=reader,
            context={
                "organisation_name": organisation.name,
                "room_name": room_name,
                "inviter_name": inviter_name,
                "forum": forum,  # a standing forum, not a planning room
                "url": settings.absolute_url(room_path(room_id)),
            },
            related=("room", room_id),
        )


async def answer(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: RoomAccess,
    organisation_id: int,
    accept: bool | None,
    reason: str,
) -> None:
    """The organisation's main contact accepts or declines (a reason is required to decline;
    None: nothing was chosen, refused). Side effects: the participation, ``room
    accepted``/``room declined`` evidence, audited. Commits."""
    if not access.may_answer_for(organisation_id):
        raise NotFound() if organisation_id not in access.my_organisations else Forbidden()
    if accept is None:
        raise Invalid({"answer": _("Välj om organisationen deltar eller avstår.")})
    if not accept and not reason:
        raise Invalid({"reason": _("Skriv varför organisationen avstår.")})
    participation = await db.scalar(
        sa.select(Participation).where(
            col(Participation.room_id) == access.room.id,
            col(Participation.organisation_id) == organisation_id,
        )
    )
    if participation is None or participation.status is not ParticipationStatus.INVITED:
        raise Invalid({"reason": _("Organisationen har redan svarat på inbjudan.")})
    participation.status = ParticipationStatus.ACCEPTED if accept else ParticipationStatus.DECLINED
    participation.responded_at = clock.now()
    participation.responded_by = actor.id
    participation.decline_reason = None if accept else reason
    # The answer is evidence either way; a refusal keeps its reason for the board.
    await record_evidence(
        db,
        EvidenceKind.ROOM_ACCEPTED if accept else EvidenceKind.ROOM_DECLINED,
        organisation_id=organisation_id,
        person_id=actor.id,
        link=room_path(access.room.id),
        process=access.room.process,
        room_id=access.room.id,
        reason=None if accept else reason,
    )
    record(
        db,
        AuditAction.ROOM_ANSWERED,
        actor_id=actor.id,
        object_type="room",
        object_id=access.room.id,
        organisation_id=organisation_id,
        accepted=accept,
    )
    await db.commit()


async def withdraw(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: RoomAccess,
    organisation_id: int,
    reason: str,
) -> None:
    """An organisation that took part leaves the room (its main contact, or the coordinator),
    with a reason. What it did stays. Side effects: participation withdrawn, ``room
    withdrawn`` evidence, audited. Commits."""
    if not (access.is_coordinator or access.may_answer_for(organisation_id)):
        raise NotFound() if not access.may_see_organisation(organisation_id) else Forbidden()
    if not reason:
        raise Invalid({"reason": _("Skriv varför organisationen lämnar rummet.")})
    participation = await db.scalar(
        sa.select(Participation).where(
            col(Participation.room_id) == access.room.id,
            col(Participation.organisation_id) == organisation_id,
        )
    )
    if participation is None or participation.status is not ParticipationStatus.ACCEPTED:
        raise Invalid({"reason": _("Bara en organisation som deltar kan lämna rummet.")})
    participation.status = ParticipationStatus.WITHDRAWN
    participation.responded_at = clock.now()
    participation.responded_by = actor.id
    participation.decline_reason = reason
    await record_evidence(
        db,
        EvidenceKind.ROOM_WITHDRAWN,
        organisation_id=organisation_id,
        person_id=actor.id,
        link=room_path(access.room.id),
        process=access.room.process,
        room_id=access.room.id,
        reason=reason,
    )
    record(
        db,
        AuditAction.ROOM_ANSWERED,
        actor_id=actor.id,
        object_type="room",
        object_id=access.room.id,
        organisation_id=organisation_id,
        withdrawn=True,
    )
    await db.commit()
