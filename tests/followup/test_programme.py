"""The programme's follow-up questions as data: the seeded programme 2021–2024 (§4.1 and §4.2),
versions made in the portal, overlaps refused, and the coordinator's written answers."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.audit.models import AuditAction, AuditEvent
from partner_portal.auth.models import PortalRole
from partner_portal.evidence.models import Evidence, EvidenceKind, Process
from partner_portal.followup import report, service
from partner_portal.followup.programme_models import (
    FollowupQuestion,
    ManualAnswer,
    ProgrammeVersion,
    QuestionRule,
)
from partner_portal.organisations.models import OrganisationKind
from partner_portal.platform import clock
from tests.helpers import Persona, csrf_token, log_in, make_person
from tests.organisations.factories import make_organisation
from tests.queries import QueryCounter

K = EvidenceKind
F = OrganisationKind.FORVALTNING
SEEDED = "Trygghets- och säkerhetsprogram 2021–2024"


def year(offset: int = 0) -> tuple[date, date]:
    """A calendar year counted from the clock's (0: this year, -1: last year)."""
    y = clock.today().year + offset
    return date(y, 1, 1), date(y, 12, 31)


def period_of(first: date, last: date) -> dict[str, str]:
    return {"fran": first.isoformat(), "till": last.isoformat()}


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


async def evidence(
    db: AsyncSession, organisation_id: int, kind: EvidenceKind, process: Process, when: datetime
) -> None:
    db.add(
        Evidence(
            organisation_id=organisation_id,
            kind=kind,
            occurred_at=when,
            process=process,
            link="/rum/1",
            details={},
        )
    )
    await db.commit()


def last_year_at(month: int) -> datetime:
    return datetime(clock.today().year - 1, month, 15, 10, 0, tzinfo=UTC)


@pytest.fixture
async def reader(db: AsyncSession) -> Persona:
    return await make_person(db, "Rita Läsare", roles=(PortalRole.FOLLOWUP_READER,))


async def manual_question_id(db: AsyncSession) -> int:
    found = await db.scalar(
        sa.select(sa.func.min(col(FollowupQuestion.id))).where(
            col(FollowupQuestion.rule) == QuestionRule.MANUAL
        )
    )
    assert found is not None
    await db.rollback()  # the read ends here: the app's writes must not wait for it
    return int(found)


async def without_programmes(db: AsyncSession) -> None:
    """A world with only the programme versions the test makes (dates from the clock)."""
    await db.execute(sa.delete(ManualAnswer))
    await db.execute(sa.delete(FollowupQuestion))
    await db.execute(sa.delete(ProgrammeVersion))
    await db.commit()


async def add_version(
    db: AsyncSession,
    name: str,
    valid_from: date,
    valid_to: date | None,
    questions: list[tuple[str, str, QuestionRule, Process | None, list[str], str]],
) -> int:
    """A version as the migration writes one: (section, point, rule, process, kinds, text)."""
    version = ProgrammeVersion(
        name=name,
        valid_from=valid_from,
        valid_to=valid_to,
        sections=[{"number": "4.1", "sv": "Övning", "en": ""}, {"number": "4.2", "sv": "Dialog"}],
    )
    db.add(version)
    await db.flush()
    assert version.id is not None
    for position, (section, point, rule, process, kinds, text) in enumerate(questions, 1):
        db.add(
            FollowupQuestion(
                programme_id=version.id,
                position=position,
                section=section,
                point=point,
                text_sv=text,
                rule=rule,
                process=process,
                kinds=kinds,
            )
        )
    await db.commit()
    return version.id


def form_of(page: str) -> dict[str, str | list[str]]:
    """What the editor filled in, as a browser posts it (checked boxes included, no buttons)."""
    values: dict[str, str | list[str]] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if not name:
            continue
        if 'type="checkbox"' in tag:
            if " checked" in tag and value:
                listed = values.setdefault(name.group(1), [])
                assert isinstance(listed, list)
                listed.append(html.unescape(value.group(1)))
        elif value:
            values[name.group(1)] = html.unescape(value.group(1))
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', page):
        values[name] = html.unescape(text)
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', options)
        values[name] = chosen.group(1) if chosen else ""
    return values


