"""The follow-up matrix and report against a bare GROUP BY over the same evidence table.

Builds a fresh, migrated database on SQLite and on PostgreSQL, bulk-loads 1,000 organisations,
200 rooms and (by default) 1,000,000 evidence rows over two years, then times — through the
portal's own engine, so driver overhead is the same on both sides — a bare
``SELECT organisation_id, process, kind, count(*) … GROUP BY`` over one year, the follow-up
matrix and the report, and prints each time beside the bare aggregate's (the ratio is the
figure), with the query plans. ``--candidates`` also measures candidate indexes and settings,
each created by hand in the benchmark database only and dropped again.

    .venv/bin/python -m bench.followup_matrix [--rows 1000000] [--databases sqlite,postgresql]
                                              [--repeat 5] [--candidates]

See bench/README.md for how to read it and the figures measured.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

import partner_portal.models  # noqa: F401  (every table on the metadata)
from partner_portal.evidence.models import EvidenceKind, Process
from partner_portal.followup import levels, queries, report, service
from partner_portal.followup.levels import Facts
from partner_portal.followup.queries import Period
from partner_portal.organisations.models import OrganisationKind
from partner_portal.platform.db import UTCDateTime, create_engine, session_factory
from partner_portal.platform.migrate import upgrade
from partner_portal.platform.text import swedish_sort_key
from partner_portal.rooms.paths import item_path, room_path

POSTGRES_ADMIN = os.environ.get(
    "PORTAL_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
SEED = 20261130
# The data covers two years up to TODAY; the period timed is the default: this calendar year.
TODAY = date(2026, 11, 30)
SPAN_FIRST = date(2024, 12, 1)
ORGANISATIONS = 1000
PERSONS = 100
ROOMS = 200
CHUNK = 50_000

K = EvidenceKind
DAY = 86_400
HOUR = 3_600


# --- the data --------------------------------------------------------------------------------

# Botkyrka's partners are a few municipal companies, foundations and collaboration bodies (the
# kinds the report asks about by default) among many others: businesses, associations, FRG.
KIND_WEIGHTS: dict[OrganisationKind, int] = {
    OrganisationKind.KOMMUNALT_BOLAG: 40,
    OrganisationKind.STIFTELSE: 40,
    OrganisationKind.SAMVERKANSORGAN: 60,
    OrganisationKind.POLIS: 5,
    OrganisationKind.RADDNINGSTJANST: 5,
    OrganisationKind.VPC: 5,
    OrganisationKind.FRG: 60,
    OrganisationKind.FORVALTNING: 40,
    OrganisationKind.ELNATSFORETAG: 25,
    OrganisationKind.VA_HUVUDMAN: 20,
    OrganisationKind.STATLIG_MYNDIGHET: 50,
    OrganisationKind.OVRIG: 650,
}
PLACES = (
    "Botkyrka", "Tumba", "Tullinge", "Alby", "Fittja", "Hallunda", "Norsborg", "Vårsta",
    "Grödinge", "Hågelby", "Eriksberg", "Storvreten", "Slagsta", "Riksten", "Skäcklinge",
    "Lida", "Älvesta", "Örby", "Södertörn", "Uttran",
)  # fmt: skip
NOUNS = (
    "Energi", "Vatten", "Omsorg", "Fastigheter", "Logistik", "Ängsgård", "Vårdcentral",
    "Förskola", "Åkeri", "Livsmedel", "Bygg", "Värme", "Idrott", "Kultur", "Hemtjänst",
    "Transport", "Elservice", "Kyrka", "Bostäder", "Äldreboende",
)  # fmt: skip
NAME_PATTERNS: dict[OrganisationKind, str] = {
    OrganisationKind.KOMMUNALT_BOLAG: "{place} {noun} AB",
    OrganisationKind.STIFTELSE: "Stiftelsen {noun} i {place}",
    OrganisationKind.SAMVERKANSORGAN: "Samverkansrådet {place} {noun}",
    OrganisationKind.POLIS: "Lokalpolisområde {place}",
    OrganisationKind.RADDNINGSTJANST: "Räddningstjänsten {place}",
    OrganisationKind.VPC: "Våldspreventivt center {place}",
    OrganisationKind.FRG: "FRG {place}",
    OrganisationKind.FORVALTNING: "{noun}förvaltningen {place}",
    OrganisationKind.ELNATSFORETAG: "{place} Elnät AB",
    OrganisationKind.VA_HUVUDMAN: "{place} VA AB",
    OrganisationKind.STATLIG_MYNDIGHET: "Myndigheten för {noun} {place}",
    OrganisationKind.OVRIG: "{noun} {place} ek. för.",
}
PHASE_TITLES: dict[Process, tuple[str, ...]] = {
    Process.NODVATTEN: ("Inventering", "Behov per plats", "Nödvattenplan", "Övning", "Avslut"),
    Process.EL_STYREL: ("Identifiera elanvändare", "Prioritering", "Länsstyrelsen", "Beslut"),
    Process.HOJD_BEREDSKAP: ("Krigsorganisation", "Säkerhetsanalys", "Övning", "Uppföljning"),
    Process.RIKTLINJER: ("Remiss", "Synpunkter", "Beslut"),
    Process.FRG: ("Rekrytering", "Utbildning", "Övning", "Utvärdering"),
}
# Rooms per process: nödvatten and STYREL are the big yearly rounds.
PROCESS_WEIGHTS: dict[Process, int] = {
    Process.NODVATTEN: 30,
    Process.EL_STYREL: 25,
    Process.HOJD_BEREDSKAP: 20,
    Process.RIKTLINJER: 15,
    Process.FRG: 10,
}
REASONS = (
    "Vi saknar resurser i år.",
    "Berörs inte av processen.",
    "Kontaktpersonen har slutat, vi återkommer.",
    "Omorganisation pågår.",
)
LATE_TRUE = json.dumps({"late": True})
LATE_FALSE = json.dumps({"late": False})
NO_REASON = json.dumps({"reason": None})
REASON_DETAILS = tuple(json.dumps({"reason": r}) for r in REASONS)
EMPTY = json.dumps({})


def _epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


@dataclass(frozen=True, slots=True)
class Phase:
    id: int
    position: int
    title: str
    deadline: date
    items: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RoomSpec:
    id: int
    name: str
    process: Process
    starts_on: date
    ends_on: date
    phases: tuple[Phase, ...]


@dataclass(frozen=True, slots=True)
class OrganisationSpec:
    id: int
    name: str
    kind: OrganisationKind
    created_at: int  # epoch seconds
    deactivated_at: int | None
    activity: float  # how often it is invited to rooms (a few are invited to nearly all)


# One evidence row, compact until it is written:
# (occurred_at epoch, organisation, person, kind, process, room, phase, item, progress, details)
Ev = tuple[
    int, int, int | None, str, str | None, int | None, int | None, int | None, int | None, str
]


@dataclass
class Dataset:
    organisations: list[OrganisationSpec]
    rooms: list[RoomSpec]
    evidence: list[Ev]  # in occurred_at order, as an append-only table fills
    persons: int = PERSONS

    def person_for(self, organisation_id: int) -> int:
        return (organisation_id * 7) % self.persons + 1


def _organisations(rng: random.Random) -> list[OrganisationSpec]:
    kinds = list(KIND_WEIGHTS)
    weights = list(KIND_WEIGHTS.values())
    first, last = _epoch(SPAN_FIRST), _epoch(TODAY)
    taken: set[str] = set()
    result: list[OrganisationSpec] = []
    for index in range(1, ORGANISATIONS + 1):
        kind = rng.choices(kinds, weights)[0]
        name = NAME_PATTERNS[kind].format(place=rng.choice(PLACES), noun=rng.choice(NOUNS))
        if name.lower() in taken:
            name = f"{name} {index}"
        taken.add(name.lower())
        # Most were registered before the data starts, some during it; a few were deactivated.
        if rng.random() < 0.92:
            created = rng.randrange(_epoch(date(2023, 1, 1)), first)
        else:
            created = rng.randrange(first, last - 60 * DAY)
        deactivated = rng.randrange(created + 30 * DAY, last) if rng.random() < 0.03 else None
        result.append(
            OrganisationSpec(index, name, kind, created, deactivated, rng.paretovariate(1.5))
        )
    return result


def _rooms(rng: random.Random) -> list[RoomSpec]:
    processes = list(PROCESS_WEIGHTS)
    weights = list(PROCESS_WEIGHTS.values())
    span = (TODAY - SPAN_FIRST).days
    rooms: list[RoomSpec] = []
    phase_id = item_id = 0
    for room_id in range(1, ROOMS + 1):
        process = rng.choices(processes, weights)[0]
        starts_on = SPAN_FIRST + timedelta(days=rng.randrange(span - 20))
        length = rng.randrange(45, 200)
        titles = PHASE_TITLES[process]
        count = rng.randint(3, len(titles))
        phases = []
        for position in range(1, count + 1):
            phase_id += 1
            items = []
            for _ in range(rng.randint(2, 4)):
                item_id += 1
                items.append(item_id)
            deadline = starts_on + timedelta(days=length * position // count)
            phases.append(Phase(phase_id, position, titles[position - 1], deadline, tuple(items)))
        name = f"{process.value} {starts_on:%Y-%m} #{room_id}"
        rooms.append(
            RoomSpec(
                room_id,
                name,
                process,
                starts_on,
                starts_on + timedelta(days=length),
                tuple(phases),
            )
        )
    return rooms


class _Story:
    """One organisation's part in one room: invited, answers, hands items in, is reviewed."""

    def __init__(self, rng: random.Random, data: Dataset, counter: Iterator[int]) -> None:
        self.rng = rng
        self.data = data
        self.progress_ids = counter
        self.limit = _epoch(TODAY + timedelta(days=1))

    def tell(self, room: RoomSpec, organisation: OrganisationSpec) -> list[Ev]:
        rng = self.rng
        org = organisation.id
        person = self.data.person_for(org)
        process = room.process.value
        events: list[Ev] = []

        def emit(
            at: int,
            kind: EvidenceKind,
            who: int | None,
            details: str,
            phase: int | None = None,
            item: int | None = None,
            progress: int | None = None,
        ) -> None:
            events.append(
                (at, org, who, kind.value, process, room.id, phase, item, progress, details)
            )

        at = _epoch(room.starts_on) + rng.randrange(7 * DAY) + 6 * HOUR
        if at < organisation.created_at:
            return []
        emit(at, K.ROOM_INVITED, None, EMPTY)
        answer = rng.random()
        if answer < 0.12:  # never answered
            return self._cut(events, organisation)
        at += rng.randrange(2 * HOUR, 20 * DAY)
        if answer < 0.27:
            emit(at, K.ROOM_DECLINED, person, rng.choice(REASON_DETAILS))
            return self._cut(events, organisation)
        emit(at, K.ROOM_ACCEPTED, person, NO_REASON)
        leaves_in = rng.randrange(len(room.phases)) if rng.random() < 0.05 else None
        completed = True
        last = at
        for index, phase in enumerate(room.phases):
            if index == leaves_in:
                emit(
                    last + rng.randrange(DAY, 10 * DAY),
                    K.ROOM_WITHDRAWN,
                    person,
                    rng.choice(REASON_DETAILS),
                )
                return self._cut(events, organisation)
            deadline = _epoch(phase.deadline + timedelta(days=1)) - HOUR  # end of its last day
            for item in phase.items:
                if rng.random() < 0.08:  # not handed in (or not applicable)
                    completed = False
                    continue
                progress = next(self.progress_ids)
                if rng.random() < 0.85:
                    handed = deadline - rng.randrange(HOUR, 25 * DAY)
                else:
                    handed = deadline + rng.randrange(HOUR, 15 * DAY)
                handed = max(handed, at + HOUR)
                emit(
                    handed,
                    K.ITEM_SUBMITTED,
                    person,
                    LATE_TRUE if handed > deadline else LATE_FALSE,
                    phase.id,
                    item,
                    progress,
                )
                if rng.random() < 0.12:  # returned with a comment, handed in again
                    handed += rng.randrange(DAY, 10 * DAY)
                    emit(handed, K.ITEM_RETURNED, None, EMPTY, phase.id, item, progress)
                    handed += rng.randrange(HOUR, 10 * DAY)
                    emit(
                        handed,
                        K.ITEM_SUBMITTED,
                        person,
                        LATE_TRUE if handed > deadline else LATE_FALSE,
                        phase.id,
                        item,
                        progress,
                    )
                if rng.random() < 0.9:
                    approved = handed + rng.randrange(HOUR, 14 * DAY)
                    emit(approved, K.ITEM_APPROVED, None, EMPTY, phase.id, item, progress)
                    last = max(last, approved)
                else:
                    completed = False
        if completed:
            emit(last + 1, K.ROOM_COMPLETED, None, EMPTY)
        return self._cut(events, organisation)

    def _cut(self, events: list[Ev], organisation: OrganisationSpec) -> list[Ev]:
        """Nothing after today, nor after the organisation was deactivated."""
        limit = min(self.limit, organisation.deactivated_at or self.limit)
        return [e for e in events if e[0] < limit]


