"""The follow-up's filters: period and organisation kinds, from the query string."""

from __future__ import annotations

from datetime import date

from starlette.datastructures import QueryParams

from partner_portal.evidence.models import Process
from partner_portal.followup.service import Chosen, choose
from partner_portal.forms import iso_day
from partner_portal.organisations.models import OrganisationKind

_KINDS = {k.value: k for k in OrganisationKind}
_PROCESSES = {p.value: p for p in Process}


def chosen(params: QueryParams, *, today: date) -> tuple[Chosen, bool]:
    """The filters, and whether any given value could not be read (it is then left out)."""
    first, last = iso_day(params.get("fran")), iso_day(params.get("till"))
    raw_kinds = params.getlist("sort")
    kinds = [_KINDS[k] for k in raw_kinds if k in _KINDS]
    ignored = (
        (bool(params.get("fran")) and first is None)
        or (bool(params.get("till")) and last is None)
        or len(kinds) != len(raw_kinds)
    )
    return choose(first, last, kinds, today=today, every_kind=params.get("alla") == "1"), ignored


def process(raw: str) -> Process | None:
    return _PROCESSES.get(raw)


def positive_id(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and 0 < len(raw) < 10 else None


def query_of(chosen: Chosen) -> dict[str, str | list[str]]:
    """The filters as query parameters, to carry them to drill-downs and exports."""
    query: dict[str, str | list[str]] = {
        "fran": chosen.first.isoformat(),
        "till": chosen.last.isoformat(),
    }
    if chosen.kinds is None:
        query["alla"] = "1"
    else:
        query["sort"] = [k.value for k in chosen.kinds]
    return query
