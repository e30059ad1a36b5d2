"""The plan's forms: the draft's sections, publishing and comments refuse bad input with a
Swedish message and 400, and write nothing; a closed room is read only."""

from __future__ import annotations

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.evidence.models import Evidence
from partner_portal.plans.models import Plan, PlanComment, PlanSection
from partner_portal.rooms.access import room_for
from partner_portal.rooms.lifecycle import close_room
from tests.helpers import Persona, as_current, assert_error_links_resolve, csrf_token, log_in
from tests.plans.factories import comment


def plan_url(world: dict[str, int]) -> str:
    return f"/rum/{world['room_id']}/planer/{world['plan_id']}"


async def draft_headings(db: AsyncSession, plan_id: int) -> list[tuple[int, str]]:
    await db.rollback()
    rows = await db.execute(
        sa.select(col(PlanSection.position), col(PlanSection.heading))
        .where(col(PlanSection.plan_id) == plan_id, col(PlanSection.in_draft).is_(True))
        .order_by(col(PlanSection.position))
    )
    return [(row.position, row.heading) for row in rows]


async def test_the_coordinator_creates_a_plan_and_arranges_its_draft(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
) -> None:
    await log_in(client, app, alice)
    token = await csrf_token(client, app)
    created = await client.post(
        f"/rum/{world['room_id']}/planer", data={"csrf_token": token, "title": "  Ny   plan "}
    )
    await db.rollback()
    plan_id = await db.scalar(sa.select(col(Plan.id)).where(col(Plan.title) == "Ny plan"))
    assert plan_id is not None
    base = f"/rum/{world['room_id']}/planer/{plan_id}"
    assert created.status_code == 303
    assert created.headers["location"] == f"{base}/utkast"
    for heading in ("Ett", "Två", "Tre"):
        added = await client.post(
            f"{base}/utkast/avsnitt",
            data={"csrf_token": token, "heading": heading, "body": f"Text {heading}"},
        )
        assert added.status_code == 303
    sections = {h: p for p, h in await draft_headings(db, plan_id)}
    three = await db.scalar(sa.select(col(PlanSection.id)).where(col(PlanSection.heading) == "Tre"))
    one = await db.scalar(sa.select(col(PlanSection.id)).where(col(PlanSection.heading) == "Ett"))

    moved = await client.post(
        f"{base}/utkast/avsnitt/{three}",
        data={"csrf_token": token, "heading": "Tre", "body": "Först", "position": "1"},
    )
    after_move = await draft_headings(db, plan_id)
    removed = await client.post(f"{base}/utkast/avsnitt/{one}/ta-bort", data={"csrf_token": token})
    after_removal = await draft_headings(db, plan_id)
    unpublished = await client.get(base)

    assert sections == {"Ett": 1, "Två": 2, "Tre": 3}
    assert moved.status_code == removed.status_code == 303
    assert after_move == [(1, "Tre"), (2, "Ett"), (3, "Två")]
    assert after_removal == [(1, "Tre"), (2, "Två")]
    assert unpublished.status_code == 303  # to the draft, until a version is published
    assert unpublished.headers["location"] == f"{base}/utkast"


async def test_a_section_without_heading_is_refused_and_nothing_is_saved(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
) -> None:
    await log_in(client, app, alice)
    token = await csrf_token(client, app)
    before = await draft_headings(db, world["plan_id"])
    new = await client.post(
        f"{plan_url(world)}/utkast/avsnitt",
        data={"csrf_token": token, "heading": "  ", "body": "Text", "position": "x"},
    )
    saved = await client.post(
        f"{plan_url(world)}/utkast/avsnitt/{world['section_id']}",
        data={"csrf_token": token, "heading": "", "body": "y" * 20_001},
    )
    no_title = await client.post(
        f"/rum/{world['room_id']}/planer", data={"csrf_token": token, "title": ""}
    )

    assert new.status_code == saved.status_code == no_title.status_code == 400
    assert "Ge avsnittet en rubrik." in new.text
    assert "Ange plats som ett heltal, 1 eller större." in new.text
    assert "Texten får vara högst 20000 tecken." in saved.text
    assert "Ge planen en titel." in no_title.text
    assert await draft_headings(db, world["plan_id"]) == before


async def test_an_empty_comment_is_refused_on_the_page_and_in_the_fragment(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, world: dict[str, int], bob: Persona
) -> None:
    url = f"{plan_url(world)}/avsnitt/{world['section_id']}/kommentarer"
    await log_in(client, app, bob)
    token = await csrf_token(client, app)
    plain = await client.post(url, data={"csrf_token": token, "body": "   "})
    fragment = await client.post(
        url,
        data={"csrf_token": token, "body": ""},
        headers={"HX-Request": "true", "HX-Target": f"kommentarer-{world['section_id']}"},
    )
    too_long = await client.post(url, data={"csrf_token": token, "body": "x" * 4001})
    await db.rollback()

    assert plain.status_code == fragment.status_code == too_long.status_code == 400
    assert "Skriv en kommentar." in plain.text
    assert 'aria-invalid="true"' in plain.text
    assert "Skriv en kommentar." in fragment.text
    assert not fragment.text.lstrip().startswith("<!doctype")
    assert "Kommentaren får vara högst 4000 tecken." in too_long.text
    assert await db.scalar(sa.select(sa.func.count()).select_from(PlanComment)) == 0
    assert await db.scalar(sa.select(sa.func.count()).select_from(Evidence).where(
        col(Evidence.kind) == "comment_made"
    )) == 0  # fmt: skip