def build_dataset(rows: int, seed: int = SEED) -> Dataset:
    """Deterministic for a seed: organisations, rooms, and exactly ``rows`` evidence rows."""
    rng = random.Random(seed)
    data = Dataset(_organisations(rng), _rooms(rng), [])
    # Evidence about the portal itself (no process): invited to the portal, accepted.
    for o in data.organisations:
        at = o.created_at + rng.randrange(DAY)
        data.evidence.append(
            (at, o.id, None, K.ORGANISATION_INVITED.value, None, None, None, None, None, EMPTY)
        )
        if rng.random() < 0.85:
            data.evidence.append(
                (
                    at + rng.randrange(HOUR, 10 * DAY),
                    o.id,
                    data.person_for(o.id),
                    K.INVITATION_ACCEPTED.value,
                    None,
                    None,
                    None,
                    None,
                    None,
                    EMPTY,
                )
            )
    # Each room invites organisations in order of a weighted random draw (some are invited to
    # nearly every room, most to a few); rooms are drawn at random until the rows are there.
    invitees = {
        room.id: sorted(
            data.organisations, key=lambda o: rng.random() ** (1 / o.activity), reverse=True
        )
        for room in data.rooms
    }
    next_invitee = dict.fromkeys(invitees, 0)
    story = _Story(rng, data, iter(range(1, 1 << 62)))
    while len(data.evidence) < rows:
        room = rng.choice(data.rooms)
        queue = invitees[room.id]
        organisation = queue[next_invitee[room.id] % len(queue)]
        next_invitee[room.id] += 1
        data.evidence.extend(story.tell(room, organisation))
    del data.evidence[rows:]
    data.evidence.sort(key=lambda e: e[0])
    return data


