"""Rules for rooms: opening one from a template, inviting organisations, their answers, phases,
and each organisation's progress through submit and review. Each function owns its transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal import clock, i18n
from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record, record_read
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.clock import TIMEZONE
from partner_portal.errors import Forbidden, NotFound
from partner_portal.evidence.models import Evidence, EvidenceKind
from partner_portal.evidence.service import record_evidence
from partner_portal.forms import FormInvalid
from partner_portal.i18n import gettext as _
from partner_portal.mail.messages import build
from partner_portal.mail.outbox import enqueue
from partner_portal.organisations.models import Organisation
from partner_portal.organisations.queries import Reach, main_contact_reach
from partner_portal.rooms.access import RoomAccess
from partner_portal.rooms.deliverable_rows import has_content
from partner_portal.rooms.forms import PhaseInput, ProgressInput, RoomInput
from partner_portal.rooms.models import (
    Classification,
    ItemKind,
    ItemProgress,
    Participation,
    ParticipationStatus,
    ProcessTemplate,
    ProgressStatus,
    Room,
    RoomItem,
    RoomPhase,
    TemplateItem,
    TemplatePhase,
)
from partner_portal.settings import Settings

LOCKED = (ProgressStatus.SUBMITTED, ProgressStatus.APPROVED)


def room_path(room_id: int) -> str:
    return f"/rum/{room_id}"


def item_path(room_id: int, organisation_id: int, item_id: int) -> str:
    return f"/rum/{room_id}/organisationer/{organisation_id}/punkter/{item_id}"


def _coordinator(actor: CurrentPerson) -> None:
    if not actor.is_coordinator:
        raise NotFound()


@dataclass(frozen=True, slots=True)
class SimilarRoom:
    id: int
    name: str
    starts_on: date
    ends_on: date
    is_closed: bool


class LooksLikeADuplicate(Exception):
    """A room of the same template and name already runs in the period: open another only when
    the coordinator confirms (``allow_duplicate``)."""

    def __init__(self, rooms: list[SimilarRoom]) -> None:
        self.rooms = rooms
        super().__init__(f"{len(rooms)} similar room(s)")


def _same_name(a: str, b: str) -> bool:
    # In Python, not SQL: SQLite's lower() knows no å, ä or ö.
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


async def _similar_rooms(
    db: AsyncSession, template: ProcessTemplate, data: RoomInput
) -> list[SimilarRoom]:
    """Rooms from the same template (any version: the same process) with the same name whose
    period overlaps the new one's."""
    rows = await db.execute(
        sa.select(
            col(Room.id),
            col(Room.name),
            col(Room.starts_on),
            col(Room.ends_on),
            col(Room.is_closed),
        )
        .where(
            col(Room.process) == template.process,
            col(Room.starts_on) <= data.ends_on,
            col(Room.ends_on) >= data.starts_on,
        )
        .order_by(col(Room.starts_on), col(Room.id))
    )
    return [
        SimilarRoom(int(row.id), row.name, row.starts_on, row.ends_on, row.is_closed)
        for row in rows
        if _same_name(row.name, data.name)
    ]


