"""`partner-portal worker --once` as an operator runs it for an exercise: a real process through
the real entry point, its clock started by PORTAL_NOW a week ahead, sends exactly the reminders
due then to a real SMTP server, and a second run sends nothing more."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from partner_portal.actions.service import ActionInput
from partner_portal.mail.preference_models import DigestFrequency, MailPreference
from partner_portal.meetings import scheduling
from partner_portal.meetings.models import Rsvp
from partner_portal.platform import clock
from tests.helpers import BASE_URL, Persona, as_current
from tests.meetings.conftest import World
from tests.meetings.factories import answer, decide, meeting_input
from tests.meetings.test_reminders import clear_outbox
from tests.smtp import SmtpServer, running_smtp
from tests.test_cli import run

pytestmark = pytest.mark.slow


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with running_smtp() as server:
        yield server


async def meeting_at(
    db: AsyncSession,
    app: Starlette,
    coordinator: Persona,
    starts_at: datetime,
    title: str,
    *organisation_ids: int,
) -> int:
    """A meeting of an hour from exactly ``starts_at`` (not a wall-clock time: the test's clock
    may start at any time of day)."""
    portal = app.state.portal
    data = replace(
        meeting_input(*organisation_ids, title=title),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
    )
    return await scheduling.create_meeting(
        db,
        actor=as_current(coordinator, coordinator=True),
        data=data,
        settings=portal.settings,
        env=portal.templates.env,
    )


async def worker_once(
    database_url: str, data_dir: Path, smtp: SmtpServer, now: datetime | None
) -> tuple[int, str, str]:
    env = {
        # A checkout run without installing it (PYTHONPATH) runs its own code here too.
        **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"},
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_DATA_DIR": str(data_dir),
        "PORTAL_BASE_URL": BASE_URL,
        "PORTAL_SMTP_HOST": smtp.host,
        "PORTAL_SMTP_PORT": str(smtp.port),
    }
    if now is not None:
        env["PORTAL_NOW"] = now.astimezone(clock.TIMEZONE).isoformat()  # with its offset
    return await run(["worker", "--once"], env)


def mails(smtp: SmtpServer) -> list[tuple[tuple[str, ...], str]]:
    """Who got what (a meeting reminder's subject up to its date)."""
    return sorted((m.recipients, m.subject.split(",")[0]) for m in smtp.received)


async def test_worker_once_with_portal_now_a_week_ahead_sends_what_is_due_then_once(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
    smtp: SmtpServer,
    database_url: str,
    tmp_path: Path,
    portal_clock: datetime,
) -> None:
    start = portal_clock
    week = start + timedelta(days=7)
    week_day = clock.swedish_date(week)
    # Due a week on: the reminder of a meeting two hours later, the late minutes of one held
    # five days before, an action overdue since two days.
    reminded = await meeting_at(
        db, app, alice, week + timedelta(hours=2), "Lägesbild", world.byggen, world.upplev
    )
    await meeting_at(db, app, alice, start + timedelta(days=2), "Avstämning el", world.byggen)
    await decide(
        db,
        alice,
        reminded,
        "Byggen inventerar.",
        ActionInput("Inventera tankar", "", world.byggen, bob.id, week_day - timedelta(days=2)),
    )
    # Not yet due then: a meeting more than 24 hours later, an action due that very day.
    later = await meeting_at(
        db, app, alice, week + timedelta(hours=26), "Nästa lägesbild", world.byggen
    )
    await decide(
        db,
        alice,
        reminded,
        "Upplev ser över.",
        ActionInput("Se över listan", "", world.upplev, world.dave.id, week_day),
    )
    # Both have answered (yes: still reminded the day before), so no deadline reminder asks
    # them to answer (partner_portal.followthrough; tested in tests/followthrough).
    await answer(db, bob, reminded, Rsvp.YES)
    await answer(db, world.dave, reminded, Rsvp.YES)
    await answer(db, bob, later, Rsvp.YES)
    await clear_outbox(db)  # the invitations: only what the worker finds due counts here
    # Nobody takes digests here: the weekly one goes on Mondays from 07:00, and the test's clock
    # runs at the time of day the suite does (digests have their own tests, tests/digests).
    for person in (alice, bob, world.dave):
        db.add(MailPreference(person_id=person.id, digest_frequency=DigestFrequency.NONE))
    await db.commit()

    # Today nothing is due. On the real clock, unless PORTAL_TEST_TODAY moved the suite's
    # clock (the real day may then be years from the test's): then at the test's own start.
    today = start if os.environ.get("PORTAL_TEST_TODAY", "").strip() else None
    status, out, err = await worker_once(database_url, tmp_path, smtp, today)
    assert status == 0, err
    assert "emails sent: 0" in out
    assert smtp.received == []

    status, out, err = await worker_once(database_url, tmp_path, smtp, week)
    assert status == 0, err
    assert "PORTAL_NOW is set: the portal's clock started at" in err
    assert "reminders: 1 meeting(s), 1 late minutes, 1 overdue action(s)" in out
    assert "emails sent: 4" in out
    assert mails(smtp) == sorted(
        [
            ((bob.email,), "Påminnelse: Lägesbild"),
            ((world.dave.email,), "Påminnelse: Lägesbild"),
            ((alice.email,), "Protokoll saknas: Avstämning el"),
            ((bob.email,), "Försenad åtgärd: Inventera tankar"),
        ]
    )

    status, out, err = await worker_once(database_url, tmp_path, smtp, week)
    assert status == 0, err
    assert "reminders: 0 meeting(s), 0 late minutes, 0 overdue action(s)" in out
    assert "emails sent: 0" in out
    assert len(smtp.received) == 4
