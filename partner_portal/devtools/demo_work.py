"""Demo work under way for `partner-portal dev`: something on every page a demo person opens.

Rooms for the other three planning processes with deliverables saved, a plan with two published
versions and comments on it, a consultation with a statement and the municipality's response,
meetings before and after today (minutes, a decision and actions), a follow-up API token, and an
FRG call-out. All of it is made through the services people use, dated from the portal's clock,
once (a run finds the guidelines room and leaves everything as it is).

The drinking-water room stays as the foundation seed leaves it (AB Botkyrkabyggen has only said
yes there), so the follow-up shows every level from "not invited" to "contributed".
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal import clock
from partner_portal.actions.forms import ActionInput
from partner_portal.actions.service import create_phase_action
from partner_portal.attachments.service import FilesInput, upload_room_files
from partner_portal.auth.models import Person, PortalRole
from partner_portal.auth.sessions import CurrentPerson
from partner_portal.consultations import service as consultations
from partner_portal.consultations.models import Decision
from partner_portal.deliverables import service as deliverables
from partner_portal.deliverables.gsrn import gs1_check_digit
from partner_portal.deliverables.models import WarOrganisation, WaterCategory
from partner_portal.deliverables.service import (
    PointInput,
    ReadinessInput,
    StyrelUserInput,
    WaterNeedInput,
)
from partner_portal.evidence.models import Process
from partner_portal.followup import api_tokens
from partner_portal.frg import callouts
from partner_portal.frg import enrolment as frg_enrolment
from partner_portal.frg.access import lead_for
from partner_portal.frg.callouts import CalloutInput
from partner_portal.frg.models import Volunteer
from partner_portal.meetings import minutes, scheduling
from partner_portal.meetings.access import meeting_for
from partner_portal.meetings.forms import MeetingInput
from partner_portal.plans import service as plans
from partner_portal.plans.access import plan_for
from partner_portal.plans.forms import CommentInput, SectionInput
from partner_portal.plans.live import LiveHub
from partner_portal.plans.models import PlanVersion
from partner_portal.rooms import lifecycle as room_lifecycle
from partner_portal.rooms import participation as room_participation
from partner_portal.rooms import progress as room_progress
from partner_portal.rooms.access import room_for
from partner_portal.rooms.lifecycle import RoomInput
from partner_portal.rooms.models import (
    Classification,
    ItemKind,
    ItemProgress,
    ProcessTemplate,
    Room,
    RoomItem,
    RoomPhase,
)
from partner_portal.settings import Settings

MUNICIPALITY = "Botkyrka kommun"
BYGGEN = "AB Botkyrkabyggen"
SBFF = "Södertörns brandförsvarsförbund"
UPPLEV = "Upplev Botkyrka AB"
ELLEVIO = "Ellevio AB"
FRG_BOTKYRKA = "FRG Botkyrka"


def guidelines_room_name() -> str:
    return f"Riktlinjer för trygghetsarbetet {clock.today().year}"


class _Demo:
    """Who acts in the demo, and what every service call needs."""

    def __init__(
        self,
        db: AsyncSession,
        people: dict[str, tuple[int, str]],
        organisations: dict[str, int],
        settings: Settings,
        env: Environment,
    ) -> None:
        self.db = db
        self.organisations = organisations
        self.settings = settings
        self.env = env
        self.people = people

    def person(self, subject: str, role: PortalRole | None = None) -> CurrentPerson:
        person_id, name = self.people[subject]
        return CurrentPerson(person_id, name, None, frozenset({role}) if role else frozenset())

    @property
    def anna(self) -> CurrentPerson:
        return self.person("anna.lindqvist", PortalRole.COORDINATOR)

    async def open_room(self, name: str, process: Process, invited: list[str]) -> int:
        template_id = await self.db.scalar(
            sa.select(col(ProcessTemplate.id)).where(
                col(ProcessTemplate.process) == process,
                col(ProcessTemplate.is_current).is_(True),
            )
        )
        assert template_id is not None
        today = clock.today()
        room_id = await room_lifecycle.open_room(
            self.db,
            actor=self.anna,
            data=RoomInput(
                name, template_id, today - timedelta(days=40), today + timedelta(days=300)
            ),
        )
        await room_participation.invite_organisations(
            self.db,
            actor=self.anna,
            access=await room_for(self.db, self.anna, room_id),
            organisation_ids=[self.organisations[o] for o in invited],
            settings=self.settings,
            env=self.env,
        )
        return room_id

    async def accept(self, subject: str, room_id: int, organisation: str) -> None:
        actor = self.person(subject)
        await room_participation.answer(
            self.db,
            actor=actor,
            access=await room_for(self.db, actor, room_id),
            organisation_id=self.organisations[organisation],
            accept=True,
            reason="",
        )

    async def item(self, room_id: int, kind: ItemKind) -> RoomItem:
        item = await self.db.scalar(
            sa.select(RoomItem)
            .where(col(RoomItem.room_id) == room_id, col(RoomItem.kind) == kind)
            .order_by(col(RoomItem.position))
        )
        assert item is not None
        return item

    async def progress_on(
        self, subject: str, room_id: int, organisation: str, kind: ItemKind
    ) -> ItemProgress:
        actor = self.person(subject)
        item = await self.item(room_id, kind)
        assert item.id is not None
        return await room_progress.working_progress(
            self.db,
            actor,
            await room_for(self.db, actor, room_id),
            self.organisations[organisation],
            item.id,
            kind=kind,
        )


async def seed_work(
    db: AsyncSession,
    *,
    people: dict[str, tuple[int, str]],
    organisations: dict[str, int],
    settings: Settings,
    env: Environment,
    drinking_water_room: int,
) -> None:
    """Side effects: the demo work described in the module's docstring, unless the guidelines
    room is already there. Commits (each service its own transaction)."""
    if await db.scalar(sa.select(col(Room.id)).where(col(Room.name) == guidelines_room_name())):
        return
    demo = _Demo(db, people, organisations, settings, env)
    await _water_needs(demo, drinking_water_room)
    await _guidelines(demo)
    await _styrel(demo)
    await _readiness(demo)
    await _meeting_ahead(demo)
    await api_tokens.issue(
        db,
        actor=demo.anna,
        person_id=people["maria.nilsson"][0],
        name="Power BI – kommunstyrelsens förvaltning",
    )
    await _frg(demo)


async def _water_needs(demo: _Demo, room_id: int) -> None:
    """AB Botkyrkabyggen has started its inventory of drinking-water needs (not handed in)."""
    progress = await demo.progress_on("erik.oberg", room_id, BYGGEN, ItemKind.WATER_NEEDS)
    actor_id = demo.person("erik.oberg").id
    for site, category, persons, litres, vulnerable, tank, note in (
        ("Trygghetsboendet Tumba", WaterCategory.CARE, 64, 640, 40, False,
         "Hyresgästerna kan inte hämta vatten själva."),
        ("Förskolan Solrosen, Alby", WaterCategory.SCHOOL, 85, 425, 0, False, ""),
        ("Fastighetskontoret Fittja", WaterCategory.BUSINESS, 30, 150, 0, True,
         "Egen tank på 1 000 liter."),
    ):  # fmt: skip
        await deliverables.save_water_need(
            demo.db,
            progress=progress,
            need_id=None,
            data=WaterNeedInput(site, category, persons, litres, vulnerable, tank, note),
            actor_id=actor_id,
        )


def _gsrn(serial: int) -> str:
    body = f"735999{serial:011d}"
    return body + str(gs1_check_digit(body))


async def _styrel(demo: _Demo) -> None:
    """A styrel room: AB Botkyrkabyggen lists a prioritised electricity user; Ellevio is asked."""
    room_id = await demo.open_room(
        f"Styrel {clock.today().year}", Process.EL_STYREL, [BYGGEN, ELLEVIO]
    )
    await demo.accept("erik.oberg", room_id, BYGGEN)
    progress = await demo.progress_on("erik.oberg", room_id, BYGGEN, ItemKind.STYREL_USERS)
    await deliverables.save_styrel_user(
        demo.db,
        progress=progress,
        user_id=None,
        data=StyrelUserInput(
            name="Trygghetsboendet Tumba",
            activity="Boende med omsorg för äldre",
            priority_class=2,
            justification="Boende som inte kan flytta vid ett långvarigt elavbrott.",
            address="Tumba torg 12, 147 30 Tumba",
            grid_company=ELLEVIO,
            points=(PointInput(_gsrn(4201), 2), PointInput(_gsrn(4202), 3)),
            point_indexes=(0, 1),
        ),
        actor_id=demo.person("erik.oberg").id,
    )


async def _readiness(demo: _Demo) -> None:
    """A höjd beredskap room: the fire and rescue service has handed in its status; the
    municipality notes a security analysis that was delivered outside the portal."""
    room_id = await demo.open_room(
        f"Höjd beredskap {clock.today().year}", Process.HOJD_BEREDSKAP, [BYGGEN, SBFF]
    )
    await demo.accept("erik.oberg", room_id, BYGGEN)
    await demo.accept("sara.akesson", room_id, SBFF)
    for subject, organisation, status, done in (
        ("erik.oberg", BYGGEN, WarOrganisation.IN_PROGRESS, False),
        ("sara.akesson", SBFF, WarOrganisation.YES, True),
    ):
        progress = await demo.progress_on(subject, room_id, organisation, ItemKind.READINESS_STATUS)
        await deliverables.save_readiness(
            demo.db,
            progress=progress,
            data=ReadinessInput(status, done),
            actor_id=demo.person(subject).id,
        )
    sara = demo.person("sara.akesson")
    item = await demo.item(room_id, ItemKind.READINESS_STATUS)
    assert item.id is not None
    await room_progress.submit(
        demo.db,
        actor=sara,
        access=await room_for(demo.db, sara, room_id),
        organisation_id=demo.organisations[SBFF],
        item_id=item.id,
    )
    await upload_room_files(
        demo.db,
        actor=demo.anna,
        access=await room_for(demo.db, demo.anna, room_id),
        data=FilesInput(
            None,
            Classification.CONFIDENTIAL_METADATA_ONLY,
            "Kommunens säkerhetsskyddsanalys",
            "Lämnad till Länsstyrelsen i Stockholms län med rekommenderat brev.",
        ),
        files=[],
        data_dir=demo.settings.data_dir,
    )


GUIDELINES = (
    (
        "Syfte",
        "Riktlinjerna beskriver hur kommunen och dess parter arbetar tillsammans för ett "
        "tryggt och säkert Botkyrka, före, under och efter en kris.",
    ),
    (
        "Ansvar och roller",
        "Kommunledningsförvaltningen samordnar arbetet.\n\n"
        "Varje part ansvarar för sin egen verksamhet och utser en kontaktperson.",
    ),
    (
        "Samverkan med externa parter",
        "Parterna träffas i samverkansrådet fyra gånger per år.",
    ),
)


async def _guidelines(demo: _Demo) -> None:
    """The guidelines out for consultation: a plan in two versions with comments, a statement
    from AB Botkyrkabyggen and the municipality's response, a meeting with minutes, a decision
    and actions."""
    db, anna = demo.db, demo.anna
    room_id = await demo.open_room(
        guidelines_room_name(), Process.RIKTLINJER, [BYGGEN, SBFF, UPPLEV]
    )
    await demo.accept("erik.oberg", room_id, BYGGEN)
    await demo.accept("sara.akesson", room_id, SBFF)
    live = LiveHub(demo.settings.database_url)

    plan_id = await plans.create_plan(
        db,
        actor=anna,
        access=await room_for(db, anna, room_id),
        title="Riktlinjer för trygghets- och säkerhetsarbetet",
    )
    sections = []
    for heading, body in GUIDELINES:
        sections.append(
            await plans.add_section(
                db,
                actor=anna,
                access=await plan_for(db, anna, room_id, plan_id),
                data=SectionInput(heading, body, None),
            )
        )
    await plans.publish(
        db, actor=anna, access=await plan_for(db, anna, room_id, plan_id), note="Första utkastet."
    )

    async def comment(subject: str, section_id: int, body: str, parent: int | None = None) -> int:
        actor = demo.person(
            subject, PortalRole.COORDINATOR if subject == "anna.lindqvist" else None
        )
        return await plans.add_comment(
            db,
            actor=actor,
            access=await plan_for(db, actor, room_id, plan_id),
            section_id=section_id,
            data=CommentInput(body, parent, None),
            live=live,
        )

    asked = await comment(
        "erik.oberg",
        sections[2],
        "Gäller samverkansrådet även de kommunala bolagen? Vi vill gärna vara med.",
    )
    await comment("anna.lindqvist", sections[2], "Ja, bolagen bjuds in från nästa möte.", asked)
    await plans.save_section(
        db,
        actor=anna,
        access=await plan_for(db, anna, room_id, plan_id),
        section_id=sections[2],
        data=SectionInput(
            GUIDELINES[2][0],
            "Parterna, de kommunala bolagen medräknade, träffas i samverkansrådet fyra gånger "
            "per år.",
            None,
        ),
    )
    await plans.publish(
        db,
        actor=anna,
        access=await plan_for(db, anna, room_id, plan_id),
        note="Bolagen ingår i samverkansrådet.",
    )
    await comment(
        "omar.haddad",
        sections[1],
        "Kan det stå vem som är ersättare när kontaktpersonen är ledig?",
    )

    version_id = await db.scalar(
        sa.select(col(PlanVersion.id)).where(
            col(PlanVersion.plan_id) == plan_id, col(PlanVersion.number) == 2
        )
    )
    assert version_id is not None
    consultation_id = await consultations.open_consultation(
        db,
        actor=anna,
        access=await room_for(db, anna, room_id),
        data=consultations.OpenInput(
            version_id,
            clock.today() + timedelta(days=21),
            [demo.organisations[BYGGEN], demo.organisations[SBFF]],
            "Lämna ert yttrande senast sista svarsdagen. Synpunkter per avsnitt går bra att "
            "skriva direkt i planen.",
        ),
        settings=demo.settings,
        env=demo.env,
    )
    erik = demo.person("erik.oberg")
    access = await room_for(db, erik, room_id)
    statement_id = await consultations.submit_statement(
        db,
        actor=erik,
        access=access,
        consultation=await consultations.consultation_for(db, access, consultation_id),
        data=consultations.StatementInput(
            demo.organisations[BYGGEN],
            False,
            "AB Botkyrkabyggen ställer sig bakom riktlinjerna. Vi föreslår att ersättare för "
            "kontaktpersonen anges i avsnittet om ansvar och roller.",
            Classification.PUBLIC,
        ),
        files=[],
        settings=demo.settings,
        env=demo.env,
    )
    access = await room_for(db, anna, room_id)
    await consultations.respond(
        db,
        actor=anna,
        access=access,
        consultation=await consultations.consultation_for(db, access, consultation_id),
        statement_id=statement_id,
        decision=Decision.ACCEPTED,
        reason="",
    )
    await _meeting_held(demo, room_id)


async def _meeting_held(demo: _Demo, room_id: int) -> None:
    """Last week's meeting on the guidelines: minutes, a decision with an action for AB
    Botkyrkabyggen, and an action from a phase for the fire and rescue service."""
    db, anna = demo.db, demo.anna
    day = clock.today() - timedelta(days=7)
    meeting_id = await scheduling.create_meeting(
        db,
        actor=anna,
        data=MeetingInput(
            "Genomgång av riktlinjerna",
            room_id,
            _at(day, 9),
            _at(day, 11),
            "Kommunhuset, Tumba",
            "",
            "1. Utkastet till riktlinjer\n2. Remissens tidplan",
            (demo.organisations[BYGGEN], demo.organisations[SBFF]),
        ),
        settings=demo.settings,
        env=demo.env,
    )
    access = await meeting_for(db, anna, meeting_id)
    await minutes.save_minutes(
        db,
        actor=anna,
        access=access,
        minutes="Utkastet gicks igenom avsnitt för avsnitt. Remissen skickas ut efter mötet.",
    )
    await minutes.add_decision(
        db,
        actor=anna,
        access=await meeting_for(db, anna, meeting_id),
        text="Bolagen ingår i samverkansrådet.",
        action=ActionInput(
            "Utse bolagets representant i samverkansrådet",
            "Meddela samordnaren namnet.",
            demo.organisations[BYGGEN],
            demo.people["omar.haddad"][0],
            clock.today() + timedelta(days=30),
        ),
    )
    phase_id = await db.scalar(
        sa.select(col(RoomPhase.id)).where(
            col(RoomPhase.room_id) == room_id, col(RoomPhase.position) == 2
        )
    )
    assert phase_id is not None
    await create_phase_action(
        db,
        actor=anna,
        phase_id=phase_id,
        data=ActionInput(
            "Beskriv räddningstjänstens roll i samverkansrådet",
            "",
            demo.organisations[SBFF],
            None,
            clock.today() + timedelta(days=14),
        ),
    )


async def _meeting_ahead(demo: _Demo) -> None:
    """The partnership council's next meeting, in two weeks, for the whole partner set."""
    day = clock.today() + timedelta(days=14)
    await scheduling.create_meeting(
        demo.db,
        actor=demo.anna,
        data=MeetingInput(
            "Samverkansrådet",
            None,
            _at(day, 13),
            _at(day, 15),
            "Kommunhuset, Tumba, sal Tumba",
            "https://meet.example.se/samverkansradet",
            "1. Läget i planeringen\n2. Övning i höst",
            tuple(demo.organisations[o] for o in (MUNICIPALITY, BYGGEN, SBFF, FRG_BOTKYRKA)),
        ),
        settings=demo.settings,
        env=demo.env,
    )


