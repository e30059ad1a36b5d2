"""The coordinator's cross-checks between the register and the processes: one statement each,
whatever the size of the register.

- STYREL class 1–4 without water needs: an entry with a STYREL row of class 1–4 made from it,
  and no water-need row made from it;
- water-critical without STYREL: an entry with a water-need row (it is on the emergency-water
  list) and no STYREL row;
- reserve under 24 hours: an entry serving people who cannot leave, whose own electricity
  backup lasts less than 24 hours (or is not given);
- the same GSRN under two organisations: every entry holding a connection point that another
  organisation's entry also holds;
- not reviewed for a year: confirmed or changed last more than a year ago.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.deliverables.models import StyrelUser, WaterNeed
from partner_portal.organisations.models import Organisation
from partner_portal.platform.clock import swedish_date
from partner_portal.platform.i18n import gettext as _
from partner_portal.vital_services.models import (
    CheckKind,
    Dependency,
    VitalService,
    VitalServiceDependency,
    VitalServicePoint,
)
from partner_portal.vital_services.queries import a_year_before

RESERVE_HOURS = 24


@dataclass(frozen=True, slots=True)
class Finding:
    kind: CheckKind
    service_id: int
    organisation_name: str
    name: str
    # The value the check found: the GSRN, the reserve hours, when reviewed; None for the others.
    detail: str | int | datetime | None


def _entries() -> Any:
    return (
        sa.select(col(VitalService.id), col(Organisation.name), col(VitalService.name))
        .join(Organisation, col(Organisation.id) == col(VitalService.organisation_id))
        .order_by(col(Organisation.sort_key), col(VitalService.name), col(VitalService.id))
    )


def _has(model: Any, *where: Any) -> Any:
    return (
        sa.select(sa.literal(1))
        .where(col(model.vital_service_id) == col(VitalService.id), *where)
        .exists()
    )


async def findings(db: AsyncSession, now: datetime) -> list[Finding]:
    """Every finding of every check, check by check (five statements)."""
    found: list[Finding] = []

    async def run(kind: CheckKind, query: Any) -> None:
        for row in await db.execute(query):
            found.append(Finding(kind, row[0], row[1], row[2], row[3] if len(row) > 3 else None))

    await run(
        CheckKind.STYREL_WITHOUT_WATER,
        _entries().where(_has(StyrelUser, col(StyrelUser.priority_class) <= 4), ~_has(WaterNeed)),
    )
    await run(CheckKind.WATER_WITHOUT_STYREL, _entries().where(_has(WaterNeed), ~_has(StyrelUser)))
    reserve = (
        sa.select(col(VitalServiceDependency.lasts_hours))
        .where(
            col(VitalServiceDependency.service_id) == col(VitalService.id),
            col(VitalServiceDependency.kind) == Dependency.ELECTRICITY,
        )
        .scalar_subquery()
    )
    await run(
        CheckKind.SHORT_RESERVE,
        _entries()
        .add_columns(sa.func.coalesce(reserve, 0))
        .where(
            col(VitalService.cannot_leave) > 0,
            sa.func.coalesce(reserve, 0) < RESERVE_HOURS,
        ),
    )
    shared = (
        sa.select(col(VitalServicePoint.gsrn))
        .join(VitalService, col(VitalService.id) == col(VitalServicePoint.service_id))
        .group_by(col(VitalServicePoint.gsrn))
        .having(sa.func.count(sa.distinct(col(VitalService.organisation_id))) > 1)
    )
    await run(
        CheckKind.SHARED_GSRN,
        _entries()
        .add_columns(col(VitalServicePoint.gsrn))
        .join(VitalServicePoint, col(VitalServicePoint.service_id) == col(VitalService.id))
        .where(col(VitalServicePoint.gsrn).in_(shared)),
    )
    await run(
        CheckKind.NOT_REVIEWED,
        _entries()
        .add_columns(col(VitalService.reviewed_at))
        .where(col(VitalService.reviewed_at) < a_year_before(now)),
    )
    return found


def table(rows: list[Finding], words: dict[str, str]) -> tuple[list[str], list[list[str | int]]]:
    """The findings as a table for a file: headers and rows (``words``: the checks' names in
    the reader's language)."""
    headers = [_("Kontroll"), _("Organisation"), _("Verksamhet eller plats"), _("Värde"), _("Id")]
    body: list[list[str | int]] = []
    for f in rows:
        detail = f.detail
        if isinstance(detail, datetime):
            detail = swedish_date(detail).isoformat()
        body.append(
            [
                words[f.kind.value],
                f.organisation_name,
                f.name,
                "" if detail is None else detail,
                f.service_id,
            ]
        )
    return headers, body
