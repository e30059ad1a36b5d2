"""The volunteer's own data: seen, downloaded as JSON and CSV, and deleted — every table is
walked afterwards, not just the registration."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col
from starlette.applications import Starlette

from partner_portal.evidence.models import Evidence
from partner_portal.frg import callouts, enrolment
from partner_portal.frg.callouts import CalloutInput
from partner_portal.frg.models import (
    Absence,
    Answer,
    Recipient,
    Volunteer,
    VolunteerSkill,
    WeeklySlot,
)
from partner_portal.frg.queries.members import GroupRow
from partner_portal.jobs import housekeeping
from partner_portal.platform import clock
from tests.frg.factories import make_volunteer, skill_id
from tests.helpers import Persona, as_current, csrf_token, log_in, make_person

PHONE = "070-987 65 43"
CONTACT = "vera.privat@example.se"
# The login identity (person, and its sessions) is the portal's account, not the FRG register:
# deleting one's FRG data leaves it, as it leaves the person's other roles in the portal.
NOT_THE_REGISTER = {"person", "login_session"}


async def everything_mentioning(db: AsyncSession, *needles: str) -> list[str]:
    """Every row in every table (bar NOT_THE_REGISTER) holding one of ``needles``."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        if table.name in NOT_THE_REGISTER:
            continue
        for row in (await db.execute(sa.select(table))).all():
            text = str(tuple(row)).lower()
            for needle in needles:
                if needle.lower() in text:
                    found.append(f"{table.name}: {needle}")
    return found


async def test_the_volunteer_downloads_their_data_as_json_and_csv(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, group: int, lead: Persona
) -> None:
    vera = await make_person(db, "Vera Volontär")
    away_from, away_to = clock.today() + timedelta(days=20), clock.today() + timedelta(days=33)
    volunteer_id = await make_volunteer(
        db,
        group,
        vera,
        skills=["Körkort B"],
        slots=[1, 2],
        absences=[(away_from, away_to)],
    )
    now = clock.now()
    await callouts.send(
        db,
        actor=as_current(lead),
        group=GroupRow(group, "FRG Botkyrka", True),
        data=CalloutInput(
            "Övning Tumba",
            "Tumba",
            "",
            now + timedelta(hours=1),
            now + timedelta(hours=3),
            1,
            None,
            True,
        ),
        volunteer_ids=frozenset({volunteer_id}),
        settings=app.state.portal.settings,
        env=app.state.portal.templates.env,
    )
    await log_in(client, app, vera)

    page = await client.get(f"/frg/{group}/mina-uppgifter")
    as_json = await client.get(f"/frg/{group}/mina-uppgifter.json")
    as_csv = await client.get(f"/frg/{group}/mina-uppgifter.csv")

    assert page.status_code == 200
    assert "Övning Tumba" in page.text
    assert (
        as_json.headers["content-disposition"] == 'attachment; filename="mina-frg-uppgifter.json"'
    )
    data = json.loads(as_json.text)
    assert data["namn"] == "Vera Volontär"
    assert data["telefon"] == "070-123 45 67"
    assert data["kompetenser"] == ["Körkort B"]
    assert data["veckoschema"] == [1, 2]
    assert data["franvaro"] == [{"fran": away_from.isoformat(), "till": away_to.isoformat()}]
    assert [(c["rubrik"], c["ovning"], c["svar"]) for c in data["utlarmningar"]] == [
        ("Övning Tumba", True, "none")
    ]
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Avsnitt", "Uppgift", "Värde"]
    assert ["uppgifter", "telefon", "070-123 45 67"] in rows
    assert ["kompetenser", "1", "Körkort B"] in rows
    assert ["utlarmningar 1", "rubrik", "Övning Tumba"] in rows
    assert (
        await db.scalar(
            sa.text("SELECT count(*) FROM audit_event WHERE action = 'frg_data_exported'")
        )
        == 2
    )


