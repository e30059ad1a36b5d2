"""When a reminder is due: pure rules over one owed row and the instant, in Swedish time.

- Deliverables of a phase with a deadline: 7 days before, 1 day before (or on the day), and once
  when overdue (within a week after the deadline; later, the coordinator's "Väntar på svar").
- A remiss statement: from 3 days before the last day, until the last day.
- A room invitation: unanswered 7 days after it was sent.
- A meeting: no one of the organisation has answered, 2 days before it starts.
- Escalation, once: still owed 3 days after the first reminder (1 day for a meeting, which
  would otherwise have begun), the reminder goes to the deputy and the other members too.

Reminders go out in the daytime, 08:00–20:00 in Stockholm (a round at night waits until the
morning), never within a day of the organisation being asked, and only the latest step that is
due: a round that finds both the week's and the day's reminder due sends the day's.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from partner_portal.followthrough.queries import OwedRow
from partner_portal.platform import clock
from partner_portal.reminders.models import Owed, Step

DAYTIME = (time(8, 0), time(20, 0))
QUIET_AFTER_ASKING = timedelta(days=1)
# Counted in Swedish calendar days, so a reminder due "3 days after" goes at the same local
# hour whether or not the clocks were changed in between.
ESCALATE_AFTER_DAYS = 3
ESCALATE_MEETING_AFTER_DAYS = 1
OVERDUE_FOR = 7  # days after a phase deadline that the overdue reminder may still go
ROOM_ANSWER_AFTER_DAYS = 7
STATEMENT_DAYS_BEFORE = 3
MEETING_DAYS_BEFORE = 2
MANUAL_INTERVAL = timedelta(hours=24)


def daytime(now: datetime) -> bool:
    local = now.astimezone(clock.TIMEZONE).time()
    return DAYTIME[0] <= local < DAYTIME[1]


def due_steps(row: OwedRow, now: datetime) -> list[Step]:
    """The steps to send about ``row`` at ``now`` (none, one, or a step and the escalation,
    which then go as one mail to everyone)."""
    if not daytime(now) or now - row.asked_at < QUIET_AFTER_ASKING:
        return []
    steps: list[Step] = []
    step = _regular_step(row, now)
    if step is not None and step not in row.steps:
        steps.append(step)
    if _escalation_due(row, now):
        steps.append(Step.ESCALATED)
    return steps


def _regular_step(row: OwedRow, now: datetime) -> Step | None:
    today = clock.swedish_date(now)
    if row.owed is Owed.DELIVERABLES and row.due_on is not None:
        days_left = (row.due_on - today).days
        if days_left < 0:
            return Step.OVERDUE if -days_left <= OVERDUE_FOR else None
        if days_left <= 1:
            return Step.DAY_BEFORE
        return Step.WEEK_BEFORE if days_left <= 7 else None
    if row.owed is Owed.STATEMENT and row.due_on is not None:
        days_left = (row.due_on - today).days
        return Step.BEFORE if 0 <= days_left <= STATEMENT_DAYS_BEFORE else None
    if row.owed is Owed.ROOM_ANSWER:
        waited = (today - clock.swedish_date(row.asked_at)).days
        return Step.UNANSWERED if waited >= ROOM_ANSWER_AFTER_DAYS else None
    if row.owed is Owed.MEETING_ANSWER and row.due_at is not None:
        days_left = (clock.swedish_date(row.due_at) - today).days
        return Step.BEFORE if row.due_at > now and days_left <= MEETING_DAYS_BEFORE else None
    return None


def _escalation_due(row: OwedRow, now: datetime) -> bool:
    if row.escalated or row.first_reminded_at is None:
        return False
    waited = (clock.swedish_date(now) - clock.swedish_date(row.first_reminded_at)).days
    if row.owed is Owed.MEETING_ANSWER:
        return waited >= ESCALATE_MEETING_AFTER_DAYS and row.due_at is not None and row.due_at > now
    if waited < ESCALATE_AFTER_DAYS:
        return False
    if row.owed is Owed.STATEMENT and row.due_on is not None:
        return clock.swedish_date(now) <= row.due_on  # not after the last day
    return True


def manual_allowed(row: OwedRow, now: datetime) -> bool:
    """A coordinator may remind by hand once a day per organisation and thing owed."""
    return row.last_manual_at is None or now - row.last_manual_at >= MANUAL_INTERVAL


def manual_serial(now: datetime) -> int:
    """The manual reminder's day, as the sent-marker's serial: two at once cannot both go."""
    return int(now.timestamp()) // 86400