def question_index(values: dict[str, str | list[str]], section: str, point: str) -> int:
    for n in range(int(str(values["questions"]))):
        if values[f"q{n}-section"] == section and values[f"q{n}-point"] == point:
            return n
    raise AssertionError(f"no question {section} {point}")


# --- the seeded programme ------------------------------------------------------------------


async def test_the_seeded_programme_asks_4_1_of_the_forvaltningar_and_4_2_as_before(
    db: AsyncSession,
) -> None:
    first, _ = year(-1)
    chosen = service.choose(first, clock.today(), None, today=clock.today())

    built = await report.build(db, chosen)

    assert built.programme is not None
    assert built.programme.version.name == SEEDED
    assert [(s.number, [a.point for a in answers]) for s, answers in built.sections] == [
        ("4.1", ["a", "b", "c", "d", "e"]),
        ("4.2", ["a", "b", "c", "d", "e", "f", "g"]),
    ]
    by_point = {(a.section, a.point): a.question for a in built.answers}
    assert by_point[("4.1", "a")].rule is QuestionRule.MANUAL
    assert {by_point[("4.1", p)].kinds for p in "bcde"} == {("forvaltning",)}
    assert [by_point[("4.1", p)].process for p in "bcde"] == [
        Process.RIKTLINJER,
        Process.NODVATTEN,
        Process.EL_STYREL,
        Process.RSA,
    ]
    assert by_point[("4.2", "e")].rule is QuestionRule.DIALOGUE_ANY
    assert by_point[("4.2", "e")].kinds == ("frg",)


async def test_4_1_answers_from_the_forvaltningar_only(db: AsyncSession) -> None:
    took_part = await make_organisation(db, "Utbildningsförvaltningen", F)
    stayed_away = await make_organisation(db, "Kultur- och fritidsförvaltningen", F)
    company = await make_organisation(db, "Botkyrkabyggen AB")
    for organisation in (took_part, stayed_away, company):
        await evidence(db, organisation, K.ROOM_INVITED, Process.NODVATTEN, last_year_at(2))
    for organisation in (took_part, company):
        await evidence(db, organisation, K.ROOM_ACCEPTED, Process.NODVATTEN, last_year_at(3))
    first, _ = year(-1)
    # The reader's kinds narrow the matrix, not whom a question asks about.
    chosen = service.choose(first, clock.today(), None, today=clock.today())

    built = await report.build(db, chosen)

    answers = {(a.section, a.point): a for a in built.answers}
    water_41, water_42 = answers[("4.1", "c")], answers[("4.2", "a")]
    assert (water_41.followed, water_41.invited, water_41.took_part) == (2, 2, 1)
    assert [o.name for o in water_41.absent] == ["Kultur- och fritidsförvaltningen"]
    assert (water_42.followed, water_42.took_part) == (1, 1)  # the company, not the förvaltningar
    assert answers[("4.1", "d")].invited == 0  # STYREL: nobody invited
    assert {o.name for o in built.matrix.organisations} == {"Botkyrkabyggen AB"}


async def test_the_report_page_groups_the_answers_by_section_and_names_the_programme(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, reader: Persona
) -> None:
    await make_organisation(db, "Utbildningsförvaltningen", F)
    await log_in(client, app, reader)
    first, _ = year(-1)

    page = (await client.get("/uppfoljning/rapport", params=period_of(first, clock.today()))).text

    text = text_of(page)
    section_41 = text.index(
        "Fokusområde 4.1: Stärka krisberedskapen genom övning och tydliga arbetssätt"
    )
    section_42 = text.index(
        "Fokusområde 4.2: Stärka kommunens motståndskraft genom dialog med externa parter"
    )
    assert section_41 < text.index("c) Deltog de berörda nämnderna i arbetet med") < section_42
    assert section_42 < text.index("a) Deltog bolagen, stiftelserna och samverkansorganen")
    assert f"Frågorna är programversionens {SEEDED}" in text
    assert "Inget svar är skrivet för perioden." in text
    assert 'id="punkt-4-1-c"' in page
    assert 'id="punkt-4-2-a"' in page


