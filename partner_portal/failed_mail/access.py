"""The route table's loader for a failed message (the routes are for coordinators only)."""

from __future__ import annotations

from partner_portal.failed_mail import queries
from partner_portal.failed_mail.queries import FailedRow
from partner_portal.platform.errors import NotFound
from partner_portal.web import Ctx


async def failed_message(ctx: Ctx) -> FailedRow:
    """``{message_id}``: a message that failed, else NotFound (also one already sent again)."""
    if not ctx.me.is_coordinator:
        raise NotFound()
    row = await queries.failed_message(ctx.db, ctx.path_id("message_id"))
    if row is None:
        raise NotFound()
    return row
