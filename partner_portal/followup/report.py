"""The board report: the programme's follow-up questions answered from the evidence.

The questions are data (followup.programme_models): the report takes the programme version in
force on the period's last day — or, when none is, the latest version that had started by then
(an expired programme's questions still apply until a new version is registered, and the page
says so) — and answers each question by its rule:

- participation: did organisations of the question's kinds take part in its process;
- dialogue: is dialogue established in the process among those kinds (every kind when none);
- dialogue_any: is dialogue established with those kinds in any process (FRG);
- manual: the coordinator's written answer for a period within the chosen one, shown as such.

A question's kinds decide whom it asks about, whatever kinds the reader chose for the matrix.
Five queries, whatever the number of organisations, questions or answers: the matrix (two),
the versions, the questions and the written answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.evidence.models import Process
from partner_portal.followup import programme_queries, service
from partner_portal.followup.levels import Level
from partner_portal.followup.programme_models import QuestionRule
from partner_portal.followup.programme_queries import (
    QuestionRow,
    Section,
    VersionRow,
    WrittenAnswer,
)
from partner_portal.followup.queries import OrganisationRow
from partner_portal.followup.service import Chosen, Matrix

LEVEL_ORDER: tuple[Level, ...] = (
    Level.COMPLETED,
    Level.CONTRIBUTED,
    Level.ACTIVE,
    Level.ACCEPTED,
    Level.INVITED,
    Level.DECLINED,
    Level.NOT_INVITED,
)


@dataclass(frozen=True, slots=True)
class Answer:
    question: QuestionRow
    followed: int  # organisations followed up for this question
    invited: int
    took_part: int
    contributed: int  # handed something in (or more)
    completed: int
    late: int  # organisations with at least one late submission
    absent: list[OrganisationRow]  # invited, did not take part
    counts: dict[Level, int]
    written: list[WrittenAnswer] = field(default_factory=list)  # manual questions only

    @property
    def point(self) -> str:
        return self.question.point

    @property
    def section(self) -> str:
        return self.question.section

    @property
    def rule(self) -> QuestionRule:
        return self.question.rule

    @property
    def process(self) -> Process | None:
        return self.question.process

    @property
    def manual(self) -> bool:
        return self.question.rule is QuestionRule.MANUAL

    @property
    def established(self) -> bool:
        return self.took_part > 0


@dataclass(frozen=True, slots=True)
class Applied:
    """The programme version a period is followed up against."""

    version: VersionRow
    # The version's validity ended before the period did, and no later version is registered.
    expired: bool


@dataclass
class Report:
    chosen: Chosen
    matrix: Matrix  # the kinds the reader chose, every process
    programme: Applied | None  # None: no programme had started by the period's last day
    sections: list[tuple[Section, list[Answer]]]

    @property
    def answers(self) -> list[Answer]:
        return [a for _section, answers in self.sections for a in answers]


def applied(versions: list[VersionRow], last_day: date) -> Applied | None:
    """The version in force on ``last_day``; else the latest that had started by then (its
    validity over); None when none had. Versions never overlap (programme_service)."""
    started = [v for v in versions if v.valid_from <= last_day]
    if not started:
        return None
    latest = max(started, key=lambda v: (v.valid_from, v.id))
    return Applied(latest, expired=not latest.valid_on(last_day))


_RANK = {lvl: n for n, lvl in enumerate(reversed(LEVEL_ORDER))}


def _best(matrix: Matrix, organisation_id: int, processes: tuple[Process, ...]) -> service.Cell:
    """The organisation's furthest level over the processes (FRG's dialogue may be anywhere)."""
    cells = [matrix.cell(organisation_id, p) for p in processes]
    return max(cells, key=lambda c: _RANK[c.level])


def _answer(question: QuestionRow, everyone: Matrix, written: list[WrittenAnswer]) -> Answer:
    if question.rule is QuestionRule.MANUAL:
        none = dict.fromkeys(LEVEL_ORDER, 0)
        return Answer(question, 0, 0, 0, 0, 0, 0, [], none, written)
    rows = [
        o for o in everyone.organisations if not question.kinds or o.kind.value in question.kinds
    ]
    if question.rule is QuestionRule.DIALOGUE_ANY or question.process is None:
        processes = service.PROCESSES
    else:
        processes = (question.process,)
    cells = [_best(everyone, o.id, processes) for o in rows]
    counts = {lvl: sum(1 for c in cells if c.level is lvl) for lvl in LEVEL_ORDER}
    return Answer(
        question=question,
        followed=len(rows),
        invited=sum(1 for c in cells if c.level is not Level.NOT_INVITED),
        took_part=sum(1 for c in cells if c.level.took_part),
        contributed=sum(1 for c in cells if c.level in (Level.CONTRIBUTED, Level.COMPLETED)),
        completed=counts[Level.COMPLETED],
        late=sum(1 for c in cells if c.facts.late),
        absent=[
            o
            for o, c in zip(rows, cells, strict=True)
            if c.level in (Level.INVITED, Level.DECLINED)
        ],
        counts=counts,
    )


def _grouped(version: VersionRow, answers: list[Answer]) -> list[tuple[Section, list[Answer]]]:
    """By the version's sections in its order; a section it does not name comes last."""
    groups: dict[str, list[Answer]] = {}
    for answer in answers:
        groups.setdefault(answer.section, []).append(answer)
    known = {s.number: s for s in version.sections}
    ordered = [s.number for s in version.sections if s.number in groups]
    ordered += [n for n in groups if n not in known]
    return [(known.get(n) or Section(n, "", ""), groups[n]) for n in ordered]


async def build(db: AsyncSession, chosen: Chosen) -> Report:
    """Five queries (see the module's docstring)."""
    everyone = await service.matrix(db, Chosen(chosen.first, chosen.last, None))
    matrix = service.narrowed(everyone, chosen)
    programme = applied(await programme_queries.versions(db), chosen.last)
    if programme is None:
        return Report(chosen, matrix, None, [])
    questions = await programme_queries.questions(db, programme.version.id)
    written = await programme_queries.written_answers(
        db,
        [q.id for q in questions if q.rule is QuestionRule.MANUAL],
        first=chosen.first,
        last=chosen.last,
    )
    answers = [
        _answer(q, everyone, [w for w in written if w.question_id == q.id]) for q in questions
    ]
    return Report(chosen, matrix, programme, _grouped(programme.version, answers))
