"""The compilation: the municipality's response to every statement and comment, printed and
exported (CSV, DOCX), hostile content neutralised; and who may see what."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from xml.etree import ElementTree

import docx
import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.audit.models import AuditEvent
from partner_portal.consultations.models import ConsultationResponse, Decision, Statement
from partner_portal.plans.models import PlanSection
from tests.consultations.factories import comment, open_consultation, publish_next_version
from tests.helpers import (
    BASE_URL,
    Persona,
    assert_error_links_resolve,
    csrf_token,
    log_in,
    make_person,
)
from tests.meetings.factories import days_ahead
from tests.organisations.factories import add_member
from tests.queries import QueryCounter

HOSTILE = (
    '=HYPERLINK("http://evil.example","klicka") <script>alert(1)</script> '
    "<img src=x onerror=alert(2)>"
)


def url(world: dict[str, int]) -> str:
    return f"/rum/{world['room_id']}/remisser/{world['consultation_id']}"


async def submit(
    client: httpx.AsyncClient, app: Starlette, world: dict[str, int], organisation: int, body: str
) -> None:
    response = await client.post(
        url(world) + "/yttranden",
        data={
            "csrf_token": await csrf_token(client, app),
            "organisation": str(organisation),
            "kind": "text" if body else "inga-synpunkter",
            "body": body,
        },
    )
    assert response.status_code == 303


async def statement_id(db: AsyncSession) -> int:
    await db.rollback()
    found: int | None = await db.scalar(sa.select(col(Statement.id)))
    assert found is not None
    return found


async def answer(
    client: httpx.AsyncClient, app: Starlette, path: str, decision: str, reason: str
) -> httpx.Response:
    return await client.post(
        path,
        data={"csrf_token": await csrf_token(client, app), "decision": decision, "reason": reason},
    )


async def test_the_coordinator_answers_every_statement_and_comment(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    await log_in(client, app, bob)
    await submit(client, app, world, world["byggen"], "Avsnitt 2 behöver ett datum.")
    statement = await statement_id(db)
    await log_in(client, app, alice)
    page = await client.get(url(world) + "/sammanstallning")
    assert page.status_code == 200
    assert "Avsnitt 2 behöver ett datum." in page.text
    assert "Förtydliga syftet." in page.text
    assert "Inget yttrande från: Upplev Botkyrka AB." in page.text

    to_statement = await answer(
        client,
        app,
        f"{url(world)}/yttranden/{statement}/svar",
        "partly",
        "Datum läggs till i nästa version.",
    )
    to_comment = await answer(
        client, app, f"{url(world)}/kommentarer/{world['comment_id']}/svar", "accepted", ""
    )
    again = await answer(
        client,
        app,
        f"{url(world)}/kommentarer/{world['comment_id']}/svar",
        "not_accepted",
        "Syftet står i programmet.",
    )

    assert to_statement.status_code == 303
    assert to_statement.headers["location"].endswith(f"?sparat=1#yttrande-{statement}")
    assert to_comment.status_code == 303
    assert again.status_code == 303
    await db.rollback()
    responses = (
        (await db.execute(sa.select(ConsultationResponse).order_by(col(ConsultationResponse.id))))
        .scalars()
        .all()
    )
    assert [(r.statement_id, r.comment_id, r.decision, r.reason) for r in responses] == [
        (statement, None, Decision.PARTLY, "Datum läggs till i nästa version."),
        (None, world["comment_id"], Decision.NOT_ACCEPTED, "Syftet står i programmet."),
    ]
    page = await client.get(url(world) + "/sammanstallning")
    assert "Delvis tillgodosedd" in page.text
    assert "Inte tillgodosedd" in page.text


async def test_a_response_other_than_accepted_needs_a_reason(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
) -> None:
    await log_in(client, app, alice)

    no_reason = await answer(
        client, app, f"{url(world)}/kommentarer/{world['comment_id']}/svar", "not_accepted", ""
    )
    no_decision = await answer(
        client, app, f"{url(world)}/kommentarer/{world['comment_id']}/svar", "", "Skäl"
    )

    assert no_reason.status_code == 400
    assert "Skriv skälet till ställningstagandet." in no_reason.text
    assert_error_links_resolve(no_reason.text)
    # The refused choice is kept, in the form it was made in.
    prefix = f"k{world['comment_id']}"
    assert re.search(rf'id="{prefix}-not_accepted"[^>]*checked', no_reason.text)
    assert no_decision.status_code == 400
    assert "Välj kommunens ställningstagande." in no_decision.text
    assert_error_links_resolve(no_decision.text)
    assert ">Skäl</textarea>" in no_decision.text
    assert not re.search(r'name="decision"[^>]*checked', no_decision.text)
    await db.rollback()
    assert await db.scalar(sa.select(sa.func.count()).select_from(ConsultationResponse)) == 0


async def test_comments_on_earlier_versions_are_in_the_compilation_and_answered_there(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    """A comment belongs to its section: the remiss on version 2 lists the comments made on
    version 1 too (also one on a section version 2 no longer has), each with its version."""
    syfte = world["section_id"]
    ansvar = await db.scalar(
        sa.select(col(PlanSection.id)).where(
            col(PlanSection.plan_id) == world["plan_id"], col(PlanSection.heading) == "Ansvar"
        )
    )
    assert ansvar is not None
    on_removed = await comment(
        db, world["plan_id"], ansvar, bob, world["byggen"], "Ansvaret är oklart."
    )
    version_2 = await publish_next_version(db, world["plan_id"], [syfte])
    on_2 = await comment(
        db, world["plan_id"], syfte, bob, world["byggen"], "Bra nu.", version_number=2
    )
    second = await open_consultation(db, app, alice, world["room_id"], version_2, [world["byggen"]])
    base = f"/rum/{world['room_id']}/remisser/{second}"
    await log_in(client, app, alice)

    page = (await client.get(base + "/sammanstallning")).text
    answered = await answer(
        client, app, f"{base}/kommentarer/{world['comment_id']}/svar", "accepted", ""
    )
    csv_rows = list(
        csv.reader(
            io.StringIO(
                (await client.get(base + "/sammanstallning.csv")).content.decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )

    assert "Inga kommentarer" not in page
    for comment_id in (world["comment_id"], on_removed, on_2):
        assert f'id="kommentar-{comment_id}"' in page
        assert f"/kommentarer/{comment_id}/svar" in page
    first = page.split(f'id="kommentar-{world["comment_id"]}"', 1)[1].split("</article>")[0]
    assert "Kommentar på version 1" in first
    assert "Tidigare version" in first
    latest = page.split(f'id="kommentar-{on_2}"', 1)[1].split("</article>")[0]
    assert "Kommentar på version 2" in latest
    assert "Tidigare version" not in latest
    removed = page.split(f'id="kommentar-{on_removed}"', 1)[1].split("</article>")[0]
    assert "Avsnittet finns inte i version 2" in removed
    assert answered.status_code == 303
    await db.rollback()
    [response] = (await db.execute(sa.select(ConsultationResponse))).scalars().all()
    assert (response.consultation_id, response.comment_id) == (second, world["comment_id"])
    assert csv_rows[0][-1] == "Kommentar på version"
    by_body = {row[6]: row[-1] for row in csv_rows[1:]}
    assert by_body == {"Förtydliga syftet.": "1", "Ansvaret är oklart.": "1", "Bra nu.": "2"}


async def test_a_comment_on_another_version_or_plan_cannot_be_answered_here(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    later = await comment(
        db, world["plan_id"], world["section_id"], bob, world["byggen"], "Senare", version_number=2
    )
    await log_in(client, app, alice)

    response = await answer(client, app, f"{url(world)}/kommentarer/{later}/svar", "accepted", "")

    assert response.status_code == 404


async def test_hostile_content_is_neutralised_in_the_page_csv_and_docx(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
) -> None:
    await log_in(client, app, bob)
    await submit(client, app, world, world["byggen"], HOSTILE)
    await comment(db, world["plan_id"], world["section_id"], bob, world["byggen"], "@SUM(1+1)")
    await log_in(client, app, alice)

    page = await client.get(url(world) + "/sammanstallning")
    csv_response = await client.get(url(world) + "/sammanstallning.csv")
    docx_response = await client.get(url(world) + "/sammanstallning.docx")

    assert "<script>alert(1)" not in page.text
    assert "<img src=x" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert csv_response.status_code == 200
    assert csv_response.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv_response.headers["content-disposition"].startswith("attachment;")
    assert csv_response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Typ", "Organisation", "Avsnitt"]
    contents = [row[6] for row in rows[1:]]
    assert "'" + HOSTILE in contents
    assert "'@SUM(1+1)" in contents
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)

    assert docx_response.status_code == 200
    assert docx_response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    with zipfile.ZipFile(io.BytesIO(docx_response.content)) as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
        # Our own export, read back: not untrusted XML.
        document = ElementTree.fromstring(archive.read("word/document.xml"))  # noqa: S314
    assert {"[Content_Types].xml", "_rels/.rels", "word/document.xml"} <= names
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    text = "".join(t.text or "" for t in document.iter(f"{w}t"))
    assert HOSTILE in text  # only ever text: no element came from it
    assert "Remissammanställning: Riktlinjer 2026, version 1" in text
    assert "Förtydliga syftet." in text
    assert not any(el.tag.endswith(("script", "img")) for el in document.iter())
    opened = docx.Document(io.BytesIO(docx_response.content))  # an office suite's view of it
    title = "Remissammanställning: Riktlinjer 2026, version 1"
    assert opened.core_properties.title == title
    styled = [(p.style.name if p.style else None, p.text) for p in opened.paragraphs]
    assert styled[0] == ("Heading 1", title)
    assert ("Heading 2", "Yttranden") in styled
    assert any(HOSTILE in p.text for p in opened.paragraphs)
    await db.rollback()
    exports = (
        (
            await db.execute(
                sa.select(col(AuditEvent.details)).where(
                    col(AuditEvent.action) == "export_downloaded"
                )
            )
        )
        .scalars()
        .all()
    )
    assert [e["format"] for e in exports] == ["csv", "docx"]


@pytest.mark.parametrize(
    ("suffix", "coordinator", "participant"),
    [
        ("", 200, 200),
        ("/sammanstallning", 200, 404),
        ("/sammanstallning.csv", 200, 404),
        ("/sammanstallning.docx", 200, 404),
    ],
)
async def test_who_sees_the_consultation_pages(
    app: Starlette,
    client: httpx.AsyncClient,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
    charlie: Persona,
    suffix: str,
    coordinator: int,
    participant: int,
) -> None:
    path = url(world) + suffix
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE_URL
    ) as anonymous:
        anonymous_response = await anonymous.get(path)
    await log_in(client, app, charlie)
    outsider = await client.get(path)
    await log_in(client, app, bob)
    partner = await client.get(path)
    await log_in(client, app, alice)
    coordinator_response = await client.get(path)

    assert anonymous_response.status_code == 303
    assert anonymous_response.headers["location"].startswith("/auth/login")
    assert outsider.status_code == 404
    assert partner.status_code == participant
    assert coordinator_response.status_code == coordinator


async def test_the_list_of_consultations_and_the_coordinators_form(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
    charlie: Persona,
) -> None:
    path = f"/rum/{world['room_id']}/remisser"
    deadline = days_ahead(30).isoformat()
    await log_in(client, app, charlie)
    outsider = await client.get(path)
    await log_in(client, app, bob)
    partner = await client.get(path)
    partner_open = await client.post(path, data={"csrf_token": await csrf_token(client, app)})
    await log_in(client, app, alice)
    coordinator = await client.get(path)
    opened = await client.post(
        path,
        data={
            "csrf_token": await csrf_token(client, app),
            "version": str(world["version_id"]),
            "deadline": deadline,
            "organisations": [str(world["byggen"])],
        },
    )
    outside_org = await client.post(
        path,
        data={
            "csrf_token": await csrf_token(client, app),
            "version": str(world["version_id"]),
            "deadline": deadline,
            "organisations": [str(world["outside"])],
        },
    )

    assert outsider.status_code == 404
    assert partner.status_code == 200
    assert "Riktlinjer 2026, version 1" in partner.text
    assert "Skicka på remiss" not in partner.text
    assert partner_open.status_code == 404
    assert coordinator.status_code == 200
    assert "Skicka på remiss" in coordinator.text
    assert opened.status_code == 303
    assert outside_org.status_code == 400
    assert "Bara organisationer i rummet kan få remissen." in outside_org.text


async def test_the_compilation_takes_the_same_number_of_queries_for_many_statements(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: dict[str, int],
    alice: Persona,
    bob: Persona,
    query_counter: QueryCounter,
) -> None:
    async def queries_for() -> int:
        return await query_counter.for_page(client, url(world) + "/sammanstallning")

    await log_in(client, app, bob)
    await submit(client, app, world, world["byggen"], "Text")
    await log_in(client, app, alice)
    few = await queries_for()
    for number in range(5):
        await comment(db, world["plan_id"], world["section_id"], bob, world["byggen"], f"K{number}")
    dave = await make_person(db, "Dave Två", email="dave2@example.se")
    await add_member(db, dave, world["upplev"])
    await log_in(client, app, dave)
    await submit(client, app, world, world["upplev"], "")
    await log_in(client, app, alice)
    many = await queries_for()

    assert many == few
