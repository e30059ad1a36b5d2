"""Reminding organisations of what they owe: the deadline reminders the job sends, and a
coordinator's "Påminn".

Each reminder is claimed first, by inserting its sent-marker with ``ON CONFLICT DO NOTHING``
(unique per organisation × thing × step): only the round whose insert went in writes the mail,
in the same transaction, so two rounds or two workers at once never send one twice, and a round
that fails sends nothing and is tried again. Side effects of both entry points: sent-markers and
outbox rows (and, by hand, an audit event each); they commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import sqlalchemy as sa
from jinja2 import Environment
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.audit.models import AuditAction
from partner_portal.audit.service import record
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.evidence.models import Process
from partner_portal.followthrough import mails, queries, rules
from partner_portal.followthrough.queries import OwedRow, Person
from partner_portal.mail import facade as mail
from partner_portal.mail import preferences
from partner_portal.mail.preference_models import MailCategory
from partner_portal.organisations.models import Organisation
from partner_portal.platform.settings import Settings
from partner_portal.reminders.models import ReminderSent, Step


@dataclass(frozen=True, slots=True)
class _Claim:
    row: OwedRow
    steps: list[Step]
    recipients: list[Person]
    serial: int = 0


def _recipients(people: Sequence[Person], row: OwedRow, *, everyone: bool) -> list[Person]:
    """The organisation's main contacts; with ``everyone`` (escalation) also its deputy and
    other members. Without a main contact who has an address, everyone."""
    theirs = [p for p in people if p.organisation_id == row.organisation_id]
    if everyone:
        return theirs
    return [p for p in theirs if p.main_contact] or theirs


async def _claim(
    db: AsyncSession, claims: Sequence[_Claim], *, now: datetime, by: int | None
) -> set[tuple[str, Step]]:
    """Insert the sent-markers in one statement; those already there (another round's) are
    left alone. A claim with no one to write to (no one acting for the organisation has an
    address, or all turned reminders off) gets none: its step is not taken as sent, and goes
    out at a later round while it is still due, once someone is there. Returns the (row key,
    step) pairs this call inserted."""
    values = [
        {
            "organisation_id": c.row.organisation_id,
            "owed": c.row.owed.value,
            "subject_id": c.row.subject_id,
            "step": step.value,
            "serial": c.serial,
            "room_id": c.row.room_id,
            "sent_at": now,
            "sent_by": by,
            "recipients": len(c.recipients),
        }
        for c in claims
        if c.recipients
        for step in c.steps
    ]
    if not values:
        return set()
    dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    table = ReminderSent.__table__  # type: ignore[attr-defined]
    statement: Any = (
        dialect.insert(table)
        .values(values)
        .on_conflict_do_nothing()
        .returning(table.c.organisation_id, table.c.owed, table.c.subject_id, table.c.step)
    )
    inserted = await db.execute(statement)
    return {(f"{r.owed}:{r.subject_id}:{r.organisation_id}", Step(r.step)) for r in inserted}


def _messages(
    env: Environment,
    settings: Settings,
    claim: _Claim,
    steps: list[Step],
    tokens: Mapping[int, str],
) -> list[tuple[mail.Message, tuple[str, int] | None]]:
    """The reminder to each of the claim's recipients, rendered in their language; with the
    link that turns reminders off for its reader (List-Unsubscribe, RFC 8058) when ``tokens``
    has one for them (automatic reminders)."""
    row = claim.row
    first = row.first_reminded_at
    messages: list[tuple[mail.Message, tuple[str, int] | None]] = []
    for person in claim.recipients:
        token = tokens.get(person.person_id)
        message = mail.render(
            env,
            "owed-reminder",
            to=mail.Recipient(person.email, person.language),
            context=partial(
                mails.context,
                row,
                name=person.name,
                steps=steps,
                settings=settings,
                first_reminded_at=first,
            ),
            headers=preferences.list_headers(settings, token) if token else (),
        )
        messages.append((message, ("organisation", row.organisation_id)))
    return messages


async def _write(
    db: AsyncSession,
    env: Environment,
    settings: Settings,
    written: Sequence[tuple[_Claim, list[Step]]],
    *,
    unsubscribe: bool,
) -> None:
    """Every reminder of ``written`` into the outbox: one INSERT for the unsubscribe links (an
    automatic round's, ``unsubscribe``) and one for the mail, however many there are."""
    tokens: Mapping[int, str] = {}
    if unsubscribe:
        readers = {p.person_id for claim, _steps in written for p in claim.recipients}
        tokens = await preferences.new_links(db, readers, MailCategory.REMINDER)
    await mail.send_many(
        db,
        [m for claim, steps in written for m in _messages(env, settings, claim, steps, tokens)],
    )


async def send_due(db: AsyncSession, *, settings: Settings, env: Environment, now: datetime) -> int:
    """Every automatic reminder due at ``now`` (see partner_portal.followthrough.rules), each
    once. Three statements and the outbox rows, whatever the number of organisations. Returns
    how many reminders (organisation × thing) were written."""
    due = [
        (row, steps)
        for row in await queries.owed(db, now=now)
        if (steps := rules.due_steps(row, now))
    ]
    if not due:
        await db.rollback()
        return 0
    people = await queries.people(db, {row.organisation_id for row, _steps in due})
    # Those who turned reminders off get none; if all of an organisation's main contacts did,
    # its other members are reminded in their place (the organisation still owes the answer).
    off = await preferences.turned_off(db, [p.person_id for p in people], MailCategory.REMINDER)
    people = [p for p in people if p.person_id not in off]
    claims = [
        _Claim(
            row,
            steps,
            _recipients(people, row, everyone=row.escalated or Step.ESCALATED in steps),
        )
        for row, steps in due
    ]
    won = await _claim(db, claims, now=now, by=None)
    written = [
        (claim, steps)
        for claim in claims
        if (steps := [s for s in claim.steps if (claim.row.key, s) in won])
    ]
    await _write(db, env, settings, written, unsubscribe=True)
    await db.commit()
    return len(written)


@dataclass(frozen=True, slots=True)
class Reminded:
    """What a coordinator's "Påminn" did: rows reminded, rows refused (reminded by hand
    within the last 24 hours, or no longer owed), and rows whose organisation has no one with
    an address to remind."""

    sent: int
    refused: int
    unreachable: int = 0


def parse_key(key: str) -> tuple[str, int, int] | None:
    """A row's key (``owed:subject:organisation``) as its parts, or None."""
    parts = key.split(":")
    if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    return parts[0], int(parts[1]), int(parts[2])


async def remind(
    db: AsyncSession,
    *,
    actor: CurrentPerson,
    keys: Sequence[str],
    settings: Settings,
    env: Environment,
    now: datetime,
) -> Reminded:
    """Remind the organisations of the chosen rows now, by hand: at most once a day per row.
    Rows no longer owed (answered meanwhile) are refused, not an error; rows whose organisation
    has no one with an address are counted apart (``unreachable``)."""
    wanted = {k for k in keys if parse_key(k) is not None}
    organisation_ids = {p[2] for k in wanted if (p := parse_key(k)) is not None}
    if not wanted:
        return Reminded(0, len(keys))
    # PostgreSQL: two coordinators clicking at once wait for each other here (SQLite already
    # serialises writers); the sent-markers' unique day settles the rest.
    await db.execute(
        sa.select(col(Organisation.id))
        .where(col(Organisation.id).in_(organisation_ids))
        .with_for_update()
    )
    rows = list(await queries.owed(db, now=now, organisation_ids=organisation_ids))
    chosen = [r for r in rows if r.key in wanted]
    allowed = [r for r in chosen if rules.manual_allowed(r, now)]
    people = await queries.people(db, {r.organisation_id for r in allowed})
    claims = [
        _Claim(
            r,
            [Step.MANUAL],
            _recipients(people, r, everyone=r.escalated),
            serial=rules.manual_serial(now),
        )
        for r in allowed
    ]
    won = await _claim(db, claims, now=now, by=actor.id)
    written = [(claim, [Step.MANUAL]) for claim in claims if (claim.row.key, Step.MANUAL) in won]
    # A coordinator's own "Påminn" is a message from a person, not a subscription: it goes
    # whatever the reader chose for automatic reminders.
    await _write(db, env, settings, written, unsubscribe=False)
    for claim, _steps in written:
        record(
            db,
            AuditAction.REMINDER_SENT,
            actor_id=actor.id,
            object_type=claim.row.owed.value,
            object_id=claim.row.subject_id,
            organisation_id=claim.row.organisation_id,
            recipients=len(claim.recipients),
        )
    await db.commit()
    sent, unreachable = len(written), sum(1 for c in claims if not c.recipients)
    return Reminded(sent, len(wanted) - sent - unreachable, unreachable)


async def waiting(db: AsyncSession, *, now: datetime, process: Process | None) -> list[OwedRow]:
    """The rows of "Väntar på svar" (optionally of one process)."""
    return await queries.owed(db, now=now, processes=None if process is None else [process])
