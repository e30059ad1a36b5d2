"""Rules for consultations: opening one, one statement per organisation (late ones accepted and
marked), the receipt, and the municipality's responses. Each function owns its transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from jinja2 import Environment
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.attachments import service as attachments
from partner_portal.attachments import storage
from partner_portal.attachments.service import FilesInput
from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record, record_read
from partner_portal.auth.queries import recipients
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.consultations import queries
from partner_portal.consultations.models import (
    Consultation,
    ConsultationRecipient,
    ConsultationResponse,
    Decision,
    Statement,
)
from partner_portal.consultations.queries import ConsultationRow
from partner_portal.evidence.models import EvidenceKind
from partner_portal.evidence.service import record_evidence
from partner_portal.mail import facade as mail
from partner_portal.organisations.models import Organisation
from partner_portal.organisations.queries import main_contact_addresses
from partner_portal.platform import clock, paths
from partner_portal.platform.errors import Invalid, NotFound, PortalError
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.settings import Settings
from partner_portal.platform.uploads import ReceivedFile
from partner_portal.rooms import queries as room_queries
from partner_portal.rooms.access import RoomAccess
from partner_portal.rooms.models import Classification, ParticipationStatus

_ASKABLE = (ParticipationStatus.INVITED, ParticipationStatus.ACCEPTED)


class AlreadySubmitted(PortalError):
    status = 409

    def default_title(self) -> str:
        return _("Yttrandet är redan lämnat")

    def default_message(self) -> str:
        return _(
            "Er organisation har redan lämnat ett yttrande på den här remissen. Varje "
            "organisation lämnar ett yttrande."
        )


def consultation_path(room_id: int, consultation_id: int) -> str:
    return paths.fill(paths.REMISS, room_id=room_id, consultation_id=consultation_id)


@dataclass(frozen=True, slots=True)
class OpenInput:
    version_id: int
    deadline: date
    organisation_ids: list[int]
    instructions: str


@dataclass(frozen=True, slots=True)
class StatementInput:
    organisation_id: int
    no_objections: bool
    body: str
    classification: Classification


def _coordinator(actor: CurrentPerson) -> None:
    if not actor.is_coordinator:
        raise NotFound()


async def askable_organisations(db: AsyncSession, room_id: int) -> list[tuple[int, str]]:
    """The room's participants that may be asked (invited or taking part), in Swedish order."""
    return [
        (p.organisation_id, p.name)
        for p in await room_queries.participants(db, room_id)
        if p.status in _ASKABLE
    ]


async def open_consultation(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: RoomAccess,
    data: OpenInput,
    settings: Settings,
    env: Environment,
) -> int:
    """The coordinator opens a consultation on a published version of a plan in the room.
    Side effects: the consultation and its recipients, audited, and an email asking each
    organisation's main contacts for a statement, in one transaction. Commits. Returns its
    id."""
    _coordinator(actor)
    errors: dict[str, str] = {}
    if access.room.is_closed:
        raise Invalid({"version": _("Rummet är stängt.")})
    version = await queries.version_in_room(db, access.room.id, data.version_id)
    if version is None:
        errors["version"] = _("Välj en publicerad version av en plan i rummet.")
    names = dict(await askable_organisations(db, access.room.id))
    askable = set(names)
    if not data.organisation_ids:
        errors["organisations"] = _("Välj minst en organisation.")
    elif not set(data.organisation_ids) <= askable:
        errors["organisations"] = _("Bara organisationer i rummet kan få remissen.")
    if data.deadline < clock.today():
        errors["deadline"] = _("Sista dagen kan inte ha passerat.")
    if errors or version is None:
        raise Invalid(errors)
    consultation = Consultation(
        room_id=access.room.id,
        plan_id=version.plan_id,
        version_id=version.id,
        deadline=data.deadline,
        instructions=data.instructions,
        opened_by=actor.id,
    )
    db.add(consultation)
    await db.flush()
    assert consultation.id is not None
    db.add_all(
        ConsultationRecipient(consultation_id=consultation.id, organisation_id=o)
        for o in sorted(set(data.organisation_ids))
    )
    record(
        db,
        AuditAction.CONSULTATION_OPENED,
        actor_id=actor.id,
        object_type="consultation",
        object_id=consultation.id,
        organisations=sorted(set(data.organisation_ids)),
    )
    asked = {o: names[o] for o in data.organisation_ids}
    await _ask_for_statements(
        db, env, settings, access, consultation.id, version, data.deadline, asked
    )
    await db.commit()
    return consultation.id


