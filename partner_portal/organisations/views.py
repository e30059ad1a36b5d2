"""The organisation register, an organisation's page, and its memberships."""

from __future__ import annotations

from starlette.responses import Response

from partner_portal import confirm
from partner_portal.organisations import forms, invitation_states, queries, service
from partner_portal.organisations.access import OrganisationAccess
from partner_portal.organisations.models import MembershipRole, OrganisationKind
from partner_portal.platform.errors import Invalid
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.i18n import ngettext
from partner_portal.web import Ctx


async def index(ctx: Ctx) -> Response:
    params = ctx.request.query_params
    kind = {k.value: k for k in OrganisationKind}.get(params.get("kind", ""))
    search = params.get("q", "").strip()[:100]
    include_inactive = params.get("inaktiva") == "1"
    rows = await queries.list_organisations(
        ctx.db, kind=kind, search=search or None, include_inactive=include_inactive
    )
    reach = await queries.main_contact_reach(ctx.db, [o.id for o in rows if o.is_active])
    return ctx.render(
        "organisations/index.html",
        {
            "organisations": rows,
            "not_reachable": {o for o, r in reach.items() if r.unreachable},
            "mail_failing": await queries.mail_failing(ctx.db, reach),
            "kinds": list(OrganisationKind),
            "chosen_kind": kind,
            "search": search,
            "include_inactive": include_inactive,
        },
    )


async def create(ctx: Ctx) -> Response:
    values: dict[str, str] = {}
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        try:
            organisation_id = await service.create_organisation(
                ctx.db, actor=ctx.me, data=forms.organisation(form)
            )
        except Invalid as invalid:
            return await _form(ctx, values, invalid.errors, status=400)
        return ctx.redirect(ctx.url("organisation", organisation_id=organisation_id))
    return await _form(ctx, values, {})


async def edit(ctx: Ctx, access: OrganisationAccess) -> Response:
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        try:
            await service.update_organisation(
                ctx.db,
                actor=ctx.me,
                organisation_id=access.organisation.id,
                data=forms.organisation(form),
            )
        except Invalid as invalid:
            return await _form(ctx, values, invalid.errors, status=400, editing=access)
        return ctx.redirect(ctx.url("organisation", organisation_id=access.organisation.id))
    current = access.organisation
    values = {
        "name": current.name,
        "kind": current.kind.value,
        "org_number": current.org_number or "",
        "parent_id": str(current.parent_id or ""),
        "contact_email": current.contact_email or "",
    }
    return await _form(ctx, values, {}, editing=access)


async def _form(
    ctx: Ctx,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    status: int = 200,
    editing: OrganisationAccess | None = None,
) -> Response:
    organisation = editing.organisation if editing else None
    parents = await queries.organisation_choices(
        ctx.db, excluding=organisation.id if organisation else None
    )
    return ctx.render(
        "organisations/form.html",
        {
            "values": values,
            "errors": errors,
            "kinds": list(OrganisationKind),
            "parents": parents,
            "organisation": organisation,
        },
        status=status,
    )


async def show(
    ctx: Ctx,
    access: OrganisationAccess,
    *,
    invite_errors: dict[str, str] | None = None,
    invite_values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    organisation_id = access.organisation.id
    return ctx.render(
        "organisations/show.html",
        {
            "access": access,
            "organisation": access.organisation,
            "members": await queries.members(ctx.db, organisation_id),
            "not_reachable": (await queries.unreachable(ctx.db, [organisation_id])).get(
                organisation_id
            )
            if access.can_manage and access.organisation.is_active
            else None,
            "invitations": await invitation_states.overview(
                ctx.db, organisation_id=organisation_id, pending_only=True
            )
            if access.can_manage
            else [],
            "roles": list(MembershipRole),
            "invite_errors": invite_errors or {},
            "invite_values": invite_values or {},
            "invitation_days": ctx.settings.invitation_days,
        },
        status=status,
    )


async def set_active(ctx: Ctx, access: OrganisationAccess) -> Response:
    form = await ctx.request.form()
    organisation_id = access.organisation.id
    deactivating = form.get("active") != "1" and access.organisation.is_active
    if deactivating and access.is_coordinator and not confirm.confirmed(form):
        return confirm.ask(ctx, _deactivation(ctx, access))
    await service.set_active(
        ctx.db,
        actor=ctx.me,
        organisation_id=organisation_id,
        active=form.get("active") == "1",
    )
    return ctx.redirect(ctx.url("organisation", organisation_id=organisation_id))


async def change_membership(ctx: Ctx, access: OrganisationAccess) -> Response:
    form = await ctx.request.form()
    await service.change_membership(
        ctx.db,
        actor=ctx.me,
        access=access,
        membership_id=ctx.path_id("membership_id"),
        data=forms.membership(form),
    )
    return ctx.redirect(ctx.url("organisation", organisation_id=access.organisation.id))


async def end_membership(ctx: Ctx, access: OrganisationAccess) -> Response:
    membership_id = ctx.path_id("membership_id")
    member = next(
        (
            m
            for m in await queries.members(ctx.db, access.organisation.id)
            if m.membership_id == membership_id
        ),
        None,
    )
    if access.can_manage and member and not confirm.confirmed(await ctx.request.form()):
        organisation = access.organisation
        return confirm.ask(
            ctx,
            confirm.Confirmation(
                title=_("Ta bort %(name)s ur %(org)s?")
                % {"name": member.name, "org": organisation.name},
                explanation=[
                    _(
                        "%(name)s företräder då inte längre organisationen och kommer inte åt "
                        "dess rum och underlag. Det hen redan har gjort finns kvar."
                    )
                    % {"name": member.name},
                    _("Ska hen vara med igen skickar ni en ny inbjudan."),
                ],
                button=_("Ja, ta bort %(name)s") % {"name": member.name},
                action=ctx.url(
                    "membership_end", organisation_id=organisation.id, membership_id=membership_id
                ),
                cancel=ctx.url("organisation", organisation_id=organisation.id) + "#personer",
                irreversible=False,
            ),
        )
    await service.end_membership(
        ctx.db, actor=ctx.me, access=access, membership_id=ctx.path_id("membership_id")
    )
    return ctx.redirect(ctx.url("organisation", organisation_id=access.organisation.id))


def _deactivation(ctx: Ctx, access: OrganisationAccess) -> confirm.Confirmation:
    organisation = access.organisation
    page = ctx.url("organisation", organisation_id=organisation.id)
    return confirm.Confirmation(
        title=_("Inaktivera %(name)s?") % {"name": organisation.name},
        explanation=[
            ngettext(
                "%(num)s person företräder organisationen. Deras inloggningar avslutas nu och de "
                "kommer inte längre åt organisationen, dess rum eller dess underlag.",
                "%(num)s personer företräder organisationen. Deras inloggningar avslutas nu och "
                "de kommer inte längre åt organisationen, dess rum eller dess underlag.",
                organisation.people,
            )
            % {"num": organisation.people},
            _(
                "Organisationen kan inte bjudas in eller bjuda in någon. Det som redan finns "
                "sparas, och du kan aktivera organisationen igen."
            ),
        ],
        button=_("Ja, inaktivera organisationen"),
        action=ctx.url("organisation_active", organisation_id=organisation.id),
        cancel=page,
        fields={"active": "0"},
        irreversible=False,
    )
