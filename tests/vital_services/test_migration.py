"""Migration 0016b: STYREL users and water needs entered before the register get a register
entry each and are linked to it, on SQLite and PostgreSQL, and every value they held is kept."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncConnection

from partner_portal.deliverables.models import ConnectionPoint, StyrelUser, WaterNeed
from partner_portal.organisations.models import Organisation
from partner_portal.platform import clock
from partner_portal.platform.db import create_engine
from partner_portal.platform.migrate import alembic_config
from partner_portal.rooms.models import ItemProgress, Room, RoomItem, RoomPhase
from partner_portal.vital_services.models import (
    VitalService,
    VitalServicePoint,
    VitalServiceVersion,
)
from tests.conftest import POSTGRES_ADMIN, postgres_admin
from tests.deliverables.factories import gsrn

OURS = "0016b"


def _before_ours() -> str:
    script = ScriptDirectory.from_config(alembic_config())
    first = script.get_revision("0016")
    assert first is not None
    assert isinstance(first.down_revision, str)
    return first.down_revision


def _table(model: Any) -> sa.Table:
    table: sa.Table = model.__table__
    return table


def _in_a_thread(work: Callable[[], object]) -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(work).result()


@pytest.fixture
async def old_database(database_kind: str, tmp_path: Path) -> AsyncIterator[str]:
    """A database migrated up to just before the register."""
    name = f"pp_old_{uuid.uuid4().hex[:10]}"
    if database_kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path}/old.db"
    else:
        await postgres_admin(f'CREATE DATABASE "{name}"')
        base = POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
        url = f"{base}/{name}"
    before = _before_ours()
    _in_a_thread(lambda: command.upgrade(alembic_config(url), before))
    yield url
    if database_kind != "sqlite":
        await postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _insert(connection: AsyncConnection, model: Any, **values: Any) -> int:
    """A row as the old schema has the table (a later migration may add columns the model
    has), with the model's own defaults for the columns the old table has."""
    model_table = _table(model)
    existing = await connection.run_sync(
        lambda sync: {c["name"] for c in sa.inspect(sync).get_columns(model_table.name)}
    )
    old = sa.Table(
        model_table.name,
        sa.MetaData(),
        *(column._copy() for column in model_table.columns if column.name in existing),
    )
    result = await connection.execute(sa.insert(old).values(**values))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


async def _rows(
    connection: AsyncConnection, model: Any, columns: list[str]
) -> list[dict[str, Any]]:
    table = _table(model)
    result = await connection.execute(
        sa.select(*(table.c[c] for c in columns)).order_by(table.c.id)
    )
    return [dict(r._mapping) for r in result]