async def _ask_for_statements(
    db: AsyncSession,
    env: Environment,
    settings: Settings,
    access: RoomAccess,
    consultation_id: int,
    version: queries.VersionRow,
    deadline: date,
    asked: dict[int, str],
) -> None:
    """The request for a statement, to each asked organisation's main contacts, each in the
    language they read."""
    addresses = await main_contact_addresses(db, asked)
    readers = await recipients(db, [a for found in addresses.values() for a in found])
    language = {r.address: r.language for r in readers}
    url = settings.absolute_url(consultation_path(access.room.id, consultation_id))
    for organisation_id, organisation_name in sorted(asked.items()):
        for address in addresses.get(organisation_id, []):
            mail.send(
                db,
                env,
                "consultation-request",
                to=mail.Recipient(address, language[address]),
                context={
                    "organisation_name": organisation_name,
                    "room_name": access.room.name,
                    "plan_title": version.plan_title,
                    "version_number": version.number,
                    "deadline": deadline,
                    "url": url,
                },
                related=("consultation", consultation_id),
            )


async def pending_recipient(
    db: AsyncSession, access: RoomAccess, consultation: ConsultationRow, organisation_id: int
) -> queries.RecipientRow | None:
    """The asked organisation the person may sign a statement for (one of theirs, the room
    open), with its statement if one is already submitted; None otherwise."""
    if organisation_id not in access.my_organisations or access.room.is_closed:
        return None
    for recipient in await queries.recipients(db, consultation.id):
        if recipient.organisation_id == organisation_id:
            return recipient
    return None


def is_late(deadline: date, at: datetime | None = None) -> bool:
    """After the last day, in Swedish time (now, or at the moment ``at``)."""
    return clock.swedish_date(at or clock.now()) > deadline


async def submit_statement(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: RoomAccess,
    consultation: ConsultationRow,
    data: StatementInput,
    files: Sequence[ReceivedFile],
    settings: Settings,
    env: Environment,
) -> int:
    """An asked organisation's one statement, signed by the actor. Accepted after the deadline
    too, and then marked late. Side effects: the statement, its files (put into the store),
    ``statement submitted`` evidence (late or not), audited, a receipt to the signer in the
    outbox. Commits; a second statement for the organisation (also a concurrent one) raises
    AlreadySubmitted and leaves nothing."""
    organisation_id = data.organisation_id
    if organisation_id not in access.my_organisations or access.room.is_closed:
        raise NotFound()
    if organisation_id not in await queries.asked_organisations(db, consultation.id):
        raise NotFound()
    if not data.no_objections and not data.body:
        raise Invalid({"body": _("Skriv yttrandet, eller välj ”Inga synpunkter”.")})
    if data.no_objections and files:
        raise Invalid({"file": _("Ett yttrande utan synpunkter har inga bilagor.")})
    attachments.check_allowed_content(data.classification, files)
    if await _already_submitted(db, consultation.id, organisation_id):
        raise AlreadySubmitted()
    organisation_name = await db.scalar(
        sa.select(col(Organisation.name)).where(col(Organisation.id) == organisation_id)
    )
    now = clock.now()
    late = is_late(consultation.deadline, now)  # the same moment the statement is stamped with
    statement = Statement(
        consultation_id=consultation.id,
        organisation_id=organisation_id,
        no_objections=data.no_objections,
        body="" if data.no_objections else data.body,
        submitted_by=actor.id,
        signer_name=actor.name,
        organisation_name=organisation_name or "",
        submitted_at=now,
        late=late,
    )
    store = storage.store_for(settings)
    kept: list[str] = []
    try:
        db.add(statement)
        await db.flush()
        assert statement.id is not None
        rows, kept = await attachments.add_files(
            db,
            actor=actor,
            access=access,
            data=FilesInput(organisation_id, data.classification, "", ""),
            files=files,
            store=store,
            object_type="statement",
            object_id=statement.id,
            metadata_only_when_empty=False,
        )
        await db.flush()
        link = consultation_path(access.room.id, consultation.id)
        await attachments.record_uploads(db, actor=actor, access=access, rows=rows, link=link)
        await record_evidence(
            db,
            EvidenceKind.STATEMENT_SUBMITTED,
            organisation_id=organisation_id,
            person_id=actor.id,
            link=link,
            process=access.room.process,
            room_id=access.room.id,
            object_type="statement",
            object_id=statement.id,
            late=late,
        )
        record(
            db,
            AuditAction.STATEMENT_SUBMITTED,
            actor_id=actor.id,
            object_type="statement",
            object_id=statement.id,
            organisation_id=organisation_id,
            late=late,
            no_objections=data.no_objections,
            files=len(rows),
        )
        _enqueue_receipt(
            db,
            env,
            actor=actor,
            context={
                "signer_name": actor.name,
                "organisation_name": statement.organisation_name,
                "plan_title": consultation.plan_title,
                "version_number": consultation.version_number,
                "submitted_at": now,
                "no_objections": data.no_objections,
                "late": late,
                "files": [r.original_name for r in rows],
                "url": settings.absolute_url(link),
            },
            related=statement.id,
        )
        await db.commit()
    except IntegrityError as exc:
        try:
            await db.rollback()
        finally:
            await storage.discard(store, kept)
        raise AlreadySubmitted() from exc
    except BaseException:
        try:
            await db.rollback()
        finally:
            await storage.discard(store, kept)
        raise
    return statement.id


