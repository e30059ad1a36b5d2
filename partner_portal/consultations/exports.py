"""The compilation (sammanställning) as files: CSV for spreadsheets, DOCX for the office suite.

Everything partners wrote is data here: CSV cells that a spreadsheet would take for a formula
are neutralised (partner_portal.platform.tables), and the DOCX holds only escaped text.
"""

from __future__ import annotations

from collections.abc import Sequence

from partner_portal.consultations.queries import CommentRow, ConsultationRow, StatementRow
from partner_portal.platform import i18n
from partner_portal.platform.documents import Block, Heading, Paragraph, docx_bytes
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.labels import LABELS
from partner_portal.platform.tables import csv_bytes


def _decision(decision: object | None) -> str:
    if decision is None:
        return _("Inte besvarad")
    return LABELS.decisions[str(getattr(decision, "value", decision))]


def _headers() -> list[str]:
    return [
        _("Typ"),
        _("Organisation"),
        _("Avsnitt"),
        _("Av"),
        _("Tid"),
        _("Sent inkommet"),
        _("Innehåll"),
        _("Kommunens ställningstagande"),
        _("Skäl"),
        _("Kommentar på version"),
    ]


def _statement_text(s: StatementRow) -> str:
    return _("Inga synpunkter") if s.no_objections else s.body


def compilation_csv(statements: Sequence[StatementRow], comments: Sequence[CommentRow]) -> bytes:
    rows: list[list[str | int]] = []
    for s in statements:
        rows.append(
            [
                _("Yttrande"),
                s.organisation_name,
                "",
                s.signer_name,
                i18n.format_datetime(s.submitted_at, "short"),
                _("Ja") if s.late else _("Nej"),
                _statement_text(s),
                _decision(s.decision),
                s.reason or "",
                "",
            ]
        )
    for c in comments:
        rows.append(
            [
                _("Kommentar"),
                c.organisation_name or "",
                c.section_heading,
                c.author_name,
                i18n.format_datetime(c.created_at, "short"),
                "",
                c.body,
                _decision(c.decision),
                c.reason or "",
                c.version_number,
            ]
        )
    return csv_bytes(_headers(), rows)


def compilation_docx(
    consultation: ConsultationRow,
    statements: Sequence[StatementRow],
    comments: Sequence[CommentRow],
) -> bytes:
    title = _("Remissammanställning: %(plan)s, version %(number)s") % {
        "plan": consultation.plan_title,
        "number": consultation.version_number,
    }
    blocks: list[Block] = [
        Heading(title),
        Paragraph(
            _("Sista dag för yttranden: %(date)s")
            % {"date": i18n.format_date(consultation.deadline)}
        ),
        Heading(_("Yttranden"), 2),
    ]
    if not statements:
        blocks.append(Paragraph(_("Inga yttranden har kommit in.")))
    for s in statements:
        signed = _("Undertecknat av %(name)s, %(time)s") % {
            "name": s.signer_name,
            "time": i18n.format_datetime(s.submitted_at),
        }
        if s.late:
            signed += " – " + _("inkom efter sista dagen")
        blocks += [
            Heading(s.organisation_name, 3),
            Paragraph(signed),
            Paragraph(_statement_text(s)),
            Paragraph(
                _("Kommunens ställningstagande: %(d)s") % {"d": _decision(s.decision)}, bold=True
            ),
        ]
        if s.reason:
            blocks.append(Paragraph(s.reason))
    blocks.append(Heading(_("Kommentarer per avsnitt"), 2))
    if not comments:
        blocks.append(Paragraph(_("Inga kommentarer på planen fram till den här versionen.")))
    for c in comments:
        who = c.author_name + (f", {c.organisation_name}" if c.organisation_name else "")
        made = _("Kommentar på version %(number)s") % {"number": c.version_number}
        blocks += [
            Heading(f"{c.section_heading} – {who}", 3),
            Paragraph(f"{made}, {i18n.format_datetime(c.created_at)}"),
            Paragraph(c.body),
            Paragraph(
                _("Kommunens ställningstagande: %(d)s") % {"d": _decision(c.decision)}, bold=True
            ),
        ]
        if c.reason:
            blocks.append(Paragraph(c.reason))
    return docx_bytes(title, blocks)
