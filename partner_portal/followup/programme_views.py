"""The programme's follow-up questions: the versions and their questions (follow-up readers and
coordinators), a new version copied from the latest, a version not yet in force changed, and
the coordinator's written answer to a question the portal has no evidence for."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from partner_portal.followup import forms as filters
from partner_portal.followup import programme_forms, programme_queries, programme_service
from partner_portal.followup.programme_queries import QuestionRow, VersionRow
from partner_portal.followup.programme_service import ProgrammeDraft
from partner_portal.organisations.models import OrganisationKind
from partner_portal.platform import clock
from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.web import Ctx


async def index(ctx: Ctx) -> Response:
    versions = await programme_queries.versions(ctx.db)
    today = clock.today()
    return ctx.render(
        "followup/programmes.html",
        {
            "versions": versions,
            "in_force": next((v.id for v in versions if v.valid_on(today)), None),
            "changeable": {v.id for v in versions if programme_service.changeable(v, today=today)},
        },
    )


async def show(ctx: Ctx, version: VersionRow) -> Response:
    questions = await programme_queries.questions(ctx.db, version.id)
    return ctx.render(
        "followup/programme.html",
        {
            "version": version,
            "questions": questions,
            "titles": {s.number: s.title for s in version.sections},
            "changeable": programme_service.changeable(version, today=clock.today()),
        },
    )


def _editor(
    ctx: Ctx,
    draft: ProgrammeDraft,
    errors: dict[str, str],
    *,
    status: int = 200,
    version: VersionRow | None = None,
    copied: VersionRow | None = None,
) -> Response:
    context: dict[str, Any] = {
        "draft": draft,
        "errors": errors,
        "version": version,
        "copied": copied,
        "kinds": [k.value for k in OrganisationKind],
        "section_options": [(s.number, f"{s.number} {s.title_sv}") for s in draft.sections],
        "page_title": (
            _("Ändra programversion: %(name)s") % {"name": version.name}
            if version
            else _("Ny programversion")
        ),
        "action": (
            ctx.url("programme_edit", programme_id=version.id)
            if version
            else ctx.url("programme_new")
        ),
    }
    return ctx.render("followup/programme_edit.html", context, status=status)


async def _posted(ctx: Ctx) -> tuple[ProgrammeDraft, bool]:
    """The editor's form as typed, and whether it asked for one more row (the draft then
    grown by it, to be shown again: nothing is saved)."""
    form = await ctx.request.form()
    draft = programme_forms.read(form)
    add = str(form.get("add") or "")
    if add:
        programme_forms.grow(draft, add)
    return draft, bool(add)


async def new(ctx: Ctx) -> Response:
    """A new version, the latest copied into the form; saving makes it (nothing before)."""
    versions = await programme_queries.versions(ctx.db)
    latest = versions[0] if versions else None
    if ctx.request.method != "POST":
        if latest is None:
            draft = ProgrammeDraft()
        else:
            draft = await programme_service.draft_of(ctx.db, latest, as_new=True)
        return _editor(ctx, draft, {}, copied=latest)
    draft, grown = await _posted(ctx)
    if grown:
        return _editor(ctx, draft, {}, copied=latest)
    try:
        new_id = await programme_service.create_version(ctx.db, actor=ctx.me, draft=draft)
    except Invalid as invalid:
        return _editor(ctx, draft, invalid.errors, status=400, copied=latest)
    return ctx.redirect(ctx.url("programme", programme_id=new_id))


async def edit(ctx: Ctx, version: VersionRow) -> Response:
    """``version``: one whose first day is ahead (programme_access.version_to_change)."""
    if ctx.request.method != "POST":
        draft = await programme_service.draft_of(ctx.db, version, as_new=False)
        return _editor(ctx, draft, {}, version=version)
    draft, grown = await _posted(ctx)
    if grown:
        return _editor(ctx, draft, {}, version=version)
    try:
        await programme_service.change_version(
            ctx.db, actor=ctx.me, programme_id=version.id, draft=draft
        )
    except Invalid as invalid:
        return _editor(ctx, draft, invalid.errors, status=400, version=version)
    return ctx.redirect(ctx.url("programme", programme_id=version.id))


async def answer(ctx: Ctx, question: QuestionRow) -> Response:
    """The coordinator's answer to a manual question for the report's period (from the query
    string on the way in, from the form's hidden fields on the way back)."""
    version = await programme_queries.version(ctx.db, question.programme_id)
    if version is None:
        raise NotFound()
    errors: dict[str, str] = {}
    if ctx.request.method == "POST":
        form = await ctx.request.form()
        text = programme_forms.answer_text(form)
        period = programme_forms.period(form)
        if period is None:
            raise NotFound()  # the hidden fields were tampered with: no such page
        first, last = period
        try:
            await programme_service.write_answer(
                ctx.db, actor=ctx.me, question_id=question.id, first=first, last=last, text=text
            )
        except Invalid as invalid:
            errors = invalid.errors
        else:
            query = {"fran": first.isoformat(), "till": last.isoformat()}
            anchor = f"#punkt-{question.section.replace('.', '-')}-{question.point}"
            return ctx.redirect(ctx.url("followup_report", query) + anchor)
    else:
        chosen, _ignored = filters.chosen(ctx.request.query_params, today=clock.today())
        first, last = chosen.first, chosen.last
        text = await programme_queries.written_answer(ctx.db, question.id, first=first, last=last)
    return ctx.render(
        "followup/programme_answer.html",
        {
            "question": question,
            "version": version,
            "first": first,
            "last": last,
            "text": text,
            "errors": errors,
        },
        status=400 if errors else 200,
    )