async def _already_submitted(db: AsyncSession, consultation_id: int, organisation_id: int) -> bool:
    found = await db.scalar(
        sa.select(col(Statement.id)).where(
            col(Statement.consultation_id) == consultation_id,
            col(Statement.organisation_id) == organisation_id,
        )
    )
    return found is not None


def _enqueue_receipt(
    db: AsyncSession,
    env: Environment,
    *,
    actor: CurrentPerson,
    context: dict[str, object],
    related: int,
) -> None:
    """The signer's receipt, in the language they read."""
    if not actor.email:
        return
    mail.send(
        db,
        env,
        "statement-receipt",
        to=mail.Recipient(actor.email, actor.language),
        context=context,
        related=("statement", related),
    )


async def respond(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: RoomAccess,
    consultation: ConsultationRow,
    statement_id: int | None = None,
    comment_id: int | None = None,
    decision: Decision | None,
    reason: str,
) -> None:
    """The municipality's response to a statement or a comment on the plan (made on the
    consultation's version or an earlier one: comments belong to their section): accepted,
    partly or not accepted, with the reason (required unless accepted). Recording it again
    replaces it. Side effects: the response row, audited. Commits."""
    _coordinator(actor)
    if statement_id is not None:
        if not await queries.statement_in(db, consultation.id, statement_id):
            raise NotFound()
    elif comment_id is None or not await queries.comment_up_to_version(
        db, comment_id, consultation.plan_id, consultation.version_number
    ):
        raise NotFound()
    errors: dict[str, str] = {}
    if decision is None:
        errors["decision"] = _("Välj kommunens ställningstagande.")
    elif decision is not Decision.ACCEPTED and not reason:
        errors["reason"] = _("Skriv skälet till ställningstagandet.")
    if errors or decision is None:
        raise Invalid(errors)
    subject = (
        col(ConsultationResponse.statement_id) == statement_id
        if statement_id is not None
        else col(ConsultationResponse.comment_id) == comment_id
    )
    existing = (
        await db.execute(
            sa.select(ConsultationResponse).where(
                col(ConsultationResponse.consultation_id) == consultation.id, subject
            )
        )
    ).scalar_one_or_none()
    response = existing or ConsultationResponse(
        consultation_id=consultation.id,
        statement_id=statement_id,
        comment_id=comment_id,
        decision=decision,
        responded_by=actor.id,
    )
    response.decision = decision
    response.reason = reason
    response.responded_at = clock.now()
    response.responded_by = actor.id
    db.add(response)
    await db.flush()
    record(
        db,
        AuditAction.STATEMENT_ANSWERED,
        actor_id=actor.id,
        object_type="statement" if statement_id is not None else "plan_comment",
        object_id=statement_id if statement_id is not None else comment_id,
        decision=decision.value,
    )
    await db.commit()


async def record_export(
    db: AsyncSession, *, actor: CurrentPerson, consultation_id: int, fmt: str
) -> None:
    """Exports of what partners submitted are audited. Commits."""
    _coordinator(actor)
    await record_read(
        db,
        AuditAction.EXPORT_DOWNLOADED,
        actor_id=actor.id,
        object_type="consultation",
        object_id=consultation_id,
        what="compilation",
        format=fmt,
    )
