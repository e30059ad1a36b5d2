"""The FRG lead's pages: the register, the skills list, availability, and call-outs. Each
receives the FRG organisation, loaded by the route for its leads and coordinators
(frg.access.group_lead); a call-out's pages go on to check that the call-out is the group's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.responses import Response

from partner_portal import confirm
from partner_portal.frg import callouts, enrolment, forms, groups, privacy
from partner_portal.frg.access import callout_for
from partner_portal.frg.queries import availability as availability_queries
from partner_portal.frg.queries import callouts as callout_queries
from partner_portal.frg.queries import members
from partner_portal.frg.queries.members import GroupRow
from partner_portal.frg.slots import READING_ORDER, window
from partner_portal.platform import clock
from partner_portal.platform.errors import Invalid
from partner_portal.platform.i18n import gettext as _
from partner_portal.web import Ctx

OVERVIEW_DAYS = 28
DAYS_PER_MONTH = 30.44


def _values(form: Any) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def dashboard(
    ctx: Ctx,
    group: GroupRow,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    signup_url: str | None = None,
    status: int = 200,
) -> Response:
    now = clock.now()
    inactive_before = now - timedelta(days=DAYS_PER_MONTH * ctx.settings.frg_inactive_months)
    roster = await members.roster(ctx.db, group.id)
    return ctx.render(
        "frg/lead.html",
        {
            "group": group,
            "roster": roster,
            "inactive_before": inactive_before,
            "inactive_months": ctx.settings.frg_inactive_months,
            "skill_counts": await members.skill_counts(ctx.db, group.id),
            "callouts": await callout_queries.callouts(ctx.db, group.id),
            "now": now,
            "errors": errors or {},
            "values": values or {},
            "signup_url": signup_url,
            "invited": ctx.request.query_params.get("inbjuden") == "1",
        },
        status=status,
    )


async def invite(ctx: Ctx, group: GroupRow) -> Response:
    form = await ctx.request.form()
    try:
        await enrolment.invite(
            ctx.db,
            actor=ctx.me,
            group=group,
            email=forms.invitation_email(form),
            settings=ctx.settings,
            env=ctx.portal.templates.env,
        )
    except Invalid as invalid:
        return await dashboard(ctx, group, errors=invalid.errors, values=_values(form), status=400)
    return ctx.redirect(
        ctx.url("frg_lead", organisation_id=group.id, query={"inbjuden": 1}) + "#bjud-in"
    )


async def signup_link(ctx: Ctx, group: GroupRow) -> Response:
    token = await enrolment.create_signup_link(ctx.db, actor=ctx.me, group=group)
    return await dashboard(
        ctx, group, signup_url=ctx.settings.absolute_url(enrolment.signup_path(token))
    )


async def approve(ctx: Ctx, group: GroupRow) -> Response:
    await enrolment.approve(
        ctx.db, actor=ctx.me, group=group, volunteer_id=ctx.path_id("volunteer_id")
    )
    return ctx.redirect(ctx.url("frg_lead", organisation_id=group.id) + "#medlemmar")


async def remove(ctx: Ctx, group: GroupRow) -> Response:
    volunteer = await members.volunteer(ctx.db, ctx.path_id("volunteer_id"))
    form = await ctx.request.form()
    if volunteer and volunteer.organisation_id == group.id and not confirm.confirmed(form):
        lead = ctx.url("frg_lead", organisation_id=group.id)
        return confirm.ask(
            ctx,
            confirm.Confirmation(
                title=_("Ta bort %(name)s ur registret?") % {"name": volunteer.name},
                explanation=[
                    _(
                        "Uppgifterna om %(name)s i FRG-registret raderas: kontaktuppgifter, "
                        "kompetenser, tillgänglighet och frånvaro."
                    )
                    % {"name": volunteer.name},
                    _("Svaren på tidigare utlarmningar finns kvar utan namn."),
                ],
                button=_("Ja, ta bort %(name)s") % {"name": volunteer.name},
                action=ctx.url("frg_remove", organisation_id=group.id, volunteer_id=volunteer.id),
                cancel=lead + "#medlemmar",
            ),
        )
    await privacy.remove_volunteer(
        ctx.db, actor=ctx.me, group=group, volunteer_id=ctx.path_id("volunteer_id")
    )
    return ctx.redirect(ctx.url("frg_lead", organisation_id=group.id) + "#medlemmar")


async def skills(ctx: Ctx, group: GroupRow) -> Response:
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    status = 200
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        try:
            await groups.add_skill(ctx.db, group=group, name=forms.skill_name(form))
        except Invalid as invalid:
            errors, values, status = invalid.errors, _values(form), 400
        else:
            return ctx.redirect(ctx.url("frg_skills", organisation_id=group.id))
    else:
        await groups.ensure_group(ctx.db, group.id)
        await ctx.db.commit()
    return ctx.render(
        "frg/skills.html",
        {
            "group": group,
            "skills": await members.skills(ctx.db, group.id, active_only=False),
            "errors": errors,
            "values": values,
        },
        status=status,
    )


async def skill_active(ctx: Ctx, group: GroupRow) -> Response:
    form = await ctx.request.form()
    await groups.set_skill_active(
        ctx.db, group=group, skill_id=ctx.path_id("skill_id"), active=form.get("active") == "ja"
    )
    return ctx.redirect(ctx.url("frg_skills", organisation_id=group.id))


async def search(ctx: Ctx, group: GroupRow) -> Response:
    skills = await members.skills(ctx.db, group.id, active_only=True)
    params = ctx.request.query_params
    values = {k: v for k, v in params.items() if k != "skill"}
    chosen = {int(v) for v in params.getlist("skill") if v.isdigit() and len(v) < 10}
    errors: dict[str, str] = {}
    found = None
    status = 200
    if "starts_at" in params:
        try:
            data = forms.search(params, skill_ids=[s.id for s in skills])
        except Invalid as invalid:
            errors, status = invalid.errors, 400
        else:
            found = await availability_queries.available(
                ctx.db, group.id, window(data.starts_at, data.ends_at), data.skill_ids
            )
    return ctx.render(
        "frg/search.html",
        {
            "group": group,
            "skills": skills,
            "chosen": chosen,
            "values": values,
            "errors": errors,
            "found": found,
        },
        status=status,
    )


async def overview(ctx: Ctx, group: GroupRow) -> Response:
    first_day = clock.today()
    days = await availability_queries.overview(ctx.db, group.id, first_day, OVERVIEW_DAYS)
    return ctx.render("frg/overview.html", {"group": group, "days": days, "parts": READING_ORDER})


async def new_callout(ctx: Ctx, group: GroupRow) -> Response:
    """Describe the need, see the proposal (about 3 × N), adjust it, send. Without a draft:
    the form carries everything until it is sent."""
    skills = await members.skills(ctx.db, group.id, active_only=True)
    values: dict[str, str] = {"kind": "ovning", "people_needed": "1"}
    errors: dict[str, str] = {}
    proposal = None
    chosen: frozenset[int] = frozenset()
    status = 200
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        values = _values(form)
        try:
            data = forms.callout(form, skill_ids=[s.id for s in skills])
            if form.get("step") == "skicka":
                callout_id = await callouts.send(
                    ctx.db,
                    actor=ctx.me,
                    group=group,
                    data=data,
                    volunteer_ids=forms.volunteer_ids(form),
                    settings=ctx.settings,
                    env=ctx.portal.templates.env,
                )
                return ctx.redirect(
                    ctx.url("frg_callout", organisation_id=group.id, callout_id=callout_id)
                )
            proposal = await callouts.propose(ctx.db, group=group, data=data)
            chosen = proposal.proposed
        except Invalid as invalid:
            errors, status = invalid.errors, 400
            if "volunteer" in errors:  # sending failed: show the proposal again
                data = forms.callout(form, skill_ids=[s.id for s in skills])
                proposal = await callouts.propose(ctx.db, group=group, data=data)
                chosen = forms.volunteer_ids(form)
    return ctx.render(
        "frg/callout_new.html",
        {
            "group": group,
            "skills": skills,
            "values": values,
            "errors": errors,
            "proposal": proposal,
            "chosen": chosen,
        },
        status=status,
    )


async def show_callout(ctx: Ctx, group: GroupRow) -> Response:
    callout = await callout_for(ctx.db, group, ctx.path_id("callout_id"))
    recipients = await callout_queries.recipients(ctx.db, callout.id)
    counts = {"yes": 0, "no": 0, "none": 0}
    for r in recipients:
        counts[r.answer.value] += 1
    return ctx.render(
        "frg/callout.html",
        {
            "group": group,
            "callout": callout,
            "recipients": recipients,
            "counts": counts,
            "is_open": callouts.is_open(callout),
            "hours": callouts.hours_total(recipients),
            "errors": {},
        },
    )


async def update_recipient(ctx: Ctx, group: GroupRow) -> Response:
    callout = await callout_for(ctx.db, group, ctx.path_id("callout_id"))
    form = await ctx.request.form()
    recipient_id = ctx.path_id("recipient_id")
    await callouts.update_recipient(
        ctx.db,
        group=group,
        callout_id=callout.id,
        recipient_id=recipient_id,
        data=forms.recipient_update(form),
    )
    return ctx.redirect(
        ctx.url("frg_callout", organisation_id=group.id, callout_id=callout.id)
        + f"#mottagare-{recipient_id}"
    )


async def close_callout(ctx: Ctx, group: GroupRow) -> Response:
    callout = await callout_for(ctx.db, group, ctx.path_id("callout_id"))
    page = ctx.url("frg_callout", organisation_id=group.id, callout_id=callout.id)
    if callouts.is_open(callout) and not confirm.confirmed(await ctx.request.form()):
        return confirm.ask(
            ctx,
            confirm.Confirmation(
                title=_("Avsluta utlarmningen %(title)s?") % {"title": callout.title},
                explanation=[
                    _(
                        "Utlarmningen tar inte emot fler svar, och ja- och nej-länkarna i "
                        "e-postmeddelandena slutar att gälla."
                    ),
                    _("Svaren och timmarna som redan finns sparas."),
                ],
                button=_("Ja, avsluta utlarmningen"),
                action=ctx.url(
                    "frg_callout_close", organisation_id=group.id, callout_id=callout.id
                ),
                cancel=page,
            ),
        )
    await callouts.close(ctx.db, actor=ctx.me, group=group, callout_id=callout.id)
    return ctx.redirect(ctx.url("frg_callout", organisation_id=group.id, callout_id=callout.id))