async def test_existing_rows_are_linked_to_new_entries_and_keep_every_value(
    old_database: str,
) -> None:
    engine = create_engine(old_database)
    now = clock.now()
    async with engine.begin() as c:
        organisation = await _insert(
            c, Organisation, name="Vård AB", name_key="vård ab", sort_key="v", kind="ovrig"
        )
        other = await _insert(
            c, Organisation, name="Skol AB", name_key="skol ab", sort_key="s", kind="ovrig"
        )
        room = await _insert(
            c,
            Room,
            name="Styrel och vatten",
            process="el_styrel",
            starts_on=date(now.year, 1, 1),
            ends_on=date(now.year, 12, 31),
        )
        phase = await _insert(c, RoomPhase, room_id=room, position=1, title="Fas")
        items = [
            await _insert(
                c, RoomItem, room_id=room, phase_id=phase, position=n, title="U", kind=kind
            )
            for n, kind in ((1, "styrel_users"), (2, "water_needs"))
        ]
        progress = {
            (org, item): await _insert(
                c,
                ItemProgress,
                room_id=room,
                item_id=item,
                organisation_id=org,
                status="submitted",
                classification="internal",
            )
            for org in (organisation, other)
            for item in items
        }
        common = {"room_id": room, "created_at": now, "updated_at": now}
        solgarden = await _insert(
            c,
            StyrelUser,
            progress_id=progress[(organisation, items[0])],
            position=1,
            name="Solgården",
            activity="Äldreboende",
            priority_class=1,
            justification="Liv och hälsa",
            address="Solvägen 1",
            grid_company="Ellevio",
            **common,
        )
        await _insert(
            c,
            StyrelUser,
            progress_id=progress[(organisation, items[0])],
            position=2,
            name="Pumpstationen",
            activity="Avlopp",
            priority_class=2,
            justification="Samhällets funktion",
            address="Pumpvägen 2",
            grid_company="Ellevio",
            **common,
        )
        for position, serial in ((1, 1), (2, 2)):
            await _insert(
                c,
                ConnectionPoint,
                user_id=solgarden,
                room_id=room,
                position=position,
                gsrn=gsrn(serial),
                priority_class=1,
            )
        for org, site, persons, vulnerable in (
            (organisation, "  solgården ", 64, 58),
            (other, "Solgården", 10, 0),  # the same name, another organisation: its own entry
        ):
            await _insert(
                c,
                WaterNeed,
                progress_id=progress[(org, items[1])],
                position=1,
                site=site,
                category="care",
                persons=persons,
                litres_per_day=persons * 10,
                vulnerable=vulnerable,
                own_tank=False,
                note="Anteckning",
                **common,
            )
    styrel_columns = [c.name for c in _table(StyrelUser).c if c.name != "vital_service_id"]
    water_columns = [c.name for c in _table(WaterNeed).c if c.name != "vital_service_id"]
    async with engine.connect() as c:
        styrel_before = await _rows(c, StyrelUser, styrel_columns)
        water_before = await _rows(c, WaterNeed, water_columns)
        points_before = await _rows(c, ConnectionPoint, [x.name for x in _table(ConnectionPoint).c])
        progress_before = await _rows(c, ItemProgress, [x.name for x in _table(ItemProgress).c])
    await engine.dispose()

    _in_a_thread(lambda: command.upgrade(alembic_config(old_database), "head"))

    engine = create_engine(old_database)
    async with engine.connect() as c:
        assert await _rows(c, StyrelUser, styrel_columns) == styrel_before
        assert await _rows(c, WaterNeed, water_columns) == water_before
        assert (
            await _rows(c, ConnectionPoint, [x.name for x in _table(ConnectionPoint).c])
            == points_before
        )
        assert (
            await _rows(c, ItemProgress, [x.name for x in _table(ItemProgress).c])
            == progress_before
        )
        entries = await _rows(
            c,
            VitalService,
            [
                "id",
                "organisation_id",
                "name",
                "address",
                "persons_served",
                "cannot_leave",
                "sector",
            ],
        )
        links = {
            r["name"]: r["vital_service_id"]
            for r in await _rows(c, StyrelUser, ["id", "name", "vital_service_id"])
        }
        water_links = [
            r["vital_service_id"] for r in await _rows(c, WaterNeed, ["id", "vital_service_id"])
        ]
        points = await _rows(c, VitalServicePoint, ["id", "service_id", "gsrn"])
        versions = await _rows(c, VitalServiceVersion, ["id", "service_id", "version", "action"])
    await engine.dispose()

    by_name = {(e["organisation_id"], e["name"]): e for e in entries}
    assert len(entries) == 3
    mine = by_name[(organisation, "Solgården")]
    assert (mine["address"], mine["persons_served"], mine["cannot_leave"], mine["sector"]) == (
        "Solvägen 1",
        64,
        58,
        "not_given",
    )
    assert by_name[(organisation, "Pumpstationen")]["id"] == links["Pumpstationen"]
    assert links["Solgården"] == mine["id"]
    assert water_links == [mine["id"], by_name[(other, "Solgården")]["id"]]
    assert sorted(p["gsrn"] for p in points if p["service_id"] == mine["id"]) == [gsrn(1), gsrn(2)]
    assert sorted((v["service_id"], v["version"], v["action"]) for v in versions) == sorted(
        (e["id"], 1, "created") for e in entries
    )
