"""A meeting series' page (its rule and occurrences) and its .ics: the whole series."""

from __future__ import annotations

from starlette.responses import Response

from partner_portal.meetings import ics, series, series_queries
from partner_portal.meetings.access import SeriesAccess
from partner_portal.meetings.wording import rule_in_words
from partner_portal.platform import clock
from partner_portal.web import Ctx


async def show(ctx: Ctx, access: SeriesAccess) -> Response:
    found = access.series
    return ctx.render(
        "meetings/series.html",
        {
            "series": found,
            "rule": rule_in_words(
                found.starts_at, found.ends_at, found.interval_weeks, found.count
            ),
            "occurrences": await series_queries.occurrences(ctx.db, found.id),
            "organisations": await series_queries.series_invited(ctx.db, found.id),
            "now": clock.now(),
        },
    )


async def download(ctx: Ctx, access: SeriesAccess) -> Response:
    event = await series.calendar_event(ctx.db, access.series, ctx.settings)
    return Response(
        ics.series_download(event, now=clock.now()),
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="motesserie-{access.series.id}.ics"',
            "X-Content-Type-Options": "nosniff",
        },
    )
