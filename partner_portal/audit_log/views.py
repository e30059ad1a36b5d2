"""The audit log, for coordinators: filtered by organisation and period."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from starlette.responses import Response

from partner_portal import forms
from partner_portal.audit_log import queries
from partner_portal.organisations.queries import organisation_choices
from partner_portal.platform.clock import TIMEZONE
from partner_portal.web import Ctx

PAGE_SIZE = 100


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


async def index(ctx: Ctx) -> Response:
    params = ctx.request.query_params
    organisation_id = forms.positive_int(params.get("organisation", ""))
    first, last = _day(params.get("fran", "")), _day(params.get("till", ""))
    page = forms.positive_int(params.get("sida", "")) or 1
    since = datetime.combine(first, time.min, TIMEZONE) if first else None
    until = datetime.combine(last + timedelta(days=1), time.min, TIMEZONE) if last else None
    events = await queries.events(
        ctx.db,
        organisation_id=organisation_id,
        since=since,
        until=until,
        limit=PAGE_SIZE + 1,
        offset=(page - 1) * PAGE_SIZE,
    )
    return ctx.render(
        "audit/index.html",
        {
            "events": events[:PAGE_SIZE],
            "has_more": len(events) > PAGE_SIZE,
            "page": page,
            "organisations": await organisation_choices(ctx.db, include_inactive=True),
            "chosen_organisation": organisation_id,
            "first": params.get("fran", "") if first else "",
            "last": params.get("till", "") if last else "",
            "bad_dates": bool(
                (params.get("fran") and not first) or (params.get("till") and not last)
            ),
        },
    )
