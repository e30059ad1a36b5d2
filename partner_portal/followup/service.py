"""The follow-up as the board reads it: the matrix, the per-process view and the report's
answers, composed from the aggregates in queries.py."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record_read
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.evidence.models import Process
from partner_portal.followup import queries
from partner_portal.followup.levels import NO_FACTS, Facts, Level, level
from partner_portal.followup.queries import OrganisationRow, Period, PhaseFacts
from partner_portal.organisations.models import OrganisationKind
from partner_portal.platform.clock import TIMEZONE

# The programme asks about the municipality's companies, foundations and collaboration bodies.
DEFAULT_KINDS: tuple[OrganisationKind, ...] = (
    OrganisationKind.KOMMUNALT_BOLAG,
    OrganisationKind.STIFTELSE,
    OrganisationKind.SAMVERKANSORGAN,
)
PROCESSES: tuple[Process, ...] = (
    Process.NODVATTEN,
    Process.EL_STYREL,
    Process.RIKTLINJER,
    Process.HOJD_BEREDSKAP,
    Process.FRG,
    Process.SAMVERKAN,
    Process.RSA,
)


@dataclass(frozen=True, slots=True)
class Chosen:
    """The period and organisation kinds the reader chose, as dates and as UTC moments."""

    first: date
    last: date
    kinds: tuple[OrganisationKind, ...] | None  # None: every kind

    @property
    def period(self) -> Period:
        since = datetime.combine(self.first, time.min, TIMEZONE)
        until = datetime.combine(self.last + timedelta(days=1), time.min, TIMEZONE)
        return Period(since, until)


def choose(
    first: date | None,
    last: date | None,
    kinds: Collection[OrganisationKind] | None,
    *,
    today: date,
    every_kind: bool = False,
) -> Chosen:
    """Defaults: this calendar year so far, and the kinds the programme names."""
    first = first or date(today.year, 1, 1)
    last = last or date(today.year, 12, 31)
    if last < first:
        first, last = last, first
    if every_kind:
        return Chosen(first, last, None)
    return Chosen(first, last, tuple(kinds) if kinds else DEFAULT_KINDS)


@dataclass(frozen=True, slots=True)
class Cell:
    level: Level
    facts: Facts

    @property
    def withdrew(self) -> bool:
        return self.facts.withdrawn_at is not None


@dataclass
class Matrix:
    chosen: Chosen
    organisations: list[OrganisationRow]
    processes: tuple[Process, ...]
    cells: dict[tuple[int, Process], Cell]
    totals: dict[Process, Counter[Level]] = field(default_factory=dict)

    def cell(self, organisation_id: int, process: Process) -> Cell:
        return self.cells[(organisation_id, process)]

    def took_part(self, process: Process) -> int:
        return sum(n for lvl, n in self.totals[process].items() if lvl.took_part)

    def invited(self, process: Process) -> int:
        return sum(n for lvl, n in self.totals[process].items() if lvl is not Level.NOT_INVITED)

    def absent(self, process: Process) -> list[OrganisationRow]:
        """Invited, but did not take part (declined, left, or never answered)."""
        return [
            o
            for o in self.organisations
            if self.cells[(o.id, process)].level in (Level.INVITED, Level.DECLINED)
        ]


async def matrix(db: AsyncSession, chosen: Chosen) -> Matrix:
    """Every chosen organisation × process, with its level. Two queries."""
    organisations = await queries.organisations(db, chosen.period, kinds=chosen.kinds)
    found = await queries.facts(
        db, chosen.period, organisation_kinds=chosen.kinds, processes=PROCESSES
    )
    cells: dict[tuple[int, Process], Cell] = {}
    totals: dict[Process, Counter[Level]] = {p: Counter() for p in PROCESSES}
    for organisation in organisations:
        for process in PROCESSES:
            facts = found.get((organisation.id, process), NO_FACTS)
            cell = Cell(level(facts), facts)
            cells[(organisation.id, process)] = cell
            totals[process][cell.level] += 1
    return Matrix(chosen, organisations, PROCESSES, cells, totals)


def narrowed(matrix: Matrix, chosen: Chosen) -> Matrix:
    """The matrix of every kind narrowed to the kinds ``chosen`` names, without asking the
    database again (the report needs both)."""
    kinds = chosen.kinds
    organisations = [o for o in matrix.organisations if kinds is None or o.kind in kinds]
    totals: dict[Process, Counter[Level]] = {p: Counter() for p in matrix.processes}
    for organisation in organisations:
        for process in matrix.processes:
            totals[process][matrix.cell(organisation.id, process).level] += 1
    return Matrix(chosen, organisations, matrix.processes, matrix.cells, totals)


@dataclass
class ProcessView:
    process: Process
    phases: list[tuple[int, str]]
    organisations: list[OrganisationRow]
    cells: Mapping[tuple[int, int], PhaseFacts]


async def process_view(db: AsyncSession, chosen: Chosen, process: Process) -> ProcessView:
    """Drill-down of one process: organisation × phase, what was handed in and approved."""
    organisations = await queries.organisations(db, chosen.period, kinds=chosen.kinds)
    facts = await queries.phase_facts(db, chosen.period, process, organisation_kinds=chosen.kinds)
    return ProcessView(
        process,
        await queries.phase_titles(db, process),
        organisations,
        {(f.organisation_id, f.position): f for f in facts},
    )


def grouped(
    organisations: list[OrganisationRow],
) -> list[tuple[OrganisationKind, list[OrganisationRow]]]:
    groups: dict[OrganisationKind, list[OrganisationRow]] = {}
    for organisation in organisations:
        groups.setdefault(organisation.kind, []).append(organisation)
    return list(groups.items())


async def record_export(db: AsyncSession, actor: CurrentPerson, what: str, chosen: Chosen) -> None:
    """Downloads of follow-up data are audited, with the period. Commits."""
    await record_read(
        db,
        AuditAction.EXPORT_DOWNLOADED,
        actor_id=actor.id,
        object_type="followup",
        export=what,
        period=f"{chosen.first}/{chosen.last}",
    )
