"""The coordinator's process templates: list, and edit (each save a new version)."""

from __future__ import annotations

from starlette.responses import Response

from partner_portal.platform.errors import Invalid
from partner_portal.rooms import template_forms, template_queries, template_service
from partner_portal.rooms.models import ItemKind, ProcessTemplate
from partner_portal.web import Ctx


async def index(ctx: Ctx) -> Response:
    return ctx.render(
        "rooms/templates.html", {"templates": await template_queries.current_templates(ctx.db)}
    )


async def edit(ctx: Ctx, template: ProcessTemplate) -> Response:
    """``template``: the current version (rooms.template_access); a save makes a new one."""
    errors: dict[str, str] = {}
    status = 200
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        draft = template_forms.read(form)
        add = str(form.get("add") or "")
        if add:  # add a row and show the form again; nothing is saved yet
            template_forms.grow(draft, add)
        else:
            try:
                new_id = await template_service.save_new_version(
                    ctx.db, actor=ctx.me, template_id=template.id or 0, draft=draft
                )
            except Invalid as invalid:
                errors, status = invalid.errors, 400
            else:
                return ctx.redirect(ctx.url("template", template_id=new_id))
    else:
        draft = await template_service.draft_of(ctx.db, template)
    return ctx.render(
        "rooms/template_edit.html",
        {"template": template, "draft": draft, "errors": errors, "kinds": list(ItemKind)},
        status=status,
    )