async def test_deleting_removes_or_anonymises_every_row_about_the_volunteer(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, group: int, lead: Persona
) -> None:
    settings = app.state.portal.settings
    env = app.state.portal.templates.env
    g = GroupRow(group, "FRG Botkyrka", True)
    vera = await make_person(db, "Vera Volontär", email="vera.inlogg@example.se")
    # Invited to the contact address, joined, registered, pattern, absence …
    await enrolment.invite(
        db, actor=as_current(lead), group=g, email=CONTACT, settings=settings, env=env
    )
    token = re.search(
        r"/frg/inbjudan/([A-Za-z0-9_-]+)",
        (await db.execute(sa.text("SELECT body_text FROM outbox_message"))).scalar_one(),
    )
    assert token
    await enrolment.accept_invitation(db, person=as_current(vera), token=token.group(1))
    volunteer_id = await db.scalar(
        sa.select(col(Volunteer.id)).where(col(Volunteer.person_id) == vera.id)
    )
    assert volunteer_id is not None
    await db.execute(
        sa.update(Volunteer)
        .where(col(Volunteer.id) == volunteer_id)
        .values(phone=PHONE, email=CONTACT, registered_at=clock.now() - timedelta(days=60))
    )
    await db.commit()
    await make_volunteer(db, group, "Kalle Kvar")  # someone else, who stays

    db.add(
        VolunteerSkill(
            volunteer_id=volunteer_id, skill_id=await skill_id(db, group, "Första hjälpen")
        )
    )
    db.add(WeeklySlot(volunteer_id=volunteer_id, slot=3))
    away = clock.today() + timedelta(days=30)
    db.add(Absence(volunteer_id=volunteer_id, starts_on=away, ends_on=away + timedelta(days=1)))
    await db.commit()
    # … called out (answered yes, checked in and out), and asked to confirm availability.
    now = clock.now()
    callout_id = await callouts.send(
        db,
        actor=as_current(lead),
        group=g,
        data=CalloutInput(
            "Vattenutdelning",
            "Alby",
            "",
            now + timedelta(hours=1),
            now + timedelta(hours=4),
            1,
            None,
            False,
        ),
        volunteer_ids=frozenset({volunteer_id}),
        settings=settings,
        env=env,
    )
    await db.execute(
        sa.update(Recipient)
        .where(col(Recipient.volunteer_id) == volunteer_id)
        .values(
            answer=Answer.YES,
            answered_at=now,
            checked_in_at=now,
            checked_out_at=now + timedelta(hours=2),
            role="Förare",
        )
    )
    await db.commit()
    await housekeeping(db, settings)
    before = await everything_mentioning(db, PHONE, CONTACT)
    assert {b.split(":")[0] for b in before} == {
        "frg_volunteer",
        "frg_invitation",
        "outbox_message",
    }

    await log_in(client, app, vera)
    token_header = {"X-CSRF-Token": await csrf_token(client, app)}
    not_confirmed = await client.post(f"/frg/{group}/mina-uppgifter/radera", headers=token_header)
    assert not_confirmed.status_code == 303
    await db.rollback()
    assert await db.get(Volunteer, volunteer_id) is not None  # nothing without the tick
    deleted = await client.post(
        f"/frg/{group}/mina-uppgifter/radera", data={"confirm": "ja"}, headers=token_header
    )

    assert deleted.status_code == 303
    assert deleted.headers["location"] == "/frg?raderat=1"
    await db.rollback()
    assert await everything_mentioning(db, PHONE, CONTACT, "Vera Volontär") == []
    assert await db.get(Volunteer, volunteer_id) is None
    for column in (
        col(VolunteerSkill.volunteer_id),
        col(WeeklySlot.volunteer_id),
        col(Absence.volunteer_id),
        col(Recipient.volunteer_id),
    ):
        left = await db.scalar(sa.select(sa.func.count()).where(column == volunteer_id))
        assert left == 0, column
    # The call-out history keeps the answer and the hours, with no link to her.
    history = (
        (await db.execute(sa.select(Recipient).where(col(Recipient.callout_id) == callout_id)))
        .scalars()
        .all()
    )
    assert [(r.volunteer_id, r.answer, r.role, r.checked_out_at is not None) for r in history] == [
        (None, Answer.YES, "Förare", True)
    ]
    assert await db.scalar(sa.select(sa.func.count()).select_from(Evidence)) == 1
    # The lead's page shows the history anonymised; the volunteer's pages are gone for her.
    assert (await client.get(f"/frg/{group}/uppgifter")).status_code == 404
    await log_in(client, app, lead)
    callout_page = await client.get(f"/frg/{group}/ledning/utlarmningar/{callout_id}")
    assert "Före detta medlem" in callout_page.text
    assert "Vera" not in callout_page.text
    assert "Kalle Kvar" in (await client.get(f"/frg/{group}/ledning")).text