async def open_room(
    db: AsyncSession, *, actor: CurrentPerson, data: RoomInput, allow_duplicate: bool = True
) -> int:
    """Open a room from a template: its phases and items are copied, relative deadlines become
    dates from the room's start. Side effects: room, phases, items; ``room_opened`` audited.
    Commits. Unless ``allow_duplicate``, raises LooksLikeADuplicate (nothing written) when a
    room of the same template and name already runs in the period."""
    _coordinator(actor)
    template = await db.get(ProcessTemplate, data.template_id)
    if template is None or not template.is_current:
        raise FormInvalid({"template_id": _("Välj en mall i listan.")})
    if not allow_duplicate and (similar := await _similar_rooms(db, template, data)):
        raise LooksLikeADuplicate(similar)
    room = Room(
        name=data.name,
        process=template.process,
        template_id=template.id,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        created_by=actor.id,
    )
    db.add(room)
    await db.flush()
    assert room.id is not None
    phases = list(
        await db.scalars(
            sa.select(TemplatePhase)
            .where(col(TemplatePhase.template_id) == template.id)
            .order_by(col(TemplatePhase.position))
        )
    )
    items = list(
        await db.scalars(
            sa.select(TemplateItem).where(col(TemplateItem.phase_id).in_([p.id for p in phases]))
        )
    )
    for phase in phases:
        copy = RoomPhase(
            room_id=room.id,
            position=phase.position,
            title=phase.title,
            description=phase.description,
            responsible=phase.responsible,
            deadline=(
                data.starts_on + timedelta(days=phase.deadline_days)
                if phase.deadline_days is not None
                else None
            ),
        )
        db.add(copy)
        await db.flush()
        assert copy.id is not None
        for item in sorted((i for i in items if i.phase_id == phase.id), key=lambda i: i.position):
            db.add(
                RoomItem(
                    room_id=room.id,
                    phase_id=copy.id,
                    position=item.position,
                    title=item.title,
                    description=item.description,
                    kind=item.kind,
                )
            )
    record(
        db,
        AuditAction.ROOM_OPENED,
        actor_id=actor.id,
        object_type="room",
        object_id=room.id,
        name=data.name,
        template=f"{template.name} v{template.version}",
    )
    await db.commit()
    return room.id


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
    _coordinator(actor)
    room = access.room
    if room.is_closed:
        raise FormInvalid({"organisations": _("Rummet är stängt.")})
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
        raise FormInvalid({"organisations": _("Välj organisationer i listan.")})
    existing = {
        p.organisation_id: p
        for p in await db.scalars(
            sa.select(Participation).where(col(Participation.room_id) == room.id)
        )
    }
    reach = await main_contact_reach(db, [o.id for o in organisations if o.id is not None])
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
        record_evidence(
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
            db, its_reach.addresses, organisation, room.id, room.name, actor.name, settings, env
        )
        outcome.invited.append(organisation.name)
        if not its_reach.addresses:
            outcome.without_mail.append(organisation.name)
    await db.commit()
    return outcome


