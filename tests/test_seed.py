"""The demo data `partner-portal dev` writes: work under way on every kind of page, dated from the
portal's clock, and written once however often `dev` starts."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.devtools.seed import seed_demo
from partner_portal.platform import clock
from partner_portal.platform.settings import Settings

ISSUER = "http://127.0.0.1:9"
COUNTED = (
    "room",
    "participation",
    "water_need",
    "styrel_user",
    "readiness_status",
    "plan_version",
    "plan_comment",
    "consultation",
    "statement",
    "meeting",
    "meeting_decision",
    "action",
    "attachment",
    "api_token",
    "frg_callout",
    "frg_invitation",
    "membership",
)


async def _counts(db: AsyncSession) -> dict[str, int]:
    return {
        table: int(await db.scalar(sa.text(f"SELECT count(*) FROM {table}")) or 0)  # noqa: S608
        for table in COUNTED
    }


async def test_the_demo_has_something_on_every_page_and_is_written_once(
    db: AsyncSession, settings: Settings
) -> None:
    await seed_demo(db, issuer=ISSUER, settings=settings)
    first = await _counts(db)
    assert all(first.values()), first
    rooms = set(await db.scalars(sa.text("SELECT name FROM room")))
    assert f"Nödvattenplan {clock.today().year}" in rooms
    meetings = list(await db.scalars(sa.text("SELECT starts_at FROM meeting")))
    assert len(meetings) == 2  # one held last week, one ahead

    await seed_demo(db, issuer=ISSUER, settings=settings)
    assert await _counts(db) == first
