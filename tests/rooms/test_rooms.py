"""Planning rooms: opening one, inviting organisations, answers, progress and review."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.audit.models import AuditEvent
from partner_portal.evidence.models import Evidence, Process
from partner_portal.mail.models import OutboxMessage
from partner_portal.organisations.models import MembershipRole
from partner_portal.platform import clock, templating
from partner_portal.rooms.models import (
    ItemProgress,
    Participation,
    ParticipationStatus,
    ProgressStatus,
    RoomItem,
    RoomPhase,
)
from partner_portal.web import csrf_matches
from tests.helpers import Persona, assert_error_links_resolve, csrf_token, log_in, make_person
from tests.organisations.factories import add_member, make_organisation
from tests.queries import QueryCounter
from tests.rooms.factories import accept, invite, item_of_kind, open_room

T = TypeVar("T")


# Stands for the day before the good start date, which only the test knows.
THE_DAY_BEFORE_THE_START = "dagen före startdatum"


async def post(
    client: httpx.AsyncClient, app: Starlette, path: str, data: dict[str, str] | None = None
) -> httpx.Response:
    return await client.post(
        path, data={**(data or {}), "csrf_token": await csrf_token(client, app)}
    )


async def rows(db: AsyncSession, model: type[T], *where: ColumnElement[bool]) -> list[T]:
    await db.rollback()
    return list(await db.scalars(sa.select(model).where(*where)))


async def test_the_coordinator_opens_a_room_from_a_template(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    from partner_portal.rooms.catalogue import install_standard_templates

    await install_standard_templates(db)
    await log_in(client, app, alice)
    form = (await client.get("/rum/ny")).text
    template_id = re.search(r'<option value="(\d+)">Nödvattenplan', form)
    assert template_id
    starts_on = clock.today()

    response = await post(
        client,
        app,
        "/rum/ny",
        {
            "name": "Nödvattenplan 2026",
            "template_id": template_id.group(1),
            "starts_on": starts_on.isoformat(),
            "ends_on": (starts_on + timedelta(days=320)).isoformat(),
        },
    )

    assert response.status_code == 303
    room_id = int(response.headers["location"].rsplit("/", 1)[1])
    phases = await rows(db, RoomPhase, col(RoomPhase.room_id) == room_id)
    assert [p.title for p in phases][:2] == ["Uppdrag och ansvar", "Behovsinventering"]
    assert phases[1].deadline == starts_on + timedelta(days=45)
    items = await rows(db, RoomItem, col(RoomItem.room_id) == room_id)
    assert "water_needs" in {i.kind for i in items}
    page = (await client.get(f"/rum/{room_id}")).text
    assert "<h1>Nödvattenplan 2026</h1>" in page
    assert "Behovsinventering" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Ge rummet ett namn"),
        ({"template_id": "999"}, "Välj en mall i listan."),
        ({"starts_on": "2 feb"}, "Ange startdatum"),
        ({"ends_on": THE_DAY_BEFORE_THE_START}, "Slutdatum kan inte vara före startdatum."),
    ],
)
async def test_bad_room_input_is_refused_and_nothing_is_saved(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    data: dict[str, str],
    message: str,
) -> None:
    from partner_portal.rooms.catalogue import install_standard_templates
    from partner_portal.rooms.models import ProcessTemplate, Room

    await install_standard_templates(db)
    template_id = await db.scalar(sa.select(col(ProcessTemplate.id)))
    await log_in(client, app, alice)
    starts_on = clock.today()
    good = {
        "name": "Rum",
        "template_id": str(template_id),
        "starts_on": starts_on.isoformat(),
        "ends_on": (starts_on + timedelta(days=320)).isoformat(),
    }
    day_before = (starts_on - timedelta(days=1)).isoformat()
    data = {k: day_before if v == THE_DAY_BEFORE_THE_START else v for k, v in data.items()}

    response = await post(client, app, "/rum/ny", good | data)

    assert response.status_code == 400
    assert message in response.text
    assert await rows(db, Room) == []


async def test_inviting_organisations_records_evidence_and_mails_their_main_contacts(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    await add_member(db, bob, byggen, MembershipRole.ADMIN)
    room_id = await open_room(db, alice)
    await log_in(client, app, alice)

    response = await post(client, app, f"/rum/{room_id}/deltagare", {"organisation": str(byggen)})

    assert response.status_code == 303
    [participation] = await rows(db, Participation)
    assert participation.status is ParticipationStatus.INVITED
    [evidence] = await rows(db, Evidence)
    assert (evidence.kind, evidence.process, evidence.room_id) == (
        "room_invited",
        Process.EL_STYREL,
        room_id,
    )
    [mail] = await rows(db, OutboxMessage)
    assert mail.to_address == "bob@example.se"
    assert "Styrel 2026" in mail.subject
    assert f"http://127.0.0.1:8000/rum/{room_id}" in mail.body_text


async def test_the_main_contact_accepts_or_declines_with_a_reason(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    charlie: Persona,
) -> None:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    upplev = await make_organisation(db, "Upplev Botkyrka AB")
    await add_member(db, bob, byggen, MembershipRole.ADMIN)
    await add_member(db, bob, upplev, MembershipRole.ADMIN)
    await add_member(db, charlie, byggen, MembershipRole.MEMBER)
    room_id = await open_room(db, alice)
    await invite(db, app, alice, room_id, byggen, upplev)

    await log_in(client, app, charlie)
    assert "Vi deltar" not in (await client.get(f"/rum/{room_id}")).text  # only the main contact
    refused = await post(
        client, app, f"/rum/{room_id}/organisationer/{byggen}/svar", {"answer": "accept"}
    )
    await log_in(client, app, bob)
    page = (await client.get(f"/rum/{room_id}")).text
    accepted = await post(
        client, app, f"/rum/{room_id}/organisationer/{byggen}/svar", {"answer": "accept"}
    )
    no_reason = await post(
        client, app, f"/rum/{room_id}/organisationer/{upplev}/svar", {"answer": "decline"}
    )
    declined = await post(
        client,
        app,
        f"/rum/{room_id}/organisationer/{upplev}/svar",
        {"answer": "decline", "reason": "Vi har inga elanvändare i kommunen"},
    )

    assert refused.status_code == 403
    assert "AB Botkyrkabyggen är inbjuden att delta" in page
    assert accepted.status_code == 303
    assert no_reason.status_code == 400
    assert_error_links_resolve(no_reason.text)
    assert "Skriv varför organisationen avstår." in no_reason.text
    assert declined.status_code == 303
    # Bob is still in the room for Byggen; had Upplev been his only one, the room list confirms.
    assert declined.headers["location"] == f"/rum/{room_id}"
    kinds = {(e.organisation_id, e.kind, e.details.get("reason")) for e in await rows(db, Evidence)}
    assert (byggen, "room_accepted", None) in kinds
    assert (upplev, "room_declined", "Vi har inga elanvändare i kommunen") in kinds


async def test_the_answer_starts_empty_and_a_refused_decline_stays_a_decline(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
) -> None:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    await add_member(db, bob, byggen, MembershipRole.ADMIN)
    room_id = await open_room(db, alice)
    await invite(db, app, alice, room_id, byggen)
    await log_in(client, app, bob)
    path = f"/rum/{room_id}/organisationer/{byggen}/svar"

    page = (await client.get(f"/rum/{room_id}")).text
    no_answer = await post(client, app, path, {"reason": "Vi hinner inte i år"})
    no_reason = await post(client, app, path, {"answer": "decline"})

    assert 'name="answer"' in page
    assert not re.search(r'name="answer"[^>]*checked', page)  # nothing chosen in advance
    assert no_answer.status_code == 400
    assert "Välj om organisationen deltar eller avstår." in no_answer.text
    assert_error_links_resolve(no_answer.text)
    assert not re.search(r'name="answer"[^>]*checked', no_answer.text)
    assert "Vi hinner inte i år</textarea>" in no_answer.text  # the typed reason is kept
    assert no_reason.status_code == 400
    assert "Skriv varför organisationen avstår." in no_reason.text
    assert_error_links_resolve(no_reason.text)
    assert re.search(rf'id="nej-{byggen}"[^>]*value="decline"[^>]*checked', no_reason.text)
    assert not re.search(rf'id="ja-{byggen}"[^>]*checked', no_reason.text)
    [participation] = await rows(db, Participation)
    assert participation.status is ParticipationStatus.INVITED
    declined = await post(client, app, path, {"answer": "decline", "reason": "Inte i år"})
    assert declined.status_code == 303
    assert declined.headers["location"] == "/rum?svar=avstar"  # no longer his room: no 404
    listed = await client.get(declined.headers["location"])
    assert "organisationen avstår från rummet" in listed.text


async def test_refused_room_forms_keep_what_was_chosen(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    room_id = await open_room(db, alice)
    [first, *_] = await rows(db, RoomPhase, col(RoomPhase.room_id) == room_id)
    await log_in(client, app, alice)

    too_long = await post(
        client,
        app,
        f"/rum/{room_id}/faser/{first.id}/punkter",
        {"item_title": "x" * 201, "item_kind": "water_needs"},
    )

    assert too_long.status_code == 400
    assert re.search(r'<option value="water_needs" selected>', too_long.text)
    assert '<details class="portal-details" open>' in too_long.text


async def make_room_with_partner(
    db: AsyncSession,
    app: Starlette,
    alice: Persona,
    bob: Persona,
    process: Process = Process.HOJD_BEREDSKAP,
) -> tuple[int, int]:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    await add_member(db, bob, byggen, MembershipRole.ADMIN)
    room_id = await open_room(db, alice, process, name="Höjd beredskap 2026")
    await invite(db, app, alice, room_id, byggen)
    await accept(db, bob, room_id, byggen)
    return room_id, byggen


async def test_a_checklist_item_is_submitted_returned_and_approved(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    room_id, byggen = await make_room_with_partner(db, app, alice, bob)
    item_id = await item_of_kind(db, room_id, "checklist")
    base = f"/rum/{room_id}/organisationer/{byggen}/punkter/{item_id}"
    await log_in(client, app, bob)
    assert "Det här har din organisation kvar att lämna" in (await client.get("/")).text

    await post(
        client,
        app,
        f"{base}/lage",
        {
            "status": "in_progress",
            "classification": "internal",
            "note": "Deltar i utbildningen 4 mars",
        },
    )
    submitted = await post(client, app, f"{base}/lamna-in")
    locked = await post(
        client, app, f"{base}/lage", {"status": "in_progress", "classification": "public"}
    )
    await log_in(client, app, alice)
    without_comment = await post(client, app, f"{base}/granska", {"decision": "return"})
    returned = await post(
        client,
        app,
        f"{base}/granska",
        {"decision": "return", "comment": "Ange datum för utbildningen."},
    )
    await log_in(client, app, bob)
    page = (await client.get(base)).text
    await post(client, app, f"{base}/lamna-in")
    await log_in(client, app, alice)
    approved = await post(client, app, f"{base}/granska", {"decision": "approve"})

    assert submitted.status_code == 303
    assert locked.status_code == 400
    assert "Underlaget är inlämnat och kan inte ändras" in locked.text
    assert without_comment.status_code == 400
    assert returned.status_code == 303
    assert "Ange datum för utbildningen." in page
    assert approved.status_code == 303
    [progress] = await rows(db, ItemProgress)
    assert progress.status is ProgressStatus.APPROVED
    kinds = [e.kind for e in await rows(db, Evidence) if e.kind.startswith("item_")]
    assert kinds == ["item_submitted", "item_returned", "item_submitted", "item_approved"]
    feed = (await client.get(f"/rum/{room_id}")).text
    assert "fick ett underlag godkänt" in feed


async def test_not_applicable_needs_a_reason_and_shows_in_the_overview(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    room_id, byggen = await make_room_with_partner(db, app, alice, bob)
    item_id = await item_of_kind(db, room_id, "checklist")
    base = f"/rum/{room_id}/organisationer/{byggen}/punkter/{item_id}"
    await log_in(client, app, bob)

    missing = await post(
        client, app, f"{base}/lage", {"status": "not_applicable", "classification": "internal"}
    )
    given = await post(
        client,
        app,
        f"{base}/lage",
        {"status": "not_applicable", "classification": "internal", "note": "Ingen egen personal"},
    )

    assert missing.status_code == 400
    assert_error_links_resolve(missing.text)
    assert "Skriv varför punkten inte gäller" in missing.text
    assert given.status_code == 303
    overview = (await client.get(f"/rum/{room_id}")).text
    assert "Ej aktuell" in overview
    assert "Ingen egen personal" in overview


async def test_confidential_metadata_only_is_submitted_with_how_it_was_sent(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    room_id, byggen = await make_room_with_partner(db, app, alice, bob)
    item_id = await item_of_kind(db, room_id, "readiness_status")
    base = f"/rum/{room_id}/organisationer/{byggen}/punkter/{item_id}"
    await log_in(client, app, bob)

    await post(
        client,
        app,
        f"{base}/lage",
        {"status": "in_progress", "classification": "confidential_metadata_only"},
    )
    without_note = await post(client, app, f"{base}/lamna-in")
    await post(
        client,
        app,
        f"{base}/lage",
        {
            "status": "in_progress",
            "classification": "confidential_metadata_only",
            "note": "Lämnat med rekommenderat brev 3 mars",
        },
    )
    submitted = await post(client, app, f"{base}/lamna-in")
    page = (await client.get(base)).text

    assert without_note.status_code == 400
    assert "hur och när innehållet lämnades" in without_note.text
    assert submitted.status_code == 303
    assert "sparas inte i portalen" in page


async def test_the_coordinator_moves_the_room_to_a_phase_and_adjusts_it(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    room_id = await open_room(db, alice)
    phase = (
        await rows(db, RoomPhase, col(RoomPhase.room_id) == room_id, col(RoomPhase.position) == 2)
    )[0]
    await log_in(client, app, alice)
    deadline = clock.today() + timedelta(days=100)

    moved = await post(client, app, f"/rum/{room_id}/aktuell-fas", {"position": "2"})
    edited = await post(
        client,
        app,
        f"/rum/{room_id}/faser/{phase.id}",
        {
            "title": "Identifiering 2026",
            "responsible": "KLF",
            "deadline": deadline.isoformat(),
            "description": "",
        },
    )
    bad = await post(client, app, f"/rum/{room_id}/aktuell-fas", {"position": "99"})

    assert moved.status_code == 303
    assert edited.status_code == 303
    assert bad.status_code == 400
    assert_error_links_resolve(bad.text)
    page = (await client.get(f"/rum/{room_id}")).text
    assert re.search(r'aria-current="step">\s*<h3 class="heading--h4">Identifiering 2026', page)
    [saved] = await rows(db, RoomPhase, col(RoomPhase.id) == phase.id)
    assert saved.deadline == deadline


async def test_the_rooms_remembered_parts_follow_the_room_and_who_reads_it(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    # The phases, the overview and the activity are remembered fragments in the process
    # (templating.Templates.fragment), shared by everyone who reads the same: they must
    # change with the room, and never give a partner the coordinator's forms or the
    # reverse, nor one page's CSRF token to another.
    room_id, _byggen = await make_room_with_partner(db, app, alice, bob)
    await log_in(client, app, bob)
    partner_before = (await client.get(f"/rum/{room_id}")).text
    await log_in(client, app, alice)
    coordinator = (await client.get(f"/rum/{room_id}")).text
    coordinator_token = await csrf_token(client, app)
    moved = await post(client, app, f"/rum/{room_id}/aktuell-fas", {"position": "2"})
    await log_in(client, app, bob)
    partner_after = (await client.get(f"/rum/{room_id}")).text
    partner_token = await csrf_token(client, app)

    assert moved.status_code == 303
    assert "Ändra fasen" not in partner_before
    assert "Ändra fasen" in coordinator
    assert "Ändra fasen" not in partner_after
    assert templating._HOLE not in coordinator + partner_before + partner_after
    forms = re.findall(r'name="csrf_token" value="([^"]+)"', coordinator)
    assert len(forms) > 3
    assert all(csrf_matches(value, coordinator_token) for value in forms)
    assert not any(csrf_matches(value, partner_token) for value in forms)
    # The move shows in the phases (the second is now current) and in the activity.
    current = re.findall(
        r'<li id="fas-\d+" class="portal-phase portal-phase--current"', partner_after
    )
    assert len(current) == 1
    assert partner_after.index(current[0]) > partner_after.index("portal-phase--done")
    assert "portal-phase--done" not in partner_before


async def test_a_closed_room_takes_no_more_work(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    room_id, byggen = await make_room_with_partner(db, app, alice, bob)
    item_id = await item_of_kind(db, room_id, "checklist")
    await log_in(client, app, alice)
    await post(client, app, f"/rum/{room_id}/stang", {"bekraftat": "ja"})
    await log_in(client, app, bob)

    response = await post(
        client, app, f"/rum/{room_id}/organisationer/{byggen}/punkter/{item_id}/lamna-in"
    )

    assert response.status_code == 403
    assert "Stängt" in (await client.get(f"/rum/{room_id}")).text


async def test_the_overview_keeps_a_constant_number_of_queries_for_5_and_50_organisations(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    query_counter: QueryCounter,
) -> None:
    room_id = await open_room(db, alice)
    await log_in(client, app, alice)

    admins: list[Persona] = []

    async def organisations_in_room(start: int, stop: int) -> None:
        for number in range(start, stop):
            organisation_id = await make_organisation(db, f"Bolag {number:03d}")
            admin = await make_person(db, f"Admin {number:03d}", email=f"a{number}@x.se")
            admins.append(admin)
            await add_member(db, admin, organisation_id, MembershipRole.ADMIN)
            await invite(db, app, alice, room_id, organisation_id)
            await accept(db, admin, room_id, organisation_id)

    async def queries_for_overview() -> tuple[int, int]:
        await log_in(client, app, alice)
        coordinator = await query_counter.for_page(client, f"/rum/{room_id}")
        await log_in(client, app, partner)
        return coordinator, await query_counter.for_page(client, f"/rum/{room_id}")

    await organisations_in_room(0, 5)
    partner = admins[0]
    with_5 = await queries_for_overview()
    await organisations_in_room(5, 50)
    with_50 = await queries_for_overview()
    await log_in(client, app, alice)

    assert with_5 == with_50
    # The session; access (the room, the person's organisations in it) with every invited
    # organisation beside it; phases, items and progress; the activity. A coordinator's page
    # also lists the organisations that may still be invited (all are, here: so there is no
    # question which of them cannot be reached). No BEGIN: a page that only reads begins no
    # transaction on SQLite.
    assert with_50 == (5, 4)
    assert (await client.get(f"/rum/{room_id}")).text.count(
        '<th scope="row" class="table__column">Bolag'
    ) == 50


async def test_the_activity_feed_reads_the_latest_from_an_index_without_sorting_the_room(
    app: Starlette, db: AsyncSession, alice: Persona, database_kind: str
) -> None:
    """The room page's feed shows the latest 30 of what may be thousands of rows: it must read
    them newest first from an index, not sort all of the room's evidence on every view."""
    from partner_portal.rooms import queries

    sql = str(
        queries.ACTIVITY.params(room_id=1, limit=30).compile(
            dialect=app.state.portal.engine.dialect, compile_kwargs={"literal_binds": True}
        )
    )
    if database_kind == "sqlite":
        plan = " ".join(
            str(row[-1]) for row in await db.execute(sa.text(f"EXPLAIN QUERY PLAN {sql}"))
        )
        assert "ix_evidence_room_id_occurred_at" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
    else:
        await db.execute(sa.text("SET LOCAL enable_seqscan = off"))
        await db.execute(sa.text("SET LOCAL enable_bitmapscan = off"))
        plan = " ".join(str(row[0]) for row in await db.execute(sa.text(f"EXPLAIN {sql}")))
        await db.rollback()
        assert "ix_evidence_room_id_occurred_at" in plan, plan
        assert "Sort" not in plan, plan


