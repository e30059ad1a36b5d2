"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, the app, personas.

Every test that asks for ``database_url`` (directly or through ``app``/``client``) runs once on
SQLite and once on PostgreSQL. ``PORTAL_TEST_DATABASES=sqlite`` narrows that on a laptop
without PostgreSQL; CI always runs both.

Every test runs on the portal's one clock (:mod:`partner_portal.platform.clock`), started at the
same instant for each test: now, or the day ``PORTAL_TEST_TODAY`` names (``YYYY-MM-DD``, at the time
of day the run started, or an exact ``YYYY-MM-DDTHH:MM``, Swedish time unless an offset is given).
Tests build their dates from ``clock.today()``/``clock.now()``, so the suite means the same
whichever day it runs; the header of the run prints the instant, to repeat a run exactly.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TypeVar

import asyncpg
import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel
from starlette.applications import Starlette
from starlette.datastructures import Secret

import partner_portal.models
import partner_portal.words  # noqa: F401  (every feature's words, before anything renders)
from partner_portal.app import create_app
from partner_portal.auth.models import PortalRole
from partner_portal.platform import clock
from partner_portal.platform.db import session_factory
from partner_portal.platform.migrate import upgrade
from partner_portal.platform.settings import Settings, load_settings, replace
from tests.helpers import BASE_URL, Persona, make_person
from tests.oidc_provider import ProviderControl, running_provider
from tests.queries import QueryCounter
from tests.s3_server import S3Server, running_s3_server

POSTGRES_ADMIN = os.environ.get(
    "PORTAL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
T = TypeVar("T")
DATABASES = [
    d.strip() for d in os.environ.get("PORTAL_TEST_DATABASES", "sqlite,postgresql").split(",")
]


# --- the clock ---------------------------------------------------------------------------


def _clock_start() -> datetime:
    """The instant every test's clock starts at: PORTAL_TEST_CLOCK_START when a controlling
    process (pytest-xdist) already chose it, else from PORTAL_TEST_TODAY, else now."""
    chosen = os.environ.get("PORTAL_TEST_CLOCK_START") or os.environ.get("PORTAL_TEST_TODAY", "")
    chosen = chosen.strip()
    if not chosen:
        return clock.local_now().replace(microsecond=0)
    if len(chosen) == len("YYYY-MM-DD"):
        day = date.fromisoformat(chosen)
        time_of_day = clock.local_now().time().replace(microsecond=0)
        return datetime.combine(day, time_of_day, tzinfo=clock.TIMEZONE)
    moment = datetime.fromisoformat(chosen)
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.TIMEZONE)


