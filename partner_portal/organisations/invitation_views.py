"""Inviting, the coordinator's overview of invitations, and the link a person follows."""

from __future__ import annotations

from starlette.responses import Response

from partner_portal.organisations import (
    forms,
    invitation_acceptance,
    invitation_sending,
    invitation_states,
)
from partner_portal.organisations.access import InvitationAccess, OrganisationAccess
from partner_portal.organisations.views import show
from partner_portal.platform.errors import Invalid
from partner_portal.web import Ctx


async def invite(ctx: Ctx, access: OrganisationAccess) -> Response:
    form = await ctx.request.form()
    try:
        await invitation_sending.invite(
            ctx.db,
            actor=ctx.me,
            access=access,
            data=forms.invitation(form),
            settings=ctx.settings,
            env=ctx.portal.templates.env,
        )
    except Invalid as invalid:
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        return await show(
            ctx, access, invite_errors=invalid.errors, invite_values=values, status=400
        )
    return ctx.redirect(
        ctx.url("organisation", organisation_id=access.organisation.id) + "#inbjudningar"
    )


async def index(ctx: Ctx) -> Response:
    pending_only = ctx.request.query_params.get("visa") == "vantande"
    items = await invitation_states.overview(ctx.db, pending_only=pending_only)
    return ctx.render("invitations/index.html", {"items": items, "pending_only": pending_only})


async def resend(ctx: Ctx, managed: InvitationAccess) -> Response:
    organisation_id = await invitation_sending.resend(
        ctx.db,
        actor=ctx.me,
        managed=managed,
        settings=ctx.settings,
        env=ctx.portal.templates.env,
    )
    return ctx.redirect(_back(ctx, organisation_id))


async def revoke(ctx: Ctx, managed: InvitationAccess) -> Response:
    organisation_id = await invitation_sending.revoke(ctx.db, actor=ctx.me, managed=managed)
    return ctx.redirect(_back(ctx, organisation_id))


def _back(ctx: Ctx, organisation_id: int) -> str:
    """Back to the overview when the action was taken there, else to the organisation."""
    if ctx.request.query_params.get("fran") == "oversikt":
        return ctx.url("invitations")
    return ctx.url("organisation", organisation_id=organisation_id) + "#inbjudningar"


async def open_link(ctx: Ctx) -> Response:
    token = ctx.request.path_params["token"]
    invitation = await invitation_acceptance.open_invitation(ctx.db, token)
    mismatch, my_email = (
        await invitation_acceptance.mismatch_for(ctx.db, invitation, ctx.person.id)
        if ctx.person is not None
        else (None, None)
    )
    return _invitation_page(ctx, invitation, token, mismatch, my_email)


def _invitation_page(
    ctx: Ctx,
    invitation: invitation_acceptance.OpenInvitation,
    token: str,
    mismatch: invitation_acceptance.Mismatch | None,
    my_email: str | None,
    *,
    status: int = 200,
) -> Response:
    return ctx.render(
        "invitations/open.html",
        {
            "invitation": invitation,
            "token": token,
            "mismatch": mismatch.value if mismatch else None,
            "my_email": my_email,
        },
        status=status,
    )


async def accept(ctx: Ctx) -> Response:
    token = ctx.request.path_params["token"]
    try:
        organisation_id = await invitation_acceptance.accept(
            ctx.db, person=ctx.me, token=token, ip_address=ctx.client_ip
        )
    except invitation_acceptance.NotForYou as refused:
        return _invitation_page(
            ctx, refused.invitation, token, refused.mismatch, refused.my_email, status=403
        )
    return ctx.redirect(ctx.url("organisation", organisation_id=organisation_id))
