"""What the FRG register holds about a volunteer, given to them, and taken out: their download
(JSON or CSV), the lead's removal of a registration and the volunteer's own deletion. The read
of what is held is partner_portal.frg.queries.held.

Each function owns its transaction (delete_volunteer_rows leaves it to the caller) and its
docstring lists its side effects.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record, record_read
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.frg.models import (
    Absence,
    FrgInvitation,
    Recipient,
    Volunteer,
    VolunteerSkill,
    WeeklySlot,
)
from partner_portal.frg.queries import members
from partner_portal.frg.queries.held import held_about, volunteer_data
from partner_portal.frg.queries.members import GroupRow, VolunteerRow
from partner_portal.mail.models import OutboxMessage
from partner_portal.platform.db import forget_deleted
from partner_portal.platform.errors import NotFound
from partner_portal.platform.tables import csv_bytes


async def export_data(
    db: AsyncSession, *, volunteer: VolunteerRow, group: GroupRow, fmt: str
) -> dict[str, Any]:
    """Everything the register holds about the volunteer. Side effects: an audit event (the
    format only). Commits."""
    held = await held_about(db, volunteer)
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


async def remove_volunteer(
    db: AsyncSession, *, actor: CurrentPerson, group: GroupRow, volunteer_id: int
) -> None:
    """The lead takes a registration out of the register (after reviewing an inactive one,
    say): the same as the volunteer deleting their own data. See delete_volunteer."""
    volunteer = await members.volunteer(db, volunteer_id)
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
