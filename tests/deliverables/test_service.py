"""Saving deliverables: the rules the service keeps, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.deliverables import queries, service
from partner_portal.deliverables.models import (
    ConnectionPoint,
    ReadinessStatus,
    StyrelUser,
    WarOrganisation,
    WaterCategory,
    WaterNeed,
)
from partner_portal.deliverables.service import (
    PointInput,
    ReadinessInput,
    StyrelUserInput,
    WaterNeedInput,
)
from partner_portal.platform.errors import Invalid, NotFound
from partner_portal.rooms.models import (
    Classification,
    ItemKind,
    ItemProgress,
    ProgressStatus,
)
from tests.deliverables.conftest import Room
from tests.deliverables.factories import (
    add_item,
    gsrn,
    make_room,
    organisation_with_progress,
)
from tests.helpers import Persona

A, B, C = gsrn(1), gsrn(2), gsrn(3)
SUBMITTED_MESSAGE = (
    "Underlaget är inlämnat och kan inte ändras. Be samordnaren skicka tillbaka det om något "
    "behöver rättas."
)
CONFIDENTIAL_MESSAGE = (
    "Underlaget är märkt konfidentiellt – endast metadata. Innehållet lämnas till kommunen på "
    "annat sätt och sparas inte i portalen."
)


def user(
    *points: tuple[str, int], name: str = "Tumba vårdboende", main: int = 1
) -> StyrelUserInput:
    return StyrelUserInput(
        name=name,
        activity="Äldreboende",
        priority_class=main,
        justification="Syrgas och larm",
        address="Tumbavägen 1",
        grid_company="Ellevio AB",
        points=tuple(PointInput(g, c) for g, c in points),
        point_indexes=tuple(range(len(points))),
    )


WATER = WaterNeedInput(
    site="Förskolan Solgläntan",
    category=WaterCategory.SCHOOL,
    persons=60,
    litres_per_day=240,
    vulnerable=45,
    own_tank=False,
    note="",
)


async def count(db: AsyncSession, model: Any) -> int:
    return int(await db.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


# --- STYREL ------------------------------------------------------------------------------


async def test_saving_a_user_starts_the_work(
    db: AsyncSession, byggen: ItemProgress, bob: Persona
) -> None:
    assert byggen.id is not None
    before = byggen.updated_at

    user_id = await service.save_styrel_user(
        db, progress=byggen, user_id=None, data=user((A, 1), (B, 3)), actor_id=bob.id
    )

    rows = await queries.styrel_users(db, byggen.id)
    assert [(r.id, r.name, r.priority_class) for r in rows] == [(user_id, "Tumba vårdboende", 1)]
    assert [(p.gsrn, p.priority_class) for p in rows[0].points] == [(A, 1), (B, 3)]
    stored = await db.get(ItemProgress, byggen.id)
    assert stored is not None
    assert stored.status is ProgressStatus.IN_PROGRESS
    assert stored.updated_by == bob.id
    assert stored.updated_at > before


@pytest.mark.parametrize(
    ("status", "after"),
    [
        (ProgressStatus.NOT_STARTED, ProgressStatus.IN_PROGRESS),
        (ProgressStatus.RETURNED, ProgressStatus.IN_PROGRESS),
        (ProgressStatus.IN_PROGRESS, ProgressStatus.IN_PROGRESS),
        (ProgressStatus.NOT_APPLICABLE, ProgressStatus.NOT_APPLICABLE),
    ],
)
async def test_the_status_after_a_save(
    db: AsyncSession,
    styrel_room: Room,
    bob: Persona,
    status: ProgressStatus,
    after: ProgressStatus,
) -> None:
    progress = await organisation_with_progress(
        db, "Botkyrka kommun", room_id=styrel_room.id, item_id=styrel_room.item_id, status=status
    )

    await service.save_styrel_user(
        db, progress=progress, user_id=None, data=user((A, 1)), actor_id=bob.id
    )

    assert progress.status is after


async def test_new_users_come_after_the_others(
    db: AsyncSession, byggen: ItemProgress, bob: Persona
) -> None:
    assert byggen.id is not None
    for number, name in enumerate(("Första", "Andra", "Tredje"), start=1):
        await service.save_styrel_user(
            db,
            progress=byggen,
            user_id=None,
            data=user((gsrn(number), 2), name=name),
            actor_id=bob.id,
        )

    rows = await queries.styrel_users(db, byggen.id)
    assert [(r.position, r.name) for r in rows] == [(1, "Första"), (2, "Andra"), (3, "Tredje")]


async def test_changing_a_user_keeps_the_points_still_there(
    db: AsyncSession, byggen: ItemProgress, bob: Persona
) -> None:
    assert byggen.id is not None
    user_id = await service.save_styrel_user(
        db, progress=byggen, user_id=None, data=user((A, 1), (B, 3)), actor_id=bob.id
    )
    [before] = await queries.styrel_users(db, byggen.id)
    kept_id = before.points[1].id

    same_id = await service.save_styrel_user(
        db,
        progress=byggen,
        user_id=user_id,
        data=user((C, 4), (B, 2), name="Tumba vård- och omsorgsboende", main=2),
        actor_id=bob.id,
    )

    [after] = await queries.styrel_users(db, byggen.id)
    assert same_id == user_id
    assert (after.name, after.priority_class) == ("Tumba vård- och omsorgsboende", 2)
    assert [(p.gsrn, p.priority_class) for p in after.points] == [(C, 4), (B, 2)]
    assert after.points[1].id == kept_id
    assert await count(db, ConnectionPoint) == 2


async def test_a_gsrn_another_organisation_gave_in_the_room_is_refused_and_nothing_is_written(
    db: AsyncSession, styrel_room: Room, byggen: ItemProgress, bob: Persona
) -> None:
    assert byggen.id is not None
    other = await organisation_with_progress(
        db, "Botkyrka kommun", room_id=styrel_room.id, item_id=styrel_room.item_id
    )
    await service.save_styrel_user(
        db, progress=other, user_id=None, data=user((B, 2)), actor_id=bob.id
    )

    with pytest.raises(Invalid) as caught:
        await service.save_styrel_user(
            db, progress=byggen, user_id=None, data=user((A, 1), (B, 3)), actor_id=bob.id
        )

    assert set(caught.value.errors) == {"gsrn-1"}
    message = caught.value.errors["gsrn-1"]
    assert "en annan organisation i det här planeringsrummet" in message
    assert "Botkyrka kommun" not in message  # what others deliver is theirs to show
    assert await queries.styrel_users(db, byggen.id) == []
    assert await count(db, StyrelUser) == 1
    assert await count(db, ConnectionPoint) == 1
    stored = await db.get(ItemProgress, byggen.id)
    assert stored is not None
    assert stored.status is ProgressStatus.NOT_STARTED


async def test_a_gsrn_of_another_own_user_names_that_user(
    db: AsyncSession, byggen: ItemProgress, bob: Persona
) -> None:
    await service.save_styrel_user(
        db, progress=byggen, user_id=None, data=user((A, 1), name="Vattenverket"), actor_id=bob.id
    )

    with pytest.raises(Invalid) as caught:
        await service.save_styrel_user(
            db, progress=byggen, user_id=None, data=user((A, 3)), actor_id=bob.id
        )

    assert caught.value.errors == {
        "gsrn-0": "Anslutningspunkten finns redan hos elanvändaren Vattenverket i ert underlag. "
        "En anslutningspunkt kan bara ha en prioritetsklass."
    }


async def test_the_same_gsrn_in_another_room_is_fine(
    db: AsyncSession, byggen: ItemProgress, bob: Persona
) -> None:
    room_id, item_id = await make_room(db, "STYREL revidering 2027", ItemKind.STYREL_USERS)
    later = await organisation_with_progress(
        db, "Botkyrka kommun", room_id=room_id, item_id=item_id
    )
    await service.save_styrel_user(
        db, progress=byggen, user_id=None, data=user((A, 1)), actor_id=bob.id
    )

    await service.save_styrel_user(
        db, progress=later, user_id=None, data=user((A, 3)), actor_id=bob.id
    )

    assert await count(db, ConnectionPoint) == 2


async def test_a_concurrent_save_of_the_same_gsrn_is_decided_by_the_unique_index(
    db: AsyncSession,
    styrel_room: Room,
    byggen: ItemProgress,
    bob: Persona,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert byggen.id is not None
    other = await organisation_with_progress(
        db, "Botkyrka kommun", room_id=styrel_room.id, item_id=styrel_room.item_id
    )
    await service.save_styrel_user(
        db, progress=other, user_id=None, data=user((A, 2)), actor_id=bob.id
    )
    real_check = service._gsrn_conflicts
    calls: list[int] = []

    async def check_that_ran_before_the_other_commit(*args: Any) -> dict[str, str]:
        # The first check sees nothing, as when the other save commits just after it.
        calls.append(1)
        return {} if len(calls) == 1 else await real_check(*args)

    monkeypatch.setattr(service, "_gsrn_conflicts", check_that_ran_before_the_other_commit)

    with pytest.raises(Invalid) as caught:
        await service.save_styrel_user(
            db, progress=byggen, user_id=None, data=user((A, 1)), actor_id=bob.id
        )

    assert set(caught.value.errors) == {"gsrn-0"}
    # Rolled back cleanly: nothing of this save is stored, and the caller's progress row is
    # still usable for rendering the form again.
    assert byggen.status is ProgressStatus.NOT_STARTED
    assert await count(db, StyrelUser) == 1
    assert await queries.styrel_users(db, byggen.id) == []


async def test_the_database_itself_refuses_a_gsrn_twice_in_a_room(
    db: AsyncSession, byggen: ItemProgress, bob: Persona
) -> None:
    user_id = await service.save_styrel_user(
        db, progress=byggen, user_id=None, data=user((A, 1)), actor_id=bob.id
    )

    with pytest.raises(sa.exc.IntegrityError):
        await db.execute(
            sa.insert(ConnectionPoint).values(
                user_id=user_id, room_id=byggen.room_id, position=2, gsrn=A, priority_class=3
            )
        )
    await db.rollback()


@pytest.mark.parametrize("status", [ProgressStatus.SUBMITTED, ProgressStatus.APPROVED])
async def test_a_handed_in_deliverable_cannot_change(
    db: AsyncSession, styrel_room: Room, bob: Persona, status: ProgressStatus
) -> None:
    progress = await organisation_with_progress(
        db, "Botkyrka kommun", room_id=styrel_room.id, item_id=styrel_room.item_id
    )
    user_id = await service.save_styrel_user(
        db, progress=progress, user_id=None, data=user((A, 1)), actor_id=bob.id
    )
    progress.status = status
    await db.commit()

    attempts = (
        service.save_styrel_user(
            db, progress=progress, user_id=None, data=user((B, 1)), actor_id=bob.id
        ),
        service.save_styrel_user(
            db, progress=progress, user_id=user_id, data=user((B, 1)), actor_id=bob.id
        ),
        service.delete_styrel_user(db, progress=progress, user_id=user_id, actor_id=bob.id),
    )
    for attempt in attempts:
        with pytest.raises(Invalid) as caught:
            await attempt
        assert caught.value.errors == {"progress": SUBMITTED_MESSAGE}

    assert await count(db, StyrelUser) == 1
    assert progress.status is status


async def test_nothing_is_stored_under_the_confidential_label(
    db: AsyncSession, styrel_room: Room, water_room: Room, readiness_room: Room, bob: Persona
) -> None:
    confidential = Classification.CONFIDENTIAL_METADATA_ONLY
    styrel = await organisation_with_progress(
        db,
        "Polisen",
        room_id=styrel_room.id,
        item_id=styrel_room.item_id,
        classification=confidential,
    )
    water = await organisation_with_progress(
        db, "SBFF", room_id=water_room.id, item_id=water_room.item_id, classification=confidential
    )
    readiness = await organisation_with_progress(
        db,
        "VPC",
        room_id=readiness_room.id,
        item_id=readiness_room.item_id,
        classification=confidential,
    )

    attempts = (
        service.save_styrel_user(
            db, progress=styrel, user_id=None, data=user((A, 1)), actor_id=bob.id
        ),
        service.save_water_need(db, progress=water, need_id=None, data=WATER, actor_id=bob.id),
        service.save_readiness(
            db,
            progress=readiness,
            data=ReadinessInput(WarOrganisation.YES, True),
            actor_id=bob.id,
        ),
    )
    for attempt in attempts:
        with pytest.raises(Invalid) as caught:
            await attempt
        assert caught.value.errors == {"progress": CONFIDENTIAL_MESSAGE}

    assert await count(db, StyrelUser) + await count(db, WaterNeed) == 0
    assert await count(db, ReadinessStatus) == 0


async def test_a_row_of_another_progress_is_not_found(
    db: AsyncSession, styrel_room: Room, byggen: ItemProgress, bob: Persona
) -> None:
    other = await organisation_with_progress(
        db, "Botkyrka kommun", room_id=styrel_room.id, item_id=styrel_room.item_id
    )
    theirs = await service.save_styrel_user(
        db, progress=other, user_id=None, data=user((A, 1)), actor_id=bob.id
    )

    for attempt in (
        service.save_styrel_user(
            db, progress=byggen, user_id=theirs, data=user((B, 1)), actor_id=bob.id
        ),
        service.delete_styrel_user(db, progress=byggen, user_id=theirs, actor_id=bob.id),
        service.save_styrel_user(
            db, progress=byggen, user_id=theirs + 1000, data=user((B, 1)), actor_id=bob.id
        ),
    ):
        with pytest.raises(NotFound):
            await attempt

    [row] = await queries.styrel_users(db, other.id or 0)
    assert [p.gsrn for p in row.points] == [A]


async def test_a_deliverable_of_another_kind_is_not_found(
    db: AsyncSession, styrel_room: Room, byggen: ItemProgress, bob: Persona
) -> None:
    checklist_item = await add_item(db, styrel_room.id, ItemKind.CHECKLIST)
    checklist = await organisation_with_progress(
        db, "Botkyrka kommun", room_id=styrel_room.id, item_id=checklist_item
    )

    with pytest.raises(NotFound):
        await service.save_styrel_user(
            db, progress=checklist, user_id=None, data=user((A, 1)), actor_id=bob.id
        )
    with pytest.raises(NotFound):
        await service.save_water_need(
            db, progress=byggen, need_id=None, data=WATER, actor_id=bob.id
        )


async def test_deleting_a_user_removes_its_points(
    db: AsyncSession, byggen: ItemProgress, bob: Persona
) -> None:
    assert byggen.id is not None
    gone = await service.save_styrel_user(
        db, progress=byggen, user_id=None, data=user((A, 1), (B, 2)), actor_id=bob.id
    )
    await service.save_styrel_user(
        db, progress=byggen, user_id=None, data=user((C, 1), name="Kvar"), actor_id=bob.id
    )

    await service.delete_styrel_user(db, progress=byggen, user_id=gone, actor_id=bob.id)

    assert [r.name for r in await queries.styrel_users(db, byggen.id)] == ["Kvar"]
    assert await count(db, ConnectionPoint) == 1
    # The freed GSRN can be used again.
    await service.save_styrel_user(
        db, progress=byggen, user_id=None, data=user((A, 5)), actor_id=bob.id
    )


# --- water -------------------------------------------------------------------------------


async def test_water_needs_are_saved_changed_and_deleted(
    db: AsyncSession, water_room: Room, bob: Persona
) -> None:
    progress = await organisation_with_progress(
        db,
        "AB Botkyrkabyggen",
        room_id=water_room.id,
        item_id=water_room.item_id,
        status=ProgressStatus.RETURNED,
    )
    assert progress.id is not None
    low = WaterNeedInput(
        site="Tumba vårdboende",
        category=WaterCategory.CARE,
        persons=100,
        litres_per_day=200,
        vulnerable=80,
        own_tank=True,
        note="Tank på 2 m³",
    )

    first = await service.save_water_need(
        db, progress=progress, need_id=None, data=WATER, actor_id=bob.id
    )
    second = await service.save_water_need(
        db, progress=progress, need_id=None, data=low, actor_id=bob.id
    )

    rows = await queries.water_needs(db, progress.id)
    assert [(r.id, r.site, r.below_minimum) for r in rows] == [
        (first, "Förskolan Solgläntan", False),
        (second, "Tumba vårdboende", True),  # saved, and warned about
    ]
    assert progress.status is ProgressStatus.IN_PROGRESS

    await service.save_water_need(
        db,
        progress=progress,
        need_id=second,
        data=replace(low, litres_per_day=1200, note=""),
        actor_id=bob.id,
    )
    await service.delete_water_need(db, progress=progress, need_id=first, actor_id=bob.id)

    [row] = await queries.water_needs(db, progress.id)
    assert (row.id, row.litres_per_day, row.note, row.below_minimum) == (second, 1200, "", False)


async def test_a_water_need_of_another_organisation_is_not_found(
    db: AsyncSession, water_room: Room, bob: Persona
) -> None:
    mine = await organisation_with_progress(
        db, "AB Botkyrkabyggen", room_id=water_room.id, item_id=water_room.item_id
    )
    theirs = await organisation_with_progress(
        db, "Botkyrka kommun", room_id=water_room.id, item_id=water_room.item_id
    )
    need = await service.save_water_need(
        db, progress=theirs, need_id=None, data=WATER, actor_id=bob.id
    )

    with pytest.raises(NotFound):
        await service.save_water_need(db, progress=mine, need_id=need, data=WATER, actor_id=bob.id)
    with pytest.raises(NotFound):
        await service.delete_water_need(db, progress=mine, need_id=need, actor_id=bob.id)
    assert await count(db, WaterNeed) == 1


# --- höjd beredskap ----------------------------------------------------------------------


async def test_readiness_is_one_row_per_progress(
    db: AsyncSession, readiness_room: Room, bob: Persona, charlie: Persona
) -> None:
    progress = await organisation_with_progress(
        db, "AB Botkyrkabyggen", room_id=readiness_room.id, item_id=readiness_room.item_id
    )
    assert progress.id is not None

    await service.save_readiness(
        db,
        progress=progress,
        data=ReadinessInput(WarOrganisation.IN_PROGRESS, False),
        actor_id=bob.id,
    )
    await service.save_readiness(
        db, progress=progress, data=ReadinessInput(WarOrganisation.YES, True), actor_id=bob.id
    )
    # The same answers again change nothing, not even who changed it last.
    await service.save_readiness(
        db,
        progress=progress,
        data=ReadinessInput(WarOrganisation.YES, True),
        actor_id=charlie.id,
    )

    row = await queries.readiness(db, progress.id)
    assert row is not None
    assert (row.war_organisation, row.security_analysis_done) == (WarOrganisation.YES, True)
    assert await count(db, ReadinessStatus) == 1
    assert progress.status is ProgressStatus.IN_PROGRESS
    assert progress.updated_by == bob.id


async def test_two_first_readiness_saves_at_once_end_in_one_row(
    db: AsyncSession, readiness_room: Room, bob: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    progress = await organisation_with_progress(
        db, "AB Botkyrkabyggen", room_id=readiness_room.id, item_id=readiness_room.item_id
    )
    assert progress.id is not None
    db.add(
        ReadinessStatus(
            progress_id=progress.id,
            war_organisation=WarOrganisation.NO,
            security_analysis_done=False,
        )
    )
    await db.commit()
    real_lookup = service._readiness_of
    calls: list[int] = []

    async def lookup_that_ran_before_the_other_commit(*args: Any) -> ReadinessStatus | None:
        calls.append(1)
        return None if len(calls) == 1 else await real_lookup(*args)

    monkeypatch.setattr(service, "_readiness_of", lookup_that_ran_before_the_other_commit)

    await service.save_readiness(
        db, progress=progress, data=ReadinessInput(WarOrganisation.YES, True), actor_id=bob.id
    )

    rows = (await db.execute(sa.select(col(ReadinessStatus.war_organisation)))).all()
    assert [r.war_organisation for r in rows] == [WarOrganisation.YES]
    assert progress.status is ProgressStatus.IN_PROGRESS
