"""The data the request-path benchmarks run against, made through the portal's own services.

`partner-portal dev`'s demo data (organisations, people, a drinking-water room that AB
Botkyrkabyggen has joined), plus a published plan of five sections with ``comments`` comments
by partners, and ``users`` logged-in people of AB Botkyrkabyggen, each with a login session.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

import partner_portal.models  # noqa: F401  (every table on the metadata)
from partner_portal.auth import sessions
from partner_portal.auth.models import LoginSession, Person, PortalRole
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.devtools.seed import demo_room_name, seed_demo
from partner_portal.organisations.models import Membership, MembershipRole, Organisation
from partner_portal.plans import service as plans
from partner_portal.plans.access import plan_for, plan_section_for
from partner_portal.plans.forms import CommentInput, SectionInput
from partner_portal.plans.models import PlanComment
from partner_portal.platform import links
from partner_portal.platform.db import create_engine, session_factory
from partner_portal.platform.live import LiveHub
from partner_portal.platform.migrate import upgrade
from partner_portal.platform.settings import Settings, load_settings
from partner_portal.rooms.access import room_for
from partner_portal.rooms.models import Room

POSTGRES_ADMIN = os.environ.get(
    "PORTAL_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
ISSUER = "https://login.bench.invalid"
SECRET = "bench-secret-" + "x" * 40

# The POST plan: its threads, each as long as the fragment GET's (50 comments over 5 sections).
POST_THREADS = 50
COMMENTS_PER_POST_THREAD = 10

SECTIONS = (
    ("Ansvar och mandat", "Kommunen leder arbetet med nödvatten. VA-huvudmannen levererar."),
    (
        "Behov hos parterna",
        "Varje part anger sina verksamheter, antal personer och liter per dygn.",
    ),
    ("Prioritering", "1. Sjukhus och vårdboenden\n2. Förskolor\n3. Övriga verksamheter"),
    ("Resurser", "Tankar, tankbilar, personal och FRG. Avtal med leverantörer av vatten."),
    ("Utdelning", "Utdelningsplatser i Alby, Fittja, Hallunda, Tumba och Vårsta."),
)


@dataclass(frozen=True)
class User:
    person_id: int
    token: str  # the session cookie's value
    csrf: str


@dataclass(frozen=True)
class World:
    database_url: str
    data_dir: Path
    room_id: int
    plan_id: int
    section_ids: tuple[int, ...]
    post_plan_id: int
    post_section_ids: tuple[int, ...]  # POST_THREADS threads of COMMENTS_PER_POST_THREAD each
    post_last_id: int  # the last comment on the POST plan as built
    organisation_id: int
    users: tuple[User, ...]

    @property
    def post_section_id(self) -> int:
        return self.post_section_ids[0]

    def environ(self, base_url: str) -> dict[str, str]:
        """What `partner-portal serve` is started with against this world."""
        return {
            "PORTAL_DATA_DIR": str(self.data_dir),
            "PORTAL_DATABASE_URL": self.database_url,
            "PORTAL_SECRET_KEY": SECRET,
            "PORTAL_BASE_URL": base_url,
            "PORTAL_OIDC_ISSUER": ISSUER,  # never asked: everyone is logged in already
        }


def settings_for(database_url: str, data_dir: Path) -> Settings:
    return load_settings(
        {
            "PORTAL_DATA_DIR": str(data_dir),
            "PORTAL_DATABASE_URL": database_url,
            "PORTAL_SECRET_KEY": SECRET,
        }
    )


@contextmanager
def database(kind: str, data_dir: Path) -> Iterator[str]:
    """A fresh, migrated database of ``kind`` (sqlite or postgresql), removed afterwards."""
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{data_dir / 'portal.db'}"
        upgrade(url)
        yield url
        return
    name = f"bench_pages_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    url = f"{url}/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def build(database_url: str, data_dir: Path, *, users: int, comments: int) -> World:
    settings = settings_for(database_url, data_dir)
    engine = create_engine(database_url)
    live = LiveHub(database_url)
    try:
        async with session_factory(engine)() as db:
            await seed_demo(db, issuer=ISSUER, settings=settings)
            room_id = await db.scalar(
                sa.select(col(Room.id)).where(col(Room.name) == demo_room_name())
            )
            byggen = await db.scalar(
                sa.select(col(Organisation.id)).where(
                    col(Organisation.name_key) == "ab botkyrkabyggen"
                )
            )
            anna = await _person(db, "anna.lindqvist")
            erik = await _person(db, "erik.oberg")
            assert room_id is not None
            assert byggen is not None
            coordinator = CurrentPerson(
                anna, "Anna Lindqvist", None, frozenset({PortalRole.COORDINATOR})
            )
            partner = CurrentPerson(erik, "Erik Öberg", None, frozenset())
            plan_id, section_ids = await _plan(
                db, coordinator, partner, room_id, byggen, "Nödvattenplan", comments, live
            )
            # Comments are posted to another plan, so the pages measured keep their size, and
            # spread over many threads, so the thread a POST answers with keeps (nearly) the size
            # of the fragment GET's while thousands of comments are posted in a round.
            post_plan_id, post_sections = await _plan(
                db,
                coordinator,
                partner,
                room_id,
                byggen,
                "Reservvatten",
                POST_THREADS * COMMENTS_PER_POST_THREAD,
                live,
                sections=POST_THREADS,
            )
            post_last_id = await db.scalar(
                sa.select(sa.func.max(col(PlanComment.id))).where(
                    col(PlanComment.plan_id) == post_plan_id
                )
            )
            assert post_last_id is not None
            people = [erik]
            for number in range(users - 1):
                person = Person(
                    oidc_issuer=ISSUER,
                    oidc_subject=f"bench-{number}",
                    name=f"Användare {number:03d}",
                    email=f"anvandare{number}@botkyrkabyggen.example",
                    email_verified=True,
                )
                db.add(person)
                await db.flush()
                assert person.id is not None
                db.add(
                    Membership(
                        person_id=person.id, organisation_id=byggen, role=MembershipRole.MEMBER
                    )
                )
                people.append(person.id)
            await db.commit()
            logged_in = []
            for person_id in people:
                token = await sessions.create(
                    db, person_id=person_id, id_token=None, settings=settings
                )
                await db.commit()
                csrf = await db.scalar(
                    sa.select(col(LoginSession.csrf_token)).where(
                        col(LoginSession.token_hash) == links.digest(token)
                    )
                )
                assert csrf is not None
                logged_in.append(User(person_id, token, csrf))
    finally:
        await live.close()
        await engine.dispose()
    return World(
        database_url=database_url,
        data_dir=data_dir,
        room_id=room_id,
        plan_id=plan_id,
        section_ids=tuple(section_ids),
        post_plan_id=post_plan_id,
        post_section_ids=tuple(post_sections),
        post_last_id=post_last_id,
        organisation_id=byggen,
        users=tuple(logged_in),
    )


async def _plan(
    db: AsyncSession,
    coordinator: CurrentPerson,
    partner: CurrentPerson,
    room_id: int,
    organisation_id: int,
    title: str,
    comments: int,
    live: LiveHub,
    *,
    sections: int = len(SECTIONS),
) -> tuple[int, list[int]]:
    """A published plan of ``sections`` sections (five unless asked) and ``comments`` partner
    comments spread evenly over them."""
    plan_id = await plans.create_plan(
        db, actor=coordinator, access=await room_for(db, coordinator, room_id), title=title
    )
    section_ids = []
    for number in range(sections):
        heading, body = SECTIONS[number % len(SECTIONS)]
        if number >= len(SECTIONS):
            heading = f"{heading} ({number // len(SECTIONS) + 1})"
        section_ids.append(
            await plans.add_section(
                db,
                actor=coordinator,
                access=await plan_for(db, coordinator, room_id, plan_id),
                data=SectionInput(heading, (body + "\n\n") * 6, None),
            )
        )
    await plans.publish(
        db,
        actor=coordinator,
        access=await plan_for(db, coordinator, room_id, plan_id),
        note="Första versionen",
    )
    for number in range(comments):
        section_id = section_ids[number % len(section_ids)]
        access, section = await plan_section_for(db, partner, room_id, plan_id, section_id)
        await plans.add_comment(
            db,
            actor=partner,
            access=access,
            section_id=section_id,
            section=section,
            data=CommentInput(
                f"Synpunkt {number + 1}: vi behöver förtydliga hur många liter per dygn "
                "våra boenden behöver och vem som kör ut vattnet.",
                None,
                organisation_id,
            ),
            live=live,
        )
    return plan_id, section_ids


async def _person(db: AsyncSession, subject: str) -> int:
    person_id = await db.scalar(
        sa.select(col(Person.id)).where(
            col(Person.oidc_issuer) == ISSUER, col(Person.oidc_subject) == subject
        )
    )
    assert person_id is not None
    return int(person_id)
