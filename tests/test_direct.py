"""Built-once SELECTs and one-row INSERTs run straight on the driver (platform.direct) give what
SQLAlchemy gives — the same rows, values, types and names, the same rows stored — and what they
cannot take, SQLAlchemy runs. On SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import asyncpg
from sqlalchemy.dialects.sqlite import aiosqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.auth import sessions
from partner_portal.auth.models import LoginSession, Person, PortalRole, RoleGrant
from partner_portal.evidence.models import Evidence, EvidenceKind, Process
from partner_portal.organisations.models import Organisation, OrganisationKind
from partner_portal.plans import queries as plan_queries
from partner_portal.platform import clock, direct, links
from partner_portal.platform.db import (
    WriteAfterRead,
    read,
    request_session_options,
    write,
    write_here,
)
from partner_portal.rooms import queries as room_queries
from tests.helpers import Persona, log_in
from tests.organisations.factories import make_organisation
from tests.queries import QueryCounter

person, login, grant = Person.__table__.c, LoginSession.__table__.c, RoleGrant.__table__.c  # type: ignore[attr-defined]
organisation = Organisation.__table__.c  # type: ignore[attr-defined]

# Of every kind of column the portal reads: a UTC timestamp, a boolean, an enum, a date-less
# NULL, a literal bound in the statement, an IN list of the statement's own values, a label.
MIXED = (
    sa.select(
        person.id.label("person_id"),
        person.name,
        person.is_active,
        login.expires_at,
        login.id_token,
        grant.role,
        sa.literal("fast").label("way"),
    )
    .join_from(LoginSession.__table__, Person.__table__, person.id == login.person_id)  # type: ignore[attr-defined]
    .outerjoin(RoleGrant.__table__, grant.person_id == person.id)  # type: ignore[attr-defined]
    .where(
        person.id == sa.bindparam("person_id"),
        grant.role.in_([PortalRole.COORDINATOR, PortalRole.FOLLOWUP_READER]),
    )
    .order_by(person.id)
)
INSERT_RETURNING = sa.insert(Evidence.__table__).returning(  # type: ignore[attr-defined]
    *Evidence.__table__.c  # type: ignore[attr-defined]
)
ORGANISATIONS = sa.select(
    organisation.id, organisation.name, organisation.kind, organisation.is_active
).order_by(organisation.sort_key)


def _evidence(organisation_id: int, **changes: Any) -> dict[str, Any]:
    """Every column of a new evidence row (INSERT_RETURNING's values), as ``changes`` say."""
    return {
        "occurred_at": clock.now(),
        "organisation_id": organisation_id,
        "person_id": None,
        "kind": EvidenceKind.COMMENT_MADE,
        "process": None,
        "room_id": None,
        "phase_id": None,
        "object_type": None,
        "object_id": None,
        "link": "/",
        "details": {},
    } | changes


async def _as_sqlalchemy_reads(
    db: AsyncSession, statement: Any, parameters: dict[str, Any] | None = None
) -> list[Any]:
    connection = await db.connection()
    return list((await connection.execute(statement, parameters)).all())


def _alike(direct: list[Any], theirs: list[Any]) -> None:
    assert len(direct) == len(theirs)
    for mine, row in zip(direct, theirs, strict=True):
        assert mine._fields == row._fields
        assert tuple(mine) == tuple(row)
        assert [type(v) for v in mine] == [type(v) for v in row]
        assert [getattr(v, "tzinfo", None) for v in mine] == [
            getattr(v, "tzinfo", None) for v in row
        ]
        assert dict(mine._mapping) == dict(row._mapping)
        assert mine._asdict() == row._asdict()
        for name in row._fields:
            assert getattr(mine, name) == getattr(row, name)


async def test_a_direct_read_gives_what_sqlalchemy_gives(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    token = await log_in(client, app, alice)
    await make_organisation(db, "Östra brandkåren", OrganisationKind.RADDNINGSTJANST)
    await make_organisation(db, "Ål-föreningen", OrganisationKind.FRG, active=False)
    dialect = (await db.connection()).dialect

    cases: list[tuple[Any, dict[str, Any] | None]] = [
        (MIXED, {"person_id": alice.id}),
        (sessions._BY_TOKEN, {"token_hash": links.digest(token)}),
        (ORGANISATIONS, None),
        (sessions._BY_TOKEN, {"token_hash": "no such session"}),
    ]
    for statement, parameters in cases:
        assert direct._compiled(statement, dialect) is not None
        _alike(
            list(await read(db, statement, parameters)),
            await _as_sqlalchemy_reads(db, statement, parameters),
        )

    [row] = await read(db, MIXED, {"person_id": alice.id})
    assert (row.person_id, row.is_active, row.role, row.way) == (
        alice.id,
        True,
        PortalRole.COORDINATOR,
        "fast",
    )
    assert row.expires_at.utcoffset() is not None
    assert row.id_token is None


@pytest.mark.parametrize(
    "statement",
    [
        sessions._BY_TOKEN,
        room_queries.ROOM_ACCESS,
        room_queries._ROOM_PAGE,
        plan_queries.PLAN_ACCESS,
        plan_queries._PLAN_PAGE,
        plan_queries._PLAN_SECTION,
        plan_queries._PLAN_THREAD,
        plan_queries.SECTION_THREADS,
    ],
    ids=lambda s: str(s).split("FROM")[0][:40],
)
@pytest.mark.parametrize(
    "dialect",
    [aiosqlite.dialect(), asyncpg.dialect()],  # type: ignore[no-untyped-call]
    ids=["sqlite", "pg"],
)
def test_every_requests_hot_reads_are_read_directly(statement: Any, dialect: Any) -> None:
    """The login session and the pages' access-and-data reads: were one of them to fall back
    to SQLAlchemy's execution (a construct the direct way cannot take), every page would be
    slower without a test failing."""
    assert direct._compile(statement, dialect) is not None


async def test_what_cannot_be_read_directly_is_run_as_sqlalchemy_runs_it(
    db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    dialect = (await db.connection()).dialect
    ids: Any = sa.bindparam("ids", expanding=True)  # an IN list given per call
    by_ids = sa.select(person.id, person.name).where(person.id.in_(ids)).order_by(person.id)
    # Names a named tuple cannot take (SQLAlchemy's rows can).
    odd_names = sa.select(person.id.label("_id"), person.name.label("class")).order_by(person.id)
    locking = sa.select(person.id).with_for_update()
    for statement in (by_ids, odd_names, locking):
        assert direct._compiled(statement, dialect) is None

    rows = await read(db, by_ids, {"ids": [alice.id, bob.id]})
    assert [tuple(r) for r in rows] == [(alice.id, alice.name), (bob.id, bob.name)]
    assert [r._mapping["class"] for r in await read(db, odd_names)] == [alice.name, bob.name]


async def test_a_missing_parameter_is_refused_as_sqlalchemy_refuses_it(db: AsyncSession) -> None:
    with pytest.raises(sa.exc.StatementError, match="token_hash"):
        await read(db, sessions._BY_TOKEN, {})


async def test_a_database_error_is_wrapped_as_sqlalchemy_wraps_it(db: AsyncSession) -> None:
    broken = sa.select(sa.func.no_such_function(person.id))
    assert direct._compiled(broken, (await db.connection()).dialect) is not None
    with pytest.raises(sa.exc.DBAPIError):
        await read(db, broken)
    await db.rollback()
    assert len(await read(db, ORGANISATIONS)) >= 0  # the session goes on


async def test_a_direct_read_is_counted_as_a_statement(
    db: AsyncSession, query_counter: QueryCounter, alice: Persona
) -> None:
    """The listeners SQLAlchemy calls before each statement are called (the N+1 guards count
    with them; db.py notes writes with them)."""
    with query_counter.counting(selects_only=True) as statements:
        await read(db, MIXED, {"person_id": alice.id})
    assert len(statements) == 1
    assert statements[0].lstrip().startswith("SELECT")


async def test_a_direct_write_stores_what_sqlalchemy_stores(
    db: AsyncSession, alice: Persona
) -> None:
    """Every kind of value bound (a UTC timestamp, enums, a JSON document, NULLs), the row's
    RETURNING read back; stored alike to a row SQLAlchemy inserted from the same values."""
    organisation_id = await make_organisation(db, "Botkyrkabyggen")
    values = _evidence(
        organisation_id,
        person_id=alice.id,
        process=Process.NODVATTEN,
        object_type="plan_comment",
        object_id=7,
        link="/rum/1/planer/1",
        details={"svar": True, "avsnitt": "Ansvar och roller"},
    )
    dialect = (await db.connection()).dialect
    assert direct._compiled(INSERT_RETURNING, dialect, values) is not None
    [mine] = await write(db, INSERT_RETURNING, values)
    connection = await db.connection()
    [theirs] = (await connection.execute(INSERT_RETURNING, values)).all()
    await db.commit()
    assert mine._fields == theirs._fields
    assert mine.id != theirs.id
    for name in mine._fields[1:]:
        assert getattr(mine, name) == getattr(theirs, name)
        assert type(getattr(mine, name)) is type(getattr(theirs, name))

    stored = (
        (await db.execute(sa.select(Evidence).where(col(Evidence.id).in_([mine.id, theirs.id]))))
        .scalars()
        .all()
    )
    assert len(stored) == 2
    assert [(e.occurred_at, e.kind, e.process, e.details, e.room_id) for e in stored] == [
        (
            values["occurred_at"],
            EvidenceKind.COMMENT_MADE,
            Process.NODVATTEN,
            values["details"],
            None,
        )
    ] * 2


def test_an_insert_with_a_default_to_compute_is_left_to_sqlalchemy() -> None:
    table = sa.Table(
        "t",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("n", sa.Integer, default=5),
    )
    dialect = aiosqlite.dialect()
    assert direct._compiled(sa.insert(table), dialect, {"id": 1}) is None  # n: computed
    assert direct._compiled(sa.insert(table), dialect, {"id": 1, "n": 2}) is not None


@pytest.mark.parametrize("database_kind", ["sqlite"], indirect=True)  # its read-only transactions
async def test_a_direct_write_is_seen_as_a_write(app: Starlette, db: AsyncSession) -> None:
    """db.py's listener notes each write of a request (a write in a request's read-only
    transaction is an error it warns of): it sees a direct write as it saw SQLAlchemy's."""
    organisation_id = await make_organisation(db, "Botkyrkabyggen")
    async with app.state.portal.sessions(
        execution_options=request_session_options(write=False)
    ) as request_db:
        with pytest.warns(WriteAfterRead):
            await write(request_db, INSERT_RETURNING, _evidence(organisation_id))
        await request_db.rollback()


@pytest.mark.parametrize("database_kind", ["postgresql"], indirect=True)
async def test_a_request_that_only_reads_begins_no_transaction_on_postgresql(
    app: Starlette, db: AsyncSession, alice: Persona
) -> None:
    """Its reads are transactions of their own (no BEGIN, no ROLLBACK: two round trips of a
    page's six); once it may write, its statements are one transaction again, and what it
    wrote is kept or undone as a whole."""
    organisation_id = await make_organisation(db, "Botkyrkabyggen")
    values = _evidence(organisation_id, person_id=alice.id, link="/ångras")

    async def in_transaction(session: AsyncSession) -> bool:
        raw = await (await session.connection()).get_raw_connection()
        return bool(raw.driver_connection.is_in_transaction())  # type: ignore[union-attr]

    async with app.state.portal.sessions(
        execution_options=request_session_options(write=False)
    ) as request_db:
        assert len(await read(request_db, ORGANISATIONS)) == 1
        assert not await in_transaction(request_db)
        await write_here(request_db)
        assert len(await read(request_db, ORGANISATIONS)) == 1
        assert await in_transaction(request_db)
        await write(request_db, INSERT_RETURNING, values)
        await request_db.rollback()

    async with app.state.portal.sessions() as other:  # not a request's: as before
        await read(other, ORGANISATIONS)
        assert await in_transaction(other)
        stored = await other.execute(sa.select(Evidence).where(col(Evidence.link) == "/ångras"))
        assert stored.first() is None


def test_past_its_limit_a_statement_not_remembered_is_left_to_sqlalchemy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A statement built per call (not once) would fill the remembered forms: past the limit,
    one not among them is run as SQLAlchemy runs it, not compiled here on every call."""
    dialect = aiosqlite.dialect()
    remembered = direct._compiled(ORGANISATIONS, dialect)
    monkeypatch.setattr(direct, "_MOST_REMEMBERED", len(direct._COMPILED))
    assert direct._compiled(ORGANISATIONS, dialect) is remembered
    assert direct._compiled(sa.select(person.id), dialect) is None