# --- rows as each database takes them --------------------------------------------------------

ORGANISATION_COLUMNS = (
    "id",
    "name",
    "name_key",
    "sort_key",
    "kind",
    "org_number",
    "parent_id",
    "contact_email",
    "is_active",
    "created_at",
    "deactivated_at",
)
PERSON_COLUMNS = (
    "id",
    "oidc_issuer",
    "oidc_subject",
    "name",
    "email",
    "email_verified",
    "is_active",
    "created_at",
    "last_login_at",
)
ROOM_COLUMNS = (
    "id",
    "name",
    "process",
    "template_id",
    "starts_on",
    "ends_on",
    "current_position",
    "is_closed",
    "created_at",
    "created_by",
)
PHASE_COLUMNS = ("id", "room_id", "position", "title", "description", "responsible", "deadline")
EVIDENCE_COLUMNS = (
    "id",
    "occurred_at",
    "organisation_id",
    "person_id",
    "kind",
    "process",
    "room_id",
    "phase_id",
    "object_type",
    "object_id",
    "link",
    "details",
)


def _moment(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _small_tables(data: Dataset) -> dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]]:
    """Every table but evidence, in Python values (aware datetimes, dates, bools)."""
    organisations = [
        (
            o.id,
            o.name,
            o.name.lower(),
            swedish_sort_key(o.name),
            o.kind.value,
            None,
            None,
            f"beredskap@org{o.id}.example",
            o.deactivated_at is None,
            _moment(o.created_at),
            None if o.deactivated_at is None else _moment(o.deactivated_at),
        )
        for o in data.organisations
    ]
    persons = [
        (
            p,
            "https://idp.example",
            f"person-{p}",
            f"Person {p} Öberg",
            f"person{p}@example.org",
            True,
            True,
            _moment(_epoch(date(2024, 1, 1))),
            None,
        )
        for p in range(1, data.persons + 1)
    ]
    rooms: list[tuple[Any, ...]] = []
    phases: list[tuple[Any, ...]] = []
    for r in data.rooms:
        position = sum(1 for p in r.phases if p.deadline < TODAY)
        rooms.append(
            (
                r.id,
                r.name,
                r.process.value,
                None,
                r.starts_on,
                r.ends_on,
                min(position + 1, len(r.phases)),
                r.ends_on < TODAY,
                _moment(_epoch(r.starts_on) - DAY),
                1,
            )
        )
        phases.extend((p.id, r.id, p.position, p.title, "", "", p.deadline) for p in r.phases)
    return {
        "person": (PERSON_COLUMNS, persons),
        "organisation": (ORGANISATION_COLUMNS, organisations),
        "room": (ROOM_COLUMNS, rooms),
        "room_phase": (PHASE_COLUMNS, phases),
    }


