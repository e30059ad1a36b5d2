"""A reminder's words and link, for one thing owed and one reader, in the reader's language
(the mail facade calls :func:`context` with it set)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from partner_portal.followthrough.queries import OwedRow
from partner_portal.platform import i18n, paths
from partner_portal.platform.i18n import gettext as _
from partner_portal.platform.settings import Settings
from partner_portal.reminders.models import Owed, Step


def link(row: OwedRow) -> str:
    """The page where the organisation answers (a path)."""
    if row.owed is Owed.STATEMENT and row.room_id is not None:
        return paths.fill(paths.REMISS, room_id=row.room_id, consultation_id=row.subject_id)
    if row.owed is Owed.MEETING_ANSWER:
        return paths.fill(paths.MEETING, meeting_id=row.subject_id)
    assert row.room_id is not None
    return paths.fill(paths.ROOM, room_id=row.room_id)


def _day(row: OwedRow) -> str:
    return i18n.format_date(row.due_on) if row.due_on is not None else ""


def _subject_and_lead(row: OwedRow, overdue: bool) -> tuple[str, str]:
    org, room = row.organisation_name, row.room_name or ""
    if row.owed is Owed.DELIVERABLES:
        values = {"org": org, "n": row.open_items, "phase": row.title, "room": room}
        lead = _("%(org)s har %(n)s underlag kvar att lämna i fasen %(phase)s i %(room)s.") % values
        if overdue:
            subject = _("Försenat: %(room)s – %(phase)s") % values
        else:
            subject = _("Påminnelse: %(room)s – %(phase)s senast %(date)s") % {
                **values,
                "date": _day(row),
            }
        return subject, lead
    if row.owed is Owed.STATEMENT:
        values = {"org": org, "plan": row.title, "room": room, "date": _day(row)}
        return (
            _("Påminnelse: remiss om %(plan)s, sista dag %(date)s") % values,
            _("%(org)s har ännu inte lämnat något yttrande över %(plan)s i %(room)s.") % values,
        )
    if row.owed is Owed.ROOM_ANSWER:
        values = {"org": org, "room": room, "date": i18n.format_date(row.asked_at)}
        return (
            _("Påminnelse: inbjudan till %(room)s") % values,
            _(
                "%(org)s är inbjuden till planeringsrummet %(room)s sedan %(date)s men har inte "
                "svarat."
            )
            % values,
        )
    starts = i18n.format_datetime(row.due_at, "long") if row.due_at is not None else ""
    values = {"org": org, "meeting": row.title, "when": starts}
    return (
        _("Påminnelse: svara på inbjudan till %(meeting)s") % values,
        _("Ingen från %(org)s har svarat på inbjudan till mötet %(meeting)s, %(when)s.") % values,
    )


def _due(row: OwedRow, overdue: bool) -> str:
    if row.owed is Owed.DELIVERABLES:
        if overdue:
            return _("Sista dag var %(date)s.") % {"date": _day(row)}
        return _("Sista dag: %(date)s.") % {"date": _day(row)}
    if row.owed is Owed.STATEMENT:
        return _("Sista dag för yttrandet: %(date)s.") % {"date": _day(row)}
    return ""


def _action(row: OwedRow) -> str:
    return {
        Owed.DELIVERABLES: _("Lämna underlagen i Partnerportalen"),
        Owed.STATEMENT: _("Lämna yttrandet i Partnerportalen"),
        Owed.ROOM_ANSWER: _("Svara på inbjudan i Partnerportalen"),
        Owed.MEETING_ANSWER: _("Svara på mötesinbjudan i Partnerportalen"),
    }[row.owed]


def context(
    row: OwedRow,
    *,
    name: str,
    steps: list[Step],
    settings: Settings,
    first_reminded_at: datetime | None,
) -> dict[str, Any]:
    """What the owed-reminder templates need; call with the mail's language set."""
    overdue = Step.OVERDUE in steps
    subject, lead = _subject_and_lead(row, overdue)
    escalation = ""
    if Step.ESCALATED in steps and first_reminded_at is not None:
        escalation = _(
            "Du får den här påminnelsen eftersom ingen från %(org)s har svarat sedan den första "
            "påminnelsen %(date)s."
        ) % {"org": row.organisation_name, "date": i18n.format_date(first_reminded_at)}
    return {
        "name": name,
        "subject": subject,
        "lead": lead,
        "due": _due(row, overdue),
        "escalation": escalation,
        "action": _action(row),
        "url": settings.absolute_url(link(row)),
    }
