"""Every person's own data: seen on a page, downloaded as JSON, and removed on request once a
coordinator confirms — personal data gone, the records they took part in kept, anonymised."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col
from starlette.applications import Starlette

from partner_portal.actions.models import Action
from partner_portal.audit.models import AuditAction, AuditEvent
from partner_portal.auth.models import LoginSession, Person, PortalRole
from partner_portal.consultations.models import Statement
from partner_portal.devtools.seed import seed_demo
from partner_portal.digests.models import DigestSent
from partner_portal.frg.models import Volunteer
from partner_portal.mail import preferences
from partner_portal.mail.preference_models import (
    DigestFrequency,
    MailCategory,
    MailPreference,
    UnsubscribeLink,
)
from partner_portal.mail.preferences import Preferences
from partner_portal.meetings.models import Meeting, MeetingPerson, Rsvp
from partner_portal.organisations.models import Membership, Organisation
from partner_portal.plans.models import PlanComment
from partner_portal.platform import clock
from partner_portal.platform.settings import Settings
from partner_portal.privacy.service import REMOVED_NAME
from tests.frg.factories import make_volunteer
from tests.helpers import Persona, csrf_token, log_in, make_person

# Unique, so that finding them anywhere (a table, the database file) can only mean this person.
NAME = "Zacharias Unikström"
EMAIL = "zacharias.unikstrom@example.se"
PHONE = "070-ZU-31337"


async def demo_person_with_records(db: AsyncSession, settings: Settings) -> Persona:
    """The demo world, with Erik Öberg (who signed a statement and commented on a plan) renamed
    to a unique name, also at a meeting, responsible for an action and an FRG volunteer."""
    await seed_demo(db, issuer="http://127.0.0.1:9", settings=settings)
    erik = await db.scalar(sa.select(Person).where(col(Person.name) == "Erik Öberg"))
    assert erik is not None
    assert erik.id is not None
    person_id = erik.id
    await db.execute(
        sa.update(Person).where(col(Person.id) == person_id).values(name=NAME, email=EMAIL)
    )
    await db.execute(
        sa.update(Statement)
        .where(col(Statement.submitted_by) == person_id)
        .values(signer_name=NAME)
    )
    organisation_id = await db.scalar(
        sa.select(col(Membership.organisation_id)).where(col(Membership.person_id) == person_id)
    )
    meeting_id = await db.scalar(sa.select(sa.func.min(col(Meeting.id))))
    db.add(
        MeetingPerson(
            meeting_id=int(meeting_id or 0),
            person_id=person_id,
            organisation_id=int(organisation_id or 0),
            rsvp=Rsvp.YES,
            attended=True,
        )
    )
    action_id = await db.scalar(sa.select(sa.func.min(col(Action.id))))
    await db.execute(
        sa.update(Action).where(col(Action.id) == action_id).values(person_id=person_id)
    )
    await preferences.save(
        db,
        person_id=person_id,
        choice=Preferences(digest_frequency=DigestFrequency.DAILY, reminders=False),
        ip_address=None,
    )
    preferences.new_link(db, person_id, MailCategory.DIGEST)
    db.add(
        DigestSent(
            person_id=person_id,
            period=clock.today(),
            frequency=DigestFrequency.DAILY,
            covered_until=clock.now(),
            mailed=True,
        )
    )
    await db.commit()
    persona = Persona(person_id, NAME, EMAIL)
    frg = await db.scalar(
        sa.select(col(Organisation.id)).where(col(Organisation.name) == "FRG Botkyrka")
    )
    assert frg is not None
    await make_volunteer(db, frg, persona, phone=PHONE)
    return persona


def bytes_on_disk(database_url: str) -> bytes:
    """The SQLite database file and its write-ahead log, as stored."""
    path = Path(database_url.removeprefix("sqlite+aiosqlite:///"))
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def rows_mentioning(db: AsyncSession, *needles: str) -> list[str]:
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for row in (await db.execute(sa.select(table))).all():
            text = str(tuple(row)).lower()
            found += [f"{table.name}: {n}" for n in needles if n.lower() in text]
    return found


async def test_a_person_sees_and_downloads_everything_the_portal_holds_about_them(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, settings: Settings
) -> None:
    zach = await demo_person_with_records(db, settings)
    statement = await db.scalar(sa.select(Statement).where(col(Statement.submitted_by) == zach.id))
    comment = await db.scalar(sa.select(PlanComment).where(col(PlanComment.author_id) == zach.id))
    meeting_title = await db.scalar(sa.select(sa.func.min(col(Meeting.title))))
    action_title = await db.scalar(
        sa.select(col(Action.title)).where(col(Action.person_id) == zach.id)
    )
    assert statement is not None
    assert comment is not None
    await log_in(client, app, zach)

    page = await client.get("/mina-uppgifter")
    download = await client.get("/mina-uppgifter.json")

    assert page.status_code == 200
    for shown in (NAME, EMAIL, "AB Botkyrkabyggen", statement.organisation_name, PHONE):
        assert shown in page.text, shown
    for heading in (
        "Yttranden du har undertecknat",
        "Kommentarer på planer",
        "Möten: svar och närvaro",
        "Åtgärder",
        "Händelser i loggen om dig",
        "FRG-registret",
    ):
        assert heading in page.text, heading
    assert download.headers["content-disposition"] == 'attachment; filename="mina-uppgifter.json"'
    data = json.loads(download.text)
    assert data["person"]["namn"] == NAME
    assert data["person"]["e_post"] == EMAIL
    assert [m["organisation"] for m in data["medlemskap"]] == ["AB Botkyrkabyggen"]
    assert [s["undertecknat_av"] for s in data["yttranden"]] == [NAME]
    assert comment.body in [c["text"] for c in data["kommentarer"]]
    assert [(m["mote"], m["svar"], m["narvarande"]) for m in data["moten"]] == [
        (meeting_title, "yes", True)
    ]
    assert action_title in [a["rubrik"] for a in data["atgarder"]]
    assert [(r["frg"], r["telefon"]) for r in data["frg"]] == [("FRG Botkyrka", PHONE)]
    assert data["utskick"] == [
        {"sammanfattningar": "daily", "paminnelser": False, "skickade_sammanfattningar": 1}
    ]
    assert "Val för utskick" in page.text
    assert {"handelse", "tid", "detaljer"} <= set(data["logg"][0]) if data["logg"] else True
    await db.rollback()
    exported = await db.scalar(
        sa.text("SELECT count(*) FROM audit_event WHERE action = 'personal_data_exported'")
    )
    assert exported == 1
    # Nothing of anyone else's.
    assert "Omar Haddad" not in page.text


async def test_removal_is_asked_for_confirmed_by_a_coordinator_and_leaves_records_anonymised(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    settings: Settings,
    database_kind: str,
    database_url: str,
) -> None:
    zach = await demo_person_with_records(db, settings)
    coordinator = await make_person(db, "Cora Samordnare", roles=(PortalRole.COORDINATOR,))
    statement_id = await db.scalar(
        sa.select(col(Statement.id)).where(col(Statement.submitted_by) == zach.id)
    )
    comment_ids = list(
        await db.scalars(
            sa.select(col(PlanComment.id)).where(col(PlanComment.author_id) == zach.id)
        )
    )
    assert comment_ids
    await log_in(client, app, zach)
    zach_headers = {"X-CSRF-Token": await csrf_token(client, app)}

    unticked = await client.post("/mina-uppgifter/radering", headers=zach_headers)
    asked = await client.post(
        "/mina-uppgifter/radering", data={"confirm": "ja"}, headers=zach_headers
    )
    mine = await client.get("/mina-uppgifter")

    assert unticked.status_code == 400
    assert "Kryssa i att du vill att dina uppgifter raderas." in unticked.text
    assert asked.status_code == 303
    assert "Du bad om radering" in mine.text
    assert "Återkalla begäran" in mine.text

    client.cookies.clear()
    await log_in(client, app, coordinator)
    headers = {"X-CSRF-Token": await csrf_token(client, app)}
    home = await client.get("/")
    assert "1 person har bett att få sina uppgifter raderade" in home.text
    listed = await client.get("/raderingar")
    assert NAME in listed.text
    assert EMAIL in listed.text
    not_ticked = await client.post(f"/raderingar/{zach.id}/bekrafta", headers=headers)
    assert not_ticked.status_code == 400
    await db.rollback()
    assert (await db.get(Person, zach.id)).name == NAME  # type: ignore[union-attr]
    await db.rollback()  # no read left open (SQLite: it would hold the write-ahead log)

    confirmed = await client.post(
        f"/raderingar/{zach.id}/bekrafta", data={"confirm": "ja"}, headers=headers
    )

    assert confirmed.status_code == 303
    assert "Inga öppna begäranden" in (await client.get(confirmed.headers["location"])).text
    assert "bett att få sina uppgifter raderade" not in (await client.get("/")).text
    await db.rollback()
    person = await db.get(Person, zach.id)
    assert person is not None
    assert (person.name, person.email, person.is_active) == (REMOVED_NAME, None, False)
    assert not person.oidc_subject.startswith("sub-")  # the login no longer leads here
    # Personal data gone: not in any table, the audit log included.
    assert await rows_mentioning(db, NAME, EMAIL, PHONE) == []
    assert (
        await db.scalar(sa.select(sa.func.count()).where(col(LoginSession.person_id) == zach.id))
        == 0
    )
    assert (
        await db.scalar(sa.select(sa.func.count()).where(col(Volunteer.person_id) == zach.id)) == 0
    )
    for table in (MailPreference, UnsubscribeLink, DigestSent):
        person_id: Any = table.person_id
        assert await db.scalar(sa.select(sa.func.count()).where(person_id == zach.id)) == 0, table
    assert (
        await db.scalar(
            sa.select(sa.func.count()).where(
                col(Membership.person_id) == zach.id, col(Membership.ended_at).is_(None)
            )
        )
        == 0
    )
    # The records stay, with the person anonymised.
    statement = await db.get(Statement, statement_id)
    assert statement is not None
    assert (statement.submitted_by, statement.signer_name) == (zach.id, REMOVED_NAME)
    assert (
        list(
            await db.scalars(
                sa.select(col(PlanComment.id)).where(col(PlanComment.author_id) == zach.id)
            )
        )
        == comment_ids
    )
    assert await db.scalar(
        sa.select(col(MeetingPerson.attended)).where(col(MeetingPerson.person_id) == zach.id)
    )
    # Every step audited.
    steps = (
        await db.execute(
            sa.text(
                "SELECT action, actor_person_id FROM audit_event WHERE object_type = 'person' "
                "AND object_id = :id AND action IN ('removal_requested', 'person_removed') "
                "ORDER BY id"
            ),
            {"id": str(zach.id)},
        )
    ).all()
    assert [tuple(s) for s in steps] == [
        ("removal_requested", zach.id),
        ("person_removed", coordinator.id),
    ]
    if database_kind == "sqlite":  # nor in the database file or its write-ahead log
        on_disk = bytes_on_disk(database_url)
        for needle in (NAME, EMAIL, PHONE):
            assert needle.encode() not in on_disk, needle


async def test_a_request_can_be_withdrawn_and_only_an_open_one_is_confirmed(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession
) -> None:
    vera = await make_person(db, "Vera Vanlig")
    cora = await make_person(db, "Cora Samordnare", roles=(PortalRole.COORDINATOR,))
    await log_in(client, app, vera)
    headers = {"X-CSRF-Token": await csrf_token(client, app)}
    await client.post("/mina-uppgifter/radering", data={"confirm": "ja"}, headers=headers)
    withdrawn = await client.post("/mina-uppgifter/radering/aterkalla", headers=headers)
    assert withdrawn.status_code == 303
    assert "Be om radering" in (await client.get("/mina-uppgifter")).text

    client.cookies.clear()
    await log_in(client, app, cora)
    headers = {"X-CSRF-Token": await csrf_token(client, app)}
    assert "Vera Vanlig" not in (await client.get("/raderingar")).text
    refused = await client.post(
        f"/raderingar/{vera.id}/bekrafta", data={"confirm": "ja"}, headers=headers
    )
    # A coordinator's own request waits for another coordinator.
    await client.post("/mina-uppgifter/radering", data={"confirm": "ja"}, headers=headers)
    own = await client.post(
        f"/raderingar/{cora.id}/bekrafta", data={"confirm": "ja"}, headers=headers
    )

    assert refused.status_code == 400
    assert "Det finns ingen öppen begäran om radering för personen." in refused.text
    assert own.status_code == 400
    assert "En annan samordnare får bekräfta" in own.text
    await db.rollback()
    assert (await db.get(Person, vera.id)).name == "Vera Vanlig"  # type: ignore[union-attr]
    assert (await db.get(Person, cora.id)).name == "Cora Samordnare"  # type: ignore[union-attr]


async def test_the_privacy_page_says_what_stays_after_removal(client: httpx.AsyncClient) -> None:
    page = (await client.get("/personuppgifter")).text

    assert "Så hanterar vi personuppgifter i Partnerportalen" in page
    assert "Borttagen person" in page
    assert "yttranden du har undertecknat" in page
    assert "Integritetsskyddsmyndigheten" in page


async def test_the_privacy_page_tells_crisis_contacts_what_is_kept_who_sees_it_and_for_how_long(
    client: httpx.AsyncClient,
) -> None:
    """Crisis contacts are people an organisation names, often without an account here: the
    page must say what is kept about them, who sees it (the directory, the offline crisis pack),
    how long, and whom to ask — in Swedish and in English."""
    page = (await client.get("/personuppgifter")).text
    await client.get("/sprak/en")
    english = (await client.get("/personuppgifter")).text
    await client.get("/sprak/sv")

    assert "Krisledningskontakter: de personer som en organisation anger" in page
    assert "roll i krisorganisationen, telefon och e-post" in page
    assert "organisationer som deltar i samma planeringsrum" in page
    assert "rummets krispaket" in page
    assert "Var sjätte månad ber portalen organisationen bekräfta" in page
    assert "kontakta din organisations huvudkontakt eller kommunens samordnare" in page
    assert "Crisis contacts: the people an organisation names" in english
    assert "the room&#39;s crisis pack" in english or "the room's crisis pack" in english
    assert "Krisledningskontakter" not in english


async def test_a_long_log_shows_the_newest_on_the_page_and_everything_in_the_file(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession
) -> None:
    lena = await make_person(db, "Lena Loggad")
    await db.execute(
        sa.insert(AuditEvent),
        [{"action": AuditAction.LOGIN, "actor_person_id": lena.id, "details": {}}] * 205,
    )
    await db.commit()
    await log_in(client, app, lena)

    page = (await client.get("/mina-uppgifter")).text
    data = json.loads((await client.get("/mina-uppgifter.json")).text)

    assert "Här visas de 200 senaste av 205 händelser. Filen innehåller alla." in page
    assert page.count('<td class="table__column">Inloggning</td>') == 200
    assert len(data["logg"]) == 205
