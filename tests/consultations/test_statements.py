"""Statements on a consultation: one per organisation, late ones accepted and marked, signed,
a receipt by email, files with them, and evidence for the board."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.attachments.models import Attachment
from partner_portal.consultations.models import Statement
from partner_portal.consultations.service import is_late
from partner_portal.evidence.models import Evidence, EvidenceKind
from partner_portal.mail.models import OutboxMessage
from partner_portal.platform import clock
from tests.attachments import files
from tests.attachments.test_uploads import leftovers
from tests.consultations.factories import past_consultation
from tests.helpers import BASE_URL, Persona, csrf_token, log_in


def url(world: dict[str, int], consultation_id: int | None = None) -> str:
    return f"/rum/{world['room_id']}/remisser/{consultation_id or world['consultation_id']}"


async def no_objections(
    client: httpx.AsyncClient, app: Starlette, world: dict[str, int], organisation: int, **kw: int
) -> httpx.Response:
    return await client.post(
        url(world, kw.get("consultation_id")) + "/yttranden",
        data={
            "csrf_token": await csrf_token(client, app),
            "organisation": str(organisation),
            "kind": "inga-synpunkter",
            "bekraftat": "ja",  # pressed on the page that shows what is signed
        },
    )


async def statements_in(db: AsyncSession) -> list[Statement]:
    await db.rollback()
    return list((await db.execute(sa.select(Statement))).scalars().all())


async def test_inga_synpunkter_first_shows_what_is_signed_and_one_click_signs_nothing(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    bob: Persona,
    charlie: Persona,
) -> None:
    await log_in(client, app, bob)
    page = (await client.get(url(world))).text
    confirm_path = f"{url(world)}/inga-synpunkter?organisation={world['byggen']}"
    one_click = await client.post(
        url(world) + "/yttranden",
        data={
            "csrf_token": await csrf_token(client, app),
            "organisation": str(world["byggen"]),
            "kind": "inga-synpunkter",
        },
    )
    confirm = await client.get(confirm_path)
    not_mine = await client.get(f"{url(world)}/inga-synpunkter?organisation={world['outside']}")
    nonsense = await client.get(f"{url(world)}/inga-synpunkter?organisation=x")
    await log_in(client, app, charlie)
    outsider = await client.get(confirm_path)

    assert f'href="{confirm_path}"' in page
    assert "Inga synpunkter – granska och signera" in page
    assert one_click.status_code == 303
    assert one_click.headers["location"] == confirm_path
    assert await statements_in(db) == []
    assert confirm.status_code == 200
    main = confirm.text.split("<main", 1)[1]
    for shown in (
        "Granska yttrandet innan du signerar",
        "Riktlinjer 2026, version 1",
        "AB Botkyrkabyggen",
        "<strong>Inga synpunkter</strong>",
        "Bob Bergström, för AB Botkyrkabyggen",
        "kan det inte ändras eller tas tillbaka",
        ">Skicka och signera</button>",
        f'<a class="button button--secondary portal-button-link" href="{url(world)}">Avbryt</a>',
        'name="bekraftat" value="ja"',
        f'name="organisation" value="{world["byggen"]}"',
    ):
        assert shown in main, shown
    assert not_mine.status_code == nonsense.status_code == outsider.status_code == 404


async def test_inga_synpunkter_confirmed_is_signed_receipted_and_evidence(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, world: dict[str, int], bob: Persona
) -> None:
    await log_in(client, app, bob)

    response = await no_objections(client, app, world, world["byggen"])

    assert response.status_code == 303
    assert response.headers["location"] == url(world) + "?lamnat=1"
    [statement] = await statements_in(db)
    assert statement.no_objections is True
    assert statement.late is False
    assert (statement.signer_name, statement.organisation_name) == (
        "Bob Bergström",
        "AB Botkyrkabyggen",
    )
    assert statement.submitted_by == bob.id
    [evidence] = (
        (await db.execute(sa.select(Evidence).where(col(Evidence.kind) == "statement_submitted")))
        .scalars()
        .all()
    )
    assert evidence.organisation_id == world["byggen"]
    assert evidence.details == {"late": False}
    assert evidence.link == url(world)
    [receipt] = (
        (
            await db.execute(
                sa.select(OutboxMessage).where(col(OutboxMessage.related_type) == "statement")
            )
        )
        .scalars()
        .all()
    )
    assert receipt.to_address == bob.email
    assert receipt.subject == "Kvitto: yttrande från AB Botkyrkabyggen på Riktlinjer 2026"
    assert "Undertecknat av: Bob Bergström, AB Botkyrkabyggen" in receipt.body_text
    assert "Inga synpunkter" in receipt.body_text
    after = await client.get(response.headers["location"])
    assert "Yttrandet är lämnat." in after.text
    assert "Inga synpunkter – granska och signera" not in after.text
    confirm_again = await client.get(f"{url(world)}/inga-synpunkter?organisation={world['byggen']}")
    assert confirm_again.status_code == 303  # already signed: back to the statement
    assert confirm_again.headers["location"] == url(world)


async def test_a_statement_after_the_deadline_is_accepted_and_marked_late_one_per_organisation(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    consultation_id = await past_consultation(
        db, alice, world["room_id"], world["plan_id"], world["version_id"], [world["byggen"]]
    )
    await log_in(client, app, bob)

    first = await no_objections(
        client, app, world, world["byggen"], consultation_id=consultation_id
    )
    second = await no_objections(
        client, app, world, world["byggen"], consultation_id=consultation_id
    )

    assert first.status_code == 303
    assert second.status_code == 409
    assert "Er organisation har redan lämnat ett yttrande" in second.text
    [statement] = await statements_in(db)
    assert statement.late is True
    evidence = (
        (await db.execute(sa.select(Evidence).where(col(Evidence.kind) == "statement_submitted")))
        .scalars()
        .all()
    )
    assert [e.details for e in evidence] == [{"late": True}]
    outbox = (
        (
            await db.execute(
                sa.select(col(OutboxMessage.body_text)).where(
                    col(OutboxMessage.related_type) == "statement"
                )
            )
        )
        .scalars()
        .all()
    )
    assert len(outbox) == 1
    assert "markerat som sent" in outbox[0]
    page = await client.get(url(world, consultation_id))
    assert "Sent" in page.text


async def test_two_concurrent_statements_for_one_organisation_make_exactly_one(
    app: Starlette, db: AsyncSession, world: dict[str, int], bob: Persona
) -> None:
    async def submit() -> int:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=BASE_URL
        ) as client:
            await log_in(client, app, bob)
            response = await no_objections(client, app, world, world["byggen"])
            return response.status_code

    statuses = await asyncio.gather(submit(), submit())

    assert sorted(statuses) == [303, 409]
    assert len(await statements_in(db)) == 1
    evidence = await db.scalar(
        sa.select(sa.func.count())
        .select_from(Evidence)
        .where(col(Evidence.kind) == "statement_submitted")
    )
    assert evidence == 1


async def test_a_statement_with_text_and_files(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, world: dict[str, int], bob: Persona
) -> None:
    await log_in(client, app, bob)

    response = await client.post(
        url(world) + "/yttranden",
        data={
            "csrf_token": await csrf_token(client, app),
            "organisation": str(world["byggen"]),
            "kind": "text",
            "body": "Vi föreslår ändringar i avsnitt 2.\n<script>alert(1)</script>",
            "classification": "internal",
        },
        files=[("file", ("bilaga.pdf", files.PDF, "application/pdf"))],
    )

    assert response.status_code == 303
    [statement] = await statements_in(db)
    assert statement.no_objections is False
    [attachment] = (await db.execute(sa.select(Attachment))).scalars().all()
    assert (attachment.object_type, attachment.object_id) == ("statement", statement.id)
    assert attachment.organisation_id == world["byggen"]
    page = await client.get(url(world))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)" not in page.text
    assert "bilaga.pdf" in page.text
    kinds = (await db.execute(sa.select(col(Evidence.kind)))).scalars().all()
    assert EvidenceKind.FILE_UPLOADED in kinds
    assert EvidenceKind.STATEMENT_SUBMITTED in kinds


async def test_a_refused_attachment_leaves_no_statement_and_no_file(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, world: dict[str, int], bob: Persona
) -> None:
    await log_in(client, app, bob)

    response = await client.post(
        url(world) + "/yttranden",
        data={
            "csrf_token": await csrf_token(client, app),
            "organisation": str(world["byggen"]),
            "kind": "text",
            "body": "Se bilaga.",
        },
        files=[("file", ("bilaga.pdf", files.PNG, "application/pdf"))],
    )

    assert response.status_code == 415
    assert "stämmer inte med filändelsen" in response.text
    assert await statements_in(db) == []
    assert leftovers(app) == []
    outbox = await db.scalar(
        sa.select(sa.func.count())
        .select_from(OutboxMessage)
        .where(col(OutboxMessage.related_type) == "statement")
    )
    assert outbox == 0


async def test_a_statement_needs_text_unless_there_are_no_objections(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, world: dict[str, int], bob: Persona
) -> None:
    await log_in(client, app, bob)

    response = await client.post(
        url(world) + "/yttranden",
        data={
            "csrf_token": await csrf_token(client, app),
            "organisation": str(world["byggen"]),
            "kind": "text",
            "body": "  ",
        },
    )

    assert response.status_code == 400
    assert "Skriv yttrandet, eller välj ”Inga synpunkter”." in response.text
    assert await statements_in(db) == []


async def test_nobody_submits_for_an_organisation_not_their_own_or_not_asked(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    await log_in(client, app, bob)
    for_other = await no_objections(client, app, world, world["upplev"])
    await log_in(client, app, alice)
    coordinator = await no_objections(client, app, world, world["byggen"])

    assert for_other.status_code == 404
    assert coordinator.status_code == 404
    assert await statements_in(db) == []


async def test_statement_files_are_seen_by_their_organisation_and_the_coordinator_only(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    await log_in(client, app, bob)
    await client.post(
        url(world) + "/yttranden",
        data={
            "csrf_token": await csrf_token(client, app),
            "organisation": str(world["byggen"]),
            "kind": "text",
            "body": "Se bilaga.",
        },
        files=[("file", ("bilaga.pdf", files.PDF, "application/pdf"))],
    )
    await db.rollback()
    file_url = f"/rum/{world['room_id']}/filer/{await db.scalar(sa.select(col(Attachment.id)))}"
    own = await client.get(file_url)
    dave = Persona(world["dave"], "Dave Dahl", "dave@example.se")
    await log_in(client, app, dave)
    other = await client.get(file_url)
    other_page = await client.get(url(world))
    await log_in(client, app, alice)
    coordinator = await client.get(file_url)

    assert own.status_code == 200
    assert other.status_code == 404
    assert "Se bilaga." not in other_page.text
    assert coordinator.status_code == 200


def test_a_statement_is_late_by_the_moment_it_is_stamped_with() -> None:
    last_day = clock.today()
    midnight = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), clock.TIMEZONE)
    clock.freeze(midnight - timedelta(microseconds=1))

    assert not is_late(last_day, clock.now())
    assert is_late(last_day, midnight.astimezone(UTC))
    assert not is_late(last_day)  # now: still the last day
