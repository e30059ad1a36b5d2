"""Reads about plans: columns into frozen rows, a constant number of queries per page."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeAlias

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth.models import Person
from partner_portal.organisations.models import MembershipRole, Organisation
from partner_portal.plans.models import (
    Plan,
    PlanComment,
    PlanSection,
    PlanVersion,
    PlanVersionSection,
)
from partner_portal.platform.beside import beside, split
from partner_portal.platform.db import read, write
from partner_portal.rooms.models import ParticipationStatus, Room
from partner_portal.rooms.queries import ROOM_ACCESS, RoomRow, room_access_rows


@dataclass(frozen=True, slots=True)
class PlanRow:
    id: int
    room_id: int
    title: str
    latest_version: int
    draft_updated_at: datetime


@dataclass(frozen=True, slots=True)
class PlanListRow:
    id: int
    title: str
    latest_version: int
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class VersionRow:
    id: int
    number: int
    title: str
    note: str
    published_at: datetime
    published_by_name: str | None


@dataclass(frozen=True, slots=True)
class SectionRow:
    """A section as one version has it."""

    section_id: int
    key: str
    position: int
    heading: str
    body: str
    changed: bool
    changed_in_version: int


@dataclass(frozen=True, slots=True)
class DraftSectionRow:
    id: int
    key: str
    position: int
    heading: str
    body: str


@dataclass(frozen=True, slots=True)
class CommentRow:
    id: int
    section_id: int
    parent_id: int | None
    version_number: int
    author_id: int
    author_name: str
    organisation_id: int | None
    organisation_name: str | None
    body: str
    created_at: datetime
    edited_at: datetime | None


_PLAN = (
    col(Plan.id),
    col(Plan.room_id),
    col(Plan.title),
    col(Plan.latest_version),
    col(Plan.draft_updated_at),
)


_PLAN_FIELDS = ("id", "room_id", "title", "latest_version", "draft_updated_at")


def _plan_access_statement() -> Any:
    labelled: list[Any] = [
        column.label(f"plan_{name}") for name, column in zip(_PLAN_FIELDS, _PLAN, strict=True)
    ]
    return ROOM_ACCESS.add_columns(*labelled).outerjoin(
        Plan,
        sa.and_(col(Plan.id) == sa.bindparam("plan_id"), col(Plan.room_id) == col(Room.id)),
    )


# Built once (see rooms.queries.ROOM_ACCESS): room, the person's organisations in it, the plan.
PLAN_ACCESS = _plan_access_statement()


PlanAccessRows: TypeAlias = tuple[
    RoomRow | None, dict[int, tuple[MembershipRole, ParticipationStatus]], PlanRow | None
]


async def plan_access(
    db: AsyncSession, person_id: int, room_id: int, plan_id: int
) -> PlanAccessRows:
    """The room, the person's organisations in it and the plan, in one query."""
    rows = await read(
        db, PLAN_ACCESS, {"room_id": room_id, "person_id": person_id, "plan_id": plan_id}
    )
    return _plan_access_rows(rows)


def _plan_access_rows(rows: Sequence[Any]) -> PlanAccessRows:
    room, mine = room_access_rows(rows)
    if not rows or rows[0].plan_id is None:
        return room, mine, None
    first = rows[0]._mapping
    plan = PlanRow(**{name: first[f"plan_{name}"] for name in _PLAN_FIELDS})
    return room, mine, plan


async def plan(db: AsyncSession, room_id: int, plan_id: int) -> PlanRow | None:
    row = (
        await db.execute(
            sa.select(*_PLAN).where(col(Plan.id) == plan_id, col(Plan.room_id) == room_id)
        )
    ).one_or_none()
    return PlanRow(**row._mapping) if row else None