async def test_a_period_after_the_programme_ended_uses_it_and_says_so(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, reader: Persona
) -> None:
    await without_programmes(db)
    ended = year(-2)
    await add_version(
        db, "Programmet", ended[0], ended[1], [("4.2", "a", QuestionRule.MANUAL, None, [], "Q?")]
    )
    await log_in(client, app, reader)

    after = text_of((await client.get("/uppfoljning/rapport", params=period_of(*year()))).text)
    before = text_of((await client.get("/uppfoljning/rapport", params=period_of(*year(-3)))).text)

    assert "Programmet gällde till" in after
    assert "a) Q?" in after
    assert "Inget program för trygghet och säkerhet hade börjat gälla" in before
    assert "a) Q?" not in before


# --- a revised programme is a data change --------------------------------------------------


async def test_a_new_version_changes_the_report_from_its_first_day_only(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    await without_programmes(db)
    old_from, _ = year(-2)
    _, old_to = year(-1)
    old = await add_version(
        db,
        "Programmet 1",
        old_from,
        old_to,
        [
            ("4.2", "a", QuestionRule.PARTICIPATION, Process.NODVATTEN, [], "Deltog bolagen?"),
            ("4.2", "b", QuestionRule.PARTICIPATION, Process.EL_STYREL, [], "Var de med i styrel?"),
        ],
    )
    await log_in(client, app, alice)
    values = form_of((await client.get("/uppfoljning/program/ny")).text)
    assert values["name"] == "Programmet 1"  # a copy of the latest
    assert values["valid_from"] == year()[0].isoformat()  # the day after it ended
    values["name"] = "Programmet 2"
    values[f"q{question_index(values, '4.2', 'a')}-text_sv"] = "Deltog bolagen i nödvattnet?"
    values[f"q{question_index(values, '4.2', 'b')}-remove"] = "on"

    response = await client.post(
        "/uppfoljning/program/ny", data=values | {"csrf_token": await csrf_token(client, app)}
    )

    assert response.status_code == 303
    new = int(response.headers["location"].rsplit("/", 1)[1])
    assert new != old
    this_year = text_of((await client.get("/uppfoljning/rapport", params=period_of(*year()))).text)
    last_year = text_of(
        (await client.get("/uppfoljning/rapport", params=period_of(*year(-1)))).text
    )
    assert "a) Deltog bolagen i nödvattnet?" in this_year
    assert "Var de med i styrel?" not in this_year
    assert "Programmet 2" in this_year
    assert "a) Deltog bolagen?" in last_year
    assert "b) Var de med i styrel?" in last_year
    await db.rollback()
    [event] = list(
        await db.scalars(
            sa.select(AuditEvent).where(col(AuditEvent.action) == AuditAction.PROGRAMME_VERSIONED)
        )
    )
    assert (event.actor_person_id, event.object_id) == (alice.id, str(new))
    assert event.details["questions"] == 1


async def test_an_overlapping_version_is_refused_and_nothing_is_written(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    seeded_to = await db.scalar(sa.select(sa.func.max(col(ProgrammeVersion.valid_to))))
    assert seeded_to is not None
    await log_in(client, app, alice)
    values = form_of((await client.get("/uppfoljning/program/ny")).text)
    # Starts half a year before the seeded programme ends, and runs until further notice.
    starts = seeded_to - timedelta(days=180)
    values |= {"name": "Reviderat program", "valid_from": starts.isoformat(), "valid_to": ""}
    counts_before = (
        await db.scalar(sa.select(sa.func.count()).select_from(ProgrammeVersion)),
        await db.scalar(sa.select(sa.func.count()).select_from(FollowupQuestion)),
    )

    response = await client.post(
        "/uppfoljning/program/ny", data=values | {"csrf_token": await csrf_token(client, app)}
    )

    assert response.status_code == 400
    assert (
        f"Giltighetstiden överlappar {SEEDED}, som gäller 1 januari 2021–31 december 2024. "
        "Två programversioner kan inte gälla samma dag." in html.unescape(response.text)
    )
    assert 'id="f-valid_from-error"' in response.text
    assert 'value="Reviderat program"' in response.text  # what was typed stays
    await db.rollback()
    assert (
        await db.scalar(sa.select(sa.func.count()).select_from(ProgrammeVersion)),
        await db.scalar(sa.select(sa.func.count()).select_from(FollowupQuestion)),
    ) == counts_before
    assert not await db.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEvent)
        .where(col(AuditEvent.action) == AuditAction.PROGRAMME_VERSIONED)
    )


