"""Which process template a coordinator edits: the route table's loader for ``{template_id}``
(the rule itself is rooms.template_service.current_template: coordinators only, and only a
template's current version; 404 otherwise)."""

from __future__ import annotations

from partner_portal.rooms import template_service
from partner_portal.rooms.models import ProcessTemplate
from partner_portal.web import Ctx


async def template(ctx: Ctx) -> ProcessTemplate:
    """The template's current version: see :func:`template_service.current_template`."""
    return await template_service.current_template(ctx.db, ctx.me, ctx.path_id("template_id"))
