"""Rules for saving deliverables. Each function owns its transaction and commits.

Every function takes an ItemProgress the rooms layer has loaded, in this same session, after
checking that the acting person may work on it; who the person is is not checked again here.
What is checked here is what the deliverable itself allows: nothing changes once it is handed
in (submitted or approved), nothing is stored under a "confidential – metadata only" label, rows
belong to the progress they are changed through, and a GSRN has one class in a room.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped
from sqlmodel import col

from partner_portal.deliverables.models import (
    ConnectionPoint,
    ReadinessStatus,
    StyrelUser,
    WarOrganisation,
    WaterCategory,
    WaterNeed,
)
from partner_portal.deliverables.queries import MIN_LITRES_PER_PERSON
from partner_portal.platform import clock
from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.rooms.models import (
    Classification,
    ItemKind,
    ItemProgress,
    ProgressStatus,
    RoomItem,
)

_HANDED_IN = frozenset({ProgressStatus.SUBMITTED, ProgressStatus.APPROVED})
# Working on the deliverable again starts (or restarts, after it was sent back) the work.
_STARTS_WORK = frozenset({ProgressStatus.NOT_STARTED, ProgressStatus.RETURNED})


# --- what the rules take (deliverables/forms.py reads it from posted fields) -------------


@dataclass(frozen=True, slots=True)
class PointInput:
    gsrn: str
    priority_class: int


@dataclass(frozen=True, slots=True)
class StyrelUserInput:
    name: str
    activity: str
    priority_class: int  # the user's main class
    justification: str
    address: str
    grid_company: str
    # In form order; point_indexes[i] is where points[i] stood in the posted form, so that an
    # error found later (a GSRN taken in the room) lands under that field's key.
    points: tuple[PointInput, ...]
    point_indexes: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class WaterNeedInput:
    site: str
    category: WaterCategory
    persons: int
    litres_per_day: int
    vulnerable: int
    own_tank: bool
    note: str

    @property
    def below_minimum(self) -> bool:
        """Less than the first days' minimum: worth a warning, not a refusal (the site may have
        other water, or count people who are there only part of the day)."""
        return self.litres_per_day < MIN_LITRES_PER_PERSON * self.persons


@dataclass(frozen=True, slots=True)
class ReadinessInput:
    war_organisation: WarOrganisation
    security_analysis_done: bool


# --- shared rules ------------------------------------------------------------------------


async def _check_can_change(db: AsyncSession, progress: ItemProgress, kind: ItemKind) -> None:
    if progress.status in _HANDED_IN:
        raise Invalid(
            {
                "progress": _(
                    "Underlaget är inlämnat och kan inte ändras. Be samordnaren skicka tillbaka "
                    "det om något behöver rättas."
                )
            }
        )
    if progress.classification is Classification.CONFIDENTIAL_METADATA_ONLY:
        raise Invalid(
            {
                "progress": _(
                    "Underlaget är märkt konfidentiellt – endast metadata. Innehållet lämnas "
                    "till kommunen på annat sätt och sparas inte i portalen."
                )
            }
        )
    # A view wired to the wrong item must not put water needs on a STYREL item, or the like.
    item_kind = await db.scalar(
        sa.select(col(RoomItem.kind)).where(col(RoomItem.id) == progress.item_id)
    )
    if item_kind is not kind:
        raise NotFound()


def _touch(progress: ItemProgress, actor_id: int) -> None:
    if progress.status in _STARTS_WORK:
        progress.status = ProgressStatus.IN_PROGRESS
    progress.updated_at = clock.now()
    progress.updated_by = actor_id


async def _next_position(
    db: AsyncSession, column: Mapped[int], where: sa.ColumnElement[bool]
) -> int:
    highest = await db.scalar(sa.select(sa.func.max(column)).where(where))
    return int(highest or 0) + 1


async def _undo(db: AsyncSession, progress: ItemProgress) -> None:
    """Roll back after a refused flush, and reload the caller's progress row: a rollback
    expires every entity in the session, and the view still renders from this one."""
    await db.rollback()
    await db.refresh(progress)


# --- STYREL ------------------------------------------------------------------------------


async def _gsrn_conflicts(
    db: AsyncSession, progress: ItemProgress, data: StyrelUserInput, user_id: int | None
) -> dict[str, str]:
    """Errors for the form's GSRNs already used in the room, by another electricity user of
    this organisation or by another organisation (which is not named: what others deliver in
    a room is theirs to show)."""
    if not data.points:
        return {}
    query = (
        sa.select(
            col(ConnectionPoint.gsrn),
            col(StyrelUser.progress_id),
            col(StyrelUser.name),
        )
        .join(StyrelUser, col(StyrelUser.id) == col(ConnectionPoint.user_id))
        .where(
            col(ConnectionPoint.room_id) == progress.room_id,
            col(ConnectionPoint.gsrn).in_([p.gsrn for p in data.points]),
        )
    )
    if user_id is not None:
        query = query.where(col(ConnectionPoint.user_id) != user_id)
    taken = {row.gsrn: row for row in await db.execute(query)}
    errors: dict[str, str] = {}
    for point, index in zip(data.points, data.point_indexes, strict=True):
        other = taken.get(point.gsrn)
        if other is None:
            continue
        if other.progress_id == progress.id:
            errors[f"gsrn-{index}"] = _(
                "Anslutningspunkten finns redan hos elanvändaren %(user)s i ert underlag. En "
                "anslutningspunkt kan bara ha en prioritetsklass."
            ) % {"user": other.name}
        else:
            errors[f"gsrn-{index}"] = _(
                "Anslutningspunkten har redan lämnats av en annan organisation i det här "
                "planeringsrummet. En anslutningspunkt kan bara ha en prioritetsklass. Kontakta "
                "samordnaren för att reda ut vem som ska ange den."
            )
    return errors


async def _styrel_user_in(db: AsyncSession, progress: ItemProgress, user_id: int) -> StyrelUser:
    user = await db.get(StyrelUser, user_id)
    if user is None or user.progress_id != progress.id or user.room_id != progress.room_id:
        raise NotFound()
    return user


async def save_styrel_user(
    db: AsyncSession,
    *,
    progress: ItemProgress,
    user_id: int | None,
    data: StyrelUserInput,
    actor_id: int,
    vital_service_id: int | None = None,
) -> int:
    """Add an electricity user (``user_id`` None) or change one, with its connection points:
    points whose GSRN is still there keep their row, others are removed or added. A
    ``vital_service_id`` (the caller checked it is the organisation's register entry) links the
    row to the entry it was made from; without one an existing link is kept.

    Side effects: the styrel_user and connection_point rows; the progress becomes in progress
    (from not started or returned) and records who changed it when. Commits.
    Raises Invalid (key "progress") when the deliverable cannot change, Invalid
    (keys "gsrn-N") for a GSRN already used in the room, also when a concurrent save took it
    first; NotFound for a user of another progress row or room.
    """
    await _check_can_change(db, progress, ItemKind.STYREL_USERS)
    assert progress.id is not None
    user = await _styrel_user_in(db, progress, user_id) if user_id is not None else None
    errors = await _gsrn_conflicts(db, progress, data, user_id)
    if errors:
        raise Invalid(errors)
    now = clock.now()
    if user is None:
        user = StyrelUser(
            progress_id=progress.id,
            room_id=progress.room_id,
            position=await _next_position(
                db, col(StyrelUser.position), col(StyrelUser.progress_id) == progress.id
            ),
            name="",
            activity="",
            priority_class=data.priority_class,
            justification="",
            address="",
            grid_company="",
            created_at=now,
        )
        db.add(user)
        existing: dict[str, ConnectionPoint] = {}
    else:
        points = await db.scalars(
            sa.select(ConnectionPoint).where(col(ConnectionPoint.user_id) == user.id)
        )
        existing = {p.gsrn: p for p in points}
    user.name = data.name
    user.activity = data.activity
    user.priority_class = data.priority_class
    user.justification = data.justification
    user.address = data.address
    user.grid_company = data.grid_company
    if vital_service_id is not None:
        user.vital_service_id = vital_service_id
    user.updated_at = now
    try:
        await db.flush()  # the new user's id, for its points
        assert user.id is not None
        wanted = {p.gsrn for p in data.points}
        for gsrn, gone in existing.items():
            if gsrn not in wanted:
                await db.delete(gone)
        for position, point in enumerate(data.points, start=1):
            row = existing.get(point.gsrn)
            if row is None:
                row = ConnectionPoint(
                    user_id=user.id,
                    room_id=progress.room_id,
                    position=position,
                    gsrn=point.gsrn,
                    priority_class=point.priority_class,
                )
                db.add(row)
            row.position = position
            row.priority_class = point.priority_class
        await db.flush()
    except IntegrityError:
        # Another save took a GSRN between the check above and this write: the unique index
        # on (room_id, gsrn) decided. Say which, as the check would have.
        await _undo(db, progress)
        errors = await _gsrn_conflicts(db, progress, data, user_id)
        if not errors:
            raise
        raise Invalid(errors) from None
    _touch(progress, actor_id)
    await db.commit()
    return user.id


async def delete_styrel_user(
    db: AsyncSession, *, progress: ItemProgress, user_id: int, actor_id: int
) -> None:
    """Remove an electricity user and its connection points from a deliverable still being
    worked on. Side effects: the rows are deleted; the progress records the change. Commits.
    Raises Invalid (key "progress") when the deliverable cannot change; NotFound for a
    user of another progress row or room."""
    await _check_can_change(db, progress, ItemKind.STYREL_USERS)
    user = await _styrel_user_in(db, progress, user_id)
    await db.execute(sa.delete(ConnectionPoint).where(col(ConnectionPoint.user_id) == user.id))
    await db.delete(user)
    _touch(progress, actor_id)
    await db.commit()


# --- drinking water ----------------------------------------------------------------------


async def _water_need_in(db: AsyncSession, progress: ItemProgress, need_id: int) -> WaterNeed:
    need = await db.get(WaterNeed, need_id)
    if need is None or need.progress_id != progress.id or need.room_id != progress.room_id:
        raise NotFound()
    return need


async def save_water_need(
    db: AsyncSession,
    *,
    progress: ItemProgress,
    need_id: int | None,
    data: WaterNeedInput,
    actor_id: int,
    vital_service_id: int | None = None,
) -> int:
    """Add a site's water need (``need_id`` None) or change one. A need below the reference
    volume is saved; the page warns about it (``below_minimum``). ``vital_service_id`` links
    the row to its register entry, as for STYREL users.

    Side effects: the water_need row; the progress becomes in progress (from not started or
    returned) and records who changed it when. Commits. Raises Invalid (key "progress")
    when the deliverable cannot change; NotFound for a row of another progress row or room.
    """
    await _check_can_change(db, progress, ItemKind.WATER_NEEDS)
    assert progress.id is not None
    now = clock.now()
    if need_id is None:
        need = WaterNeed(
            progress_id=progress.id,
            room_id=progress.room_id,
            position=await _next_position(
                db, col(WaterNeed.position), col(WaterNeed.progress_id) == progress.id
            ),
            site="",
            category=data.category,
            persons=0,
            litres_per_day=0,
            vulnerable=0,
            own_tank=False,
            created_at=now,
        )
        db.add(need)
    else:
        need = await _water_need_in(db, progress, need_id)
    need.site = data.site
    need.category = data.category
    need.persons = data.persons
    need.litres_per_day = data.litres_per_day
    need.vulnerable = data.vulnerable
    need.own_tank = data.own_tank
    need.note = data.note
    if vital_service_id is not None:
        need.vital_service_id = vital_service_id
    need.updated_at = now
    await db.flush()
    assert need.id is not None
    _touch(progress, actor_id)
    await db.commit()
    return need.id


async def delete_water_need(
    db: AsyncSession, *, progress: ItemProgress, need_id: int, actor_id: int
) -> None:
    """Remove a site's water need from a deliverable still being worked on. Side effects: the
    row is deleted; the progress records the change. Commits. Raises Invalid (key
    "progress") when the deliverable cannot change; NotFound for a row of another progress."""
    await _check_can_change(db, progress, ItemKind.WATER_NEEDS)
    need = await _water_need_in(db, progress, need_id)
    await db.delete(need)
    _touch(progress, actor_id)
    await db.commit()


# --- höjd beredskap ----------------------------------------------------------------------


async def _readiness_of(db: AsyncSession, progress_id: int) -> ReadinessStatus | None:
    return await db.scalar(
        sa.select(ReadinessStatus).where(col(ReadinessStatus.progress_id) == progress_id)
    )


async def save_readiness(
    db: AsyncSession, *, progress: ItemProgress, data: ReadinessInput, actor_id: int
) -> None:
    """Set the organisation's war-organisation status and security-analysis tick (one row per
    progress). Saving the same answers again changes nothing.

    Side effects: the readiness_status row; the progress becomes in progress (from not started
    or returned) and records who changed it when. Commits. Raises Invalid (key "progress")
    when the deliverable cannot change.
    """
    for attempt in range(2):
        await _check_can_change(db, progress, ItemKind.READINESS_STATUS)
        assert progress.id is not None
        status = await _readiness_of(db, progress.id)
        if status is not None and (
            status.war_organisation,
            status.security_analysis_done,
        ) == (data.war_organisation, data.security_analysis_done):
            return
        if status is None:
            status = ReadinessStatus(
                progress_id=progress.id,
                war_organisation=data.war_organisation,
                security_analysis_done=data.security_analysis_done,
            )
            db.add(status)
        status.war_organisation = data.war_organisation
        status.security_analysis_done = data.security_analysis_done
        status.updated_at = clock.now()
        try:
            await db.flush()
        except IntegrityError:
            # Two first saves at once: the other one created the row; change that one instead.
            await _undo(db, progress)
            if attempt:
                raise
            continue
        _touch(progress, actor_id)
        await db.commit()
        return
