"""Standing forums: opening one, its parties' activity in the follow-up under "Samverkan", the
agreement record and its history, VPC's boundary, and a bounded forum list."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.actions.models import Action
from partner_portal.actions.service import ActionInput
from partner_portal.attachments.models import Attachment
from partner_portal.auth.models import PortalRole
from partner_portal.evidence.models import Process
from partner_portal.followup import api_tokens
from partner_portal.followup import service as followup
from partner_portal.forums.models import AgreementVersion
from partner_portal.mail.models import OutboxMessage
from partner_portal.meetings.access import meeting_for
from partner_portal.meetings.minutes import record_attendance
from partner_portal.platform import clock
from partner_portal.rooms.models import Room, RoomPhase
from tests.attachments import files
from tests.forums.factories import Forum, forum_with_three_parties, open_forum
from tests.helpers import Persona, as_current, csrf_token, log_in, make_person
from tests.meetings.factories import END, decide, meeting_day, schedule, start_day, stockholm
from tests.queries import QueryCounter

NOTICE = "Inga personuppgifter om enskilda"


async def test_the_coordinator_opens_a_forum_without_phases(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    await log_in(client, app, alice)
    token = await csrf_token(client, app)

    refused = await client.post("/forum/ny", data={"csrf_token": token, "name": "  "})
    response = await client.post(
        "/forum/ny", data={"csrf_token": token, "name": "FRG-ledning", "personal_data_free": "1"}
    )

    assert refused.status_code == 400
    assert "Ge forumet ett namn" in refused.text
    assert response.status_code == 303
    room_id = int(response.headers["location"].rsplit("/", 1)[1])
    await db.rollback()
    room = await db.get(Room, room_id)
    assert room is not None
    assert (room.process, room.template_id, room.personal_data_free) == (
        Process.SAMVERKAN,
        None,
        True,
    )
    assert await db.scalar(sa.select(sa.func.count()).select_from(Room)) == 1
    phases = await db.scalar(sa.select(sa.func.count()).where(col(RoomPhase.room_id) == room_id))
    assert phases == 0
    page = await client.get(f"/forum/{room_id}")
    assert page.status_code == 200
    assert "FRG-ledning" in page.text
    room_page = await client.get(f"/rum/{room_id}")
    assert room_page.status_code == 200
    assert "Faser" not in room_page.text


async def attend_a_forum_meeting(
    db: AsyncSession, app: Starlette, alice: Persona, forum: Forum
) -> None:
    meeting_id = await schedule(
        db, app, alice, *forum.parties, room_id=forum.room_id, title="Samverkansråd"
    )
    actor = as_current(alice, coordinator=True)
    await record_attendance(
        db,
        actor=actor,
        access=await meeting_for(db, actor, meeting_id),
        present={p.id for p in forum.contacts},
        now=stockholm(meeting_day(), END),
    )


async def test_attendance_in_a_forum_with_three_parties_shows_under_samverkan(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    charlie: Persona,
) -> None:
    forum = await forum_with_three_parties(db, app, alice, charlie)
    await attend_a_forum_meeting(db, app, alice, forum)

    chosen = followup.choose(None, None, None, today=clock.today(), every_kind=True)
    matrix = await followup.matrix(db, chosen)

    assert Process.SAMVERKAN in matrix.processes
    for party in forum.parties:
        cell = matrix.cell(party, Process.SAMVERKAN)
        assert cell.level.took_part, party
        assert cell.facts.active >= 1
        assert not matrix.cell(party, Process.NODVATTEN).level.took_part
    assert not matrix.cell(forum.outside, Process.SAMVERKAN).level.took_part
    assert matrix.took_part(Process.SAMVERKAN) == 3

    await log_in(client, app, alice)
    page = await client.get("/uppfoljning", params={"alla": "1"})
    report = await client.get("/uppfoljning/rapport")
    assert page.status_code == 200
    assert ">Samverkan</a></th>" in page.text
    assert "Är samverkan etablerad i de stående forumen?" in report.text
    await db.rollback()
    invitations = list(
        await db.scalars(
            sa.select(col(OutboxMessage.body_text)).where(
                col(OutboxMessage.related_type) == "room",
                col(OutboxMessage.related_id) == forum.room_id,
            )
        )
    )
    assert len(invitations) == 3
    assert all("att delta i samverkansforumet Samverkansöverenskommelsen" in t for t in invitations)

    await db.rollback()
    reader = await make_person(db, "Dora Dahlberg", roles=(PortalRole.FOLLOWUP_READER,))
    issued = await api_tokens.issue(
        db, actor=as_current(alice, coordinator=True), person_id=reader.id, name="Rapport"
    )
    client.cookies.clear()
    api = await client.get(
        "/api/v1/matrix",
        params={"all_kinds": "true"},
        headers={"Authorization": f"Bearer {issued.token}"},
    )
    assert api.status_code == 200
    found = api.json()
    assert "samverkan" in found["processes"]
    cells = {o["id"]: o["cells"]["samverkan"]["level"] for o in found["organisations"]}
    assert {cells[p] for p in forum.parties} == {
        matrix.cell(forum.parties[0], Process.SAMVERKAN).level.value
    }
    assert cells[forum.outside] == "not_invited"


async def agreement_form(
    client: httpx.AsyncClient, app: Starlette, **fields: str
) -> dict[str, str]:
    token = await csrf_token(client, app)
    return {"csrf_token": token, "title": "Samverkansöverenskommelse"} | fields


async def versions(db: AsyncSession) -> list[AgreementVersion]:
    await db.rollback()
    return list(
        await db.scalars(sa.select(AgreementVersion).order_by(col(AgreementVersion.version)))
    )


async def test_the_agreement_record_keeps_each_version_with_who_changed_what(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    charlie: Persona,
) -> None:
    forum = await forum_with_three_parties(db, app, alice, charlie)
    police, rescue, _housing = forum.parties
    await log_in(client, app, alice)
    uploaded = await client.post(
        f"/rum/{forum.room_id}/filer",
        data={
            "csrf_token": await csrf_token(client, app),
            "classification": "internal",
            "organisation": "kommunen",
            "title": "Undertecknad överenskommelse",
        },
        files=[("file", ("overenskommelse.pdf", files.PDF, "application/pdf"))],
    )
    assert uploaded.status_code == 303
    document_id = await db.scalar(sa.select(col(Attachment.id)))
    assert document_id is not None
    today = start_day()
    edit = f"/forum/{forum.room_id}/overenskommelse/andra"

    assert (await client.get(edit)).status_code == 200
    first = await client.post(
        edit,
        data=await agreement_form(
            client,
            app,
            signed_on=(today - timedelta(days=10)).isoformat(),
            valid_from=(today - timedelta(days=10)).isoformat(),
            next_revision_on=(today + timedelta(days=365)).isoformat(),
            document_id=str(document_id),
            **{f"commitment-{police}": "Deltar i trygghetsvandringar"},
        ),
    )
    second = await client.post(
        edit,
        data=await agreement_form(
            client,
            app,
            signed_on=(today - timedelta(days=10)).isoformat(),
            valid_from=(today - timedelta(days=10)).isoformat(),
            next_revision_on=(today + timedelta(days=180)).isoformat(),
            document_id=str(document_id),
            **{
                f"commitment-{police}": "Deltar i trygghetsvandringar",
                f"commitment-{rescue}": "Brandskyddsinformation i Botkyrkabyggens bestånd",
            },
        ),
    )
    unchanged = await client.post(
        edit,
        data=await agreement_form(
            client,
            app,
            signed_on=(today - timedelta(days=10)).isoformat(),
            valid_from=(today - timedelta(days=10)).isoformat(),
            next_revision_on=(today + timedelta(days=180)).isoformat(),
            document_id=str(document_id),
            **{
                f"commitment-{police}": "Deltar i trygghetsvandringar",
                f"commitment-{rescue}": "Brandskyddsinformation i Botkyrkabyggens bestånd",
            },
        ),
    )

    assert [r.status_code for r in (first, second, unchanged)] == [303, 303, 303]
    saved = await versions(db)
    assert [v.version for v in saved] == [1, 2]
    assert all(v.changed_by == alice.id for v in saved)
    assert saved[1].changed == ["next_revision_on", "commitments"]
    assert saved[0].snapshot["next_revision_on"] == (today + timedelta(days=365)).isoformat()
    assert saved[1].snapshot["commitments"] == {
        str(police): "Deltar i trygghetsvandringar",
        str(rescue): "Brandskyddsinformation i Botkyrkabyggens bestånd",
    }
    page = await client.get(f"/forum/{forum.room_id}/overenskommelse")
    assert page.status_code == 200
    assert "Version 2" in page.text
    assert "Version 1" in page.text
    assert "Alice Andersson" in page.text
    assert "Undertecknad överenskommelse" in page.text
    assert "Brandskyddsinformation i Botkyrkabyggens bestånd" in page.text

    # Refused input: a clear message, nothing written.
    refused = await client.post(
        edit,
        data=await agreement_form(
            client,
            app,
            valid_from=today.isoformat(),
            valid_until=(today - timedelta(days=1)).isoformat(),
            document_id="999999",
        ),
    )
    bad_date = await client.post(edit, data=await agreement_form(client, app, signed_on="31/12"))
    assert refused.status_code == 400
    assert "Giltig till kan inte vara före giltig från." in refused.text
    assert bad_date.status_code == 400
    assert "Ange datumet som ÅÅÅÅ-MM-DD." in bad_date.text
    assert [v.version for v in await versions(db)] == [1, 2]

    # A party reads the record; only the coordinator changes it.
    await log_in(client, app, forum.contacts[0])
    assert (await client.get(f"/forum/{forum.room_id}/overenskommelse")).status_code == 200
    assert (await client.get(edit)).status_code in (403, 404)


def field_names(html: str) -> set[str]:
    return set(re.findall(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"', html))


async def test_a_forum_without_personal_data_says_so_on_its_pages_and_forms(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    charlie: Persona,
) -> None:
    vpc = await forum_with_three_parties(db, app, alice, charlie, personal_data_free=True)
    plain = await open_forum(db, alice, "FRG-ledning")
    meeting_id = await schedule(db, app, alice, *vpc.parties, room_id=vpc.room_id)
    due = meeting_day() + timedelta(days=14)
    await decide(
        db,
        alice,
        meeting_id,
        "Trygghetsvandring",
        ActionInput("Boka", "", vpc.parties[0], None, due),
    )
    action_id = await db.scalar(
        sa.select(col(Action.id)).where(col(Action.meeting_id) == meeting_id)
    )
    await log_in(client, app, alice)
    pages = [
        f"/moten/{meeting_id}",  # answers, attendance, minutes and decisions
        f"/moten/{meeting_id}/andra",
        f"/moten?rum={vpc.room_id}",
        f"/atgarder/{action_id}",
        f"/forum/{vpc.room_id}",
        f"/forum/{vpc.room_id}/overenskommelse",
        f"/forum/{vpc.room_id}/overenskommelse/andra",
        f"/rum/{vpc.room_id}",
        f"/rum/{vpc.room_id}/filer",
        f"/rum/{vpc.room_id}/planer",
    ]

    for path in pages:
        response = await client.get(path)
        assert response.status_code == 200, path
        assert NOTICE in response.text, path
    assert NOTICE not in (await client.get(f"/forum/{plain}")).text
    # The agreement form asks for the record and the parties' commitments, nothing about
    # individuals or their cases.
    form = await client.get(f"/forum/{vpc.room_id}/overenskommelse/andra")
    assert field_names(form.text) == {
        "csrf_token",
        "title",
        "signed_on",
        "valid_from",
        "valid_until",
        "next_revision_on",
        "document_id",
        *(f"commitment-{p}" for p in vpc.parties),
    }
    listing = await client.get("/forum")
    assert listing.text.count(NOTICE) == 1  # the badge on VPC's line


async def test_the_forum_list_reads_in_a_constant_number_of_queries(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    charlie: Persona,
    query_counter: QueryCounter,
) -> None:
    forum = await forum_with_three_parties(db, app, alice, charlie)
    await log_in(client, app, alice)
    few = await query_counter.for_page(client, "/forum")
    for number in range(12):
        await open_forum(db, alice, f"Forum {number:02d}")
    await log_in(client, app, forum.contacts[0])
    partner_few = await query_counter.for_page(client, "/forum")
    await log_in(client, app, alice)

    assert await query_counter.for_page(client, "/forum") == few
    assert (await client.get("/forum")).text.count(">Forum ") == 12
    await log_in(client, app, forum.contacts[0])
    partner_page = await client.get("/forum")
    assert await query_counter.for_page(client, "/forum") == partner_few
    assert "Samverkansöverenskommelsen" in partner_page.text
    assert "Forum 00" not in partner_page.text