def _at(day: date, hour: int) -> datetime:
    """A whole hour that day, Swedish time (as UTC)."""
    moment = clock.wall_time(day, time(hour))
    assert moment is not None
    return moment


async def _frg(demo: _Demo) -> None:
    """An exercise call-out to two of FRG Botkyrka's volunteers, and a pending invitation."""
    db = demo.db
    johan = demo.person("johan.arlig")
    group = await lead_for(db, johan, demo.organisations[FRG_BOTKYRKA])
    volunteers: frozenset[int] = frozenset(
        await db.scalars(
            sa.select(col(Volunteer.id))
            .join(Person, col(Person.id) == col(Volunteer.person_id))
            .where(
                col(Volunteer.organisation_id) == group.id,
                col(Person.oidc_subject).in_(["lina.virtanen", "frg.karin"]),
            )
        )
    )
    day = clock.today() + timedelta(days=10)
    await callouts.send(
        db,
        actor=johan,
        group=group,
        data=CalloutInput(
            "Övning: vattenutdelning vid Tumba centrum",
            "Tumba centrum, vid biblioteket",
            "Vi övar utdelning av nödvatten tillsammans med kommunen.",
            _at(day, 10),
            _at(day, 14),
            2,
            None,
            True,
        ),
        volunteer_ids=volunteers,
        settings=demo.settings,
        env=demo.env,
    )
    await frg_enrolment.invite(
        db,
        actor=johan,
        group=group,
        email="amira.hassan@example.se",
        settings=demo.settings,
        env=demo.env,
    )