def _evidence_chunks(
    data: Dataset, moment: Callable[[int], Any]
) -> Iterator[list[tuple[Any, ...]]]:
    """Evidence rows with ids in time order, ``CHUNK`` at a time, the moment as ``moment`` makes
    it (an aware datetime for PostgreSQL, SQLAlchemy's text form for SQLite)."""
    chunk: list[tuple[Any, ...]] = []
    for number, (at, org, who, kind, process, room, phase, item, progress, details) in enumerate(
        data.evidence, start=1
    ):
        if item is not None and room is not None:
            link = item_path(room, org, item)
        elif room is not None:
            link = room_path(room)
        else:
            link = f"/organisationer/{org}"
        chunk.append(
            (
                number,
                moment(at),
                org,
                who,
                kind,
                process,
                room,
                phase,
                None if progress is None else "item_progress",
                progress,
                link,
                details,
            )
        )
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- loading ---------------------------------------------------------------------------------


def _sqlite_moment(epoch: int) -> str:
    # SQLAlchemy's SQLite DATETIME storage format, naive UTC
    # (partner_portal.platform.db.UTCDateTime).
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S.000000")


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def load_sqlite(path: Path, data: Dataset) -> None:
    """executemany in one transaction, synchronous=OFF for the load only; then ANALYZE."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-1000000")  # 1 GB for index building
        connection.execute("BEGIN")
        for table, (columns, rows) in _small_tables(data).items():
            connection.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' * len(columns))})",
                [tuple(_sqlite_value(v) for v in row) for row in rows],
            )
        insert = (
            f"INSERT INTO evidence ({', '.join(EVIDENCE_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(EVIDENCE_COLUMNS))})"
        )
        for chunk in _evidence_chunks(data, _sqlite_moment):
            connection.executemany(insert, chunk)
        connection.execute("COMMIT")
        connection.execute("ANALYZE")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


async def load_postgresql(url: str, data: Dataset) -> None:
    """COPY (binary, asyncpg) in one transaction; then VACUUM (ANALYZE).

    Foreign keys are not checked during the copy (session_replication_role = replica, as
    pg_restore does): the generator makes them consistent. VACUUM as well as ANALYZE because an
    insert-only table is vacuumed by autovacuum anyway (PostgreSQL 13+), which sets the
    visibility map that index-only scans rely on: that is the steady state to measure.
    """
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("SET session_replication_role = replica")
        async with connection.transaction():
            for table, (columns, rows) in _small_tables(data).items():
                await connection.copy_records_to_table(table, records=rows, columns=columns)
            for chunk in _evidence_chunks(data, _moment):
                await connection.copy_records_to_table(
                    "evidence", records=chunk, columns=EVIDENCE_COLUMNS
                )
            for table in ("person", "organisation", "room", "room_phase", "evidence"):
                await connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
        await connection.execute("RESET session_replication_role")
        await connection.execute("VACUUM (ANALYZE)")
    finally:
        await connection.close()


# --- what is timed ---------------------------------------------------------------------------

BARE_AGGREGATE = sa.text(
    "SELECT organisation_id, process, kind, count(*) FROM evidence "
    "WHERE occurred_at >= :since AND occurred_at < :until "
    "GROUP BY organisation_id, process, kind"
).bindparams(sa.bindparam("since", type_=UTCDateTime()), sa.bindparam("until", type_=UTCDateTime()))

# The evidence table with the ``late`` column the recommendation adds (not in the schema).
EVIDENCE_WITH_LATE = sa.table(
    "evidence",
    sa.column("occurred_at", UTCDateTime()),
    sa.column("organisation_id", sa.Integer()),
    sa.column("process", sa.String()),
    sa.column("kind", sa.String()),
    sa.column("late", sa.Boolean()),
)


def proposed_facts_query(period: Period) -> sa.Select[Any]:
    """queries.facts as recommended: ``late`` read from a column of its own instead of from the
    JSON details, so an index can cover the whole query, and FILTER instead of CASE (SQLAlchemy
    renders ``aggregate FILTER (WHERE …)`` on PostgreSQL and on SQLite ≥ 3.30)."""
    e = EVIDENCE_WITH_LATE.c

    def last(kinds: Collection[EvidenceKind]) -> Any:
        return sa.func.max(e.occurred_at).filter(e.kind.in_([k.value for k in kinds]))

    def count(kinds: Collection[EvidenceKind]) -> Any:
        return sa.func.count().filter(e.kind.in_([k.value for k in kinds]))

    return (
        sa.select(
            e.organisation_id,
            e.process,
            last(levels.INVITED_KINDS).label("invited_at"),
            last(levels.ACCEPTED_KINDS).label("accepted_at"),
            last(levels.DECLINED_KINDS).label("declined_at"),
            last(levels.WITHDRAWN_KINDS).label("withdrawn_at"),
            count(levels.ACTIVE_KINDS).label("active"),
            count(levels.CONTRIBUTED_KINDS).label("contributed"),
            count(levels.COMPLETED_KINDS).label("completed"),
            sa.func.count()
            .filter(sa.and_(e.kind == EvidenceKind.ITEM_SUBMITTED.value, e.late))
            .label("late"),
            sa.func.count().label("evidence"),
        )
        .where(
            e.occurred_at >= period.since,
            e.occurred_at < period.until,
            e.process.is_not(None),
            e.process.in_([p.value for p in service.PROCESSES]),
        )
        .group_by(e.organisation_id, e.process)
    )


async def proposed_facts(db: AsyncSession, period: Period) -> dict[tuple[int, Process], Facts]:
    """The recommended query's result, shaped as queries.facts shapes it."""
    result: dict[tuple[int, Process], Facts] = {}
    for row in await db.execute(proposed_facts_query(period)):
        values = dict(row._mapping)
        organisation_id, process = values.pop("organisation_id"), values.pop("process")
        result[(organisation_id, Process(process))] = Facts(**values)
    return result


