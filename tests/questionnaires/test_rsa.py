"""RSA as a process with a questionnaire: questions as template data, asked per vital service,
filled, handed in, returned, corrected, approved — and counted in the room's matrix and the
follow-up like every other deliverable."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.evidence.models import Evidence, EvidenceKind, Process
from partner_portal.organisations.models import MembershipRole
from partner_portal.platform import clock
from partner_portal.questionnaires.models import QuestionnaireAnswers
from partner_portal.rooms.models import ItemProgress, ProgressStatus, RoomItem
from tests.helpers import Persona, csrf_token, log_in
from tests.organisations.factories import add_member, make_organisation
from tests.rooms.factories import accept, invite, item_of_kind, open_room
from tests.vital_services.factories import make_entry


async def post(
    client: httpx.AsyncClient, app: Starlette, path: str, data: dict[str, object]
) -> httpx.Response:
    return await client.post(path, data={**data, "csrf_token": await csrf_token(client, app)})


@pytest.fixture
async def rsa(db: AsyncSession, app: Starlette, alice: Persona, bob: Persona) -> dict[str, object]:
    """An RSA room opened from the standard template, an organisation (Bob's) that took part,
    with two sites in its register."""
    home = await make_organisation(db, "Vårdbolaget AB")
    await add_member(db, bob, home, MembershipRole.ADMIN)
    solgarden = await make_entry(db, home, "Solgården")
    tallen = await make_entry(db, home, "Tallen")
    room_id = await open_room(db, alice, Process.RSA, name="RSA 2027")
    await invite(db, app, alice, room_id, home)
    await accept(db, bob, room_id, home)
    item_id = await item_of_kind(db, room_id, "questionnaire")
    base = f"/rum/{room_id}/organisationer/{home}/punkter/{item_id}"
    return {
        "home": home,
        "room": room_id,
        "item": item_id,
        "base": base,
        "solgarden": solgarden,
        "tallen": tallen,
    }


def answers(s: dict[str, object], *, tallen_hours: str = "8") -> dict[str, object]:
    return {
        "q-responsible": "Sara Svensson, säkerhetssamordnare",
        "q-method": "workshop",
        "q-risks": ["power", "it"],
        f"q-power_hours-{s['solgarden']}": "72",
        f"q-power_hours-{s['tallen']}": tallen_hours,
        f"q-continuity_plan-{s['solgarden']}": "yes",
        f"q-continuity_plan-{s['tallen']}": "no",
        f"q-vulnerability-{s['tallen']}": "Ingen reservkraft",
        "q-minimum_staff": "12,5",
        "q-capability": "good_with_gaps",
        "q-events_evaluated": "yes",
        "q-measures": "Reservkraft till Tallen.",
        "q-next_exercise": (clock.today() + timedelta(days=100)).isoformat(),
    }


async def test_the_rsa_template_carries_its_questions_into_the_room(
    db: AsyncSession, rsa: dict[str, object]
) -> None:
    questions = await db.scalar(
        sa.select(col(RoomItem.questions)).where(col(RoomItem.id) == rsa["item"])
    )
    assert questions is not None
    kinds = {q["kind"] for q in questions}
    assert kinds == {"text", "choice", "choices", "number", "date", "yes_no"}
    assert any(q.get("per_service") for q in questions)


async def test_the_questionnaire_is_filled_returned_corrected_and_approved(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    rsa: dict[str, object],
) -> None:
    s, base = rsa, str(rsa["base"])
    await log_in(client, app, bob)
    form = (await client.get(f"{base}/formular")).text
    # A per-service question is asked once for each of the organisation's sites.
    assert f'name="q-power_hours-{s["solgarden"]}"' in form
    assert f'name="q-power_hours-{s["tallen"]}"' in form
    assert "Hur länge kan verksamheten fortsätta utan el från nätet? – Tallen" in form

    saved = await post(client, app, f"{base}/formular", answers(s))
    assert saved.status_code == 303
    item_page = (await client.get(base)).text
    assert "Pågår" in item_page  # a draft: saved, not handed in
    assert "12,5 personer" in item_page
    assert "El från nätet" not in item_page
    assert "Tallen" in item_page
    assert "8 timmar" in item_page

    assert (await post(client, app, f"{base}/lamna-in", {})).status_code == 303
    locked = await post(client, app, f"{base}/formular", answers(s, tallen_hours="9"))
    assert locked.status_code == 400
    assert "Underlaget är inlämnat och kan inte ändras" in locked.text

    await log_in(client, app, alice)
    returned = await post(
        client, app, f"{base}/granska", {"decision": "return", "comment": "Tallen: 8 h?"}
    )
    assert returned.status_code == 303

    await log_in(client, app, bob)
    corrected = await post(client, app, f"{base}/formular", answers(s, tallen_hours="4"))
    assert corrected.status_code == 303
    assert (await post(client, app, f"{base}/lamna-in", {})).status_code == 303

    await log_in(client, app, alice)
    assert (await post(client, app, f"{base}/granska", {"decision": "approve"})).status_code == 303

    await db.rollback()
    status = await db.scalar(
        sa.select(col(ItemProgress.status)).where(col(ItemProgress.item_id) == s["item"])
    )
    assert status is ProgressStatus.APPROVED
    stored = await db.scalar(sa.select(col(QuestionnaireAnswers.answers)))
    assert stored is not None
    assert stored[f"power_hours@{s['tallen']}"] == "4"
    assert stored["risks"] == ["power", "it"]
    kinds = set(
        await db.scalars(
            sa.select(col(Evidence.kind)).where(
                col(Evidence.process) == Process.RSA, col(Evidence.organisation_id) == s["home"]
            )
        )
    )
    assert {
        EvidenceKind.ITEM_SUBMITTED,
        EvidenceKind.ITEM_RETURNED,
        EvidenceKind.ITEM_APPROVED,
    } <= kinds

    # The room's matrix shows the item approved; the follow-up counts RSA like the others.
    room_page = (await client.get(f"/rum/{s['room']}")).text
    assert "Godkänd" in room_page
    followup = (await client.get("/uppfoljning")).text
    assert "process=rsa" in followup
    process_page = await client.get("/uppfoljning/processer/rsa")
    assert process_page.status_code == 200
    assert "Risk- och sårbarhetsbedömning" in process_page.text  # the template's phase
    report = (await client.get("/uppfoljning/rapport")).text
    assert "g) Deltog bolagen, stiftelserna och samverkansorganen i risk- och" in report
    assert (
        'Lämnade underlag<span class="sr-only"> – Vårdbolaget AB, Risk- och sårbarhetsanalys'
        in followup
    )


async def test_required_answers_are_refused_beside_their_fields_and_nothing_is_saved(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    bob: Persona,
    rsa: dict[str, object],
) -> None:
    s, base = rsa, str(rsa["base"])
    await log_in(client, app, bob)
    data = answers(s)
    del data["q-responsible"]
    del data[f"q-power_hours-{s['tallen']}"]
    data["q-minimum_staff"] = "tolv"
    data["q-next_exercise"] = "15/3"
    data["q-method"] = "guess"

    refused = await post(client, app, f"{base}/formular", data)

    assert refused.status_code == 400
    page = refused.text
    assert 'id="f-q-responsible-error">Svara på frågan.' in page
    assert f'id="f-q-power_hours-{s["tallen"]}-error">Svara på frågan för Tallen.' in page
    assert 'id="f-q-minimum_staff-error">Ange ett tal' in page
    assert 'id="f-q-next_exercise-error">Ange ett datum' in page
    assert 'id="f-q-method-error">Välj ett av alternativen.' in page
    assert 'value="Reservkraft till Tallen.' not in page  # a textarea keeps its text inside
    assert "Reservkraft till Tallen." in page  # what was typed stays in the form
    await db.rollback()
    assert await db.scalar(sa.select(sa.func.count()).select_from(QuestionnaireAnswers)) == 0
    assert await db.scalar(sa.select(sa.func.count()).select_from(ItemProgress)) == 0

    empty = await post(client, app, f"{base}/lamna-in", {})
    assert empty.status_code == 400
    assert "Besvara frågorna innan ni lämnar in." in empty.text


async def test_a_confidential_questionnaire_never_stores_answers(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    bob: Persona,
    rsa: dict[str, object],
) -> None:
    s, base = rsa, str(rsa["base"])
    await log_in(client, app, bob)
    labelled = await post(
        client,
        app,
        f"{base}/lage",
        {"status": "in_progress", "classification": "confidential_metadata_only", "note": ""},
    )
    assert labelled.status_code == 303

    refused = await post(client, app, f"{base}/formular", answers(s))

    assert refused.status_code == 400
    assert "märkt konfidentiellt" in refused.text
    await db.rollback()
    assert await db.scalar(sa.select(sa.func.count()).select_from(QuestionnaireAnswers)) == 0
    form = (await client.get(f"{base}/formular")).text
    assert 'name="q-responsible"' not in form


async def test_answers_already_saved_block_the_confidential_label(
    app: Starlette,
    client: httpx.AsyncClient,
    bob: Persona,
    rsa: dict[str, object],
) -> None:
    s, base = rsa, str(rsa["base"])
    await log_in(client, app, bob)
    assert (await post(client, app, f"{base}/formular", answers(s))).status_code == 303

    refused = await post(
        client,
        app,
        f"{base}/lage",
        {"status": "in_progress", "classification": "confidential_metadata_only", "note": "x"},
    )

    assert refused.status_code == 400
    assert "Ta bort innehållet först" in refused.text


async def test_another_organisation_gets_not_found(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    charlie: Persona,
    rsa: dict[str, object],
) -> None:
    other = await make_organisation(db, "Annat bolag AB")
    await add_member(db, charlie, other, MembershipRole.ADMIN)
    s, base = rsa, str(rsa["base"])
    await log_in(client, app, charlie)

    assert (await client.get(f"{base}/formular")).status_code == 404
    assert (await post(client, app, f"{base}/formular", answers(s))).status_code == 404
    export = f"/rum/{s['room']}/formular/{s['item']}.csv"
    assert (await client.get(export, params={"organisation": str(s["home"])})).status_code == 404
    assert (await client.get(export)).status_code == 404


async def test_the_export_has_one_row_per_handed_in_answer_set(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    rsa: dict[str, object],
) -> None:
    s, base = rsa, str(rsa["base"])
    await log_in(client, app, bob)
    await post(client, app, f"{base}/formular", answers(s))
    export = f"/rum/{s['room']}/formular/{s['item']}"

    own = await client.get(f"{export}.csv", params={"organisation": str(s["home"])})
    assert own.status_code == 200
    await post(client, app, f"{base}/lamna-in", {})
    await log_in(client, app, alice)
    everyone = await client.get(f"{export}.csv")
    xlsx = await client.get(f"{export}.xlsx")

    text = everyone.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header, row = rows[0], rows[1:]
    assert len(row) == 1
    cells = dict(zip(header, row[0], strict=True))
    assert cells["Organisation"] == "Vårdbolaget AB"
    assert cells["Läge"] == "Inlämnad"
    assert cells["Vilka händelser bedömer ni som mest allvarliga för er verksamhet?"] == (
        "Elavbrott, Störningar i IT och telekommunikation"
    )
    assert cells["Hur länge kan verksamheten fortsätta utan el från nätet?"] == (
        "Solgården: 72 timmar; Tallen: 8 timmar"
    )
    assert cells["Finns en kontinuitetsplan för verksamheten?"] == "Solgården: Ja; Tallen: Nej"
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    assert (await client.get(f"{export}.pdf")).status_code == 404


async def test_the_questionnaire_page_reads_in_a_constant_number_of_statements(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    bob: Persona,
    rsa: dict[str, object],
    query_counter: object,
) -> None:
    from tests.queries import QueryCounter

    assert isinstance(query_counter, QueryCounter)
    await log_in(client, app, bob)
    page = f"{rsa['base']}/formular"
    few = await query_counter.for_page(client, page)
    await db.rollback()
    for number in range(40):
        await make_entry(db, int(str(rsa["home"])), f"Plats {number:02d}")
    many = await query_counter.for_page(client, page)
    assert many == few