async def plans_in_room(db: AsyncSession, room_id: int, *, drafts: bool) -> list[PlanListRow]:
    """The room's plans, newest first; plans never published only when ``drafts``."""
    latest = (
        sa.select(col(PlanVersion.published_at))
        .where(
            col(PlanVersion.plan_id) == col(Plan.id),
            col(PlanVersion.number) == col(Plan.latest_version),
        )
        .scalar_subquery()
    )
    query = (
        sa.select(
            col(Plan.id), col(Plan.title), col(Plan.latest_version), latest.label("published_at")
        )
        .where(col(Plan.room_id) == room_id)
        .order_by(col(Plan.created_at).desc(), col(Plan.id).desc())
    )
    if not drafts:
        query = query.where(col(Plan.latest_version) > 0)
    rows: Any = await db.execute(query)
    return [PlanListRow(**row._mapping) for row in rows]


def _versions_statement(plan_id: Any) -> Any:
    return (
        sa.select(
            col(PlanVersion.id),
            col(PlanVersion.number),
            col(PlanVersion.title),
            col(PlanVersion.note),
            col(PlanVersion.published_at),
            col(Person.name).label("published_by_name"),
        )
        .outerjoin(Person, col(Person.id) == col(PlanVersion.published_by))
        .where(col(PlanVersion.plan_id) == plan_id)
    )


async def versions(db: AsyncSession, plan_id: int) -> list[VersionRow]:
    """Every published version, newest first."""
    rows: Any = await db.execute(
        _versions_statement(plan_id).order_by(col(PlanVersion.number).desc())
    )
    return [VersionRow(**row._mapping) for row in rows]


# Built once: the plan page's first query — what access is decided on (PLAN_ACCESS) and,
# beside it, every published version of the plan, newest first.
_PLAN_PAGE = beside(
    PLAN_ACCESS, _versions_statement(sa.bindparam("plan_id")), order_by=("-number",)
)


async def plan_access_and_versions(
    db: AsyncSession, person_id: int, room_id: int, plan_id: int
) -> tuple[PlanAccessRows, list[VersionRow]]:
    """:func:`plan_access` and :func:`versions` in one query."""
    rows = await read(
        db, _PLAN_PAGE, {"room_id": room_id, "person_id": person_id, "plan_id": plan_id}
    )
    own, theirs = split(rows, PLAN_ACCESS)
    return _plan_access_rows(own), [VersionRow(**row) for row in theirs]


# Built once, with SectionRow's fields in order.
_VERSION_SECTIONS: Any = (
    sa.select(
        col(PlanVersionSection.section_id),
        col(PlanSection.key),
        col(PlanVersionSection.position),
        col(PlanVersionSection.heading),
        col(PlanVersionSection.body),
        col(PlanVersionSection.changed),
        col(PlanSection.changed_in_version),
    )
    .join(PlanSection, col(PlanSection.id) == col(PlanVersionSection.section_id))
    .where(col(PlanVersionSection.version_id) == sa.bindparam("version_id"))
    .order_by(col(PlanVersionSection.position))
)


async def version_sections(db: AsyncSession, version_id: int) -> list[SectionRow]:
    rows: Any = await read(db, _VERSION_SECTIONS, {"version_id": version_id})
    return [SectionRow(**row._mapping) for row in rows]


async def published_headings(db: AsyncSession, plan_id: int) -> dict[int, tuple[str, str]]:
    """Each section ever published: its key and its heading in the latest version that had it."""
    rows: Any = await db.execute(
        sa.select(
            col(PlanVersionSection.section_id),
            col(PlanSection.key),
            col(PlanVersionSection.heading),
        )
        .join(PlanVersion, col(PlanVersion.id) == col(PlanVersionSection.version_id))
        .join(PlanSection, col(PlanSection.id) == col(PlanVersionSection.section_id))
        .where(col(PlanVersion.plan_id) == plan_id)
        .order_by(col(PlanVersion.number))
    )
    return {row.section_id: (row.key, row.heading) for row in rows}


async def draft_sections(db: AsyncSession, plan_id: int) -> list[DraftSectionRow]:
    rows: Any = await db.execute(
        sa.select(
            col(PlanSection.id),
            col(PlanSection.key),
            col(PlanSection.position),
            col(PlanSection.heading),
            col(PlanSection.body),
        )
        .where(col(PlanSection.plan_id) == plan_id, col(PlanSection.in_draft).is_(True))
        .order_by(col(PlanSection.position), col(PlanSection.id))
    )
    return [DraftSectionRow(**row._mapping) for row in rows]


