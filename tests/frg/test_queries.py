"""The lead's list pages keep a constant number of queries, whatever the number of volunteers."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from partner_portal.frg import callouts
from partner_portal.frg.callouts import CalloutInput
from partner_portal.frg.queries.members import GroupRow
from partner_portal.platform import clock
from partner_portal.platform.clock import TIMEZONE
from tests.frg.factories import make_volunteer
from tests.helpers import Persona, as_current, log_in
from tests.queries import QueryCounter


async def add_volunteers(
    app: Starlette, db: AsyncSession, group: int, lead: Persona, first: int, last: int
) -> None:
    ids = set()
    for index in range(first, last):
        ids.add(
            await make_volunteer(
                db, group, f"Frivillig {index:03d}", skills=["Körkort B", "Första hjälpen"]
            )
        )
    now = clock.now()
    await callouts.send(
        db,
        actor=as_current(lead),
        group=GroupRow(group, "FRG Botkyrka", True),
        data=CalloutInput(
            "Övning", "Tumba", "", now + timedelta(hours=1), now + timedelta(hours=2), 1, None, True
        ),
        volunteer_ids=frozenset(ids),
        settings=app.state.portal.settings,
        env=app.state.portal.templates.env,
    )


async def test_the_lead_pages_take_as_many_queries_for_3_as_for_30_volunteers(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    group: int,
    lead: Persona,
    query_counter: QueryCounter,
) -> None:
    soon = (clock.now() + timedelta(days=1)).astimezone(TIMEZONE)
    window = f"starts_at={soon:%Y-%m-%dT10:00}&ends_at={soon:%Y-%m-%dT12:00}"
    pages = [
        f"/frg/{group}/ledning",
        f"/frg/{group}/ledning/oversikt",
        f"/frg/{group}/ledning/sok?{window}&skill=1&skill=2",
        f"/frg/{group}/ledning/utlarmningar/1",
    ]
    await add_volunteers(app, db, group, lead, 0, 3)
    await log_in(client, app, lead)
    few = [await query_counter.for_page(client, url) for url in pages]

    await add_volunteers(app, db, group, lead, 3, 30)
    many = [await query_counter.for_page(client, url) for url in pages]

    assert many == few
    assert max(few) <= 12
