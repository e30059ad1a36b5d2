"""The crisis pack: read back from the PDF it holds the plan, the priority rows and every
participant's 24/7 contact, names outside Latin-1 intact, the label and date on every page; it
is tagged (structure tree, language); a contact change makes a new pack; outsiders get 404;
downloads are evidence the room shows; the HTML file stands alone."""

from __future__ import annotations

import io
import re
from typing import Any

import httpx
import sqlalchemy as sa
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.audit.models import AuditAction, AuditEvent
from partner_portal.evidence.models import Evidence, EvidenceKind
from partner_portal.followup.levels import ACTIVE_KINDS
from tests.contacts.conftest import enter
from tests.crisispack.conftest import LUKASZ, SECTIONS, Room, water_room
from tests.helpers import Persona, log_in
from tests.organisations.factories import make_organisation
from tests.queries import QueryCounter
from tests.rooms.factories import invite


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


async def test_the_pdf_holds_plan_priorities_and_every_participants_contact_on_labelled_pages(
    app: Starlette, db: AsyncSession, client: httpx.AsyncClient, bob: Persona, room: Room
) -> None:
    await log_in(client, app, bob)
    response = await client.get(f"/rum/{room.id}/beredskapspaket.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    pages = pages_text(response.content)
    text = flat(" ".join(pages))
    for heading, _body in SECTIONS:
        assert heading in text
    assert "krisledningsgruppen inom 30 minuter" in text
    assert "Vatten delas ut vid Tumba torg och Alby centrum." in text
    assert "Vårdboendet Solgården" in text
    assert text.index("Vårdboendet Solgården") < text.index("Kontoret Tullinge")  # class 2 first
    assert "735999100000000018" in text
    for phone in ("08-530 610 00", "08-530 620 00"):
        assert phone in text
    assert "Łukasz Ødegård" in text
    assert "Utanför AB" not in text
    assert len(pages) >= 2
    for page in pages:
        assert "Informationsklass: Intern" in page
        assert "Utskriven/hämtad" in page

    reader = PdfReader(io.BytesIO(response.content))
    root: Any = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "sv"
    assert root["/MarkInfo"]["/Marked"]


async def test_the_water_priority_order_puts_care_first(
    app: Starlette,
    db: AsyncSession,
    client: httpx.AsyncClient,
    alice: Persona,
    bob: Persona,
    room: Room,
) -> None:
    room_id = await water_room(app, db, alice, bob, room.byggen)
    await log_in(client, app, bob)
    text = flat(
        " ".join(pages_text((await client.get(f"/rum/{room_id}/beredskapspaket.pdf")).content))
    )
    assert text.index("Äldreboendet Björkhagen") < text.index("Kontoret Alby")


async def test_a_contact_change_makes_a_new_pack(
    app: Starlette, db: AsyncSession, client: httpx.AsyncClient, bob: Persona, room: Room
) -> None:
    await log_in(client, app, bob)
    before = flat(
        " ".join(pages_text((await client.get(f"/rum/{room.id}/beredskapspaket.pdf")).content))
    )
    await enter(db, room.byggen, bob, "08-530 699 99", LUKASZ)
    after = flat(
        " ".join(pages_text((await client.get(f"/rum/{room.id}/beredskapspaket.pdf")).content))
    )
    assert "08-530 610 00" in before
    assert "08-530 699 99" not in before
    assert "08-530 699 99" in after
    assert "08-530 610 00" not in after
    version = re.compile(r"Innehållets version: ([0-9a-f]{12})")
    first, second = version.search(before), version.search(after)
    assert first is not None
    assert second is not None
    assert first.group(1) != second.group(1)


async def test_an_organisation_outside_the_room_gets_404(
    app: Starlette, client: httpx.AsyncClient, charlie: Persona, room: Room
) -> None:
    await log_in(client, app, charlie)
    for suffix in ("", ".pdf", ".html"):
        assert (await client.get(f"/rum/{room.id}/beredskapspaket{suffix}")).status_code == 404


async def test_downloads_are_evidence_the_room_shows_and_are_audited(
    app: Starlette,
    db: AsyncSession,
    client: httpx.AsyncClient,
    alice: Persona,
    bob: Persona,
    room: Room,
) -> None:
    await log_in(client, app, bob)
    assert (await client.get(f"/rum/{room.id}/beredskapspaket.html")).status_code == 200
    await db.rollback()
    [evidence] = await db.scalars(
        sa.select(Evidence).where(col(Evidence.kind) == EvidenceKind.PACK_DOWNLOADED)
    )
    assert (evidence.organisation_id, evidence.room_id) == (room.byggen, room.id)
    assert EvidenceKind.PACK_DOWNLOADED in ACTIVE_KINDS
    [audit] = await db.scalars(
        sa.select(AuditEvent).where(col(AuditEvent.action) == AuditAction.CRISIS_PACK_DOWNLOADED)
    )
    assert audit.details["format"] == "html"

    await log_in(client, app, alice)
    page = (await client.get(f"/rum/{room.id}/beredskapspaket")).text
    rows = dict(
        re.findall(
            r'<th scope="row" class="table__column">([^<]+)</th>'
            r".*?<td[^>]*>[^<]*</td>\s*<td[^>]*>([^<]+)</td>",
            page,
            re.S,
        )
    )
    assert rows["Upplev Botkyrka AB"].strip() == "Inte hämtat"
    assert rows["AB Botkyrkabyggen"].strip() != "Inte hämtat"
    assert "har hämtat beredskapspaketet" in (await client.get(f"/rum/{room.id}")).text


async def test_the_html_file_stands_alone(
    app: Starlette, client: httpx.AsyncClient, bob: Persona, room: Room
) -> None:
    await log_in(client, app, bob)
    response = await client.get(f"/rum/{room.id}/beredskapspaket.html")
    html = response.text
    assert response.headers["content-disposition"].startswith("attachment;")
    assert '<html lang="sv">' in html
    assert "Łukasz Ødegård" in html
    assert "Informationsklass: Intern" in html
    assert not re.search(r"<(link|script|img)\b", html)
    assert not re.search(r'(src|href)="(https?:)?//', html)


async def test_the_pack_page_reads_in_a_constant_number_of_statements(
    app: Starlette,
    db: AsyncSession,
    client: httpx.AsyncClient,
    alice: Persona,
    room: Room,
    query_counter: QueryCounter,
) -> None:
    await log_in(client, app, alice)
    few = await query_counter.for_page(client, f"/rum/{room.id}/beredskapspaket")
    for n in range(4):
        organisation = await make_organisation(db, f"Bolag {n}")
        await enter(db, organisation, alice, f"08-530 64{n} 00", LUKASZ)
        await invite(db, app, alice, room.id, organisation)
    assert await query_counter.for_page(client, f"/rum/{room.id}/beredskapspaket") == few