async def test_the_lead_can_take_a_registration_out_after_review(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, group: int, lead: Persona
) -> None:
    inactive = await make_volunteer(
        db, group, "Ivar Inaktiv", last_active_at=clock.now() - timedelta(days=400)
    )
    now = clock.now()
    await callouts.send(
        db,
        actor=as_current(lead),
        group=GroupRow(group, "FRG Botkyrka", True),
        data=CalloutInput(
            "Övning", "Tumba", "", now + timedelta(hours=1), now + timedelta(hours=2), 1, None, True
        ),
        volunteer_ids=frozenset({inactive}),
        settings=app.state.portal.settings,
        env=app.state.portal.templates.env,
    )
    await log_in(client, app, lead)
    headers = {"X-CSRF-Token": await csrf_token(client, app)}

    page = await client.get(f"/frg/{group}/ledning")
    removed = await client.post(
        f"/frg/{group}/ledning/medlemmar/{inactive}/ta-bort",
        headers=headers,
        data={"bekraftat": "ja"},
    )

    assert "Ta bort Ivar Inaktiv ur registret" in page.text
    assert removed.status_code == 303
    await db.rollback()
    assert await db.get(Volunteer, inactive) is None
    assert await everything_mentioning(db, "ivar@example.se") == []
    assert await db.scalar(sa.select(col(Recipient.volunteer_id))) is None
    actor = await db.scalar(
        sa.text("SELECT actor_person_id FROM audit_event WHERE action = 'frg_volunteer_deleted'")
    )
    assert actor == lead.id


def bytes_on_disk(database_url: str) -> bytes:
    """The SQLite database file and its write-ahead log, as stored."""
    path = Path(database_url.removeprefix("sqlite+aiosqlite:///"))
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_nothing_of_a_deleted_volunteer_is_left_in_the_sqlite_files(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    group: int,
    database_kind: str,
    database_url: str,
) -> None:
    if database_kind != "sqlite":
        return  # PostgreSQL: what VACUUM does and does not do is in the README
    phone = "070-ZQX-4711-unik"
    vera = await make_person(db, "Vera Volontär", email="vera.zqx4711@example.se")
    await make_volunteer(db, group, vera, phone=phone)
    await log_in(client, app, vera)
    assert (await client.get(f"/frg/{group}/mina-uppgifter")).status_code == 200
    await db.rollback()
    assert phone.encode() in bytes_on_disk(database_url)

    deleted = await client.post(
        f"/frg/{group}/mina-uppgifter/radera",
        data={"confirm": "ja"},
        headers={"X-CSRF-Token": await csrf_token(client, app)},
    )

    assert deleted.status_code == 303
    assert phone.encode() not in bytes_on_disk(database_url)
    assert (await client.get(f"/frg/{group}/mina-uppgifter")).status_code == 404


async def test_a_reader_holding_the_log_only_delays_the_clean_up_to_housekeeping(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    group: int,
    database_kind: str,
    database_url: str,
) -> None:
    if database_kind != "sqlite":
        return
    phone = "070-ZQX-4712-unik"
    vera = await make_person(db, "Vera Volontär", email="vera.zqx4712@example.se")
    await make_volunteer(db, group, vera, phone=phone)
    await log_in(client, app, vera)
    headers = {"X-CSRF-Token": await csrf_token(client, app)}
    await db.rollback()
    await db.execute(sa.select(col(Volunteer.id)))  # a read left open, as a slow page might

    deleted = await client.post(
        f"/frg/{group}/mina-uppgifter/radera", data={"confirm": "ja"}, headers=headers
    )

    assert deleted.status_code == 303
    assert phone.encode() in bytes_on_disk(database_url)  # the old page, still in the log
    await db.rollback()
    await housekeeping(db, app.state.portal.settings)
    assert phone.encode() not in bytes_on_disk(database_url)
