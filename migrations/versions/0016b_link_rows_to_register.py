"""Existing STYREL users and water needs get a register entry each, and are linked to it.

Per organisation, rows naming the same site (the STYREL user's name, the water need's site,
compared without case or surrounding spaces) become one entry: its name, the STYREL address,
the water need's persons and people who cannot leave, the STYREL connection points. The
entry's sector is "not given" until the organisation chooses one. Nothing in the rows
changes but the new link; the submitted data stays exactly as it was.

Revision ID: 0016b
Revises: 0016
Create Date: 2026-12-07
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0016b"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)
_progress = sa.table("item_progress", sa.column("id"), sa.column("organisation_id"))
_styrel = sa.table(
    "styrel_user",
    sa.column("id"),
    sa.column("progress_id"),
    sa.column("name"),
    sa.column("address"),
    sa.column("updated_at", _TS),
    sa.column("vital_service_id"),
)
_water = sa.table(
    "water_need",
    sa.column("id"),
    sa.column("progress_id"),
    sa.column("site"),
    sa.column("persons"),
    sa.column("vulnerable"),
    sa.column("updated_at", _TS),
    sa.column("vital_service_id"),
)
_points = sa.table("connection_point", sa.column("user_id"), sa.column("gsrn"))
_service = sa.table(
    "vital_service",
    sa.column("id"),
    sa.column("organisation_id"),
    sa.column("name"),
    sa.column("address"),
    sa.column("sector"),
    sa.column("persons_served"),
    sa.column("cannot_leave"),
    sa.column("stored_water_litres"),
    sa.column("contact"),
    sa.column("classification"),
    sa.column("version"),
    sa.column("created_at", _TS),
    sa.column("updated_at", _TS),
    sa.column("updated_by"),
    sa.column("reviewed_at", _TS),
)
_service_point = sa.table("vital_service_point", sa.column("service_id"), sa.column("gsrn"))
_version = sa.table(
    "vital_service_version",
    sa.column("service_id"),
    sa.column("version"),
    sa.column("action"),
    sa.column("changed_at", _TS),
    sa.column("changed_by"),
    sa.column("changed_fields", sa.JSON()),
    sa.column("snapshot", sa.JSON()),
)


def _as_utc(moment: Any) -> datetime:
    if isinstance(moment, str):  # SQLite hands back text
        moment = datetime.fromisoformat(moment)
    assert isinstance(moment, datetime)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def upgrade() -> None:
    bind = op.get_bind()
    sites: dict[tuple[int, str], dict[str, Any]] = {}

    def site(organisation_id: int, name: str) -> dict[str, Any]:
        key = (organisation_id, " ".join(name.split()).casefold())
        return sites.setdefault(
            key,
            {
                "organisation_id": organisation_id,
                "name": " ".join(name.split())[:200],
                "address": "",
                "persons": 0,
                "vulnerable": 0,
                "gsrns": [],
                "styrel": [],
                "water": [],
                "latest": None,
            },
        )

    def seen(found: dict[str, Any], moment: Any) -> None:
        moment = _as_utc(moment)
        if found["latest"] is None or moment > found["latest"]:
            found["latest"] = moment

    styrel = bind.execute(
        sa.select(
            _styrel.c.id,
            _styrel.c.name,
            _styrel.c.address,
            _styrel.c.updated_at,
            _progress.c.organisation_id,
        )
        .join(_progress, _progress.c.id == _styrel.c.progress_id)
        .order_by(_styrel.c.id)
    ).all()
    points: dict[int, list[str]] = {}
    for user_id, gsrn in bind.execute(sa.select(_points.c.user_id, _points.c.gsrn)):
        points.setdefault(user_id, []).append(gsrn)
    for row in styrel:
        found = site(row.organisation_id, row.name)
        found["address"] = found["address"] or row.address
        found["styrel"].append(row.id)
        for gsrn in points.get(row.id, []):
            if gsrn not in found["gsrns"]:
                found["gsrns"].append(gsrn)
        seen(found, row.updated_at)
    water = bind.execute(
        sa.select(
            _water.c.id,
            _water.c.site,
            _water.c.persons,
            _water.c.vulnerable,
            _water.c.updated_at,
            _progress.c.organisation_id,
        )
        .join(_progress, _progress.c.id == _water.c.progress_id)
        .order_by(_water.c.id)
    ).all()
    for row in water:
        found = site(row.organisation_id, row.site)
        if not found["water"]:
            found["persons"] = row.persons
            found["vulnerable"] = min(row.vulnerable, row.persons)
        found["water"].append(row.id)
        seen(found, row.updated_at)

    sqlite = bind.dialect.name == "sqlite"
    for found in sites.values():
        # Entered, and last confirmed, when its rows were last changed: the yearly review
        # counts from then.
        when = found["latest"].replace(tzinfo=None) if sqlite else found["latest"]
        service_id = bind.execute(
            sa.insert(_service)
            .values(
                organisation_id=found["organisation_id"],
                name=found["name"],
                address=found["address"],
                sector="not_given",
                persons_served=found["persons"],
                cannot_leave=found["vulnerable"],
                stored_water_litres=None,
                contact="",
                classification="internal",
                version=1,
                created_at=when,
                updated_at=when,
                updated_by=None,
                reviewed_at=when,
            )
            .returning(_service.c.id)
        ).scalar_one()
        for gsrn in found["gsrns"]:
            bind.execute(sa.insert(_service_point).values(service_id=service_id, gsrn=gsrn))
        bind.execute(
            sa.insert(_version).values(
                service_id=service_id,
                version=1,
                action="created",
                changed_at=when,
                changed_by=None,
                changed_fields=[],
                snapshot={
                    "name": found["name"],
                    "address": found["address"],
                    "sector": "not_given",
                    "persons_served": found["persons"],
                    "cannot_leave": found["vulnerable"],
                    "stored_water_litres": None,
                    "contact": "",
                    "classification": "internal",
                    "dependencies": {},
                    "gsrns": sorted(found["gsrns"]),
                },
            )
        )
        if found["styrel"]:
            bind.execute(
                sa.update(_styrel)
                .where(_styrel.c.id.in_(found["styrel"]))
                .values(vital_service_id=service_id)
            )
        if found["water"]:
            bind.execute(
                sa.update(_water)
                .where(_water.c.id.in_(found["water"]))
                .values(vital_service_id=service_id)
            )


def downgrade() -> None:
    bind = op.get_bind()
    bind.execute(sa.update(_styrel).values(vital_service_id=None))
    bind.execute(sa.update(_water).values(vital_service_id=None))
    bind.execute(sa.delete(_version))
    bind.execute(sa.delete(_service_point))
    bind.execute(sa.text("DELETE FROM vital_service_dependency"))
    bind.execute(sa.delete(_service))
