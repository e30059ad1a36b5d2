"""What a plan page shows: a version's sections with their comment threads, for one reader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.plans import markdown, queries
from partner_portal.plans.access import PlanAccess
from partner_portal.plans.diff import Marks, Piece, word_diff
from partner_portal.plans.queries import CommentRow, SectionRow, VersionRow
from partner_portal.plans.service import may_still_edit
from partner_portal.platform.errors import NotFound
from partner_portal.platform.i18n import gettext as _


@dataclass(frozen=True, slots=True)
class Thread:
    comment: CommentRow
    replies: tuple[CommentRow, ...]
    # Ids of the thread's comments the reader may still change: part of the thread as a
    # remembered fragment's key (templates/plans/_thread.html).
    editable: frozenset[int] = frozenset()

    @property
    def comments(self) -> list[CommentRow]:
        """The thread's comment, then its replies (the order they are shown in)."""
        return [self.comment, *self.replies]

    def holds(self, comment_id: str) -> bool:
        """Whether the comment with this id (as text, as a template has it) is in the thread."""
        return any(str(c.id) == comment_id for c in self.comments)


@dataclass(slots=True)
class Threads:
    """One section's comments, as one reader sees them."""

    section_id: int
    key: str
    heading: str
    threads: tuple[Thread, ...] = ()
    # The reader commented here, and the section's text changed in a later version.
    changed_since_mine: bool = False
    # The section's count of comments where ``threads`` are not all of them (the answer to a
    # comment holds its own thread alone); None: count the threads'.
    total: int | None = None

    @property
    def count(self) -> int:
        if self.total is not None:
            return self.total
        return sum(1 + len(t.replies) for t in self.threads)


@dataclass(frozen=True, slots=True)
class SectionView:
    section: SectionRow
    threads: Threads


@dataclass(frozen=True, slots=True)
class PlanPage:
    version: VersionRow
    versions: list[VersionRow]
    is_latest: bool
    sections: list[SectionView]
    # Sections with comments that this version does not have (removed, or added later).
    elsewhere: list[Threads]


def _threads(
    section_id: int,
    key: str,
    heading: str,
    comments: list[CommentRow],
    *,
    changed_in_version: int,
    reader_id: int,
    may_edit: bool,
    now: datetime,
    total: int | None = None,
) -> Threads:
    starts = [c for c in comments if c.parent_id is None]
    replies: dict[int, list[CommentRow]] = {}
    for c in comments:
        if c.parent_id is not None:
            replies.setdefault(c.parent_id, []).append(c)
    mine = [c.version_number for c in comments if c.author_id == reader_id]
    editable = {
        c.id
        for c in comments
        if may_edit and c.author_id == reader_id and may_still_edit(c.created_at, now)
    }
    threads = []
    for c in starts:
        answers = tuple(replies.get(c.id, ()))
        ids = frozenset(x.id for x in (c, *answers) if x.id in editable)
        threads.append(Thread(c, answers, ids))
    return Threads(
        section_id,
        key,
        heading,
        tuple(threads),
        changed_since_mine=bool(mine) and max(mine) < changed_in_version,
        total=total,
    )


async def plan_page(
    db: AsyncSession,
    access: PlanAccess,
    versions: list[VersionRow],
    *,
    number: int | None,
    reader_id: int,
    now: datetime,
) -> PlanPage:
    """The published version ``number`` (default the latest), from the plan's versions read
    with its access. Two queries (three when comments were made on sections since removed)."""
    if not versions:
        raise NotFound()
    chosen = next((v for v in versions if v.number == number), None) if number else versions[0]
    if chosen is None:
        raise NotFound()
    sections = await queries.version_sections(db, chosen.id)
    comments = await queries.comments(db, access.plan.id)
    by_section: dict[int, list[CommentRow]] = {}
    for c in comments:
        by_section.setdefault(c.section_id, []).append(c)
    may_edit = not access.room.room.is_closed
    changed_in = {s.section_id: s.changed_in_version for s in sections}
    views = [
        SectionView(
            s,
            _threads(
                s.section_id,
                s.key,
                s.heading,
                by_section.get(s.section_id, []),
                changed_in_version=s.changed_in_version,
                reader_id=reader_id,
                may_edit=may_edit,
                now=now,
            ),
        )
        for s in sections
    ]
    elsewhere: list[Threads] = []
    missing = [sid for sid in by_section if sid not in changed_in]
    if missing:
        headings = await queries.published_headings(db, access.plan.id)
        for sid in missing:
            key, heading = headings.get(sid, ("", ""))
            elsewhere.append(
                _threads(
                    sid,
                    key,
                    heading,
                    by_section[sid],
                    changed_in_version=0,
                    reader_id=reader_id,
                    may_edit=may_edit,
                    now=now,
                )
            )
    return PlanPage(chosen, versions, chosen.number == versions[0].number, views, elsewhere)


def section_threads(
    access: PlanAccess,
    section_id: int,
    section: queries.PublishedSection | None,
    *,
    reader_id: int,
    now: datetime,
) -> Threads:
    """One published section's comments (the fragment a live update fetches), or those of
    them that ``section`` holds (one thread, with the section's count)."""
    if section is None:
        raise NotFound()
    return _threads(
        section_id,
        section.key,
        section.heading,
        section.comments,
        changed_in_version=section.changed_in_version,
        reader_id=reader_id,
        may_edit=not access.room.room.is_closed,
        now=now,
        total=section.total,
    )


# --- comparing two versions -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SectionChange:
    key: str
    state: str  # "added", "removed", "changed", "same"
    heading_old: str
    heading_new: str
    heading: list[Piece]
    # The body as the reader sees it (rendered, sanitised), the changes marked.
    body: Markup


async def compare(
    db: AsyncSession, access: PlanAccess, old: int, new: int
) -> tuple[VersionRow, VersionRow, list[SectionChange], list[VersionRow]]:
    """Versions ``old`` and ``new`` section by section, in the newer one's order with removed
    sections where they stood. Four queries."""
    versions = await queries.versions(db, access.plan.id)
    by_number = {v.number: v for v in versions}
    if old not in by_number or new not in by_number:
        raise NotFound()
    a = await queries.version_sections(db, by_number[old].id)
    b = await queries.version_sections(db, by_number[new].id)
    marks = Marks(added=_("tillagt:"), removed=_("borttaget:"))
    in_a = {s.section_id: s for s in a}
    in_b = {s.section_id for s in b}
    changes: list[SectionChange] = []
    removed = [s for s in a if s.section_id not in in_b]
    for s in b:
        before = in_a.get(s.section_id)
        while removed and before is not None and removed[0].position < before.position:
            changes.append(_removed(removed.pop(0), marks))
        if before is None:
            changes.append(
                SectionChange(
                    s.key,
                    "added",
                    "",
                    s.heading,
                    word_diff("", s.heading),
                    markdown.compare("", s.body, marks),
                )
            )
            continue
        same = (before.heading, before.body) == (s.heading, s.body)
        changes.append(
            SectionChange(
                s.key,
                "same" if same else "changed",
                before.heading,
                s.heading,
                word_diff(before.heading, s.heading),
                markdown.render(s.body) if same else markdown.compare(before.body, s.body, marks),
            )
        )
    changes.extend(_removed(r, marks) for r in removed)
    return by_number[old], by_number[new], changes, versions


def _removed(s: SectionRow, marks: Marks) -> SectionChange:
    return SectionChange(
        s.key,
        "removed",
        s.heading,
        "",
        word_diff(s.heading, ""),
        markdown.compare(s.body, "", marks),
    )