async def test_a_comment_on_an_unpublished_section_is_not_found(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    await log_in(client, app, alice)
    await client.post(
        f"{plan_url(world)}/utkast/avsnitt",
        data={"csrf_token": await csrf_token(client, app), "heading": "Nytt", "body": "B"},
    )
    await db.rollback()
    draft_only = await db.scalar(
        sa.select(col(PlanSection.id)).where(col(PlanSection.heading) == "Nytt")
    )
    await log_in(client, app, bob)

    response = await client.post(
        f"{plan_url(world)}/avsnitt/{draft_only}/kommentarer",
        data={"csrf_token": await csrf_token(client, app), "body": "Hej"},
    )
    fragment = await client.get(f"{plan_url(world)}/avsnitt/{draft_only}/kommentarer")

    assert response.status_code == fragment.status_code == 404


async def test_a_coordinators_comment_speaks_for_the_municipality_and_is_no_evidence(
    app: Starlette, db: AsyncSession, world: dict[str, int], alice: Persona
) -> None:
    await comment(
        db, app, alice, world["room_id"], world["plan_id"], world["section_id"], "Tack",
        coordinator=True,
    )  # fmt: skip

    assert await db.scalar(sa.select(col(PlanComment.organisation_id))) is None
    assert await db.scalar(sa.select(sa.func.count()).select_from(Evidence).where(
        col(Evidence.kind) == "comment_made"
    )) == 0  # fmt: skip


async def test_a_closed_room_keeps_its_plan_readable_but_takes_no_comments(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    comment_id = await comment(
        db, app, bob, world["room_id"], world["plan_id"], world["section_id"], "Före"
    )
    actor = as_current(alice, coordinator=True)
    await close_room(db, actor=actor, access=await room_for(db, actor, world["room_id"]))
    await log_in(client, app, bob)
    token = await csrf_token(client, app)
    page = await client.get(plan_url(world))
    posted = await client.post(
        f"{plan_url(world)}/avsnitt/{world['section_id']}/kommentarer",
        data={"csrf_token": token, "body": "Efter"},
    )
    edited = await client.post(
        f"{plan_url(world)}/kommentarer/{comment_id}/redigera",
        data={"csrf_token": token, "body": "Ändrad"},
    )

    assert page.status_code == 200
    assert "Före" in page.text
    assert "Rummet är stängt: planen och kommentarerna går att läsa." in page.text
    assert "Skicka kommentaren" not in page.text
    assert posted.status_code == 404
    assert edited.status_code == 400


async def test_someone_in_two_organisations_chooses_which_one_they_comment_for(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
    dave: Persona,
) -> None:
    from partner_portal.organisations.models import MembershipRole
    from tests.organisations.factories import add_member
    from tests.rooms.factories import accept

    await accept(db, dave, world["room_id"], world["invited_organisation"])
    await add_member(db, bob, world["invited_organisation"], MembershipRole.MEMBER)
    url = f"{plan_url(world)}/avsnitt/{world['section_id']}/kommentarer"
    await log_in(client, app, bob)
    token = await csrf_token(client, app)
    page = await client.get(plan_url(world))
    chosen = await client.post(
        url,
        data={
            "csrf_token": token,
            "body": "För Upplev",
            "organisation_id": str(world["invited_organisation"]),
        },
    )
    foreign = await client.post(
        url, data={"csrf_token": token, "body": "För någon annan", "organisation_id": "999"}
    )
    empty = await client.post(
        url,
        data={
            "csrf_token": token,
            "body": "",
            "organisation_id": str(world["invited_organisation"]),
        },
    )
    await db.rollback()

    assert "Kommenterar för" in page.text
    assert chosen.status_code == 303
    assert foreign.status_code == 400
    assert "Välj en organisation i listan." in foreign.text
    assert_error_links_resolve(foreign.text)
    # A refused comment keeps the organisation it was written for.
    assert empty.status_code == 400
    assert f'<option value="{world["invited_organisation"]}" selected>' in empty.text
    assert (
        await db.scalar(sa.select(col(PlanComment.organisation_id)))
        == world["invited_organisation"]
    )
    assert await db.scalar(
        sa.select(col(Evidence.organisation_id)).where(col(Evidence.kind) == "comment_made")
    ) == world["invited_organisation"]  # fmt: skip
