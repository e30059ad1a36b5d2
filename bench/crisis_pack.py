"""The crisis pack of a big room: how long the portal takes to gather, write and print it.

Builds a fresh, migrated SQLite database with one room of (by default) 30 organisations, each
with its 24/7 path and three people in crisis roles (names outside Latin-1 among them), a plan
whose latest published version has 40 sections of Markdown (about 1,200 characters each, lists
and emphasis included), 90 handed-in Styrel connection points and 60 water-need sites. Then it
times, one warm-up and ``--repeat`` runs each:

- **gather** — ``crisispack.service.gather``: the five reads (plans, Styrel, water, contacts);
- **html** — the pack written as its one self-contained HTML file;
- **pdf** — the tagged PDF/UA-1 from that HTML (WeasyPrint), the remembered copy cleared
  before each run, so each is a full rendering — what the first download after a change costs;
- **pdf again** — the same pack the same day: the remembered copy.

    .venv/bin/python -m bench.crisis_pack [--organisations 30] [--sections 40] [--repeat 3]

Measured (2026-12-07, the project's 2-core machine, shared with other work): see bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from pypdf import PdfReader

import partner_portal.models  # (every table on the metadata)
import partner_portal.words  # noqa: F401  (every feature's words, before anything renders)
from partner_portal.contacts.models import CrisisPerson, OrganisationContact
from partner_portal.crisispack import service
from partner_portal.deliverables.models import (
    ConnectionPoint,
    StyrelUser,
    WaterCategory,
    WaterNeed,
)
from partner_portal.evidence.models import Process
from partner_portal.organisations.models import Organisation, OrganisationKind
from partner_portal.plans.models import Plan, PlanSection, PlanVersion, PlanVersionSection
from partner_portal.platform import clock
from partner_portal.platform.db import create_engine, session_factory
from partner_portal.platform.migrate import upgrade
from partner_portal.platform.resources import resource_dir
from partner_portal.platform.templating import create_environment
from partner_portal.platform.text import swedish_sort_key
from partner_portal.rooms import queries as room_queries
from partner_portal.rooms.models import (
    ItemKind,
    ItemProgress,
    Participation,
    ParticipationStatus,
    ProgressStatus,
    Room,
    RoomItem,
    RoomPhase,
)

FIRST_NAMES = ("Łukasz", "Åsa", "Øystein", "Zeynep", "Mårten", "Jürgen", "Aino", "Chloé", "Nils")
LAST_NAMES = ("Ødegård", "Lindström", "Kowalczyk", "Yılmaz", "Nyström", "Šimić", "Virtanen")
BODY = (
    "Kommunens tjänsteman i beredskap larmar **krisledningsgruppen** inom 30 minuter. "
    "Varje bolag leder sin egen verksamhet men rapporterar läget till kommunen "
    "var fjärde timme.\n\n"
    "- Kontrollera reservkraft och bränsle för minst 72 timmar.\n"
    "- Informera de egna verksamheterna och prioritera vård och omsorg.\n"
    "- Samordna information till allmänheten med kommunikatör i beredskap.\n\n"
    "Vid avbrott i dricksvattnet delas nödvatten ut vid de platser som anges i listan över "
    "utdelningsplatser. Verksamheter med särskilda behov får vatten utkört enligt "
    "prioritetsordningen i detta paket. Läget följs upp i samverkanskonferens varje dag kl. 09."
)


def _name(n: int) -> str:
    return f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[n % len(LAST_NAMES)]}"


async def build(url: str, organisations: int, sections: int) -> int:
    sessions = session_factory(create_engine(url))
    today = clock.today()
    async with sessions() as db:
        room = Room(
            name="Elavbrott och vattenbrist 2027",
            process=Process.EL_STYREL,
            starts_on=today,
            ends_on=today + timedelta(days=300),
        )
        db.add(room)
        await db.flush()
        assert room.id is not None
        phase = RoomPhase(room_id=room.id, position=1, title="Inventering")
        db.add(phase)
        await db.flush()
        assert phase.id is not None
        items = {}
        for position, kind in enumerate((ItemKind.STYREL_USERS, ItemKind.WATER_NEEDS), start=1):
            item = RoomItem(
                room_id=room.id, phase_id=phase.id, position=position, title=kind, kind=kind
            )
            db.add(item)
            await db.flush()
            items[kind] = item.id
        person_number = 0
        for n in range(organisations):
            name = f"Organisation {n:02d} {_name(n)}"
            organisation = Organisation(
                name=name,
                name_key=name.lower(),
                sort_key=swedish_sort_key(name),
                kind=list(OrganisationKind)[n % len(OrganisationKind)],
            )
            db.add(organisation)
            await db.flush()
            assert organisation.id is not None
            db.add(
                Participation(
                    room_id=room.id,
                    organisation_id=organisation.id,
                    status=ParticipationStatus.ACCEPTED,
                )
            )
            db.add(
                OrganisationContact(
                    organisation_id=organisation.id,
                    duty_phone=f"08-530 {600 + n:03d} 00",
                    mailbox=f"beredskap{n}@example.se",
                    alternative=f"Rakel: BOT-KRIS-{n}",
                )
            )
            for position, role in enumerate(("Krisledare", "Kommunikatör", "Säkerhetschef"), 1):
                person_number += 1
                db.add(
                    CrisisPerson(
                        organisation_id=organisation.id,
                        position=position,
                        name=_name(person_number),
                        crisis_role=role,
                        phone=f"070-{person_number:03d} 45 67",
                    )
                )
            progress = {}
            for kind, item_id in items.items():
                row = ItemProgress(
                    room_id=room.id,
                    item_id=item_id,
                    organisation_id=organisation.id,
                    status=ProgressStatus.SUBMITTED,
                )
                db.add(row)
                await db.flush()
                progress[kind] = row.id
            user = StyrelUser(
                progress_id=progress[ItemKind.STYREL_USERS],
                room_id=room.id,
                position=1,
                name=f"Anläggning {n}",
                activity="Vård och omsorg",
                priority_class=1 + n % 8,
                justification="Liv och hälsa",
                address=f"Storgatan {n}",
                grid_company="Ellevio",
            )
            db.add(user)
            await db.flush()
            assert user.id is not None
            for point in range(3):
                db.add(
                    ConnectionPoint(
                        user_id=user.id,
                        room_id=room.id,
                        position=point,
                        gsrn=f"7359991{n:05d}{point:06d}",
                        priority_class=1 + (n + point) % 8,
                    )
                )
            for site in range(2):
                db.add(
                    WaterNeed(
                        progress_id=progress[ItemKind.WATER_NEEDS],
                        room_id=room.id,
                        position=site,
                        site=f"Plats {n}-{site}",
                        category=list(WaterCategory)[(n + site) % len(WaterCategory)],
                        persons=20 + n,
                        litres_per_day=200,
                        vulnerable=(n * site) % 9,
                        own_tank=site == 1,
                    )
                )
        plan = Plan(room_id=room.id, title="Plan vid elavbrott och vattenbrist", latest_version=1)
        db.add(plan)
        await db.flush()
        assert plan.id is not None
        version = PlanVersion(plan_id=plan.id, number=1, title=plan.title)
        db.add(version)
        await db.flush()
        assert version.id is not None
        for position in range(1, sections + 1):
            heading = "Aktiveringsrutin" if position == 1 else f"Avsnitt {position}"
            section = PlanSection(
                plan_id=plan.id, key=f"s{position}", position=position, heading=heading, body=BODY
            )
            db.add(section)
            await db.flush()
            assert section.id is not None
            db.add(
                PlanVersionSection(
                    version_id=version.id,
                    section_id=section.id,
                    position=position,
                    heading=heading,
                    body=BODY,
                )
            )
        await db.commit()
        return room.id


def timed(label: str, repeat: int, work: Callable[[], Any]) -> Any:
    work()  # warm-up
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    print(f"  {label:<10} median {statistics.median(times) * 1000:8.1f} ms  (of {repeat})")
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.crisis_pack")
    parser.add_argument("--organisations", type=int, default=30)
    parser.add_argument("--sections", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if min(args.organisations, args.sections, args.repeat) < 1:
        parser.error("--organisations, --sections and --repeat must be positive")
    env = create_environment(resource_dir("templates"))
    with tempfile.TemporaryDirectory(prefix="bench-crisis-pack-") as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        upgrade(url)
        room_id = asyncio.run(build(url, args.organisations, args.sections))
        sessions = session_factory(create_engine(url))

        async def gather() -> service.Pack:
            async with sessions() as db:
                room = await room_queries.room(db, room_id)
                assert room is not None
                return await service.gather(db, room)

        print(
            f"A room of {args.organisations} organisations (3 people each), a plan of "
            f"{args.sections} sections, on SQLite"
        )
        pack: service.Pack = timed("gather", args.repeat, lambda: asyncio.run(gather()))
        now = clock.now()
        html = timed("html", args.repeat, lambda: service.html(env, pack, now, for_print=False))

        def fresh_pdf() -> bytes:
            service._pdfs.clear()
            return asyncio.run(service.pdf(env, pack, now))

        pdf = timed("pdf", args.repeat, fresh_pdf)
        timed("pdf again", args.repeat, lambda: asyncio.run(service.pdf(env, pack, now)))
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(
            f"  the PDF: {len(pdf) / 1024:.0f} KiB, {pages} pages; the HTML file: "
            f"{len(html.encode()) / 1024:.0f} KiB; {len(pack.styrel)} Styrel points, "
            f"{len(pack.water)} water sites"
        )


if __name__ == "__main__":
    main()
