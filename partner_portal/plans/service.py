"""Rules for plans: the coordinator's draft and its published versions, and comments on
sections. Each function owns its transaction and lists its side effects."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.evidence.models import EvidenceKind
from partner_portal.evidence.service import record_evidence
from partner_portal.plans import queries
from partner_portal.plans.access import PlanAccess
from partner_portal.plans.models import (
    Plan,
    PlanComment,
    PlanSection,
    PlanVersion,
    PlanVersionSection,
)
from partner_portal.plans.queries import CommentRow, PublishedSection
from partner_portal.platform import clock, paths
from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.live import LiveHub
from partner_portal.rooms.access import RoomAccess


@dataclass(frozen=True, slots=True)
class SectionInput:
    heading: str
    body: str
    position: int | None  # where to move the section (1 = first); None keeps its place


@dataclass(frozen=True, slots=True)
class CommentInput:
    body: str
    parent_id: int | None
    organisation_id: int | None


# How long the author may still change a comment; afterwards it stands as others read it.
EDIT_WINDOW = timedelta(minutes=15)


def plan_path(room_id: int, plan_id: int) -> str:
    return paths.fill(paths.PLAN, room_id=room_id, plan_id=plan_id)


def comment_path(room_id: int, plan_id: int, comment_id: int) -> str:
    return f"{plan_path(room_id, plan_id)}#kommentar-{comment_id}"


def live_topic(plan_id: int) -> str:
    return f"plan:{plan_id}"


def may_still_edit(created_at: datetime, now: datetime) -> bool:
    return now - created_at < EDIT_WINDOW


def _editor(access: PlanAccess | RoomAccess) -> None:
    room = access.room if isinstance(access, PlanAccess) else access
    if not room.is_coordinator:
        raise NotFound()
    if room.room.is_closed:
        raise Invalid({"title": _("Rummet är stängt.")})


async def create_plan(
    db: AsyncSession, *, actor: CurrentPerson, access: RoomAccess, title: str
) -> int:
    """A new plan with an empty draft. Side effects: the plan; ``plan_created`` audited.
    Commits."""
    _editor(access)
    plan = Plan(room_id=access.room.id, title=title, created_by=actor.id)
    db.add(plan)
    await db.flush()
    assert plan.id is not None
    record(
        db,
        AuditAction.PLAN_CREATED,
        actor_id=actor.id,
        object_type="plan",
        object_id=plan.id,
        room_id=access.room.id,
        title=title,
    )
    await db.commit()
    return plan.id


async def _draft(db: AsyncSession, plan_id: int) -> list[PlanSection]:
    return list(
        await db.scalars(
            sa.select(PlanSection)
            .where(col(PlanSection.plan_id) == plan_id, col(PlanSection.in_draft).is_(True))
            .order_by(col(PlanSection.position), col(PlanSection.id))
        )
    )


def _place(sections: list[PlanSection], moved: PlanSection | None, position: int | None) -> None:
    """Number the draft's sections 1…n, with ``moved`` at ``position`` (clamped)."""
    order = [s for s in sections if s is not moved]
    if moved is not None:
        index = len(order) if position is None else max(0, min(position - 1, len(order)))
        order.insert(index, moved)
    for number, section in enumerate(order, start=1):
        section.position = number


async def _touch(db: AsyncSession, plan_id: int) -> None:
    await db.execute(
        sa.update(Plan).where(col(Plan.id) == plan_id).values(draft_updated_at=clock.now())
    )


async def add_section(
    db: AsyncSession, *, actor: CurrentPerson, access: PlanAccess, data: SectionInput
) -> int:
    """A new section in the draft (last, or at ``data.position``). Side effects: the section.
    Commits."""
    _editor(access)
    sections = await _draft(db, access.plan.id)
    section = PlanSection(
        plan_id=access.plan.id,
        key=secrets.token_hex(4),
        position=len(sections) + 1,
        heading=data.heading,
        body=data.body,
    )
    db.add(section)
    _place(sections, section, data.position)
    await _touch(db, access.plan.id)
    await db.flush()
    assert section.id is not None
    await db.commit()
    return section.id


async def _draft_section(db: AsyncSession, access: PlanAccess, section_id: int) -> PlanSection:
    section = await db.get(PlanSection, section_id)
    if section is None or section.plan_id != access.plan.id or not section.in_draft:
        raise NotFound()
    return section


async def save_section(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: PlanAccess,
    section_id: int,
    data: SectionInput,
) -> None:
    """Change a draft section's heading, text or place. Readers see it only once published.
    Side effects: the section (and the others' places). Commits."""
    _editor(access)
    section = await _draft_section(db, access, section_id)
    section.heading, section.body = data.heading, data.body
    if data.position is not None:
        _place(await _draft(db, access.plan.id), section, data.position)
    await _touch(db, access.plan.id)
    await db.commit()


async def remove_section(
    db: AsyncSession, *, actor: CurrentPerson, access: PlanAccess, section_id: int
) -> None:
    """Take a section out of the draft. It is kept, with its comments, and stays in the
    versions that had it. Side effects: the section leaves the draft. Commits."""
    _editor(access)
    section = await _draft_section(db, access, section_id)
    section.in_draft = False
    _place([s for s in await _draft(db, access.plan.id) if s.id != section.id], None, None)
    await _touch(db, access.plan.id)
    await db.commit()


