"""The follow-up pages: the matrix, a cell's evidence, a process by phase, the board report,
and their exports. Coordinators and follow-up readers only (the FOLLOWUP policy)."""

from __future__ import annotations

from starlette.responses import Response

from partner_portal.followup import exports, forms, pdf, queries, report, service, wording
from partner_portal.followup.report import Answer
from partner_portal.followup.service import Chosen
from partner_portal.platform import clock
from partner_portal.platform.errors import NotFound
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.labels import LABELS
from partner_portal.platform.tables import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE
from partner_portal.web import Ctx

EVIDENCE_PAGE = 200


def _chosen(ctx: Ctx) -> tuple[Chosen, bool]:
    return forms.chosen(ctx.request.query_params, today=clock.today())


def _context(chosen: Chosen, ignored: bool) -> dict[str, object]:
    return {
        "chosen": chosen,
        "query": forms.query_of(chosen),
        "ignored": ignored,
        # The programme's kinds first, then the rest of the register's kinds.
        "kinds": [k.value for k in service.DEFAULT_KINDS]
        + [k for k in LABELS.kinds if k not in {d.value for d in service.DEFAULT_KINDS}],
    }


async def index(ctx: Ctx) -> Response:
    chosen, ignored = _chosen(ctx)
    matrix = await service.matrix(ctx.db, chosen)
    return ctx.render(
        "followup/index.html",
        {
            **_context(chosen, ignored),
            "matrix": matrix,
            "groups": service.grouped(matrix.organisations),
        },
    )


async def cell(ctx: Ctx) -> Response:
    """The evidence behind one cell, each item linking to where it happened."""
    chosen, ignored = _chosen(ctx)
    params = ctx.request.query_params
    organisation_id = forms.positive_id(params.get("organisation"))
    process = forms.process(params.get("process", ""))
    if organisation_id is None or process is None:
        raise NotFound()
    matrix = await service.matrix(ctx.db, chosen)
    organisation = next((o for o in matrix.organisations if o.id == organisation_id), None)
    if organisation is None:
        raise NotFound()
    after = forms.positive_id(params.get("efter")) or 0
    rows = await queries.evidence(
        ctx.db,
        chosen.period,
        organisation_id=organisation_id,
        process=process,
        limit=EVIDENCE_PAGE + 1,
        after_id=after,
    )
    return ctx.render(
        "followup/cell.html",
        {
            **_context(chosen, ignored),
            "organisation": organisation,
            "process": process,
            "cell": matrix.cell(organisation_id, process),
            "evidence": rows[:EVIDENCE_PAGE],
            "next_after": rows[EVIDENCE_PAGE - 1].id if len(rows) > EVIDENCE_PAGE else None,
        },
    )


async def process_view(ctx: Ctx) -> Response:
    chosen, ignored = _chosen(ctx)
    process = forms.process(ctx.request.path_params["process"])
    if process is None:
        raise NotFound()
    view = await service.process_view(ctx.db, chosen, process)
    return ctx.render("followup/process.html", {**_context(chosen, ignored), "view": view})


def _sections(built: report.Report) -> list[tuple[str, list[tuple[str, str, str | None, Answer]]]]:
    """Each section's heading and its answers worded: (heading, paragraph, note, answer)."""
    return [
        (
            wording.section_heading(section),
            [(wording.heading(a), wording.paragraph(a), wording.note(a), a) for a in answers],
        )
        for section, answers in built.sections
    ]


async def report_page(ctx: Ctx) -> Response:
    chosen, ignored = _chosen(ctx)
    built = await report.build(ctx.db, chosen)
    return ctx.render(
        "followup/report.html",
        {
            **_context(chosen, ignored),
            "report": built,
            "programme_line": wording.programme_line(built.programme),
            "sections": _sections(built),
            # The chart and its table: the questions answered from the evidence, in numbers.
            "counted": [
                (f"{a.section} {a.point}) {wording.short(a)}", a)
                for a in built.answers
                if not a.manual
            ],
            "level_order": report.LEVEL_ORDER,
            "groups": service.grouped(built.matrix.organisations),
        },
    )


async def report_pdf(ctx: Ctx) -> Response:
    chosen, _ignored = _chosen(ctx)
    built = await report.build(ctx.db, chosen)
    body = await pdf.render(
        ctx.portal.templates.env,
        built,
        title=_("Uppföljning av samverkan med externa parter"),
        intro=_(
            "Botkyrka kommun, programmet för trygghet och säkerhet. Perioden %(first)s–%(last)s. "
            "Allt bygger på det som registrerats i Partnerportalen medan organisationerna "
            "arbetade, utom de svar som anges vara skrivna av samordnaren."
        )
        % {"first": chosen.first.isoformat(), "last": chosen.last.isoformat()},
        programme=wording.programme_line(built.programme),
        sections=[
            (heading, [(h, p, n) for h, p, n, _a in answers])
            for heading, answers in _sections(built)
        ],
        level_words=LABELS.levels,
        process_words=LABELS.processes,
        labels={
            "matrix": _("Deltagande per organisation och process"),
            "organisation": _("Organisation"),
            "inactive": _("inaktiverad"),
            "late": _("försenat"),
            "footer": _("Källa: Partnerportalen, Botkyrka kommun."),
        },
    )
    await service.record_export(ctx.db, ctx.me, "rapport.pdf", chosen)
    return _download(body, "application/pdf", f"uppfoljning-{chosen.first}-{chosen.last}.pdf")


async def export(ctx: Ctx) -> Response:
    chosen, _ignored = _chosen(ctx)
    what, fmt = ctx.request.path_params["what"], ctx.request.path_params["fmt"]
    if what not in ("matris", "evidens") or fmt not in ("csv", "xlsx"):
        raise NotFound()
    if what == "matris":
        matrix = await service.matrix(ctx.db, chosen)
        table = exports.matrix_table(matrix)
    else:
        rows = await queries.evidence(
            ctx.db, chosen.period, organisation_kinds=chosen.kinds, limit=exports.EVIDENCE_LIMIT
        )
        table = exports.evidence_table(rows, base_url=ctx.settings.base_url)
    await service.record_export(ctx.db, ctx.me, f"{what}.{fmt}", chosen)
    name = f"uppfoljning-{what}-{chosen.first}-{chosen.last}.{fmt}"
    if fmt == "csv":
        return _download(exports.as_csv(table), CSV_MEDIA_TYPE, name)
    return _download(exports.as_xlsx(table), XLSX_MEDIA_TYPE, name)


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