async def test_a_new_template_version_never_changes_a_running_room(
    db: AsyncSession, alice: Persona
) -> None:
    room_id = await open_room(db, alice)
    before = [p.title for p in await rows(db, RoomPhase, col(RoomPhase.room_id) == room_id)]
    await db.execute(
        sa.update(RoomPhase).where(col(RoomPhase.room_id) != room_id).values(title="x")
    )
    from partner_portal.rooms.models import TemplatePhase

    await db.execute(sa.update(TemplatePhase).values(title="Ändrad i mallen"))
    await db.commit()

    after = [p.title for p in await rows(db, RoomPhase, col(RoomPhase.room_id) == room_id)]
    assert after == before
    assert "Ändrad i mallen" not in after


async def test_room_actions_are_audited(
    app: Starlette, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    await make_room_with_partner(db, app, alice, bob)

    actions = [a.action for a in await rows(db, AuditEvent)]

    assert actions == ["room_opened", "room_organisation_invited", "room_answered"]


async def test_the_coordinator_adjusts_the_rooms_items_but_never_destroys_work(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    room_id, byggen = await make_room_with_partner(db, app, alice, bob)
    phase = (
        await rows(db, RoomPhase, col(RoomPhase.room_id) == room_id, col(RoomPhase.position) == 1)
    )[0]
    await log_in(client, app, alice)

    added = await post(
        client,
        app,
        f"/rum/{room_id}/faser/{phase.id}/punkter",
        {"item_title": "Bekräfta utbildningsdatum", "item_kind": "checklist"},
    )
    bad = await post(
        client,
        app,
        f"/rum/{room_id}/faser/{phase.id}/punkter",
        {"item_title": "", "item_kind": "x"},
    )
    [new] = await rows(db, RoomItem, col(RoomItem.title) == "Bekräfta utbildningsdatum")
    worked = await item_of_kind(db, room_id, "readiness_status")
    await log_in(client, app, bob)
    await post(
        client,
        app,
        f"/rum/{room_id}/organisationer/{byggen}/punkter/{worked}/lage",
        {"status": "in_progress", "classification": "internal"},
    )
    await log_in(client, app, alice)
    removed = await post(client, app, f"/rum/{room_id}/punkter/{new.id}/ta-bort")
    refused = await post(client, app, f"/rum/{room_id}/punkter/{worked}/ta-bort")

    assert added.status_code == 303
    assert bad.status_code == 400
    assert_error_links_resolve(bad.text)
    assert removed.status_code == 303
    assert refused.status_code == 400
    assert "organisationer har redan arbetat med den" in refused.text
    titles = {i.title for i in await rows(db, RoomItem, col(RoomItem.room_id) == room_id)}
    assert "Bekräfta utbildningsdatum" not in titles
    assert len(await rows(db, RoomItem, col(RoomItem.id) == worked)) == 1


async def test_leaving_a_room_needs_a_reason_and_is_evidence(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    room_id, byggen = await make_room_with_partner(db, app, alice, bob)
    await log_in(client, app, bob)

    without = await post(client, app, f"/rum/{room_id}/organisationer/{byggen}/lamna")
    left = await post(
        client, app, f"/rum/{room_id}/organisationer/{byggen}/lamna", {"reason": "Omorganisation"}
    )

    assert without.status_code == 400
    assert_error_links_resolve(without.text)
    assert left.status_code == 303
    [participation] = await rows(db, Participation)
    assert participation.status is ParticipationStatus.WITHDRAWN
    [evidence] = await rows(db, Evidence, col(Evidence.kind) == "room_withdrawn")
    assert evidence.details == {"reason": "Omorganisation"}
    assert (await client.get(f"/rum/{room_id}")).status_code == 404  # no longer in the room
    await log_in(client, app, alice)
    assert "Har lämnat rummet" in (await client.get(f"/rum/{room_id}")).text


async def test_approving_the_last_item_records_completion_once_and_lateness_is_kept(
    app: Starlette, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    from partner_portal.rooms import progress
    from partner_portal.rooms.access import room_for
    from partner_portal.rooms.models import Classification
    from partner_portal.rooms.progress import ProgressInput
    from tests.helpers import as_current

    room_id, byggen = await make_room_with_partner(db, app, alice, bob)
    # Every phase's last day was yesterday (in Sweden), so everything handed in now is late.
    await db.execute(sa.update(RoomPhase).values(deadline=clock.today() - timedelta(days=1)))
    await db.commit()
    partner, coordinator = as_current(bob), as_current(alice, coordinator=True)
    items = [i.id for i in await rows(db, RoomItem, col(RoomItem.room_id) == room_id)]
    for number, item_id in enumerate(items):
        assert item_id is not None
        access = await room_for(db, partner, room_id)
        if number == 0:
            await progress.update_progress(
                db,
                actor=partner,
                access=access,
                organisation_id=byggen,
                item_id=item_id,
                data=ProgressInput(
                    ProgressStatus.NOT_APPLICABLE, Classification.INTERNAL, "Ej här"
                ),
            )
            continue
        if number == 2:
            await progress.update_progress(
                db,
                actor=partner,
                access=access,
                organisation_id=byggen,
                item_id=item_id,
                data=ProgressInput(
                    ProgressStatus.IN_PROGRESS,
                    Classification.CONFIDENTIAL_METADATA_ONLY,
                    "Lämnat på annat sätt",
                ),
            )
        await progress.submit(
            db, actor=partner, access=access, organisation_id=byggen, item_id=item_id
        )
        await progress.review(
            db,
            actor=coordinator,
            access=await room_for(db, coordinator, room_id),
            organisation_id=byggen,
            item_id=item_id,
            approve=True,
            comment="",
        )

    completed = await rows(db, Evidence, col(Evidence.kind) == "room_completed")
    submitted = await rows(db, Evidence, col(Evidence.kind) == "item_submitted")
    assert len(completed) == 1
    assert submitted
    assert all(e.details == {"late": True} for e in submitted)


@pytest.mark.parametrize(
    ("handed_in", "late"),
    [
        # The phase's last day is 28 March 2027, the day summer time begins (UTC+2 from 03:00).
        (datetime(2027, 3, 28, 21, 59, tzinfo=UTC), False),  # 23:59 in Sweden: the last day
        (datetime(2027, 3, 28, 22, 1, tzinfo=UTC), True),  # 00:01 on 29 March, in Sweden
    ],
)
async def test_a_submission_is_late_from_midnight_swedish_time(
    app: Starlette,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    handed_in: datetime,
    late: bool,
) -> None:
    from partner_portal.rooms import progress
    from partner_portal.rooms.access import room_for
    from tests.helpers import as_current

    clock.freeze(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    room_id, byggen = await make_room_with_partner(db, app, alice, bob)
    await db.execute(sa.update(RoomPhase).values(deadline=date(2027, 3, 28)))
    await db.commit()
    item_id = await item_of_kind(db, room_id, "checklist")
    partner = as_current(bob)

    clock.freeze(handed_in)
    await progress.submit(
        db,
        actor=partner,
        access=await room_for(db, partner, room_id),
        organisation_id=byggen,
        item_id=item_id,
    )

    [evidence] = await rows(db, Evidence, col(Evidence.kind) == "item_submitted")
    assert evidence.details == {"late": late}
    assert evidence.occurred_at == handed_in
