"""The coordinator's page for portal-wide roles."""

from __future__ import annotations

from starlette.responses import Response

from partner_portal import forms
from partner_portal.auth import roles
from partner_portal.auth.models import PortalRole, RoleGrant
from partner_portal.platform.errors import Invalid
from partner_portal.platform.i18n import gettext as _
from partner_portal.web import Ctx

_ROLES = {r.value: r for r in PortalRole}


async def index(ctx: Ctx) -> Response:
    return await _page(ctx, {}, {})


async def _page(
    ctx: Ctx, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    return ctx.render(
        "auth/roles.html",
        {"holders": await roles.holders(ctx.db), "values": values, "errors": errors},
        status=status,
    )


async def grant(ctx: Ctx) -> Response:
    form = await ctx.request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        email = forms.email_address(forms.text(form, "email", max_length=320))
        role = forms.choice(forms.text(form, "role", max_length=40), _ROLES)
        errors = {}
        if email is None:
            errors["email"] = _("Ange en giltig e-postadress, till exempel namn@botkyrka.se.")
        if role is None:
            errors["role"] = _("Välj en roll.")
        if errors:
            raise Invalid(errors)
        assert email is not None
        assert isinstance(role, PortalRole)
        await roles.grant(ctx.db, actor=ctx.me, role=role, email=email)
    except Invalid as invalid:
        return await _page(ctx, values, invalid.errors, status=400)
    return ctx.redirect(ctx.url("roles"))


async def revoke(ctx: Ctx, role_grant: RoleGrant) -> Response:
    assert role_grant.id is not None
    try:
        await roles.revoke(ctx.db, actor=ctx.me, grant_id=role_grant.id)
    except Invalid as invalid:
        return await _page(ctx, {}, invalid.errors, status=400)
    return ctx.redirect(ctx.url("roles"))
