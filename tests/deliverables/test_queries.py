"""Reads of deliverables: a constant number of statements, and who sees what in exports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.deliverables import queries, service
from partner_portal.deliverables.models import WarOrganisation, WaterCategory
from partner_portal.deliverables.service import (
    PointInput,
    ReadinessInput,
    StyrelUserInput,
    WaterNeedInput,
)
from partner_portal.rooms.models import Classification, ItemKind, ItemProgress, ProgressStatus
from tests.deliverables.conftest import Room
from tests.deliverables.factories import gsrn, make_room, organisation_with_progress
from tests.helpers import Persona
from tests.queries import QueryCounter

T = TypeVar("T")


def user(name: str, *points: tuple[str, int]) -> StyrelUserInput:
    return StyrelUserInput(
        name=name,
        activity="Verksamhet",
        priority_class=points[0][1],
        justification="Motivering",
        address="Adress 1",
        grid_company="Ellevio AB",
        points=tuple(PointInput(g, c) for g, c in points),
        point_indexes=tuple(range(len(points))),
    )


def water(site: str) -> WaterNeedInput:
    return WaterNeedInput(
        site=site,
        category=WaterCategory.CARE,
        persons=10,
        litres_per_day=50,
        vulnerable=5,
        own_tank=False,
        note="",
    )


async def statements_during(
    query_counter: QueryCounter, db: AsyncSession, read: Callable[[], Awaitable[T]]
) -> tuple[int, T]:
    await db.execute(sa.select(1))  # the transaction is open: only the reads count
    return await query_counter.during(read)


async def test_users_and_their_points_take_two_queries_whatever_their_number(
    db: AsyncSession, byggen: ItemProgress, bob: Persona, query_counter: QueryCounter
) -> None:
    assert byggen.id is not None
    progress_id = byggen.id
    await service.save_styrel_user(
        db, progress=byggen, user_id=None, data=user("U0", (gsrn(0), 1)), actor_id=bob.id
    )
    with_1, rows = await statements_during(
        query_counter, db, lambda: queries.styrel_users(db, progress_id)
    )
    assert len(rows) == 1
    for number in range(1, 25):
        points = [(gsrn(number * 10 + k), 1 + k) for k in range(3)]
        await service.save_styrel_user(
            db, progress=byggen, user_id=None, data=user(f"U{number}", *points), actor_id=bob.id
        )

    with_25, rows = await statements_during(
        query_counter, db, lambda: queries.styrel_users(db, progress_id)
    )

    assert with_1 == with_25 == 2
    assert len(rows) == 25
    assert [p.priority_class for p in rows[24].points] == [1, 2, 3]
    assert [r.name for r in rows[:3]] == ["U0", "U1", "U2"]


async def test_water_needs_and_readiness_take_one_query_each(
    db: AsyncSession,
    water_room: Room,
    readiness_room: Room,
    bob: Persona,
    query_counter: QueryCounter,
) -> None:
    progress = await organisation_with_progress(
        db, "AB Botkyrkabyggen", room_id=water_room.id, item_id=water_room.item_id
    )
    ready = await organisation_with_progress(
        db, "AB Botkyrkabyggen 2", room_id=readiness_room.id, item_id=readiness_room.item_id
    )
    assert progress.id is not None
    assert ready.id is not None
    progress_id, ready_id = progress.id, ready.id
    for number in range(12):
        await service.save_water_need(
            db, progress=progress, need_id=None, data=water(f"Plats {number}"), actor_id=bob.id
        )
    await service.save_readiness(
        db, progress=ready, data=ReadinessInput(WarOrganisation.NO, True), actor_id=bob.id
    )

    needs_statements, needs = await statements_during(
        query_counter, db, lambda: queries.water_needs(db, progress_id)
    )
    ready_statements, status = await statements_during(
        query_counter, db, lambda: queries.readiness(db, ready_id)
    )

    assert (needs_statements, ready_statements) == (1, 1)
    assert [n.site for n in needs][:2] == ["Plats 0", "Plats 1"]
    assert len(needs) == 12
    assert status is not None
    assert status.war_organisation is WarOrganisation.NO
    assert await queries.readiness(db, ready_id + 1000) is None


async def _set(db: AsyncSession, progress: ItemProgress, **changes: object) -> None:
    for name, value in changes.items():
        setattr(progress, name, value)
    await db.commit()


async def test_the_coordinators_styrel_export_has_only_what_was_handed_in(
    db: AsyncSession, styrel_room: Room, bob: Persona, query_counter: QueryCounter
) -> None:
    parts: dict[str, ItemProgress] = {}
    for number, name in enumerate(
        ["Draft AB", "Inlämnat AB", "Godkänt AB", "Tillbakaskickat AB", "Hemligt AB"]
    ):
        progress = await organisation_with_progress(
            db, name, room_id=styrel_room.id, item_id=styrel_room.item_id
        )
        await service.save_styrel_user(
            db,
            progress=progress,
            user_id=None,
            data=user(f"Användare {number}", (gsrn(number * 2), 1), (gsrn(number * 2 + 1), 4)),
            actor_id=bob.id,
        )
        parts[name] = progress
    await _set(db, parts["Inlämnat AB"], status=ProgressStatus.SUBMITTED)
    await _set(db, parts["Godkänt AB"], status=ProgressStatus.APPROVED)
    await _set(db, parts["Tillbakaskickat AB"], status=ProgressStatus.RETURNED)
    await _set(
        db,
        parts["Hemligt AB"],
        status=ProgressStatus.SUBMITTED,
        classification=Classification.CONFIDENTIAL_METADATA_ONLY,
    )
    # A handed-in deliverable in another room stays out of this room's export.
    other_room, other_item = await make_room(db, "Annat rum", ItemKind.STYREL_USERS)
    elsewhere = await organisation_with_progress(
        db, "Annat AB", room_id=other_room, item_id=other_item
    )
    await service.save_styrel_user(
        db, progress=elsewhere, user_id=None, data=user("Där", (gsrn(99), 2)), actor_id=bob.id
    )
    await _set(db, elsewhere, status=ProgressStatus.SUBMITTED)

    statements, rows = await statements_during(
        query_counter, db, lambda: queries.styrel_rows_for_room(db, styrel_room.id)
    )

    assert statements == 1
    assert [(r.organisation_name, r.user_name, r.gsrn, r.point_class) for r in rows] == [
        ("Godkänt AB", "Användare 2", gsrn(4), 1),
        ("Godkänt AB", "Användare 2", gsrn(5), 4),
        ("Inlämnat AB", "Användare 1", gsrn(2), 1),
        ("Inlämnat AB", "Användare 1", gsrn(3), 4),
    ]
    assert {r.status for r in rows} == {ProgressStatus.SUBMITTED, ProgressStatus.APPROVED}
    assert rows[0].user_class == 1
    assert rows[0].grid_company == "Ellevio AB"


async def test_an_organisations_own_export_has_its_rows_in_any_state(
    db: AsyncSession, styrel_room: Room, water_room: Room, bob: Persona
) -> None:
    mine = await organisation_with_progress(
        db, "AB Botkyrkabyggen", room_id=styrel_room.id, item_id=styrel_room.item_id
    )
    theirs = await organisation_with_progress(
        db, "Botkyrka kommun", room_id=styrel_room.id, item_id=styrel_room.item_id
    )
    await service.save_styrel_user(
        db, progress=mine, user_id=None, data=user("Mitt", (gsrn(1), 2)), actor_id=bob.id
    )
    await service.save_styrel_user(
        db, progress=theirs, user_id=None, data=user("Deras", (gsrn(2), 2)), actor_id=bob.id
    )
    await _set(db, theirs, status=ProgressStatus.SUBMITTED)

    own = await queries.styrel_rows_for_room(
        db, styrel_room.id, organisation_id=mine.organisation_id
    )

    assert [(r.user_name, r.status) for r in own] == [("Mitt", ProgressStatus.IN_PROGRESS)]


async def test_the_water_exports_follow_the_same_rules(
    db: AsyncSession, water_room: Room, bob: Persona
) -> None:
    draft = await organisation_with_progress(
        db, "AB Botkyrkabyggen", room_id=water_room.id, item_id=water_room.item_id
    )
    handed_in = await organisation_with_progress(
        db, "Botkyrka kommun", room_id=water_room.id, item_id=water_room.item_id
    )
    for progress, site in ((draft, "Utkastet"), (handed_in, "Förskolan"), (handed_in, "Skolan")):
        await service.save_water_need(
            db, progress=progress, need_id=None, data=water(site), actor_id=bob.id
        )
    await _set(db, handed_in, status=ProgressStatus.SUBMITTED)

    coordinator = await queries.water_rows_for_room(db, water_room.id)
    own = await queries.water_rows_for_room(
        db, water_room.id, organisation_id=draft.organisation_id
    )

    assert [(r.organisation_name, r.site) for r in coordinator] == [
        ("Botkyrka kommun", "Förskolan"),
        ("Botkyrka kommun", "Skolan"),
    ]
    assert [(r.organisation_name, r.site) for r in own] == [("AB Botkyrkabyggen", "Utkastet")]
