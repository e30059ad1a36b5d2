"""The board report: the programme's follow-up points answered from the evidence.

Focus area 4.2 asks the board to follow up that the municipality's companies, foundations and
collaboration bodies took part in (a) the drinking-water plan, (b) STYREL and (c) the guidelines,
and that dialogue was established in (d) the planning for heightened preparedness and (e) with
the voluntary resource group (FRG).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.evidence.models import Process
from partner_portal.followup import service
from partner_portal.followup.levels import Level
from partner_portal.followup.queries import OrganisationRow
from partner_portal.followup.service import Chosen, Matrix
from partner_portal.organisations.models import OrganisationKind

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
    point: str  # a, b, c …
    process: Process
    followed: int  # organisations followed up for this point
    invited: int
    took_part: int
    contributed: int  # handed something in (or more)
    completed: int
    late: int  # organisations with at least one late submission
    absent: list[OrganisationRow]  # invited, did not take part
    counts: dict[Level, int]

    @property
    def established(self) -> bool:
        return self.took_part > 0


@dataclass
class Report:
    chosen: Chosen
    matrix: Matrix  # the programme's organisation kinds, every process
    answers: list[Answer]


_RANK = {lvl: n for n, lvl in enumerate(reversed(LEVEL_ORDER))}


def _best(matrix: Matrix, organisation_id: int, processes: tuple[Process, ...]) -> service.Cell:
    """The organisation's furthest level over the processes (FRG's dialogue may be anywhere)."""
    cells = [matrix.cell(organisation_id, p) for p in processes]
    return max(cells, key=lambda c: _RANK[c.level])


def _answer(
    point: str,
    matrix: Matrix,
    process: Process,
    rows: list[OrganisationRow],
    *,
    any_of: tuple[Process, ...] | None = None,
) -> Answer:
    cells = [_best(matrix, o.id, any_of or (process,)) for o in rows]
    counts = {lvl: sum(1 for c in cells if c.level is lvl) for lvl in LEVEL_ORDER}
    return Answer(
        point=point,
        process=process,
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


async def build(db: AsyncSession, chosen: Chosen) -> Report:
    """Four queries: the matrix for the chosen kinds, and for every kind (points d and e)."""
    matrix = await service.matrix(db, chosen)
    everyone = await service.matrix(db, Chosen(chosen.first, chosen.last, None))
    frg = [o for o in everyone.organisations if o.kind is OrganisationKind.FRG]
    answers = [
        _answer("a", matrix, Process.NODVATTEN, matrix.organisations),
        _answer("b", matrix, Process.EL_STYREL, matrix.organisations),
        _answer("c", matrix, Process.RIKTLINJER, matrix.organisations),
        _answer("d", everyone, Process.HOJD_BEREDSKAP, everyone.organisations),
        _answer("e", everyone, Process.FRG, frg, any_of=service.PROCESSES),
        # Standing forums (Samverkansöverenskommelsen, VPC …) beside the programme's points.
        _answer("f", everyone, Process.SAMVERKAN, everyone.organisations),
        # The programme's §4.1 risk and vulnerability analysis.
        _answer("g", matrix, Process.RSA, matrix.organisations),
    ]
    return Report(chosen, matrix, answers)
