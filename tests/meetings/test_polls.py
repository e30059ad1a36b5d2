"""Date polls: a coordinator proposes times, two organisations answer (one person from the
link in the mail, through the real SMTP catcher, without logging in; one logged in), the best
time is marked and becomes a meeting in one step. Answers stop at the closing time, and
outsiders get 404 on every poll route. Days are counted from the test's clock."""

from __future__ import annotations

import re
from datetime import time, timedelta

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette
from starlette.routing import Route

from partner_portal.audit.models import AuditAction, AuditEvent
from partner_portal.mail import sender
from partner_portal.mail.models import OutboxMessage
from partner_portal.meetings.models import Meeting, MeetingOrganisation
from partner_portal.organisations.models import MembershipRole
from partner_portal.platform import clock
from partner_portal.platform.settings import replace
from partner_portal.polls import service
from partner_portal.polls.models import (
    DatePoll,
    DatePollAnswer,
    DatePollOption,
    DatePollOrganisation,
    PollAnswer,
)
from partner_portal.routes import routes
from tests.helpers import Persona, as_current, csrf_token, log_in, make_person
from tests.meetings.conftest import World
from tests.meetings.factories import days_ahead
from tests.organisations.factories import add_member, make_organisation
from tests.queries import QueryCounter
from tests.smtp import running_smtp

LINK = re.compile(r"/omrostningar/svar/([A-Za-z0-9_-]+)")
POLL_ROUTES = [
    (route.path, sorted(m for m in route.methods or [] if m != "HEAD"))
    for route in routes(dev_tools=False)
    if isinstance(route, Route) and route.path.startswith("/omrostningar/{poll_id")
]


def poll_form(world: World, *, closes_in_days: int = 5) -> dict[str, str | list[str]]:
    form: dict[str, str | list[str]] = {
        "title": "Samverkansråd VPC",
        "place": "Kommunhuset, Tumba",
        "closes_day": days_ahead(closes_in_days).isoformat(),
        "closes_time": "12:00",
        "organisation": [str(world.byggen), str(world.upplev)],
    }
    for n in (1, 2, 3):
        form |= {
            f"day-{n}": days_ahead(10 + n).isoformat(),
            f"start-{n}": "09:00",
            f"end-{n}": "10:30",
        }
    return form


async def propose(client: httpx.AsyncClient, app: Starlette, alice: Persona, world: World) -> int:
    await log_in(client, app, alice)
    made = await client.post(
        "/omrostningar/ny", data={"csrf_token": await csrf_token(client, app), **poll_form(world)}
    )
    assert made.status_code == 303, made.text
    return int(made.headers["location"].rsplit("/", 1)[1])


async def options(db: AsyncSession, poll_id: int) -> list[int]:
    await db.rollback()
    return list(
        await db.scalars(
            sa.select(col(DatePollOption.id))
            .where(col(DatePollOption.poll_id) == poll_id)
            .order_by(col(DatePollOption.starts_at))
        )
    )