async def publish(db: AsyncSession, *, actor: CurrentPerson, access: PlanAccess, note: str) -> int:
    """Publish the draft as the next version, for everyone in the room. Side effects: the
    version and its copy of each section, which sections changed since the last version,
    ``plan_published`` audited. Returns the new version number. Commits."""
    _editor(access)
    plan = await db.get(Plan, access.plan.id, with_for_update=True)
    assert plan is not None
    assert plan.id is not None
    sections = await _draft(db, plan.id)
    if not sections:
        raise Invalid({"note": _("Utkastet har inga avsnitt att publicera.")})
    previous: dict[int, PlanVersionSection] = {}
    if plan.latest_version:
        previous = {
            s.section_id: s
            for s in await db.scalars(
                sa.select(PlanVersionSection)
                .join(PlanVersion, col(PlanVersion.id) == col(PlanVersionSection.version_id))
                .where(
                    col(PlanVersion.plan_id) == plan.id,
                    col(PlanVersion.number) == plan.latest_version,
                )
            )
        }
    changed = {
        s.id
        for s in sections
        if s.id not in previous
        or (previous[s.id].heading, previous[s.id].body) != (s.heading, s.body)
    }
    moved = [s.id for s in sections] != [
        p.section_id for p in sorted(previous.values(), key=lambda p: p.position)
    ]
    if not changed and not moved:
        raise Invalid(
            {
                "note": _("Utkastet är likadant som version %(number)s.")
                % {"number": plan.latest_version}
            }
        )
    plan.latest_version += 1
    version = PlanVersion(
        plan_id=plan.id,
        number=plan.latest_version,
        title=plan.title,
        note=note,
        published_by=actor.id,
    )
    db.add(version)
    await db.flush()
    assert version.id is not None
    for section in sections:
        assert section.id is not None
        db.add(
            PlanVersionSection(
                version_id=version.id,
                section_id=section.id,
                position=section.position,
                heading=section.heading,
                body=section.body,
                changed=section.id in changed,
            )
        )
        if section.id in changed:
            section.changed_in_version = plan.latest_version
    record(
        db,
        AuditAction.PLAN_PUBLISHED,
        actor_id=actor.id,
        object_type="plan",
        object_id=plan.id,
        room_id=access.room.room.id,
        version=plan.latest_version,
        sections=len(sections),
        changed=len(changed),
    )
    await db.commit()
    return plan.latest_version


async def add_comment(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: PlanAccess,
    section_id: int,
    section: PublishedSection | None,
    data: CommentInput,
    live: LiveHub,
) -> CommentRow:
    """A comment on a section of the latest version, or a reply in a section's thread, for
    one of the actor's organisations that accepted (or, for a coordinator without one, for
    the municipality). ``section``: the section as published with its comments, read in this
    transaction (``queries.published_section``; on a request, with its access). Side effects:
    the comment, ``comment_made`` evidence for the organisation, a live event to everyone
    reading the plan. Returns the comment as the threads show it. Commits."""
    plan = access.plan
    if not access.may_comment:
        raise NotFound()
    if section is None or section.last_version != plan.latest_version:
        raise NotFound()  # never published, or not in the latest version
    parent_id = None
    if data.parent_id is not None:
        parent = next((c for c in section.comments if c.id == data.parent_id), None)
        if parent is None:
            raise Invalid({"body": _("Kommentaren du svarar på finns inte i avsnittet.")})
        parent_id = parent.parent_id or parent.id  # one level of replies: the thread's start
    mine = access.comment_organisations()
    if data.organisation_id is not None and data.organisation_id not in mine:
        raise Invalid({"organisation_id": _("Välj en organisation i listan.")})
    organisation_id = data.organisation_id or (mine[0] if mine else None)
    if organisation_id is None and not access.is_coordinator:
        raise NotFound()
    comment = await queries.insert_comment(
        db,
        plan_id=plan.id,
        section_id=section_id,
        parent_id=parent_id,
        version_number=plan.latest_version,
        author_id=actor.id,
        organisation_id=organisation_id,
        body=data.body,
        created_at=clock.now(),
    )
    room = access.room.room
    if organisation_id is not None:
        await record_evidence(
            db,
            EvidenceKind.COMMENT_MADE,
            organisation_id=organisation_id,
            person_id=actor.id,
            link=comment_path(room.id, plan.id, comment.id),
            process=room.process,
            room_id=room.id,
            object_type="plan_comment",
            object_id=comment.id,
            plan_id=plan.id,
            version=plan.latest_version,
        )
    await live.announce(
        db, live_topic(plan.id), {"section": section_id, "comment": comment.id, "new": True}
    )
    await db.commit()
    return comment


async def edit_comment(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    access: PlanAccess,
    comment_id: int,
    body: str,
    live: LiveHub,
) -> int:
    """The author changes their comment within ``EDIT_WINDOW`` of writing it; it is then shown
    as edited. Side effects: the comment, ``plan_comment_edited`` audited with the earlier
    text, a live event. Returns the section id. Commits."""
    comment = await db.get(PlanComment, comment_id)
    if comment is None or comment.plan_id != access.plan.id or comment.author_id != actor.id:
        raise NotFound()
    if access.room.room.is_closed or not may_still_edit(comment.created_at, clock.now()):
        raise Invalid({"body": _("En kommentar kan bara ändras de första 15 minuterna.")})
    if body != comment.body:
        record(
            db,
            AuditAction.PLAN_COMMENT_EDITED,
            actor_id=actor.id,
            object_type="plan_comment",
            object_id=comment.id,
            organisation_id=comment.organisation_id,
            earlier_text=comment.body,
        )
        comment.body = body
        comment.edited_at = clock.now()
        await live.announce(
            db,
            live_topic(access.plan.id),
            {"section": comment.section_id, "comment": comment.id, "new": False},
        )
    await db.commit()
    return comment.section_id