async def test_a_question_without_its_process_is_refused_beside_the_field(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    await log_in(client, app, alice)
    values = form_of((await client.get("/uppfoljning/program/ny")).text)
    n = question_index(values, "4.2", "a")
    values |= {"valid_from": "", f"q{n}-process": ""}

    response = await client.post(
        "/uppfoljning/program/ny", data=values | {"csrf_token": await csrf_token(client, app)}
    )

    assert response.status_code == 400
    assert (
        f'<span class="label__message label__message--error" id="f-q{n}-process-error">'
        "Välj processen som frågan gäller.</span>" in response.text
    )
    assert "Ange första dagen programmet gäller, som ÅÅÅÅ-MM-DD." in response.text


async def test_only_a_version_not_yet_in_force_changes_in_place(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    await without_programmes(db)
    in_force = await add_version(
        db, "Gällande", year(-1)[0], None, [("4.2", "a", QuestionRule.MANUAL, None, [], "Q?")]
    )
    ahead = clock.today() + timedelta(days=30)
    await db.execute(
        sa.update(ProgrammeVersion)
        .where(col(ProgrammeVersion.id) == in_force)
        .values(valid_to=ahead - timedelta(days=1))
    )
    await db.commit()
    future = await add_version(
        db, "Kommande", ahead, None, [("4.1", "a", QuestionRule.MANUAL, None, [], "Övar de?")]
    )
    await log_in(client, app, alice)
    in_force_edit = await client.get(f"/uppfoljning/program/{in_force}/andra")
    page = (await client.get(f"/uppfoljning/program/{future}/andra")).text
    values = form_of(page) | {"q0-text_sv": "Övar nämnderna?"}

    response = await client.post(
        f"/uppfoljning/program/{future}/andra",
        data=values | {"csrf_token": await csrf_token(client, app)},
    )

    assert in_force_edit.status_code == 404
    assert response.status_code == 303
    await db.rollback()
    texts = list(
        await db.scalars(
            sa.select(col(FollowupQuestion.text_sv)).where(
                col(FollowupQuestion.programme_id) == future
            )
        )
    )
    assert texts == ["Övar nämnderna?"]
    clock.start_at(datetime.combine(ahead, datetime.min.time(), clock.TIMEZONE))
    await log_in(client, app, alice)  # a month on, the session has long expired
    assert (await client.get(f"/uppfoljning/program/{future}/andra")).status_code == 404


# --- the coordinator's written answers -----------------------------------------------------


async def test_a_written_answer_is_saved_audited_and_shown_for_its_period_only(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    question = await manual_question_id(db)
    await log_in(client, app, alice)
    last_year, this_year = year(-1), year()
    form = await client.get(
        f"/uppfoljning/program/fragor/{question}/svar", params=period_of(*last_year)
    )

    response = await client.post(
        f"/uppfoljning/program/fragor/{question}/svar",
        data={
            **period_of(*last_year),
            "text": "Alla nämnder övade krisledning enligt planen.",
            "csrf_token": await csrf_token(client, app),
        },
    )

    assert form.status_code == 200
    assert response.status_code == 303
    assert response.headers["location"].endswith("#punkt-4-1-a")
    shown = text_of((await client.get("/uppfoljning/rapport", params=period_of(*last_year))).text)
    two_years = text_of(
        (await client.get("/uppfoljning/rapport", params=period_of(year(-2)[0], last_year[1]))).text
    )
    other = text_of((await client.get("/uppfoljning/rapport", params=period_of(*this_year))).text)
    assert "Alla nämnder övade krisledning enligt planen." in shown
    assert "Skrivet av samordnaren för perioden" in shown
    assert "Alla nämnder övade krisledning enligt planen." in two_years  # within it
    assert "Alla nämnder övade krisledning enligt planen." not in other
    assert "Inget svar är skrivet för perioden." in other
    await db.rollback()
    [event] = list(
        await db.scalars(
            sa.select(AuditEvent).where(
                col(AuditEvent.action) == AuditAction.FOLLOWUP_ANSWER_WRITTEN
            )
        )
    )
    assert event.actor_person_id == alice.id
    assert event.details["text"] == "Alla nämnder övade krisledning enligt planen."
    assert event.details["period"] == f"{last_year[0]}/{last_year[1]}"


async def test_an_empty_answer_is_refused_and_nothing_is_written(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    question = await manual_question_id(db)
    await log_in(client, app, alice)

    response = await client.post(
        f"/uppfoljning/program/fragor/{question}/svar",
        data={**period_of(*year(-1)), "text": "  ", "csrf_token": await csrf_token(client, app)},
    )

    assert response.status_code == 400
    assert 'id="f-text-error">Skriv svaret.</span>' in response.text
    await db.rollback()
    assert not await db.scalar(sa.select(sa.func.count()).select_from(ManualAnswer))


async def test_a_question_answered_from_evidence_has_no_written_answer_page(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    measured = await db.scalar(
        sa.select(sa.func.min(col(FollowupQuestion.id))).where(
            col(FollowupQuestion.rule) == QuestionRule.PARTICIPATION
        )
    )
    await log_in(client, app, alice)

    response = await client.get(f"/uppfoljning/program/fragor/{measured}/svar")

    assert response.status_code == 404


# --- who may --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "reader_may"),
    [
        ("/uppfoljning/program", True),
        ("/uppfoljning/program/1", True),
        ("/uppfoljning/program/ny", False),
        ("/uppfoljning/program/fragor/{manual}/svar", False),
    ],
)
async def test_the_programme_pages_are_for_the_follow_up_and_changes_for_coordinators(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    bob: Persona,
    reader: Persona,
    path: str,
    reader_may: bool,
) -> None:
    path = path.format(manual=await manual_question_id(db))
    await make_organisation(db, "Jasägarna AB")
    anonymous = await client.get(path)
    await log_in(client, app, bob)
    partner = await client.get(path)
    partner_post = await client.post(path, data={"csrf_token": await csrf_token(client, app)})
    await log_in(client, app, reader)
    as_reader = await client.get(path)
    await log_in(client, app, alice)
    as_coordinator = await client.get(path)

    assert anonymous.status_code == 303
    assert partner.status_code == 404
    assert partner_post.status_code in (404, 405)
    assert as_reader.status_code == (200 if reader_may else 404)
    assert as_coordinator.status_code == 200


# --- the report's budget and its reader's language -----------------------------------------


async def test_the_report_keeps_a_constant_number_of_queries(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    reader: Persona,
    query_counter: QueryCounter,
) -> None:
    question = await manual_question_id(db)
    first, last = year(-1)
    await log_in(client, app, reader)

    async def organisations(names: range) -> None:
        for number in names:
            kind = F if number % 2 else OrganisationKind.KOMMUNALT_BOLAG
            organisation = await make_organisation(db, f"Organisation {number:03d}", kind)
            await evidence(db, organisation, K.ROOM_INVITED, Process.NODVATTEN, last_year_at(3))

    await organisations(range(10))
    few = await query_counter.for_page(client, "/uppfoljning/rapport", period_of(first, last))
    await organisations(range(10, 60))
    for quarter in range(4):
        db.add(
            ManualAnswer(
                question_id=question,
                first_day=date(first.year, 3 * quarter + 1, 1),
                last_day=date(first.year, 3 * quarter + 3, 28),
                text=f"Kvartal {quarter + 1}",
            )
        )
    await db.commit()
    many = await query_counter.for_page(client, "/uppfoljning/rapport", period_of(first, last))

    assert few == many
    assert many <= 8


async def test_the_questions_are_read_in_the_readers_language(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, reader: Persona
) -> None:
    await log_in(client, app, reader)
    client.cookies.set("pp_lang", "en", domain="127.0.0.1")

    page = text_of((await client.get("/uppfoljning/rapport", params=period_of(*year(-1)))).text)

    assert (
        "a) Did the companies, foundations and collaboration bodies take part in the work on "
        "the emergency drinking water plan?" in page
    )
    assert "Focus area 4.1: Strengthening crisis preparedness" in page