async def test_a_poll_from_proposal_to_meeting_with_an_answer_from_the_mail_link(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
) -> None:
    poll_id = await propose(client, app, alice, world)
    first, second, third = await options(db, poll_id)

    # Dave (Upplev) answers from the link in his mail, as it arrives, without logging in.
    settings = app.state.portal.settings
    with running_smtp() as smtp:
        mail_settings = replace(settings, smtp_host=smtp.host, smtp_port=smtp.port)
        await sender.deliver_due(app.state.portal.sessions, mail_settings)
        received = await smtp.wait_for(4)
    [to_dave] = [
        m for m in received if m.recipients == (world.dave.email,) and "Samverkansråd" in m.subject
    ]
    assert to_dave.subject == "Vilken tid passar? Samverkansråd VPC"
    found = LINK.search(to_dave.text)
    assert found is not None
    link = f"/omrostningar/svar/{found.group(1)}"
    anonymous = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=str(client.base_url)
    )
    async with anonymous:
        page = await anonymous.get(link)
        assert page.status_code == 200
        assert "Dave Dahl" in page.text
        answered = await anonymous.post(
            link,
            data={
                f"option-{first}": "no",
                f"option-{second}": "yes",
                f"option-{third}": "if_needed",
            },
        )
        assert answered.status_code == 200
        assert "Tack! Dina svar är sparade." in answered.text

    # Bob (Byggen) answers logged in.
    await log_in(client, app, bob)
    given = await client.post(
        f"/omrostningar/{poll_id}/svar",
        data={
            "csrf_token": await csrf_token(client, app),
            f"option-{first}": "yes",
            f"option-{second}": "if_needed",
            f"option-{third}": "no",
        },
    )
    assert given.status_code == 303

    await db.rollback()
    answers = {
        (a.option_id, a.organisation_id): a.answer
        for a in await db.scalars(sa.select(DatePollAnswer))
    }
    assert answers[(second, world.upplev)] is PollAnswer.YES
    assert answers[(second, world.byggen)] is PollAnswer.IF_NEEDED

    # Alice sees the second time as the best (both can), and books it in one step.
    await log_in(client, app, alice)
    page = await client.get(f"/omrostningar/{poll_id}")
    assert page.status_code == 200
    assert re.search(rf'value="{second}" checked', page.text)
    booked = await client.post(
        f"/omrostningar/{poll_id}/boka",
        data={"csrf_token": await csrf_token(client, app), "option": str(second)},
    )
    assert booked.status_code == 303
    meeting_id = int(booked.headers["location"].rsplit("/", 1)[1])

    await db.rollback()
    meeting = await db.get(Meeting, meeting_id)
    assert meeting is not None
    assert meeting.title == "Samverkansråd VPC"
    assert meeting.starts_at == clock.wall_time(days_ahead(12), time(9, 0))
    invited = set(
        await db.scalars(
            sa.select(col(MeetingOrganisation.organisation_id)).where(
                col(MeetingOrganisation.meeting_id) == meeting_id
            )
        )
    )
    assert invited == {world.byggen, world.upplev}
    poll = await db.get(DatePoll, poll_id)
    assert poll is not None
    assert poll.meeting_id == meeting_id
    actions = list(await db.scalars(sa.select(col(AuditEvent.action))))
    for action in (
        AuditAction.DATE_POLL_CREATED,
        AuditAction.DATE_POLL_ANSWERED,
        AuditAction.DATE_POLL_BOOKED,
        AuditAction.MEETING_CREATED,
    ):
        assert action in actions
    # Booked once: a second booking is refused, and the link now says the poll is closed.
    again = await client.post(
        f"/omrostningar/{poll_id}/boka",
        data={"csrf_token": await csrf_token(client, app), "option": str(first)},
    )
    assert again.status_code == 400
    assert await db.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 1


async def test_answers_stop_at_the_closing_time(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
) -> None:
    poll_id = await propose(client, app, alice, world)
    first = (await options(db, poll_id))[0]
    clock.advance(timedelta(days=5, hours=23))  # past 12:00 on the closing day
    await log_in(client, app, bob)

    late = await client.post(
        f"/omrostningar/{poll_id}/svar",
        data={"csrf_token": await csrf_token(client, app), f"option-{first}": "yes"},
    )

    assert late.status_code == 400
    assert "Omröstningen är stängd" in late.text
    # The link in the mail says so too, and takes no answer.
    await db.rollback()
    body = await db.scalar(
        sa.select(col(OutboxMessage.body_text)).where(
            col(OutboxMessage.to_address) == bob.email,
            col(OutboxMessage.subject).startswith("Vilken tid passar?"),
        )
    )
    found = LINK.search(body or "")
    assert found is not None
    link = f"/omrostningar/svar/{found.group(1)}"
    assert (await client.get(link)).status_code == 410
    closed = await client.post(
        link, data={"csrf_token": await csrf_token(client, app), f"option-{first}": "yes"}
    )
    assert closed.status_code == 410
    await db.rollback()
    assert await db.scalar(sa.select(sa.func.count()).select_from(DatePollAnswer)) == 0


