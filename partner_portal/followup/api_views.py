"""The follow-up API's endpoints: parse the query, make one call into the follow-up, answer with
the typed models of partner_portal.followup.api_models (from which the OpenAPI document's
schemas are generated).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TypeVar

from starlette.responses import Response

from partner_portal.evidence.models import Process
from partner_portal.followup import api_models, api_schema, queries, service
from partner_portal.followup.api import (
    EVIDENCE_LIMIT_DEFAULT,
    EVIDENCE_LIMIT_MAX,
    MAX_ID,
    ApiCtx,
    ApiError,
    Params,
)
from partner_portal.followup.levels import Level
from partner_portal.followup.queries import EvidenceRow, OrganisationRow
from partner_portal.followup.service import Cell, Chosen, Matrix
from partner_portal.organisations.models import OrganisationKind
from partner_portal.platform.i18n import gettext as _

_PERIOD = {"from": False, "to": False}
_KINDS = {"kind": True, "all_kinds": False}

T = TypeVar("T")


async def openapi(api: ApiCtx) -> Response:
    return api.json(api_schema.document(api.settings.base_url))


async def matrix(api: ApiCtx) -> Response:
    chosen = _chosen(api.params(**_PERIOD, **_KINDS), api.today)
    return api.answer(matrix_answer(await service.matrix(api.db, chosen)))


async def organisations(api: ApiCtx) -> Response:
    chosen = _chosen(api.params(**_PERIOD, **_KINDS), api.today)
    rows = await queries.organisations(api.db, chosen.period, kinds=chosen.kinds)
    return api.answer(
        api_models.Organisations(
            period=_period(chosen),
            kinds=chosen.kinds,
            organisations=[_organisation(o) for o in rows],
        )
    )


async def evidence(api: ApiCtx) -> Response:
    params = api.params(**_PERIOD, organisation=False, process=False, after=False, limit=False)
    chosen = _chosen(params, api.today, every_kind=True)
    limit = params.integer("limit", minimum=1, maximum=EVIDENCE_LIMIT_MAX) or EVIDENCE_LIMIT_DEFAULT
    rows = await queries.evidence(
        api.db,
        chosen.period,
        organisation_id=params.integer("organisation", minimum=1, maximum=MAX_ID),
        process=params.choice("process", Process),
        after_id=params.integer("after", minimum=0, maximum=MAX_ID) or 0,
        limit=limit + 1,  # one more than asked, to know whether there is a next page
    )
    page = rows[:limit]
    base_url = api.settings.base_url.rstrip("/")
    return api.answer(
        api_models.EvidencePage(
            period=_period(chosen),
            items=[_evidence(row, base_url) for row in page],
            next_after=page[-1].id if len(rows) > limit else None,
        )
    )


async def not_found(api: ApiCtx) -> Response:
    raise ApiError(
        404,
        "not_found",
        _("Det finns ingen sådan adress i API:t. Beskrivningen finns på /api/v1/openapi.json."),
    )


# --- from the query ---------------------------------------------------------------------------


def _chosen(params: Params, today: date, *, every_kind: bool = False) -> Chosen:
    """The period (and organisation kinds) as the follow-up pages choose them: this calendar
    year by default, the programme's kinds unless others or all are asked for."""
    if every_kind:
        return service.choose(
            params.date("from"), params.date("to"), None, today=today, every_kind=True
        )
    return service.choose(
        params.date("from"),
        params.date("to"),
        _unique(params.choices("kind", OrganisationKind)),
        today=today,
        every_kind=params.boolean("all_kinds"),
    )


def _unique(values: Iterable[T]) -> list[T]:
    return list(dict.fromkeys(values))


# --- to the answers' models --------------------------------------------------------------------


def matrix_answer(found: Matrix) -> api_models.Matrix:
    return api_models.Matrix(
        period=_period(found.chosen),
        kinds=found.chosen.kinds,
        processes=list(found.processes),
        organisations=[
            api_models.MatrixRow(
                **_organisation(o).model_dump(),
                cells={p: _cell(found.cell(o.id, p)) for p in found.processes},
            )
            for o in found.organisations
        ],
        totals={
            p: api_models.ProcessTotals(
                organisations=len(found.organisations),
                invited=found.invited(p),
                took_part=found.took_part(p),
                levels={level: found.totals[p][level] for level in Level},
                absent=[o.id for o in found.absent(p)],
            )
            for p in found.processes
        },
    )


def _period(chosen: Chosen) -> api_models.Period:
    return api_models.Period(
        first=chosen.first, last=chosen.last, timezone=api_models.TIMEZONE_NAME
    )


def _organisation(row: OrganisationRow) -> api_models.Organisation:
    return api_models.Organisation(
        id=row.id,
        name=row.name,
        kind=row.kind,
        is_active=row.is_active,
        deactivated_at=row.deactivated_at,
    )


def _cell(cell: Cell) -> api_models.Cell:
    facts = cell.facts
    return api_models.Cell(
        level=cell.level,
        withdrew=cell.withdrew,
        invited_at=facts.invited_at,
        accepted_at=facts.accepted_at,
        declined_at=facts.declined_at,
        withdrawn_at=facts.withdrawn_at,
        counts=api_models.Counts(
            active=facts.active,
            contributed=facts.contributed,
            completed=facts.completed,
            late=facts.late,
            evidence=facts.evidence,
        ),
    )


def _evidence(row: EvidenceRow, base_url: str) -> api_models.Evidence:
    # Only the details the follow-up reads, by name: whatever else a later kind of evidence
    # records stays out of the API until the document describes it.
    late, reason = row.details.get("late"), row.details.get("reason")
    return api_models.Evidence(
        id=row.id,
        occurred_at=row.occurred_at,
        kind=row.kind,
        process=row.process,
        organisation_id=row.organisation_id,
        organisation_name=row.organisation_name,
        room_name=row.room_name,
        phase_title=row.phase_title,
        url=f"{base_url}{row.link}",
        late=late if isinstance(late, bool) else None,
        reason=reason if isinstance(reason, str) else None,
    )