def _comment_columns() -> Any:
    return (
        sa.select(
            col(PlanComment.id),
            col(PlanComment.section_id),
            col(PlanComment.parent_id),
            col(PlanComment.version_number),
            col(PlanComment.author_id),
            col(Person.name).label("author_name"),
            col(PlanComment.organisation_id),
            col(Organisation.name).label("organisation_name"),
            col(PlanComment.body),
            col(PlanComment.created_at),
            col(PlanComment.edited_at),
        )
        .join(Person, col(Person.id) == col(PlanComment.author_id))
        .outerjoin(Organisation, col(Organisation.id) == col(PlanComment.organisation_id))
        .order_by(col(PlanComment.created_at), col(PlanComment.id))
    )


# Built once (building them cost more than running them), with CommentRow's fields in order.
_PLAN_COMMENTS = _comment_columns().where(col(PlanComment.plan_id) == sa.bindparam("plan_id"))
_SECTION_COMMENTS = _PLAN_COMMENTS.where(col(PlanComment.section_id) == sa.bindparam("section_id"))
assert list(_PLAN_COMMENTS.selected_columns.keys()) == list(CommentRow.__dataclass_fields__)


async def comments(
    db: AsyncSession, plan_id: int, *, section_id: int | None = None
) -> list[CommentRow]:
    """The plan's comments (or one section's), oldest first."""
    rows: Any = await read(
        db,
        _PLAN_COMMENTS if section_id is None else _SECTION_COMMENTS,
        {"plan_id": plan_id, "section_id": section_id},
    )
    return [CommentRow(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class PublishedSection:
    key: str
    heading: str  # in the latest version that had the section
    changed_in_version: int
    last_version: int  # the latest version that had the section: comments go to the plan's latest
    comments: list[CommentRow]
    # How many comments the section has, where ``comments`` holds one thread of them
    # (plan_access_and_thread); None: ``comments`` are all of them.
    total: int | None = None

    def with_comment(self, comment: CommentRow) -> PublishedSection:
        """The section as it is once ``comment`` is added (oldest first, as read)."""
        comments = sorted([*self.comments, comment], key=lambda c: (c.created_at, c.id))
        total = None if self.total is None else self.total + 1
        return dataclasses.replace(self, comments=comments, total=total)


def _section_threads_statement(*, one_thread: bool = False) -> Any:
    """The section as published and its comments, oldest first. ``one_thread``: only the
    thread that the comment ``:parent_id`` is in (none for a NULL or a comment elsewhere),
    and the section's count of comments beside it."""

    def latest(column: Any) -> Any:
        """``column`` of the latest version that had the section."""
        return (
            sa.select(column)
            .select_from(PlanVersionSection)
            .join(PlanVersion, col(PlanVersion.id) == col(PlanVersionSection.version_id))
            .where(
                col(PlanVersionSection.section_id) == col(PlanSection.id),
                col(PlanVersion.plan_id) == col(PlanSection.plan_id),
            )
            .order_by(col(PlanVersion.number).desc())
            .limit(1)
            .scalar_subquery()
        )

    in_section = sa.and_(
        col(PlanComment.section_id) == col(PlanSection.id),
        col(PlanComment.plan_id) == col(PlanSection.plan_id),
    )
    extra: list[Any] = []
    if one_thread:
        comments: Any = PlanComment.__table__  # type: ignore[attr-defined]
        other, counted = comments.alias("answered"), comments.alias("counted")
        # The thread's first comment: the one answered, or the one it answers.
        start = (
            sa.select(sa.func.coalesce(other.c.parent_id, other.c.id))
            .where(
                other.c.id == sa.bindparam("parent_id", type_=sa.Integer),
                other.c.section_id == col(PlanSection.id),
                other.c.plan_id == col(PlanSection.plan_id),
            )
            .scalar_subquery()
        )
        in_section = sa.and_(
            in_section,
            sa.or_(col(PlanComment.id) == start, col(PlanComment.parent_id) == start),
        )
        extra.append(
            sa.select(sa.func.count())
            .where(
                counted.c.section_id == col(PlanSection.id),
                counted.c.plan_id == col(PlanSection.plan_id),
            )
            .scalar_subquery()
            .label("section_total")
        )
    return (
        sa.select(
            col(PlanSection.key).label("section_key"),
            col(PlanSection.changed_in_version).label("section_changed_in"),
            latest(col(PlanVersionSection.heading)).label("section_heading"),
            latest(col(PlanVersion.number)).label("section_last_version"),
            *extra,
            col(PlanComment.id),
            col(PlanComment.section_id),
            col(PlanComment.parent_id),
            col(PlanComment.version_number),
            col(PlanComment.author_id),
            col(Person.name).label("author_name"),
            col(PlanComment.organisation_id),
            col(Organisation.name).label("organisation_name"),
            col(PlanComment.body),
            col(PlanComment.created_at),
            col(PlanComment.edited_at),
        )
        .select_from(PlanSection)
        .outerjoin(PlanComment, in_section)
        .outerjoin(Person, col(Person.id) == col(PlanComment.author_id))
        .outerjoin(Organisation, col(Organisation.id) == col(PlanComment.organisation_id))
        .where(
            col(PlanSection.id) == sa.bindparam("section_id"),
            col(PlanSection.plan_id) == sa.bindparam("plan_id"),
        )
        .order_by(col(PlanComment.created_at), col(PlanComment.id))
    )


# Built once: the comment fragment's one query (the section as published, and its comments).
SECTION_THREADS = _section_threads_statement()
_COMMENT_FIELDS = tuple(CommentRow.__dataclass_fields__)


async def published_section(
    db: AsyncSession, plan_id: int, section_id: int
) -> PublishedSection | None:
    """A section of this plan that has been published, with its comments (oldest first); None
    for a section never published or of another plan. One query."""
    rows: Any = await read(db, SECTION_THREADS, {"section_id": section_id, "plan_id": plan_id})
    return _published_section([row._mapping for row in rows])


# Built once: the comment fragment's one query — what access is decided on (PLAN_ACCESS) and,
# beside it, the section as published with its comments, oldest first.
_PLAN_SECTION = beside(PLAN_ACCESS, SECTION_THREADS, order_by=("created_at", "id"))


async def plan_access_and_section(
    db: AsyncSession, person_id: int, room_id: int, plan_id: int, section_id: int
) -> tuple[PlanAccessRows, PublishedSection | None]:
    """:func:`plan_access` and :func:`published_section` in one query."""
    parameters = {
        "room_id": room_id,
        "person_id": person_id,
        "plan_id": plan_id,
        "section_id": section_id,
    }
    return await _access_and_section(db, _PLAN_SECTION, parameters)


# Built once: the comment POST's one query — PLAN_ACCESS and, beside it, the section as
# published with the count of its comments and the one thread the new comment joins (none for a
# new thread): the answer is that thread, so what the POST reads does not grow with the section.
_PLAN_THREAD = beside(
    PLAN_ACCESS, _section_threads_statement(one_thread=True), order_by=("created_at", "id")
)


async def plan_access_and_thread(
    db: AsyncSession,
    person_id: int,
    room_id: int,
    plan_id: int,
    section_id: int,
    parent_id: int | None,
) -> tuple[PlanAccessRows, PublishedSection | None]:
    """:func:`plan_access` and the section as published with its count of comments and, of its
    comments, only the thread that comment ``parent_id`` is in (none without one), in one
    query."""
    parameters = {
        "room_id": room_id,
        "person_id": person_id,
        "plan_id": plan_id,
        "section_id": section_id,
        "parent_id": parent_id,
    }
    return await _access_and_section(db, _PLAN_THREAD, parameters)


async def _access_and_section(
    db: AsyncSession, statement: Any, parameters: Mapping[str, Any]
) -> tuple[PlanAccessRows, PublishedSection | None]:
    """The rows of ``beside(PLAN_ACCESS, <a section statement>)``, taken apart."""
    own, theirs = split(await read(db, statement, parameters), PLAN_ACCESS)
    return _plan_access_rows(own), _published_section(theirs)


def _published_section(rows: Sequence[Mapping[str, Any]]) -> PublishedSection | None:
    if not rows or rows[0]["section_heading"] is None:
        return None
    first = rows[0]
    total = first.get("section_total")
    return PublishedSection(
        key=first["section_key"],
        heading=first["section_heading"],
        changed_in_version=int(first["section_changed_in"] or 0),
        last_version=int(first["section_last_version"]),
        comments=[
            CommentRow(**{name: row[name] for name in _COMMENT_FIELDS})
            for row in rows
            if row["id"] is not None
        ],
        total=None if total is None else int(total),
    )


def _insert_comment_statement() -> Any:
    table: Any = PlanComment.__table__  # type: ignore[attr-defined]

    def name_of(other: Any, key: str, label: str) -> Any:
        """``other``'s name for the new row's ``key``: a subquery in RETURNING, which
        SQLAlchemy cannot correlate to the row being inserted, so written out (names from
        the models, no values)."""
        sql = (
            f"(SELECT {other.name}.name FROM {other.name} "  # noqa: S608 (names, no values)
            f"WHERE {other.name}.id = {table.name}.{key})"
        )
        return sa.literal_column(sql, type_=sa.String).label(label)

    return sa.insert(table).returning(
        table.c.id,
        table.c.section_id,
        table.c.parent_id,
        table.c.version_number,
        table.c.author_id,
        name_of(Person.__table__, "author_id", "author_name"),  # type: ignore[attr-defined]
        table.c.organisation_id,
        name_of(Organisation.__table__, "organisation_id", "organisation_name"),  # type: ignore[attr-defined]
        table.c.body,
        table.c.created_at,
        table.c.edited_at,
    )


# Built once: a new comment, answered with its row as the threads show it (author and
# organisation by name), so that the answer to a comment reads nothing again.
_INSERT_COMMENT = _insert_comment_statement()
assert list(_INSERT_COMMENT.exported_columns.keys()) == list(CommentRow.__dataclass_fields__)


async def insert_comment(
    db: AsyncSession,
    *,
    plan_id: int,
    section_id: int,
    parent_id: int | None,
    version_number: int,
    author_id: int,
    organisation_id: int | None,
    body: str,
    created_at: datetime,
) -> CommentRow:
    """One statement: the comment written, and its row as :func:`comments` reads it."""
    values = {
        "plan_id": plan_id,
        "section_id": section_id,
        "parent_id": parent_id,
        "version_number": version_number,
        "author_id": author_id,
        "organisation_id": organisation_id,
        "body": body,
        "created_at": created_at,
        "edited_at": None,
    }
    [row] = await write(db, _INSERT_COMMENT, values)
    return CommentRow(*row)


async def section(db: AsyncSession, plan_id: int, section_id: int) -> DraftSectionRow | None:
    """A section of this plan, published or not (the caller decides what may be shown)."""
    row = (
        await db.execute(
            sa.select(
                col(PlanSection.id),
                col(PlanSection.key),
                col(PlanSection.position),
                col(PlanSection.heading),
                col(PlanSection.body),
            ).where(col(PlanSection.id) == section_id, col(PlanSection.plan_id) == plan_id)
        )
    ).one_or_none()
    return DraftSectionRow(**row._mapping) if row else None


async def comment(db: AsyncSession, plan_id: int, comment_id: int) -> CommentRow | None:
    row = (
        await db.execute(
            _comment_columns().where(
                col(PlanComment.id) == comment_id, col(PlanComment.plan_id) == plan_id
            )
        )
    ).one_or_none()
    return CommentRow(**row._mapping) if row else None


async def organisation_names(db: AsyncSession, ids: list[int]) -> list[tuple[int, str]]:
    rows: Any = await db.execute(
        sa.select(col(Organisation.id), col(Organisation.name))
        .where(col(Organisation.id).in_(ids))
        .order_by(col(Organisation.sort_key))
    )
    return [(row.id, row.name) for row in rows]
