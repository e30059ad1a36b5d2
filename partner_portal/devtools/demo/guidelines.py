"""The guidelines out for consultation: a plan in two versions with comments, a statement and
the municipality's response, and the meeting held on them."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import col

from partner_portal.auth.models import PortalRole
from partner_portal.consultations import service as consultations
from partner_portal.consultations.access import consultation_for
from partner_portal.consultations.models import Decision
from partner_portal.devtools.demo.actors import BYGGEN, SBFF, UPPLEV, Demo, guidelines_room_name
from partner_portal.devtools.demo.meetings import meeting_held
from partner_portal.evidence.models import Process
from partner_portal.plans import service as plans
from partner_portal.plans.access import plan_for, plan_section_for
from partner_portal.plans.models import PlanVersion
from partner_portal.plans.service import CommentInput, SectionInput
from partner_portal.platform import clock
from partner_portal.platform.live import LiveHub
from partner_portal.rooms.access import room_for
from partner_portal.rooms.models import Classification

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


async def guidelines(demo: Demo) -> None:
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
        access, section = await plan_section_for(db, actor, room_id, plan_id, section_id)
        new = await plans.add_comment(
            db,
            actor=actor,
            access=access,
            section_id=section_id,
            section=section,
            data=CommentInput(body, parent, None),
            live=live,
        )
        return new.id

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
        consultation=await consultation_for(db, access, consultation_id),
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
        consultation=await consultation_for(db, access, consultation_id),
        statement_id=statement_id,
        decision=Decision.ACCEPTED,
        reason="",
    )
    await meeting_held(demo, room_id)