def pytest_configure(config: pytest.Config) -> None:
    # Chosen once, here, so that pytest-xdist's workers (which inherit the environment) agree.
    os.environ["PORTAL_TEST_CLOCK_START"] = _clock_start().isoformat()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The order pytest-xdist hands out test files in (tasks.py runs it with
    ``--no-loadscope-reorder``): first the files marked ``long`` (the two page walks, single
    tests of minutes), then those with browser tests or subprocesses (``browser``, ``slow``),
    then the rest, each group with the most tests first. So the walks start while the other
    worker takes many short files, and no long file is left for the end, when one worker would
    run it alone."""
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::", 1)[0], []).append(item)

    def weight(tests: list[pytest.Item]) -> tuple[int, int]:
        def marked(name: str) -> bool:
            return any(t.get_closest_marker(name) for t in tests)

        group = 0 if marked("long") else 1 if marked("browser") or marked("slow") else 2
        return (group, -len(tests))

    items[:] = [t for name in sorted(files, key=lambda f: weight(files[f])) for t in files[name]]


def pytest_report_header(config: pytest.Config) -> str:
    start = os.environ["PORTAL_TEST_CLOCK_START"]
    return f"portal clock: each test starts at {start} (repeat with PORTAL_TEST_TODAY={start})"


@pytest.fixture(autouse=True)
def portal_clock() -> Iterator[datetime]:
    """Every test starts on the same instant (see the module's docstring), running from there;
    a test may freeze or move it through :mod:`partner_portal.platform.clock`. Yields the start."""
    start = datetime.fromisoformat(os.environ["PORTAL_TEST_CLOCK_START"])
    clock.start_at(start)
    yield start
    clock.reset()


# --- databases ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (much faster than migrating each time)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "portal.db"
    _outside_the_event_loop(upgrade, f"sqlite+aiosqlite:///{path}")
    return path


async def postgres_admin(sql: str) -> None:
    """One statement as the PostgreSQL administrator (CREATE/DROP DATABASE)."""
    connection = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextmanager
def migrated_postgres(prefix: str) -> Iterator[str]:
    """A new, migrated PostgreSQL database named ``<prefix>_<random>``, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    _outside_the_event_loop(asyncio.run, postgres_admin(f'CREATE DATABASE "{name}"'))
    # A test database need not survive a crash of the server: commits don't wait for the disk.
    _outside_the_event_loop(
        asyncio.run, postgres_admin(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    )
    base = POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    url = f"{base}/{name}"
    try:
        _outside_the_event_loop(upgrade, url)
        _outside_the_event_loop(asyncio.run, keep_seeded_rows(url))
        yield url
    finally:
        _outside_the_event_loop(
            asyncio.run, postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        )


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """One migrated PostgreSQL database for the session; tables are emptied after each test."""
    with migrated_postgres("pp_test") as url:
        yield url


def _outside_the_event_loop(function: Callable[[T], object], argument: T) -> None:
    """Session fixtures are first requested from inside a test's event loop; migrations and
    admin statements run their own loop, so they run on a thread of their own."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(function, argument).result()


@pytest.fixture(params=DATABASES)
def database_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def database_url(
    request: pytest.FixtureRequest, database_kind: str, tmp_path: Path
) -> AsyncIterator[str]:
    if database_kind == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "portal.db"
        shutil.copy(template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    url: str = request.getfixturevalue("postgres_database")
    yield url
    await empty_postgres(url)


# Rows the migrations themselves write (programme 2021–2024's follow-up questions, 0021) are
# part of the schema as a fresh database has it: kept aside in a schema of their own once the
# database is migrated, and put back each time it is emptied (their ids and sequences as after
# migrating), so a test on PostgreSQL starts where one on a fresh SQLite copy does.
SEEDS = "migration_seeds"


async def keep_seeded_rows(url: str) -> None:
    """Copy the rows of every table the migrations wrote into (schema ``migration_seeds``)."""
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await connection.execute(f"CREATE SCHEMA {SEEDS}")
        for table in SQLModel.metadata.sorted_tables:  # our own tables' names, not input
            if await connection.fetchval(f'SELECT count(*) FROM public."{table.name}"'):  # noqa: S608
                await connection.execute(
                    f'CREATE TABLE {SEEDS}."{table.name}" AS TABLE public."{table.name}"'
                )
    finally:
        await connection.close()


_EMPTY_POSTGRES = """
DO $$
DECLARE name text;
BEGIN
  -- Triggers off for this transaction: the audit log refuses DELETE by design.
  SET LOCAL session_replication_role = replica;
  FOREACH name IN ARRAY %(tables)s LOOP
    EXECUTE format('DELETE FROM %%I', name);
  END LOOP;
  -- Only the sequences the test drew from (last_value is null until a sequence is first used
  -- after a restart): restarting all of them took 70 ms a test, most of the emptying.
  FOR name IN
    SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL
  LOOP
    EXECUTE format('ALTER SEQUENCE %%I RESTART', name);
  END LOOP;
  -- What the migrations wrote, back as they wrote it (keep_seeded_rows), parents first.
  FOREACH name IN ARRAY %(seeded)s LOOP
    IF to_regclass(format('%(seeds)s.%%I', name)) IS NOT NULL THEN
      EXECUTE format('INSERT INTO public.%%I SELECT * FROM %(seeds)s.%%I', name, name);
      EXECUTE format(
        'SELECT setval(pg_get_serial_sequence(%%L, %%L), max(id)) FROM public.%%I',
        name, 'id', name
      );
    END IF;
  END LOOP;
END $$;
"""


@cache
def _emptying() -> str:
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    array = "ARRAY[" + ", ".join(f"'{name}'" for name in tables) + "]"
    seeded = "ARRAY[" + ", ".join(f"'{name}'" for name in reversed(tables)) + "]"
    return _EMPTY_POSTGRES % {"tables": array, "seeded": seeded, "seeds": SEEDS}


async def empty_postgres(url: str) -> None:
    """Every table emptied and the id sequences used restarted, then the migrations' own rows
    put back (keep_seeded_rows). DELETE, not TRUNCATE: on the few rows a test leaves, TRUNCATE
    of every table costs ~30 times as much (new files on disk). One plain connection, not an
    engine: this runs after every test on PostgreSQL."""
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await connection.execute(_emptying())
    finally:
        await connection.close()


@pytest.fixture
def unused_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the application ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """A real S3-compatible server on loopback (tests/s3_server.py), one per worker."""
    with running_s3_server() as server:
        yield server


@pytest.fixture
def store_environment() -> dict[str, str]:
    """PORTAL_STORAGE and its S3 settings: none here, the local store. The files' and the
    consultations' tests run on both stores (their conftest.py: ``both_stores``)."""
    return {}


@pytest.fixture
def settings(database_url: str, tmp_path: Path, store_environment: dict[str, str]) -> Settings:
    return load_settings(
        {
            "PORTAL_DATA_DIR": str(tmp_path),
            "PORTAL_DATABASE_URL": database_url,
            "PORTAL_SECRET_KEY": "test-secret-" + "x" * 40,
            "PORTAL_BASE_URL": BASE_URL,
            **store_environment,
        }
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    application = create_app(settings)
    yield application
    await application.state.portal.engine.dispose()


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as c:
        yield c


@pytest.fixture
async def db(app: Starlette) -> AsyncIterator[AsyncSession]:
    # Deferred on SQLite: a test reads through this session between requests, and its open
    # read must not hold the write lock the application's (immediate) transactions wait for.
    engine = app.state.portal.engine.execution_options(sqlite_begin="DEFERRED")
    async with session_factory(engine)() as session:
        yield session


@pytest.fixture
def query_counter(app: Starlette) -> QueryCounter:
    """Counts the SQL statements the application runs (see tests/queries.py)."""
    return QueryCounter(app.state.portal.engine)


def app_with(app: Starlette, **changes: object) -> Starlette:
    """Another app on the same database, with some settings changed."""
    settings = replace(app.state.portal.settings, **changes)
    return create_app(settings)


# --- personas (Alice coordinates, Bob is a partner, Charlie has no roles) -----------------


@pytest.fixture
async def alice(db: AsyncSession) -> Persona:
    return await make_person(db, "Alice Andersson", roles=(PortalRole.COORDINATOR,))


@pytest.fixture
async def bob(db: AsyncSession) -> Persona:
    return await make_person(db, "Bob Bergström")


@pytest.fixture
async def charlie(db: AsyncSession) -> Persona:
    return await make_person(db, "Charlie Çelik")


# --- a real OpenID Provider on loopback, and the portal using it ------------------------

USERS: dict[str, dict[str, object]] = {
    "alice-sub": {"name": "Alice Andersson", "email": "Alice@Example.se", "email_verified": True},
    "bob-sub": {"given_name": "Bob", "family_name": "Bergström", "email": "bob@example.se"},
}


@pytest.fixture(scope="session")
def _running_provider() -> Iterator[ProviderControl]:
    """One provider per worker (it makes an RSA key and takes half a second to stop)."""
    with running_provider({k: dict(v) for k, v in USERS.items()}) as control:
        yield control


@pytest.fixture
def provider(_running_provider: ProviderControl) -> ProviderControl:
    """The worker's provider, behaving and counting afresh for each test, its people as in
    USERS (a test may change them through the provider's /users endpoint)."""
    control = _running_provider
    for sub, claims in USERS.items():
        httpx.put(f"{control.issuer}/users/{sub}", json=claims).raise_for_status()
    control.tamper_id_token = control.tamper_discovery = None
    control.sign_with_foreign_key = False
    control.token_requests = control.userinfo_requests = 0
    return control


@pytest.fixture
def login_settings(settings: Settings, provider: ProviderControl) -> Settings:
    return replace(
        settings,
        oidc_issuer=provider.issuer,
        oidc_client_id="portal-test",
        oidc_client_secret=Secret("client-secret"),
    )


@pytest.fixture
async def login_app(login_settings: Settings) -> AsyncIterator[Starlette]:
    app = create_app(login_settings)
    yield app
    await app.state.portal.engine.dispose()


@pytest.fixture
async def browser(login_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """The portal as a browser sees it (in-process), with its own cookie jar."""
    transport = httpx.ASGITransport(app=login_app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield client
