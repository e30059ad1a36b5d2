"""Who reads an FRG mail in which language (the mails go through the mail facade)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.auth.models import Person
from partner_portal.frg.models import Volunteer
from partner_portal.platform import i18n


async def volunteer_languages(db: AsyncSession, volunteer_ids: Collection[int]) -> dict[int, str]:
    """The language each volunteer reads: their person's. One query."""
    if not volunteer_ids:
        return {}
    rows: Any = await db.execute(
        sa.select(col(Volunteer.id), col(Person.language))
        .join(Person, col(Person.id) == col(Volunteer.person_id))
        .where(col(Volunteer.id).in_(list(volunteer_ids)))
    )
    return {row.id: i18n.supported(row.language) for row in rows}