@contextmanager
def indexed_by(engine: AsyncEngine, index: str | None) -> Iterator[None]:
    """Pin SQLite's GROUP BY over evidence to ``index`` (``INDEXED BY``, which SQLAlchemy has
    no construct for) by rewriting the statement on its way to the driver."""
    if index is None:
        yield
        return

    def rewrite(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any
    ) -> tuple[str, Any]:
        if "FROM evidence" in statement and "GROUP BY" in statement:
            statement = statement.replace("FROM evidence", f"FROM evidence INDEXED BY {index}")
        return statement, parameters

    sa.event.listen(engine.sync_engine, "before_cursor_execute", rewrite, retval=True)
    try:
        yield
    finally:
        sa.event.remove(engine.sync_engine, "before_cursor_execute", rewrite)


@dataclass
class Timing:
    name: str
    samples: list[float] = field(default_factory=list)

    @property
    def min_ms(self) -> float:
        return min(self.samples) * 1000

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000


async def time_it(name: str, run: Callable[[], Awaitable[object]], repeat: int) -> Timing:
    """One untimed warm-up run (connection, statement caches, pages), then ``repeat`` runs."""
    await run()
    timing = Timing(name)
    for _ in range(repeat):
        started = time.perf_counter()
        await run()
        timing.samples.append(time.perf_counter() - started)
    return timing


