"""One round of digests for 5,000 people in 200 rooms against bare SQL of the same selection.

Builds a fresh, migrated database (SQLite, and PostgreSQL unless left out), loads 1,000
organisations with 5 people each, 200 rooms of ~25 organisations, and a week of what a digest
tells — a new plan version per room, replies in threads people wrote in, remisser, meetings,
actions due and deliverables returned — then times, in interleaved rounds through the portal's
own engine:

- **bare SQL**: the same selection written by hand, one statement per kind joining each person
  to what is theirs (``membership → participation → …``), rows fetched, nothing else;
- **reads**: ``digests.service.read_batch`` and ``content.Picker`` for every due person (what the
  job reads and picks, without rendering or writing);
- **whole run**: ``digests.service.send_due`` — reads, picks, renders every mail, writes the
  markers, links and outbox rows (undone after each round, outside the timing).

and prints, per step, the median and the spread (min–max) over the rounds, the ratio to the
bare SQL's median, and the number of statements each executed (no statement per person).

    .venv/bin/python -m bench.digests [--people 5000] [--rooms 200]
                                      [--databases sqlite,postgresql] [--rounds 5]

See bench/README.md for how to read it and the figures measured.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

import partner_portal.models
import partner_portal.words  # noqa: F401  (every feature's words, before anything renders)
from partner_portal.actions.models import Action
from partner_portal.auth.models import Person
from partner_portal.consultations.models import Consultation, ConsultationRecipient
from partner_portal.digests import queries, service
from partner_portal.digests.content import Picker, window
from partner_portal.digests.models import DigestSent
from partner_portal.evidence.models import Process
from partner_portal.followthrough import queries as followthrough_queries
from partner_portal.followthrough import rules
from partner_portal.followthrough import service as followthrough
from partner_portal.mail.models import OutboxMessage
from partner_portal.mail.preference_models import DigestFrequency, UnsubscribeLink
from partner_portal.meetings.models import Meeting, MeetingOrganisation
from partner_portal.organisations.models import Membership, Organisation
from partner_portal.plans.models import Plan, PlanComment, PlanSection, PlanVersion
from partner_portal.platform import clock
from partner_portal.platform.db import create_engine, session_factory
from partner_portal.platform.migrate import upgrade
from partner_portal.platform.resources import resource_dir
from partner_portal.platform.settings import load_settings
from partner_portal.platform.templating import create_environment
from partner_portal.reminders.models import ReminderSent
from partner_portal.rooms.models import (
    ItemProgress,
    Participation,
    Room,
    RoomItem,
    RoomPhase,
)

POSTGRES_ADMIN = os.environ.get(
    "PORTAL_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
SEED = 20261207
MONDAY = date(2026, 12, 7)  # a Monday: weekly digests are due from 07:00
NOW = datetime.combine(MONDAY, wall(7, 5), tzinfo=clock.TIMEZONE).astimezone(UTC)
# The deadline reminders' round of the same morning (they go out from 08:00).
REMINDER_NOW = datetime.combine(MONDAY, wall(8, 5), tzinfo=clock.TIMEZONE).astimezone(UTC)
PER_ORGANISATION = 5
ROOMS_PER_ORGANISATION = 5
PROCESSES = list(Process)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


# --- the data --------------------------------------------------------------------------------


def rows(people: int, rooms: int, seed: int) -> dict[Any, list[dict[str, Any]]]:
    """Every table's rows, by model, deterministic for a seed."""
    rng = random.Random(seed)
    organisations = max(people // PER_ORGANISATION, 1)
    long_ago = NOW - timedelta(days=60)

    def this_week() -> datetime:
        return NOW - timedelta(seconds=rng.randrange(1, 6 * 86_400))

    data: dict[Any, list[dict[str, Any]]] = {m: [] for m in TABLES}
    data[Person] = [
        {
            "id": p,
            "oidc_issuer": "https://login.example",
            "oidc_subject": f"sub-{p}",
            "name": f"Person {p:05d}",
            "email": f"p{p}@example.se",
            "email_verified": True,
            "is_active": True,
            "created_at": long_ago,
        }
        for p in range(1, people + 1)
    ]
    data[Organisation] = [
        {
            "id": o,
            "name": f"Organisation {o:04d}",
            "name_key": f"organisation {o:04d}",
            "sort_key": f"organisation {o:04d}",
            "kind": "ovrig",
            "is_active": True,
            "created_at": long_ago,
        }
        for o in range(1, organisations + 1)
    ]
    data[Membership] = [
        {
            "id": p,
            "person_id": p,
            "organisation_id": (p - 1) // PER_ORGANISATION + 1,
            "role": "member",
            "is_deputy": False,
            "created_at": long_ago,
        }
        for p in range(1, people + 1)
    ]
    members: dict[int, list[int]] = {}
    for m in data[Membership]:
        members.setdefault(m["organisation_id"], []).append(m["person_id"])
    in_room: dict[int, list[int]] = {r: [] for r in range(1, rooms + 1)}
    for o in range(1, organisations + 1):
        for r in rng.sample(range(1, rooms + 1), min(ROOMS_PER_ORGANISATION, rooms)):
            in_room[r].append(o)
    participation_id = comment_id = action_id = 0
    for r in range(1, rooms + 1):
        data[Room].append(
            {
                "id": r,
                "name": f"Rum {r:03d}",
                "process": PROCESSES[r % len(PROCESSES)].value,
                "starts_on": MONDAY - timedelta(days=90),
                "ends_on": MONDAY + timedelta(days=200),
                "current_position": 1,
                "is_closed": False,
                "created_at": long_ago,
            }
        )
        data[RoomPhase].append({"id": r, "room_id": r, "position": 1, "title": "Fas"})
        data[RoomItem].append(
            {
                "id": r,
                "room_id": r,
                "phase_id": r,
                "position": 1,
                "title": "Underlag",
                "kind": "checklist",
            }
        )
        data[Plan].append(
            {"id": r, "room_id": r, "title": f"Plan {r}", "latest_version": 2,
             "created_at": long_ago, "draft_updated_at": long_ago}
        )  # fmt: skip
        data[PlanSection].append(
            {"id": r, "plan_id": r, "key": "a1", "position": 1, "heading": "Ansvar"}
        )
        data[PlanVersion] += [
            {"id": 2 * r - 1, "plan_id": r, "number": 1, "title": "v1", "published_at": long_ago},
            {"id": 2 * r, "plan_id": r, "number": 2, "title": "v2", "published_at": this_week()},
        ]
        if r % 4 == 0:
            data[Consultation].append(
                {"id": r, "room_id": r, "plan_id": r, "version_id": 2 * r,
                 "deadline": MONDAY + timedelta(days=rng.randrange(3, 30)),
                 "opened_at": this_week(), "opened_by": 1}
            )  # fmt: skip
        if r % 2 == 0:
            data[Meeting].append(
                {"id": r, "uid": f"m{r}", "room_id": r, "title": f"Möte {r}",
                 "starts_at": NOW + timedelta(hours=rng.randrange(2, 150)),
                 "ends_at": NOW + timedelta(hours=160), "organiser_id": 1,
                 "created_at": long_ago, "updated_at": long_ago}
            )  # fmt: skip
        for o in in_room[r]:
            participation_id += 1
            data[Participation].append(
                {"id": participation_id, "room_id": r, "organisation_id": o,
                 "status": "accepted", "invited_at": long_ago}
            )  # fmt: skip
            if r % 4 == 0:
                data[ConsultationRecipient].append(
                    {"id": participation_id, "consultation_id": r, "organisation_id": o}
                )
            if r % 2 == 0:
                data[MeetingOrganisation].append(
                    {"id": participation_id, "meeting_id": r, "organisation_id": o,
                     "invited_at": long_ago}
                )  # fmt: skip
            if rng.random() < 0.4:
                action_id += 1
                data[Action].append(
                    {"id": action_id, "title": f"Åtgärd {action_id}", "organisation_id": o,
                     "due_on": MONDAY + timedelta(days=rng.randrange(0, 7)), "status": "open",
                     "source_type": "room_phase", "source_id": r, "source_link": "/",
                     "room_id": r, "created_at": long_ago, "updated_at": long_ago}
                )  # fmt: skip
            if rng.random() < 0.1:
                data[ItemProgress].append(
                    {"id": participation_id, "room_id": r, "item_id": r, "organisation_id": o,
                     "status": "returned", "classification": "internal", "note": "",
                     "updated_at": this_week(), "reviewed_at": this_week(),
                     "review_comment": "Komplettera"}
                )  # fmt: skip
            # One person of the organisation wrote in the room's plan; some were answered.
            author = rng.choice(members[o])
            comment_id += 1
            root = comment_id
            data[PlanComment].append(
                {"id": root, "plan_id": r, "section_id": r, "parent_id": None, "version_number": 1,
                 "author_id": author, "organisation_id": o, "body": "Synpunkt",
                 "created_at": long_ago}
            )  # fmt: skip
            if rng.random() < 0.3:
                comment_id += 1
                data[PlanComment].append(
                    {"id": comment_id, "plan_id": r, "section_id": r, "parent_id": root,
                     "version_number": 2, "author_id": 1, "organisation_id": None, "body": "Svar",
                     "created_at": this_week()}
                )  # fmt: skip
    return data


TABLES: tuple[Any, ...] = (
    Person, Organisation, Membership, Room, RoomPhase, RoomItem, Participation, Plan,
    PlanSection, PlanVersion, PlanComment, Consultation, ConsultationRecipient, Meeting,
    MeetingOrganisation, Action, ItemProgress,
)  # fmt: skip


async def load(engine: AsyncEngine, data: dict[Any, list[dict[str, Any]]]) -> None:
    async with engine.begin() as connection:
        for model in TABLES:
            if data[model]:
                await connection.execute(sa.insert(model), data[model])
        if engine.dialect.name == "postgresql":
            for model in TABLES:  # the ids were given: move each sequence past them
                table = model.__tablename__
                await connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.exec_driver_sql("ANALYZE")


# --- the work --------------------------------------------------------------------------------

# The same selection by hand: each kind joined to the people it concerns (their acting
# memberships, their organisations' visible rooms), since the week before the round.
_MINE = """
    FROM membership m
    JOIN organisation o ON o.id = m.organisation_id AND o.is_active
    JOIN participation pa ON pa.organisation_id = m.organisation_id
         AND pa.status IN ('invited', 'accepted')
"""
BARE = (
    f"SELECT m.person_id, v.id {_MINE} JOIN plan pl ON pl.room_id = pa.room_id "
    "JOIN plan_version v ON v.plan_id = pl.id WHERE m.ended_at IS NULL AND v.published_at > :since",
    "SELECT t.author_id, r.id FROM plan_comment r "
    "JOIN plan_comment t ON t.id = r.parent_id OR t.parent_id = r.parent_id "
    "WHERE r.parent_id IS NOT NULL AND r.created_at > :since AND t.author_id <> r.author_id",
    f"SELECT m.person_id, c.id {_MINE} JOIN consultation_recipient cr "
    "ON cr.organisation_id = m.organisation_id AND cr.consultation_id IN "
    "(SELECT id FROM consultation WHERE room_id = pa.room_id) "
    "JOIN consultation c ON c.id = cr.consultation_id "
    "WHERE m.ended_at IS NULL AND c.opened_at > :since",
    "SELECT m.person_id, mt.id FROM membership m "
    "JOIN meeting_organisation mo ON mo.organisation_id = m.organisation_id "
    "JOIN meeting mt ON mt.id = mo.meeting_id WHERE m.ended_at IS NULL "
    "AND mt.cancelled_at IS NULL AND mt.starts_at > :now AND mt.starts_at <= :until",
    "SELECT m.person_id, a.id FROM membership m JOIN action a "
    "ON a.organisation_id = m.organisation_id WHERE m.ended_at IS NULL "
    "AND a.status <> 'done' AND a.due_on BETWEEN :today AND :last",
    "SELECT m.person_id, ip.id FROM membership m JOIN item_progress ip "
    "ON ip.organisation_id = m.organisation_id WHERE m.ended_at IS NULL "
    "AND ip.status = 'returned' AND ip.reviewed_at > :since",
)


@dataclass
class Step:
    name: str
    times: list[float] = field(default_factory=list)
    statements: int = 0
    result: str = ""


class Work:
    def __init__(self, engine: AsyncEngine, directory: Path) -> None:
        self.engine = engine
        self.sessions = session_factory(engine)
        self.env = create_environment(resource_dir("templates"))
        self.settings = load_settings(
            {
                "PORTAL_DATA_DIR": str(directory),
                "PORTAL_DATABASE_URL": str(engine.url),
                "PORTAL_SECRET_KEY": "bench-secret-" + "x" * 40,
                "PORTAL_BASE_URL": "https://partnerportalen.example",
            }
        )

    async def bare(self) -> str:
        span = {
            "since": NOW - 7 * DAY,
            "now": NOW,
            "until": NOW + 7 * DAY,
            "today": MONDAY,
            "last": MONDAY + 7 * DAY,
        }
        found = 0
        async with self.engine.connect() as connection:
            for sql in BARE:
                names = [n for n in span if f":{n}" in sql]
                result = await connection.execute(sa.text(sql), {n: span[n] for n in names})
                found += len(result.all())
        return f"{found:,} (person, item) rows"

    async def reads(self) -> str:
        async with self.sessions() as db:
            readers = await queries.due_readers(
                db,
                period=MONDAY,
                frequencies={DigestFrequency.DAILY, DigestFrequency.WEEKLY},
                after_id=0,
                limit=1_000_000,
            )
            windows = {r.id: window(r, NOW) for r in readers}
            picker = Picker(await service.read_batch(db, readers, windows, NOW))
            items = sum(
                len(g.versions) + len(g.replies) + len(g.remisser) + len(g.meetings)
                + len(g.actions) + len(g.returned)
                for r in readers
                for g in picker.groups(r, windows[r.id])
            )  # fmt: skip
        return f"{len(readers):,} readers, {items:,} items"

    async def run(self) -> str:
        async with self.sessions() as db:
            sent = await service.send_due(db, settings=self.settings, env=self.env, now=NOW)
        return f"{sent.mailed:,} mailed, {sent.empty:,} empty"

    async def owed(self) -> str:
        async with self.sessions() as db:
            rows = await followthrough_queries.owed(db, now=REMINDER_NOW)
            due = sum(1 for row in rows if rules.due_steps(row, REMINDER_NOW))
        return f"{len(rows):,} owed, {due:,} due"

    async def reminders(self) -> str:
        async with self.sessions() as db:
            sent = await followthrough.send_due(
                db, settings=self.settings, env=self.env, now=REMINDER_NOW
            )
        return f"{sent:,} reminders"

    async def undo(self) -> None:
        async with self.engine.begin() as connection:
            for model in (OutboxMessage, UnsubscribeLink, DigestSent, ReminderSent):
                await connection.execute(sa.delete(model))


async def timed(engine: AsyncEngine, step: Step, work: Callable[[], Awaitable[str]]) -> None:
    count = 0

    def counted(*_args: Any) -> None:
        nonlocal count
        count += 1

    event.listen(engine.sync_engine, "before_cursor_execute", counted)
    try:
        started = time.perf_counter()
        step.result = await work()
        step.times.append((time.perf_counter() - started) * 1000)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", counted)
    step.statements = count


async def measure(engine: AsyncEngine, directory: Path, rounds: int) -> None:
    work = Work(engine, directory)
    steps = [
        (Step("bare SQL, one statement per kind"), work.bare),
        (Step("reads + pick (read_batch, Picker)"), work.reads),
        (Step("whole run (send_due: + render, write)"), work.run),
        (Step("deadline reminders: who owes what"), work.owed),
        (Step("deadline reminder run (send_due)"), work.reminders),
    ]
    await work.run()  # warm-up: templates compiled, caches filled
    await work.undo()
    for _ in range(rounds):  # interleaved, so load on the machine falls on every step alike
        for step, run in steps:
            await timed(engine, step, run)
            if run in (work.run, work.reminders):
                await work.undo()
    bare = statistics.median(steps[0][0].times)
    print(f"      {'':40} {'median ms':>10} {'min–max ms':>17} {'× bare':>7} {'stmts':>6}")
    for step, _run in steps:
        median = statistics.median(step.times)
        spread = f"{min(step.times):.0f}–{max(step.times):.0f}"
        print(
            f"      {step.name:40} {median:10.0f} {spread:>17} {median / bare:7.2f} "
            f"{step.statements:6}   {step.result}"
        )


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def run(kind: str, data: dict[Any, list[dict[str, Any]]], rounds: int) -> None:
    print(f"\n=== {kind} ===")
    with tempfile.TemporaryDirectory(prefix="bench-digests-") as directory:
        name = f"bench_digests_{uuid.uuid4().hex[:10]}"
        if kind == "sqlite":
            url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        else:
            asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
            base = POSTGRES_ADMIN.rsplit("/", 1)[0]
            url = f"{base.replace('postgresql://', 'postgresql+asyncpg://')}/{name}"
        try:
            upgrade(url)
            engine = create_engine(url)

            async def go() -> None:
                try:
                    started = time.perf_counter()
                    await load(engine, data)
                    print(f"  load: {time.perf_counter() - started:.1f} s")
                    await measure(engine, Path(directory), rounds)
                finally:
                    await engine.dispose()

            asyncio.run(go())
        finally:
            if kind == "postgresql":
                asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.digests")
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--rooms", type=int, default=200)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    kinds = [d.strip() for d in args.databases.split(",") if d.strip()]
    if unknown := set(kinds) - {"sqlite", "postgresql"}:
        parser.error(f"unknown database: {', '.join(sorted(unknown))}")
    if args.people < 1 or args.rooms < 1 or args.rounds < 1:
        parser.error("--people, --rooms and --rounds must be positive")
    clock.freeze(NOW)
    data = rows(args.people, args.rooms, args.seed)
    print(
        f"{len(data[Person]):,} people in {len(data[Organisation]):,} organisations, "
        f"{len(data[Room])} rooms, {len(data[Participation]):,} participations, "
        f"{len(data[PlanComment]):,} comments, {len(data[Action]):,} actions; "
        f"the round at {NOW.astimezone(clock.TIMEZONE):%Y-%m-%d %H:%M} Swedish time"
    )
    for kind in kinds:
        run(kind, data, args.rounds)


if __name__ == "__main__":
    main()