async def test_a_poll_needs_three_to_eight_times_and_to_close_before_them(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, world: World
) -> None:
    await log_in(client, app, alice)
    form = poll_form(world)
    two = {k: v for k, v in form.items() if not k.endswith("-3")}
    late = form | {"closes_day": days_ahead(12).isoformat()}
    for data in (two, late):
        refused = await client.post(
            "/omrostningar/ny", data={"csrf_token": await csrf_token(client, app), **data}
        )
        assert refused.status_code == 400
    await db.rollback()
    assert await db.scalar(sa.select(sa.func.count()).select_from(DatePoll)) == 0


def test_the_poll_routes_are_covered() -> None:
    assert len(POLL_ROUTES) == 3


@pytest.mark.parametrize(("path", "methods"), POLL_ROUTES)
async def test_every_poll_route_is_404_for_outsiders(
    app: Starlette,
    client: httpx.AsyncClient,
    alice: Persona,
    charlie: Persona,
    world: World,
    path: str,
    methods: list[str],
) -> None:
    poll_id = await propose(client, app, alice, world)
    url = path.replace("{poll_id:id}", str(poll_id))
    await log_in(client, app, charlie)
    for method in methods:
        if method == "GET":
            response = await client.get(url)
        else:
            response = await client.post(url, data={"csrf_token": await csrf_token(client, app)})
        assert response.status_code == 404, (method, url)


async def make_poll(db: AsyncSession, app: Starlette, alice: Persona, *orgs: int) -> int:
    portal = app.state.portal
    times = []
    for n in (1, 2, 3):
        starts_at, ends_at = (clock.wall_time(days_ahead(10 + n), at) for at in (time(9), time(10)))
        assert starts_at is not None
        assert ends_at is not None
        times.append((starts_at, ends_at))
    closes_at = clock.wall_time(days_ahead(5), time(12))
    assert closes_at is not None
    return await service.create_poll(
        db,
        actor=as_current(alice, coordinator=True),
        data=service.PollInput(
            "Samverkansråd", None, "Tumba", "", "", tuple(times), closes_at, orgs
        ),
        settings=portal.settings,
        env=portal.templates.env,
    )


@pytest.mark.parametrize("coordinator", [True, False])
async def test_the_poll_pages_keep_a_constant_number_of_queries(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    world: World,
    coordinator: bool,
    query_counter: QueryCounter,
) -> None:
    poll_id = await make_poll(db, app, alice, world.byggen)

    async def more(start: int, stop: int) -> None:
        for number in range(start, stop):
            organisation = await make_organisation(db, f"Bolag {number:03d}")
            admin = await make_person(db, f"Admin {number:03d}", email=f"a{number}@x.se")
            await add_member(db, admin, organisation, MembershipRole.ADMIN)
            await make_poll(db, app, alice, world.byggen, organisation)
            await db.execute(
                sa.insert(DatePollOrganisation).values(
                    poll_id=poll_id, organisation_id=organisation
                )
            )
            for option_id in await options(db, poll_id):
                await db.execute(
                    sa.insert(DatePollAnswer).values(
                        option_id=option_id,
                        person_id=admin.id,
                        organisation_id=organisation,
                        answer=PollAnswer.YES.value,
                        answered_at=clock.now(),
                    )
                )
            await db.commit()

    await log_in(client, app, alice if coordinator else bob)
    pages = ("/omrostningar", f"/omrostningar/{poll_id}")
    await more(0, 3)
    counts_3 = [await query_counter.for_page(client, p) for p in pages]
    await more(3, 15)
    counts_15 = [await query_counter.for_page(client, p) for p in pages]

    assert counts_3 == counts_15
    assert max(counts_15) <= 10
    assert (await client.get("/omrostningar")).text.count(">Samverkansråd<") == 16
