"""Which programme version or question a person acts on: the route table's loaders for
``{programme_id}`` and ``{question_id}`` (the rules are in followup.programme_service: any
follow-up reader may read a version; only a coordinator changes one not yet in force, or writes
the answer to a manual question; 404 otherwise)."""

from __future__ import annotations

from partner_portal.followup import programme_queries, programme_service
from partner_portal.followup.programme_queries import QuestionRow, VersionRow
from partner_portal.platform.errors import NotFound
from partner_portal.web import Ctx


async def version(ctx: Ctx) -> VersionRow:
    """Any version, for the FOLLOWUP policy's readers (the route's policy checks who)."""
    found = await programme_queries.version(ctx.db, ctx.path_id("programme_id"))
    if found is None:
        raise NotFound()
    return found


async def version_to_change(ctx: Ctx) -> VersionRow:
    """See :func:`programme_service.version_to_change`."""
    return await programme_service.version_to_change(ctx.db, ctx.me, ctx.path_id("programme_id"))


async def manual_question(ctx: Ctx) -> QuestionRow:
    """See :func:`programme_service.manual_question`."""
    return await programme_service.manual_question(ctx.db, ctx.me, ctx.path_id("question_id"))
