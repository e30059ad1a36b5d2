"""Call-outs: the 3 × N proposal, sending (mail, evidence), the one-click answer links, and the
lead's live view, confirmations, roles and hours."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.evidence.models import Evidence, EvidenceKind, Process
from partner_portal.frg import callouts
from partner_portal.frg.callouts import CalloutInput
from partner_portal.frg.models import Answer, Callout, CalloutStatus, Recipient
from partner_portal.frg.queries.members import GroupRow
from partner_portal.mail.models import OutboxMessage
from partner_portal.platform import clock
from tests.frg.factories import make_volunteer, skill_id
from tests.helpers import Persona, as_current, csrf_token, log_in

TOKEN = re.compile(r"/frg/svar/([A-Za-z0-9_-]+)\?svar=ja")


def need(people: int = 1, skill: int | None = None, *, hours_from_now: int = 1) -> CalloutInput:
    starts = clock.now() + timedelta(hours=hours_from_now)
    return CalloutInput(
        "Utdelning av nödvatten",
        "Alby torg",
        "",
        starts,
        starts + timedelta(hours=4),
        people,
        skill,
        False,
    )


async def send(
    app: Starlette, db: AsyncSession, group: int, lead: Persona, data: CalloutInput, ids: set[int]
) -> int:
    return await callouts.send(
        db,
        actor=as_current(lead),
        group=GroupRow(group, "FRG Botkyrka", True),
        data=data,
        volunteer_ids=frozenset(ids),
        settings=app.state.portal.settings,
        env=app.state.portal.templates.env,
    )


async def answer_tokens(db: AsyncSession) -> dict[str, str]:
    """Each recipient's address → the token in their mail's Ja link."""
    rows = await db.execute(sa.select(col(OutboxMessage.to_address), col(OutboxMessage.body_text)))
    found = {}
    for to, body in rows:
        match = TOKEN.search(body)
        if match:
            found[to] = match.group(1)
    return found


async def answer_of(db: AsyncSession, volunteer_id: int) -> Answer:
    await db.rollback()
    value = await db.scalar(
        sa.select(col(Recipient.answer)).where(col(Recipient.volunteer_id) == volunteer_id)
    )
    assert value is not None
    return Answer(value)


# --- the proposal ---


async def test_the_proposal_is_three_times_the_people_needed(db: AsyncSession, group: int) -> None:
    driving = await skill_id(db, group, "Körkort B")
    for index in range(10):
        await make_volunteer(db, group, f"Förare {index:02d}", skills=["Körkort B"])
    await make_volunteer(db, group, "Utan Körkort")
    await make_volunteer(db, group, "Aldrig Ledig", slots=[], skills=["Körkort B"])
    g = GroupRow(group, "FRG Botkyrka", True)

    proposal = await callouts.propose(db, group=g, data=need(2, driving))

    assert len(proposal.available) == 10
    assert len(proposal.proposed) == 6
    assert proposal.proposed == {r.id for r in proposal.available[:6]}
    assert "Utan Körkort" not in {r.name for r in proposal.available}
    assert "Aldrig Ledig" not in {r.name for r in proposal.available}
    # More than are available: everyone available is proposed.
    assert len((await callouts.propose(db, group=g, data=need(5, driving))).proposed) == 10


async def test_those_called_out_least_lately_are_proposed_first(
    app: Starlette, db: AsyncSession, group: int, lead: Persona
) -> None:
    busy = await make_volunteer(db, group, "Ada Ofta")
    rested = await make_volunteer(db, group, "Zelda Sällan")
    await send(app, db, group, lead, need(), {busy})

    proposal = await callouts.propose(
        db, group=GroupRow(group, "FRG Botkyrka", True), data=need(1, hours_from_now=30)
    )

    assert [r.id for r in proposal.available] == [rested, busy]
    assert proposal.proposed == {rested, busy}


# --- sending ---


async def test_sending_mails_each_recipient_and_records_the_evidence(
    app: Starlette, db: AsyncSession, group: int, lead: Persona
) -> None:
    vera = await make_volunteer(db, group, "Vera Volontär")
    ville = await make_volunteer(db, group, "Ville Volontär")
    exercise = need()
    exercise = (
        CalloutInput(**{**exercise.__dict__, "is_exercise": True})
        if hasattr(exercise, "__dict__")
        else exercise
    )

    callout_id = await send(app, db, group, lead, need(), {vera, ville})

    mails = (
        await db.execute(sa.select(col(OutboxMessage.to_address), col(OutboxMessage.subject)))
    ).all()
    assert sorted(mails) == [
        ("vera@example.se", "FRG-utlarmning: Utdelning av nödvatten"),
        ("ville@example.se", "FRG-utlarmning: Utdelning av nödvatten"),
    ]
    evidence = (await db.execute(sa.select(Evidence))).scalars().all()
    assert [
        (e.kind, e.organisation_id, e.process, e.person_id, e.details, e.link) for e in evidence
    ] == [
        (
            EvidenceKind.CALLOUT_HELD,
            group,
            Process.FRG,
            lead.id,
            {"exercise": False},
            f"/frg/{group}/ledning/utlarmningar/{callout_id}",
        )
    ]
    hashes = (await db.scalars(sa.select(col(Recipient.token_hash)))).all()
    tokens = await answer_tokens(db)
    assert len(hashes) == 2
    assert all(token not in hashes for token in tokens.values())  # only hashes are stored


async def test_an_exercise_is_labelled_as_one(
    app: Starlette, db: AsyncSession, group: int, lead: Persona
) -> None:
    vera = await make_volunteer(db, group, "Vera Volontär")
    data = need()
    data = CalloutInput(data.title, data.place, "", data.starts_at, data.ends_at, 1, None, True)

    await send(app, db, group, lead, data, {vera})

    assert (
        await db.scalar(sa.select(col(OutboxMessage.subject)))
        == "FRG-övning: Utdelning av nödvatten"
    )
    assert await db.scalar(sa.select(col(Evidence.details))) == {"exercise": True}


async def test_only_the_groups_callable_volunteers_can_be_sent_to(
    app: Starlette, db: AsyncSession, group: int, lead: Persona
) -> None:
    from partner_portal.platform.errors import Invalid
    from tests.frg.factories import make_group

    other = await make_volunteer(db, await make_group(db, "FRG Huddinge"), "Hugo Huddinge")
    unregistered = await make_volunteer(db, group, "Ulf Oregistrerad", registered=False)

    for ids in ({other}, {unregistered}, set()):
        with pytest.raises(Invalid):
            await send(app, db, group, lead, need(), ids)
        await db.rollback()
    assert await db.scalar(sa.select(sa.func.count()).select_from(Callout)) == 0


# --- one-click answer links ---


@pytest.fixture
async def sent(app: Starlette, db: AsyncSession, group: int, lead: Persona) -> dict[str, int | str]:
    vera = await make_volunteer(db, group, "Vera Volontär")
    ville = await make_volunteer(db, group, "Ville Volontär")
    callout_id = await send(app, db, group, lead, need(), {vera, ville})
    tokens = await answer_tokens(db)
    return {
        "callout": callout_id,
        "vera": vera,
        "ville": ville,
        "vera_token": tokens["vera@example.se"],
        "ville_token": tokens["ville@example.se"],
    }


async def test_a_valid_link_shows_a_page_and_only_the_button_answers(
    client: httpx.AsyncClient, db: AsyncSession, sent: dict[str, int | str]
) -> None:
    page = await client.get(f"/frg/svar/{sent['vera_token']}?svar=ja")

    assert page.status_code == 200
    assert "Utdelning av nödvatten" in page.text
    assert "Vera Volontär" in page.text
    assert "Bekräfta att du kan komma" in page.text
    assert await answer_of(db, int(sent["vera"])) is Answer.NONE  # a link scanner answers nothing

    answered = await client.post(f"/frg/svar/{sent['vera_token']}", data={"svar": "ja"})

    assert answered.status_code == 200
    assert "Tack! Du har svarat ja." in answered.text
    assert await answer_of(db, int(sent["vera"])) is Answer.YES
    # The answer can be changed while the call-out is open.
    await client.post(f"/frg/svar/{sent['vera_token']}", data={"svar": "nej"})
    assert await answer_of(db, int(sent["vera"])) is Answer.NO


async def test_a_link_answers_for_its_own_recipient_only(
    client: httpx.AsyncClient, db: AsyncSession, sent: dict[str, int | str]
) -> None:
    page = await client.get(f"/frg/svar/{sent['ville_token']}")
    await client.post(f"/frg/svar/{sent['ville_token']}", data={"svar": "ja"})

    assert "Ville Volontär" in page.text
    assert "Vera Volontär" not in page.text
    assert await answer_of(db, int(sent["ville"])) is Answer.YES
    assert await answer_of(db, int(sent["vera"])) is Answer.NONE


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: t[:-4],
        lambda t: t + "x",
        lambda t: "x" * 200,
    ],
    ids=["changed", "shortened", "lengthened", "too long"],
)
async def test_a_tampered_link_is_gone(
    client: httpx.AsyncClient, db: AsyncSession, sent: dict[str, int | str], tamper: object
) -> None:
    token = tamper(str(sent["vera_token"]))  # type: ignore[operator]

    page = await client.get(f"/frg/svar/{token}")
    post = await client.post(f"/frg/svar/{token}", data={"svar": "ja"})

    assert (page.status_code, post.status_code) == (410, 410)
    assert "Länken gäller inte" in page.text
    assert await answer_of(db, int(sent["vera"])) is Answer.NONE


async def test_a_link_is_gone_once_the_callout_has_ended(
    client: httpx.AsyncClient, db: AsyncSession, sent: dict[str, int | str]
) -> None:
    await db.execute(
        sa.update(Callout).values(
            starts_at=clock.now() - timedelta(hours=5), ends_at=clock.now() - timedelta(minutes=1)
        )
    )
    await db.commit()

    page = await client.get(f"/frg/svar/{sent['vera_token']}")
    post = await client.post(f"/frg/svar/{sent['vera_token']}", data={"svar": "ja"})

    assert (page.status_code, post.status_code) == (410, 410)
    assert "Utlarmningen är avslutad" in page.text
    assert await answer_of(db, int(sent["vera"])) is Answer.NONE


async def test_a_link_used_again_after_closing_changes_nothing(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    group: int,
    lead: Persona,
    sent: dict[str, int | str],
) -> None:
    assert (
        await client.post(f"/frg/svar/{sent['vera_token']}", data={"svar": "ja"})
    ).status_code == 200
    await db.rollback()
    await callouts.close(
        db,
        actor=as_current(lead),
        group=GroupRow(group, "FRG Botkyrka", True),
        callout_id=int(sent["callout"]),
    )

    again = await client.post(f"/frg/svar/{sent['vera_token']}", data={"svar": "nej"})

    assert again.status_code == 410
    assert await answer_of(db, int(sent["vera"])) is Answer.YES
    assert await db.scalar(sa.select(col(Callout.status))) == CalloutStatus.CLOSED


async def test_an_answer_from_another_site_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, sent: dict[str, int | str]
) -> None:
    response = await client.post(
        f"/frg/svar/{sent['vera_token']}",
        data={"svar": "ja"},
        headers={"Origin": "https://evil.example"},
    )

    assert response.status_code == 403
    assert await answer_of(db, int(sent["vera"])) is Answer.NONE


# --- the lead's view ---


async def test_the_lead_sees_answers_arrive_in_the_polled_fragment(
    app: Starlette, client: httpx.AsyncClient, group: int, lead: Persona, sent: dict[str, int | str]
) -> None:
    url = f"/frg/{group}/ledning/utlarmningar/{sent['callout']}"
    await client.post(f"/frg/svar/{sent['vera_token']}", data={"svar": "ja"})
    await log_in(client, app, lead)

    page = await client.get(url)
    fragment = await client.get(url, headers={"HX-Request": "true", "HX-Target": "svar"})

    assert 'hx-trigger="every 4s"' in page.text
    assert "1 ja, 0 nej, 1 har inte svarat" in page.text
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert re.search(
        r"Vera Volontär\s*<span class=\"badge badge--success\">Ja</span>", fragment.text
    )
    assert (
        'id="svar-summering" hx-swap-oob="innerHTML">1 ja, 0 nej, 1 har inte svarat'
        in fragment.text
    )


async def test_the_lead_confirms_gives_a_role_and_checks_in_and_out(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    group: int,
    lead: Persona,
    sent: dict[str, int | str],
) -> None:
    await log_in(client, app, lead)
    token = await csrf_token(client, app)
    recipient = await db.scalar(
        sa.select(col(Recipient.id)).where(col(Recipient.volunteer_id) == sent["vera"])
    )
    url = f"/frg/{group}/ledning/utlarmningar/{sent['callout']}/mottagare/{recipient}"
    form = {"confirmed": "ja", "role": "Gruppledare", "csrf_token": token}

    assert (await client.post(url, data={**form, "action": "ut"})).status_code == 400  # not in yet
    assert (await client.post(url, data={**form, "action": "in"})).status_code == 303
    await db.rollback()
    await db.execute(
        sa.update(Recipient)
        .where(col(Recipient.id) == recipient)
        .values(checked_in_at=clock.now() - timedelta(hours=3))
    )
    await db.commit()
    assert (await client.post(url, data={**form, "action": "ut"})).status_code == 303

    await db.rollback()
    row = await db.get(Recipient, recipient)
    assert row is not None
    assert (row.confirmed, row.role) == (True, "Gruppledare")
    page = await client.get(f"/frg/{group}/ledning/utlarmningar/{sent['callout']}")
    assert "Timmar totalt: 3.0" in page.text


async def test_a_lead_may_send_twenty_callouts_an_hour(
    app: Starlette, db: AsyncSession, group: int, lead: Persona
) -> None:
    from partner_portal.platform.errors import TooManyRequests

    vera = await make_volunteer(db, group, "Vera Volontär")
    for _ in range(callouts.CALLOUTS_PER_HOUR):
        await send(app, db, group, lead, need(), {vera})

    with pytest.raises(TooManyRequests):
        await send(app, db, group, lead, need(), {vera})


async def test_closing_a_callout_asks_first_on_a_page_of_its_own(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    group: int,
    lead: Persona,
    sent: dict[str, int | str],
) -> None:
    await log_in(client, app, lead)
    path = f"/frg/{group}/ledning/utlarmningar/{sent['callout']}/stang"
    csrf = await csrf_token(client, app)

    asked = await client.post(path, data={"csrf_token": csrf})

    assert asked.status_code == 200
    assert "<h1>Avsluta utlarmningen" in asked.text
    assert ">Ja, avsluta utlarmningen</button>" in asked.text
    assert f'action="{path}"' in asked.text
    await db.rollback()
    assert await db.scalar(sa.select(col(Callout.status))) == CalloutStatus.OPEN

    closed = await client.post(path, data={"csrf_token": csrf, "bekraftat": "ja"})

    assert closed.status_code == 303
    await db.rollback()
    assert await db.scalar(sa.select(col(Callout.status))) == CalloutStatus.CLOSED


async def test_removing_a_volunteer_asks_first_on_a_page_of_its_own(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    group: int,
    lead: Persona,
    sent: dict[str, int | str],
) -> None:
    from partner_portal.frg.models import Volunteer

    await log_in(client, app, lead)
    path = f"/frg/{group}/ledning/medlemmar/{sent['vera']}/ta-bort"
    csrf = await csrf_token(client, app)

    asked = await client.post(path, data={"csrf_token": csrf})

    assert asked.status_code == 200
    assert "<h1>Ta bort Vera Volontär ur registret?</h1>" in asked.text
    assert ">Ja, ta bort Vera Volontär</button>" in asked.text
    await db.rollback()
    assert await db.get(Volunteer, int(sent["vera"])) is not None

    removed = await client.post(path, data={"csrf_token": csrf, "bekraftat": "ja"})

    assert removed.status_code == 303
    await db.rollback()
    assert await db.get(Volunteer, int(sent["vera"])) is None
