"""The failed-mail page and its retry button."""

from __future__ import annotations

from starlette.responses import Response

from partner_portal import forms
from partner_portal.failed_mail import queries, service
from partner_portal.failed_mail.queries import FailedRow
from partner_portal.web import Ctx

PAGE_SIZE = 50


async def index(ctx: Ctx) -> Response:
    page = forms.positive_int(ctx.request.query_params.get("sida", "")) or 1
    rows = await queries.failed(ctx.db, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return ctx.render(
        "failed_mail/index.html",
        {
            "messages": rows[:PAGE_SIZE],
            "total": await queries.count_failed(ctx.db),
            "page": page,
            "has_more": len(rows) > PAGE_SIZE,
            "retried": ctx.request.query_params.get("skickas") == "1",
        },
    )


async def retry(ctx: Ctx, message: FailedRow) -> Response:
    await service.retry(ctx.db, actor=ctx.me, message=message)
    return ctx.redirect(ctx.url("failed_mail", query={"skickas": "1"}))