def _mail_main_contacts(
    db: AsyncSession,
    addresses: Sequence[str],
    organisation: Organisation,
    room_id: int,
    room_name: str,
    inviter_name: str,
    settings: Settings,
    env: Environment,
) -> None:
    language = i18n.current_language.set("sv")
    try:
        for address in addresses:
            message = build(
                env,
                "room-invitation",
                address,
                {
                    "organisation_name": organisation.name,
                    "room_name": room_name,
                    "inviter_name": inviter_name,
                    "url": settings.absolute_url(room_path(room_id)),
                },
            )
            enqueue(db, message, related=("room", room_id))
    finally:
        i18n.current_language.reset(language)


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
        raise FormInvalid({"answer": _("Välj om organisationen deltar eller avstår.")})
    if not accept and not reason:
        raise FormInvalid({"reason": _("Skriv varför organisationen avstår.")})
    participation = await db.scalar(
        sa.select(Participation).where(
            col(Participation.room_id) == access.room.id,
            col(Participation.organisation_id) == organisation_id,
        )
    )
    if participation is None or participation.status is not ParticipationStatus.INVITED:
        raise FormInvalid({"reason": _("Organisationen har redan svarat på inbjudan.")})
    participation.status = ParticipationStatus.ACCEPTED if accept else ParticipationStatus.DECLINED
    participation.responded_at = clock.now()
    participation.responded_by = actor.id
    participation.decline_reason = None if accept else reason
    # The answer is evidence either way; a refusal keeps its reason for the board.
    record_evidence(
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


async def set_current_phase(
    db: AsyncSession, *, actor: CurrentPerson, access: RoomAccess, position: int
) -> None:
    """Move the room to another phase (0: not started). Audited. Commits."""
    _coordinator(actor)
    count = await db.scalar(
        sa.select(sa.func.count()).where(col(RoomPhase.room_id) == access.room.id)
    )
    if not 0 <= position <= int(count or 0):
        raise FormInvalid({"position": _("Välj en fas i listan.")})
    room = await db.get(Room, access.room.id)
    assert room is not None
    room.current_position = position
    record(
        db,
        AuditAction.ROOM_PHASE_CHANGED,
        actor_id=actor.id,
        object_type="room",
        object_id=room.id,
        position=position,
    )
    await db.commit()


async def edit_phase(
    db: AsyncSession, *, actor: CurrentPerson, access: RoomAccess, phase_id: int, data: PhaseInput
) -> None:
    """Adjust the room's copy of a phase (the template is untouched). Audited. Commits."""
    _coordinator(actor)
    phase = await db.get(RoomPhase, phase_id)
    if phase is None or phase.room_id != access.room.id:
        raise NotFound()
    phase.title = data.title
    phase.description = data.description
    phase.responsible = data.responsible
    phase.deadline = data.deadline
    record(
        db,
        AuditAction.ROOM_PHASE_CHANGED,
        actor_id=actor.id,
        object_type="room_phase",
        object_id=phase_id,
        title=data.title,
        deadline=data.deadline.isoformat() if data.deadline else None,
    )
    await db.commit()


async def add_item(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: RoomAccess,
    phase_id: int,
    title: str,
    kind: ItemKind,
) -> None:
    """Add an item to the room's copy of a phase (the template is untouched). Audited.
    Commits."""
    _coordinator(actor)
    phase = await db.get(RoomPhase, phase_id)
    if phase is None or phase.room_id != access.room.id:
        raise NotFound()
    if not title or len(title) > 200:
        raise FormInvalid({"item_title": _("Ange punktens namn (högst 200 tecken).")})
    last = await db.scalar(
        sa.select(sa.func.max(col(RoomItem.position))).where(col(RoomItem.phase_id) == phase_id)
    )
    db.add(
        RoomItem(
            room_id=access.room.id,
            phase_id=phase_id,
            position=int(last or 0) + 1,
            title=title,
            kind=kind,
        )
    )
    record(
        db,
        AuditAction.ROOM_PHASE_CHANGED,
        actor_id=actor.id,
        object_type="room_phase",
        object_id=phase_id,
        added_item=title,
    )
    await db.commit()


async def remove_item(
    db: AsyncSession, *, actor: CurrentPerson, access: RoomAccess, item_id: int
) -> None:
    """Remove an item from the room, only while no organisation has worked on it (what partners
    did is never destroyed). Audited. Commits."""
    _coordinator(actor)
    item = await _item_in_room(db, access, item_id)
    worked_on = await db.scalar(
        sa.select(sa.func.count()).where(col(ItemProgress.item_id) == item_id)
    )
    if worked_on:
        raise FormInvalid(
            {
                "item_title": _(
                    "Punkten kan inte tas bort: organisationer har redan arbetat med den."
                )
            }
        )
    await db.delete(item)
    record(
        db,
        AuditAction.ROOM_PHASE_CHANGED,
        actor_id=actor.id,
        object_type="room_phase",
        object_id=item.phase_id,
        removed_item=item.title,
    )
    await db.commit()


async def close_room(db: AsyncSession, *, actor: CurrentPerson, access: RoomAccess) -> None:
    _coordinator(actor)
    room = await db.get(Room, access.room.id)
    assert room is not None
    room.is_closed = True
    record(db, AuditAction.ROOM_CLOSED, actor_id=actor.id, object_type="room", object_id=room.id)
    await db.commit()


async def _item_in_room(db: AsyncSession, access: RoomAccess, item_id: int) -> RoomItem:
    item = await db.get(RoomItem, item_id)
    if item is None or item.room_id != access.room.id:
        raise NotFound()
    return item


async def progress_for(
    db: AsyncSession,
    *,
    access: RoomAccess,
    organisation_id: int,
    item_id: int,
    create: bool,
) -> ItemProgress | None:
    """The organisation's progress on an item, checked: another organisation's, or an item of
    another room, is NotFound. ``create`` makes the (not started) row when there is none."""
    if not access.may_see_organisation(organisation_id):
        raise NotFound()
    await _item_in_room(db, access, item_id)
    progress = await db.scalar(
        sa.select(ItemProgress).where(
            col(ItemProgress.item_id) == item_id,
            col(ItemProgress.organisation_id) == organisation_id,
        )
    )
    if progress is None and create:
        progress = ItemProgress(
            room_id=access.room.id,
            item_id=item_id,
            organisation_id=organisation_id,
            status=ProgressStatus.NOT_STARTED,
        )
        db.add(progress)
        await db.flush()
    return progress


async def working_progress(
    db: AsyncSession,
    actor: CurrentPerson,
    access: RoomAccess,
    organisation_id: int,
    item_id: int,
    *,
    kind: ItemKind | None = None,
) -> ItemProgress:
    """The organisation's progress on an item, for someone who may work on it now (created
    when missing, not committed). Another organisation's, or an item of another kind, is
    NotFound; the organisation's own people before it accepted, or in a closed room, Forbidden."""
    if not access.may_work_for(organisation_id):
        raise NotFound() if not access.may_see_organisation(organisation_id) else Forbidden()
    if kind is not None and (await _item_in_room(db, access, item_id)).kind is not kind:
        raise NotFound()
    progress = await progress_for(
        db, access=access, organisation_id=organisation_id, item_id=item_id, create=True
    )
    assert progress is not None
    return progress


async def audit_export(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: RoomAccess,
    what: str,
    organisation_id: int | None,
) -> None:
    """Downloads of partners' material are audited (they may be public records). Commits."""
    await record_read(
        db,
        AuditAction.EXPORT_DOWNLOADED,
        actor_id=actor.id,
        object_type="room",
        object_id=access.room.id,
        organisation_id=organisation_id,
        export=what,
    )


async def update_progress(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: RoomAccess,
    organisation_id: int,
    item_id: int,
    data: ProgressInput,
) -> None:
    """The organisation's own status change: working on it, not applicable (with a reason),
    the classification label and the note. Submitted or approved work is locked. Commits."""
    progress = await working_progress(db, actor, access, organisation_id, item_id)
    if progress.status in LOCKED:
        raise FormInvalid(
            {
                "status": _(
                    "Underlaget är inlämnat och kan inte ändras. Be samordnaren skicka "
                    "tillbaka det om något behöver rättas."
                )
            }
        )
    if data.status is ProgressStatus.NOT_APPLICABLE and not data.note:
        raise FormInvalid({"note": _("Skriv varför punkten inte gäller er organisation.")})
    item = await _item_in_room(db, access, item_id)
    if data.classification is Classification.CONFIDENTIAL_METADATA_ONLY and await has_content(
        db, item.kind, progress.id
    ):
        raise FormInvalid(
            {
                "classification": _(
                    "Ta bort innehållet först: med märkningen konfidentiellt – endast metadata "
                    "sparas inget innehåll i portalen."
                )
            }
        )
    progress.status = data.status
    progress.classification = data.classification
    progress.note = data.note
    progress.updated_at = clock.now()
    progress.updated_by = actor.id
    if data.status is ProgressStatus.NOT_APPLICABLE:
        await db.flush()
        await _record_completion_if_done(db, access, organisation_id)
    await db.commit()


async def _past_deadline(db: AsyncSession, phase_id: int, now: datetime) -> bool:
    """Handed in after the phase's last day (in Swedish time): the board sees it as late."""
    deadline = await db.scalar(
        sa.select(col(RoomPhase.deadline)).where(col(RoomPhase.id) == phase_id)
    )
    return deadline is not None and now.astimezone(TIMEZONE).date() > deadline


async def _record_completion_if_done(
    db: AsyncSession, access: RoomAccess, organisation_id: int
) -> None:
    """When every item the organisation owes in the room is approved or not applicable, that is
    evidence of its own ("completed"), recorded once."""
    owed = await db.scalar(
        sa.select(sa.func.count()).where(col(RoomItem.room_id) == access.room.id)
    )
    done = await db.scalar(
        sa.select(sa.func.count()).where(
            col(ItemProgress.room_id) == access.room.id,
            col(ItemProgress.organisation_id) == organisation_id,
            col(ItemProgress.status).in_([ProgressStatus.APPROVED, ProgressStatus.NOT_APPLICABLE]),
        )
    )
    already = await db.scalar(
        sa.select(sa.func.count()).where(
            col(Evidence.room_id) == access.room.id,
            col(Evidence.organisation_id) == organisation_id,
            col(Evidence.kind) == EvidenceKind.ROOM_COMPLETED,
        )
    )
    if owed and done == owed and not already:
        record_evidence(
            db,
            EvidenceKind.ROOM_COMPLETED,
            organisation_id=organisation_id,
            person_id=None,
            link=room_path(access.room.id),
            process=access.room.process,
            room_id=access.room.id,
        )


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
        raise FormInvalid({"reason": _("Skriv varför organisationen lämnar rummet.")})
    participation = await db.scalar(
        sa.select(Participation).where(
            col(Participation.room_id) == access.room.id,
            col(Participation.organisation_id) == organisation_id,
        )
    )
    if participation is None or participation.status is not ParticipationStatus.ACCEPTED:
        raise FormInvalid({"reason": _("Bara en organisation som deltar kan lämna rummet.")})
    participation.status = ParticipationStatus.WITHDRAWN
    participation.responded_at = clock.now()
    participation.responded_by = actor.id
    participation.decline_reason = reason
    record_evidence(
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


async def submit(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: RoomAccess,
    organisation_id: int,
    item_id: int,
) -> None:
    """Hand the organisation's part in to the coordinator. Side effects: status submitted,
    ``item submitted`` evidence, audited. Commits."""
    progress = await working_progress(db, actor, access, organisation_id, item_id)
    if progress.status in LOCKED or progress.status is ProgressStatus.NOT_APPLICABLE:
        raise FormInvalid({"status": _("Punkten är redan inlämnad eller markerad som ej aktuell.")})
    item = await _item_in_room(db, access, item_id)
    if progress.classification is Classification.CONFIDENTIAL_METADATA_ONLY and not progress.note:
        raise FormInvalid(
            {
                "note": _(
                    "Skriv hur och när innehållet lämnades till kommunen, till exempel "
                    "”Skickat med rekommenderat brev 3 mars”."
                )
            }
        )
    if (
        progress.classification is not Classification.CONFIDENTIAL_METADATA_ONLY
        and item.kind is not ItemKind.CHECKLIST
        and not await has_content(db, item.kind, progress.id)
    ):
        raise FormInvalid({"status": _("Lägg till minst en rad innan ni lämnar in.")})
    now = clock.now()
    progress.status = ProgressStatus.SUBMITTED
    progress.submitted_at = now
    progress.submitted_by = actor.id
    progress.updated_at = now
    progress.updated_by = actor.id
    record_evidence(
        db,
        EvidenceKind.ITEM_SUBMITTED,
        organisation_id=organisation_id,
        person_id=actor.id,
        link=item_path(access.room.id, organisation_id, item_id),
        process=access.room.process,
        room_id=access.room.id,
        phase_id=item.phase_id,
        object_type="item_progress",
        object_id=progress.id,
        late=await _past_deadline(db, item.phase_id, now),
    )
    record(
        db,
        AuditAction.ITEM_SUBMITTED,
        actor_id=actor.id,
        object_type="item_progress",
        object_id=progress.id,
        organisation_id=organisation_id,
    )
    await db.commit()


async def review(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: RoomAccess,
    organisation_id: int,
    item_id: int,
    approve: bool,
    comment: str,
) -> None:
    """The coordinator approves submitted work, or returns it with a comment (required).
    Side effects: status, ``item approved``/``item returned`` evidence, audited. Commits."""
    _coordinator(actor)
    progress = await progress_for(
        db, access=access, organisation_id=organisation_id, item_id=item_id, create=False
    )
    if progress is None or progress.status is not ProgressStatus.SUBMITTED:
        raise FormInvalid({"comment": _("Bara inlämnade underlag kan granskas.")})
    if not approve and not comment:
        raise FormInvalid({"comment": _("Skriv vad organisationen behöver ändra.")})
    item = await _item_in_room(db, access, item_id)
    now = clock.now()
    progress.status = ProgressStatus.APPROVED if approve else ProgressStatus.RETURNED
    progress.reviewed_at = now
    progress.reviewed_by = actor.id
    progress.review_comment = comment
    record_evidence(
        db,
        EvidenceKind.ITEM_APPROVED if approve else EvidenceKind.ITEM_RETURNED,
        organisation_id=organisation_id,
        person_id=None,
        link=item_path(access.room.id, organisation_id, item_id),
        process=access.room.process,
        room_id=access.room.id,
        phase_id=item.phase_id,
        object_type="item_progress",
        object_id=progress.id,
    )
    if approve:
        await db.flush()  # the count below must see this approval
        await _record_completion_if_done(db, access, organisation_id)
    record(
        db,
        AuditAction.ITEM_REVIEWED,
        actor_id=actor.id,
        object_type="item_progress",
        object_id=progress.id,
        organisation_id=organisation_id,
        approved=approve,
    )
    await db.commit()
