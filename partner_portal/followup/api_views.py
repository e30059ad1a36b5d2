"""The follow-up API's endpoints: parse the query, make one call into the follow-up, answer JSON.

The shapes written here are the ones partner_portal.followup.api_schema describes; the tests check
every answer against that document.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, TypeVar

from starlette.responses import Response

from partner_portal.clock import TIMEZONE
from partner_portal.evidence.models import Process
from partner_portal.followup import api_schema, queries, service
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
from partner_portal.i18n import gettext as _
from partner_portal.organisations.models import OrganisationKind

_PERIOD = {"from": False, "to": False}
_KINDS = {"kind": True, "all_kinds": False}

T = TypeVar("T")


async def openapi(api: ApiCtx) -> Response:
    return api.json(api_schema.document(api.settings.base_url))


async def matrix(api: ApiCtx) -> Response:
    chosen = _chosen(api.params(**_PERIOD, **_KINDS), api.today)
    return api.json(matrix_json(await service.matrix(api.db, chosen)))


async def organisations(api: ApiCtx) -> Response:
    chosen = _chosen(api.params(**_PERIOD, **_KINDS), api.today)
    rows = await queries.organisations(api.db, chosen.period, kinds=chosen.kinds)
    return api.json(
        {
            "period": _period(chosen),
            "kinds": _kinds(chosen),
            "organisations": [_organisation(o) for o in rows],
        }
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
    return api.json(
        {
            "period": _period(chosen),
            "items": [_evidence(row, base_url) for row in page],
            "next_after": page[-1].id if len(rows) > limit else None,
        }
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


# --- to JSON ----------------------------------------------------------------------------------


def matrix_json(found: Matrix) -> dict[str, Any]:
    return {
        "period": _period(found.chosen),
        "kinds": _kinds(found.chosen),
        "processes": [p.value for p in found.processes],
        "organisations": [
            {
                **_organisation(o),
                "cells": {p.value: _cell(found.cell(o.id, p)) for p in found.processes},
            }
            for o in found.organisations
        ],
        "totals": {
            p.value: {
                "organisations": len(found.organisations),
                "invited": found.invited(p),
                "took_part": found.took_part(p),
                "levels": {level.value: found.totals[p][level] for level in Level},
                "absent": [o.id for o in found.absent(p)],
            }
            for p in found.processes
        },
    }


def _period(chosen: Chosen) -> dict[str, str]:
    return {
        "from": chosen.first.isoformat(),
        "to": chosen.last.isoformat(),
        "timezone": api_schema.TIMEZONE_NAME,
    }


def _kinds(chosen: Chosen) -> list[str] | None:
    return None if chosen.kinds is None else [k.value for k in chosen.kinds]


def _organisation(row: OrganisationRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "kind": row.kind.value,
        "is_active": row.is_active,
        "deactivated_at": _moment(row.deactivated_at),
    }


def _cell(cell: Cell) -> dict[str, Any]:
    facts = cell.facts
    return {
        "level": cell.level.value,
        "withdrew": cell.withdrew,
        "invited_at": _moment(facts.invited_at),
        "accepted_at": _moment(facts.accepted_at),
        "declined_at": _moment(facts.declined_at),
        "withdrawn_at": _moment(facts.withdrawn_at),
        "counts": {
            "active": facts.active,
            "contributed": facts.contributed,
            "completed": facts.completed,
            "late": facts.late,
            "evidence": facts.evidence,
        },
    }


def _evidence(row: EvidenceRow, base_url: str) -> dict[str, Any]:
    # Only the details the follow-up reads, by name: whatever else a later kind of evidence
    # records stays out of the API until the document describes it.
    late, reason = row.details.get("late"), row.details.get("reason")
    return {
        "id": row.id,
        "occurred_at": _moment(row.occurred_at),
        "kind": row.kind.value,
        "process": row.process.value if row.process else None,
        "organisation_id": row.organisation_id,
        "organisation_name": row.organisation_name,
        "room_name": row.room_name,
        "phase_title": row.phase_title,
        "url": f"{base_url}{row.link}",
        "late": late if isinstance(late, bool) else None,
        "reason": reason if isinstance(reason, str) else None,
    }


def _moment(value: datetime | None) -> str | None:
    """ISO 8601 with the offset, in Swedish time (as the dates of the period are)."""
    return None if value is None else value.astimezone(TIMEZONE).isoformat(timespec="seconds")
