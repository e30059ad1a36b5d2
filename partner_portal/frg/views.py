"""The volunteer's own pages: registration, availability, absences, and their data. Each
receives the person's own registration, loaded by the route (frg.access.volunteer)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from starlette.responses import Response

from partner_portal.frg import availability as availability_service
from partner_portal.frg import enrolment, forms, privacy
from partner_portal.frg.queries import availability as availability_queries
from partner_portal.frg.queries import members
from partner_portal.frg.queries.held import held_about
from partner_portal.frg.queries.members import VolunteerRow
from partner_portal.frg.slots import READING_ORDER, offered_weeks, slot
from partner_portal.platform import clock
from partner_portal.platform.errors import BadRequest, Invalid, NotFound
from partner_portal.platform.tables import CSV_MEDIA_TYPE
from partner_portal.web import Ctx

WEEKDAYS = range(7)


def _values(form: Any) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def _group_name(ctx: Ctx, organisation_id: int) -> str:
    group = await members.frg_organisation(ctx.db, organisation_id)
    if group is None:
        raise NotFound()
    return group.name


async def index(ctx: Ctx) -> Response:
    groups = await members.my_groups(ctx.db, ctx.me.id, everything=ctx.me.is_coordinator)
    return ctx.render("frg/index.html", {"groups": groups})


async def profile(ctx: Ctx, volunteer: VolunteerRow) -> Response:
    skills = await members.skills(ctx.db, volunteer.organisation_id, active_only=True)
    errors: dict[str, str] = {}
    status = 200
    chosen = await members.skill_ids_of(ctx.db, volunteer.id)
    values = {
        "phone": volunteer.phone,
        "email": volunteer.email,
        "agreement_signed_on": str(volunteer.agreement_signed_on or ""),
        "basic_course_on": str(volunteer.basic_course_on or ""),
        "informed": "ja" if volunteer.registered_at else "",
    }
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        values = _values(form)
        chosen = {int(v) for v in form.getlist("skill") if isinstance(v, str) and v.isdigit()}
        try:
            data = forms.registration(form, skill_ids=[s.id for s in skills])
            first_time = volunteer.registered_at is None
            await enrolment.save_registration(ctx.db, volunteer=volunteer, data=data)
        except Invalid as invalid:
            errors, status = invalid.errors, 400
        else:
            target = "frg_availability" if first_time else "frg_profile"
            return ctx.redirect(
                ctx.url(target, organisation_id=volunteer.organisation_id, query={"sparat": 1})
            )
    return ctx.render(
        "frg/profile.html",
        {
            "volunteer": volunteer,
            "group_name": await _group_name(ctx, volunteer.organisation_id),
            "skills": skills,
            "chosen": chosen,
            "values": values,
            "errors": errors,
            "saved": ctx.request.query_params.get("sparat") == "1",
            "inactive_months": ctx.settings.frg_inactive_months,
        },
        status=status,
    )


async def availability(ctx: Ctx, volunteer: VolunteerRow) -> Response:
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        await availability_service.save_pattern(
            ctx.db, volunteer=volunteer, slots=forms.weekly_slots(form)
        )
        return ctx.redirect(
            ctx.url(
                "frg_availability",
                organisation_id=volunteer.organisation_id,
                query={"sparat": 1},
            )
        )
    return await _availability_page(ctx, volunteer)


async def _availability_page(
    ctx: Ctx,
    volunteer: VolunteerRow,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    offered = offered_weeks(clock.swedish_date(clock.now()))
    this_week = offered[0]
    weeks = [
        {
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "next": monday != this_week,
            "answer": volunteer.week_available if volunteer.week_start == monday else None,
        }
        for monday in offered
    ]
    return ctx.render(
        "frg/availability.html",
        {
            "volunteer": volunteer,
            "group_name": await _group_name(ctx, volunteer.organisation_id),
            "pattern": await availability_queries.slots_of(ctx.db, volunteer.id),
            "absences": await availability_queries.absences_of(ctx.db, volunteer.id),
            "weekdays": WEEKDAYS,
            "parts": READING_ORDER,
            "slot": slot,
            "weeks": weeks,
            "errors": errors or {},
            "values": values or {},
            "saved": ctx.request.query_params.get("sparat"),
        },
        status=status,
    )


async def week(ctx: Ctx, volunteer: VolunteerRow) -> Response:
    form = await ctx.request.form()
    choice = form.get("available")
    if choice not in ("ja", "nej"):
        raise BadRequest()
    chosen = form.get("vecka")
    week_of: date | None = None
    if isinstance(chosen, str) and chosen:
        try:
            week_of = date.fromisoformat(chosen)
        except ValueError:
            raise BadRequest() from None
    try:
        await availability_service.set_week(
            ctx.db,
            volunteer_id=volunteer.id,
            available=choice == "ja",
            now=clock.now(),
            week=week_of,
        )
    except Invalid as invalid:
        return await _availability_page(ctx, volunteer, errors=invalid.errors, status=400)
    this_week = offered_weeks(clock.today())[0]
    saved = "vecka" if week_of in (None, this_week) else "nasta-vecka"
    return ctx.redirect(
        ctx.url(
            "frg_availability", organisation_id=volunteer.organisation_id, query={"sparat": saved}
        )
    )


async def add_absence(ctx: Ctx, volunteer: VolunteerRow) -> Response:
    form = await ctx.request.form()
    try:
        starts_on, ends_on = forms.absence(form)
        await availability_service.add_absence(
            ctx.db, volunteer=volunteer, starts_on=starts_on, ends_on=ends_on
        )
    except Invalid as invalid:
        return await _availability_page(
            ctx, volunteer, errors=invalid.errors, values=_values(form), status=400
        )
    return ctx.redirect(
        ctx.url("frg_availability", organisation_id=volunteer.organisation_id) + "#franvaro"
    )


async def remove_absence(ctx: Ctx, volunteer: VolunteerRow) -> Response:
    await availability_service.remove_absence(
        ctx.db, volunteer=volunteer, absence_id=ctx.path_id("absence_id")
    )
    return ctx.redirect(
        ctx.url("frg_availability", organisation_id=volunteer.organisation_id) + "#franvaro"
    )


async def my_data(ctx: Ctx, volunteer: VolunteerRow) -> Response:
    held = await held_about(ctx.db, volunteer)
    pattern_days = [
        (d, [p for p in READING_ORDER if slot(d, p) in held.slots])
        for d in WEEKDAYS
        if any(slot(d, p) in held.slots for p in READING_ORDER)
    ]
    return ctx.render(
        "frg/my_data.html",
        {
            "volunteer": volunteer,
            "group_name": await _group_name(ctx, volunteer.organisation_id),
            "skill_names": held.skill_names,
            "pattern_days": pattern_days,
            "absences": held.absences,
            "history": held.callouts,
        },
    )


async def export(ctx: Ctx, volunteer: VolunteerRow) -> Response:
    fmt = ctx.request.path_params["fmt"]
    if fmt not in ("json", "csv"):
        raise NotFound()
    group = await members.frg_organisation(ctx.db, volunteer.organisation_id)
    assert group is not None
    data = await privacy.export_data(ctx.db, volunteer=volunteer, group=group, fmt=fmt)
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, indent=2).encode()
        media_type = "application/json"
    else:
        body, media_type = privacy.export_csv(data), CSV_MEDIA_TYPE
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="mina-frg-uppgifter.{fmt}"'},
    )


async def delete(ctx: Ctx, volunteer: VolunteerRow) -> Response:
    form = await ctx.request.form()
    if form.get("confirm") != "ja":
        return ctx.redirect(
            ctx.url("frg_my_data", organisation_id=volunteer.organisation_id, query={"bekrafta": 1})
            + "#radera"
        )
    await privacy.delete_volunteer(ctx.db, volunteer=volunteer)
    return ctx.redirect(ctx.url("frg", query={"raderat": 1}))