class Workload:
    """What is timed, each in a session of its own, as a request would have it."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.sessions = session_factory(engine)
        self.every_kind = service.choose(None, None, None, today=TODAY, every_kind=True)
        self.default_kinds = service.choose(None, None, None, today=TODAY)
        self.period = self.every_kind.period

    async def bare(self) -> int:
        async with self.sessions() as db:
            params = {"since": self.period.since, "until": self.period.until}
            return len((await db.execute(BARE_AGGREGATE, params)).all())

    async def matrix(self) -> service.Matrix:
        async with self.sessions() as db:
            return await service.matrix(db, self.every_kind)

    async def matrix_default(self) -> service.Matrix:
        async with self.sessions() as db:
            return await service.matrix(db, self.default_kinds)

    async def report(self) -> report.Report:
        async with self.sessions() as db:
            return await report.build(db, self.default_kinds)

    async def process_views(self) -> list[service.ProcessView]:
        async with self.sessions() as db:
            return [
                await service.process_view(db, self.default_kinds, p) for p in service.PROCESSES
            ]

    async def facts(self) -> dict[tuple[int, Process], Facts]:
        async with self.sessions() as db:
            return await queries.facts(db, self.period, processes=service.PROCESSES)

    async def proposed(self) -> dict[tuple[int, Process], Facts]:
        async with self.sessions() as db:
            return await proposed_facts(db, self.period)


async def measure(engine: AsyncEngine, repeat: int) -> list[Timing]:
    work = Workload(engine)
    return [
        await time_it("bare GROUP BY (org, process, kind)", work.bare, repeat),
        await time_it("matrix, every kind", work.matrix, repeat),
        await time_it("matrix, default kinds", work.matrix_default, repeat),
        await time_it("report (followup.report.build)", work.report, repeat),
        await time_it("process views, all five", work.process_views, repeat),
    ]


def print_timings(title: str, timings: Sequence[Timing]) -> None:
    bare = timings[0]
    print(f"\n  {title}")
    print(f"    {'':38} {'min ms':>9} {'median ms':>10} {'× bare (median)':>16}")
    for t in timings:
        ratio = t.median_ms / bare.median_ms
        print(f"    {t.name:38} {t.min_ms:9.1f} {t.median_ms:10.1f} {ratio:16.2f}")


# --- query plans -----------------------------------------------------------------------------


async def captured_statements(
    engine: AsyncEngine, run: Callable[[], Awaitable[object]]
) -> list[tuple[str, Any]]:
    """The SQL and parameters ``run`` sends, as the driver gets them."""
    seen: list[tuple[str, Any]] = []

    def listen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    sa.event.listen(engine.sync_engine, "before_cursor_execute", listen)
    try:
        await run()
    finally:
        sa.event.remove(engine.sync_engine, "before_cursor_execute", listen)
    return seen


async def explain(engine: AsyncEngine, statement: str, parameters: Any) -> list[str]:
    """PostgreSQL: EXPLAIN (ANALYZE, BUFFERS); SQLite: EXPLAIN QUERY PLAN, as a tree."""
    async with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            result = await connection.exec_driver_sql(
                f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters
            )
            return [row[0] for row in result]
        rows = (
            await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        ).all()
    depth = {0: -1}
    lines = []
    for node, parent, _unused, detail in (tuple(row) for row in rows):
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + str(detail))
    return lines


async def plan_of(
    engine: AsyncEngine, run: Callable[[], Awaitable[object]]
) -> tuple[str, list[str]]:
    """The plan of the GROUP BY over evidence that ``run`` sends (the matrix's main query)."""
    statements = await captured_statements(engine, run)
    statement, parameters = next(
        (s, p) for s, p in statements if "FROM evidence" in s and "GROUP BY" in s
    )
    return statement, await explain(engine, statement, parameters)


# What a brief PostgreSQL plan keeps: its nodes, which index and how, and the time.
BRIEF_PLAN_WORDS = ("->", "Index Cond", "Heap Fetches", "Workers Launched", "Execution Time")


def print_plan(name: str, statement: str | None, lines: list[str], *, brief: bool) -> None:
    print(f"\n    Plan of the {name}:")
    if statement is not None:
        print("      " + " ".join(statement.split()))
    for line in lines:
        # Briefly: the plan's nodes, and the lines that say which index and how much was read.
        if brief and line is not lines[0] and not any(w in line for w in BRIEF_PLAN_WORDS):
            continue
        print(f"      {line}")


# --- candidate indexes and settings ----------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A change made by hand in the benchmark database only, then measured."""

    name: str
    setup: tuple[str, ...]
    teardown: tuple[str, ...] = ()
    proposed: bool = False  # time the proposed facts query (late column) instead of the app's
    sqlite_index: str | None = None


COVER = "bench_ix_evidence_occurred_at_organisation_id_process_kind"
COVER_LATE = "bench_ix_evidence_occurred_at_organisation_id_process_kind_late"
GROUPED_LATE = "bench_ix_evidence_process_organisation_id_kind_occurred_at_late"
ADD_LATE = "ALTER TABLE evidence ADD COLUMN late BOOLEAN NOT NULL DEFAULT false"
SET_LATE: dict[str, str] = {
    "postgresql": "UPDATE evidence SET late = true "
    "WHERE kind = 'item_submitted' AND (details ->> 'late')::boolean",
    "sqlite": "UPDATE evidence SET late = 1 "
    "WHERE kind = 'item_submitted' AND json_extract(details, '$.late') IS 1",
}

CANDIDATES: dict[str, tuple[Candidate, ...]] = {
    "postgresql": (
        Candidate(
            f"covering index {COVER} (occurred_at, organisation_id, process, kind)",
            (
                f"CREATE INDEX {COVER} ON evidence (occurred_at, organisation_id, process, kind)",
                "ANALYZE evidence",
            ),
            (f"DROP INDEX {COVER}",),
        ),
        Candidate(
            f"late column + covering index {COVER_LATE} "
            "(occurred_at, organisation_id, process, kind, late), proposed facts query",
            (
                ADD_LATE,
                SET_LATE["postgresql"],
                f"CREATE INDEX {COVER_LATE} ON evidence "
                "(occurred_at, organisation_id, process, kind, late)",
                "VACUUM (ANALYZE) evidence",
            ),
            proposed=True,
        ),
    ),
    "sqlite": (
        Candidate(
            "no sqlite_stat1 (the portal never runs ANALYZE)",
            ("DELETE FROM sqlite_stat1",),
            ("ANALYZE",),
        ),
        Candidate(
            f"covering index {COVER} (occurred_at, organisation_id, process, kind)",
            (
                f"CREATE INDEX {COVER} ON evidence (occurred_at, organisation_id, process, kind)",
                "ANALYZE",
            ),
            (f"DROP INDEX {COVER}", "ANALYZE"),
        ),
        Candidate(
            f"late column + {GROUPED_LATE} (process, organisation_id, kind, occurred_at, late) "
            "in place of the migrated 4-column index, proposed facts query, no sqlite_stat1",
            (
                ADD_LATE,
                SET_LATE["sqlite"],
                "DROP INDEX ix_evidence_process_organisation_id_kind_occurred_at",
                f"CREATE INDEX {GROUPED_LATE} ON evidence "
                "(process, organisation_id, kind, occurred_at, late)",
                "DELETE FROM sqlite_stat1",
            ),
            ("ANALYZE",),
            proposed=True,
        ),
        Candidate(
            "the same after ANALYZE, the proposed query as it is",
            (),
            proposed=True,
        ),
        Candidate(
            f"the same after ANALYZE, the proposed query with INDEXED BY {GROUPED_LATE}",
            (),
            proposed=True,
            sqlite_index=GROUPED_LATE,
        ),
    ),
}


async def run_sql(database: Database, statements: Sequence[str]) -> None:
    """DDL and maintenance outside the portal's engine, in autocommit (VACUUM needs that)."""
    if database.kind == "postgresql":
        connection = await asyncpg.connect(_driver_url(database.url))
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()
        return
    assert database.path is not None
    sqlite = sqlite3.connect(database.path, isolation_level=None)
    try:
        for statement in statements:
            sqlite.execute(statement)
    finally:
        sqlite.close()


async def try_candidates(database: Database, repeat: int) -> None:
    print(f"\n  Candidates ({database.kind}; made by hand in the benchmark database only):")
    for candidate in CANDIDATES[database.kind]:
        started = time.perf_counter()
        await run_sql(database, candidate.setup)
        setup = time.perf_counter() - started
        # A fresh engine: no connection keeps old statistics or prepared statements.
        engine = create_engine(database.url)
        try:
            await _try(engine, database, candidate, setup, repeat)
        finally:
            await engine.dispose()
        await run_sql(database, candidate.teardown)


async def _try(
    engine: AsyncEngine, database: Database, candidate: Candidate, setup: float, repeat: int
) -> None:
    work = Workload(engine)
    name = "matrix, every kind"
    run: Callable[[], Awaitable[object]] = work.matrix
    if candidate.proposed:
        name = "proposed facts query (late column)"

        async def proposed() -> object:
            with indexed_by(engine, candidate.sqlite_index):
                return await work.proposed()

        run = proposed
        if await run() != await work.facts():
            raise AssertionError("the proposed query's facts differ from queries.facts'")
    timings = [
        await time_it("bare GROUP BY (org, process, kind)", work.bare, repeat),
        await time_it(name, run, repeat),
    ]
    print_timings(f"{candidate.name} (setup {setup:.1f} s)", timings)
    if candidate.proposed:
        print("    (its facts are identical to those of queries.facts)")
    _statement, lines = await plan_of(engine, run)
    print_plan(name, None, lines, brief=database.kind == "postgresql")


# --- the databases ---------------------------------------------------------------------------


@dataclass
class Database:
    kind: str
    url: str
    path: Path | None = None  # SQLite's file

    @classmethod
    def sqlite(cls, directory: Path) -> Database:
        path = directory / "bench.db"
        return cls("sqlite", f"sqlite+aiosqlite:///{path}", path)

    @classmethod
    def postgresql(cls) -> Database:
        name = f"bench_followup_{uuid.uuid4().hex[:10]}"
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
        base = POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
        return cls("postgresql", f"{base}/{name}")

    def drop(self) -> None:
        if self.kind == "postgresql":
            name = self.url.rsplit("/", 1)[1]
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _driver_url(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def _load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


async def _measure_database(database: Database, data: Dataset, args: argparse.Namespace) -> None:
    engine = create_engine(database.url)
    try:
        work = Workload(engine)
        matrix = await work.matrix()
        since, until = work.period.since.timestamp(), work.period.until.timestamp()
        in_period = sum(1 for e in data.evidence if since <= e[0] < until)
        cells = sum(1 for c in matrix.cells.values() if c.facts.evidence)
        print(
            f"  period {work.every_kind.first} – {work.every_kind.last}: {in_period:,} evidence "
            f"rows; matrix {len(matrix.organisations)} organisations × "
            f"{len(matrix.processes)} processes, {cells:,} cells with evidence"
        )
        print(f"  before timing: {_load()}")
        timings = await measure(engine, args.repeat)
        print(f"  after timing:  {_load()}")
        print_timings(
            f"{database.kind}, {len(data.evidence):,} evidence rows, as migrated; "
            f"{args.repeat} runs each after one warm-up",
            timings,
        )
        statement, lines = await plan_of(engine, work.bare)
        print_plan("bare aggregate", statement, lines, brief=False)
        statement, lines = await plan_of(engine, work.matrix)
        print_plan("matrix's main query (queries.facts)", statement, lines, brief=False)
    finally:
        await engine.dispose()
    if args.candidates:
        await try_candidates(database, args.repeat)


def run(database: Database, data: Dataset, args: argparse.Namespace) -> None:
    print(f"\n=== {database.kind} ===")
    try:
        upgrade(database.url)  # runs its own event loop: called outside one
        started = time.perf_counter()
        if database.path is not None:
            load_sqlite(database.path, data)
        else:
            asyncio.run(load_postgresql(_driver_url(database.url), data))
        elapsed = time.perf_counter() - started
        print(f"  load (bulk insert into the migrated schema, then ANALYZE): {elapsed:.1f} s")
        asyncio.run(_measure_database(database, data, args))
    finally:
        database.drop()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.followup_matrix",
        description="Time the follow-up matrix and report against a bare GROUP BY.",
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="evidence rows (1000000)")
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each step (5)")
    parser.add_argument("--seed", type=int, default=SEED, help="the data's random seed")
    parser.add_argument(
        "--candidates",
        action="store_true",
        help="also measure candidate indexes and the proposed query, made in the bench database",
    )
    args = parser.parse_args(argv)
    kinds = [d.strip() for d in args.databases.split(",") if d.strip()]
    if unknown := set(kinds) - {"sqlite", "postgresql"}:
        parser.error(f"unknown database: {', '.join(sorted(unknown))}")
    if args.rows < 1 or args.repeat < 1:
        parser.error("--rows and --repeat must be positive")

    started = time.perf_counter()
    data = build_dataset(args.rows, args.seed)
    print(
        f"Generated {len(data.organisations):,} organisations, {data.persons} persons, "
        f"{len(data.rooms)} rooms ({sum(len(r.phases) for r in data.rooms)} phases), "
        f"{len(data.evidence):,} evidence rows in {time.perf_counter() - started:.1f} s"
    )
    shares = Counter(e[3] for e in data.evidence)
    print("  " + ", ".join(f"{k} {n / len(data.evidence):.1%}" for k, n in shares.most_common()))
    for kind in kinds:
        with tempfile.TemporaryDirectory(prefix="bench-followup-") as directory:
            run(
                Database.sqlite(Path(directory)) if kind == "sqlite" else Database.postgresql(),
                data,
                args,
            )


if __name__ == "__main__":
    main()
