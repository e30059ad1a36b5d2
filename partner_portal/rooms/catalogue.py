"""The five planning processes as the municipality runs them (DOMAIN.md), as template data.

``install_standard_templates`` writes version 1 of each once; after that the coordinator
adjusts templates in the portal (each change a new version) without a code change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.evidence.models import Process
from partner_portal.rooms.models import ItemKind, ProcessTemplate, TemplateItem, TemplatePhase
from partner_portal.rooms.rsa_questions import RSA as RSA_QUESTIONS

K = ItemKind
KLF = "Kommunledningsförvaltningen (KLF)"
EACH = "Varje deltagande organisation"


@dataclass(frozen=True)
class Item:
    title: str
    kind: ItemKind = ItemKind.CHECKLIST
    description: str = ""
    questions: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Phase:
    title: str
    responsible: str
    deadline_days: int | None
    description: str = ""
    items: tuple[Item, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Template:
    process: Process
    name: str
    description: str
    phases: tuple[Phase, ...]


STANDARD: tuple[Template, ...] = (
    Template(
        Process.NODVATTEN,
        "Nödvattenplan",
        "Planering för bortfall av dricksvatten helt eller delvis, enligt Livsmedelsverkets "
        "vägledning. Referensvolymer: 3–5 liter per person och dygn de första dygnen, "
        "10–15 liter efter några dygn.",
        (
            Phase(
                "Uppdrag och ansvar",
                KLF,
                14,
                "Kommunen beskriver uppdraget; varje organisation utser en kontaktperson.",
                (Item("Utse kontaktperson för nödvattenplaneringen"),),
            ),
            Phase(
                "Behovsinventering",
                EACH,
                45,
                "Varje organisation redovisar sina verksamheters behov av nödvatten.",
                (Item("Behov av nödvatten per verksamhet", K.WATER_NEEDS),),
            ),
            Phase(
                "Prioriteringsordning",
                KLF,
                75,
                "Utkast till prioriteringsordning, synpunktsrunda och beslut.",
                (Item("Lämna synpunkter på utkastet till prioriteringsordning"),),
            ),
            Phase(
                "Resurser",
                EACH,
                105,
                "Tankar, avtal om tankbilar, personal och frivilliga (FRG).",
                (Item("Redovisa egna resurser: tankar, fordon och personal"),),
            ),
            Phase(
                "Distributionspunkter och leverans",
                KLF,
                135,
                "Var vatten delas ut, och leverans till personer som inte kan hämta själva.",
                (Item("Bekräfta distributionspunkter och leveranser för era verksamheter"),),
            ),
            Phase(
                "Kommunikation",
                KLF,
                150,
                "Hur allmänheten och verksamheterna får besked.",
                (Item("Bekräfta kontaktvägar för kriskommunikation"),),
            ),
            Phase(
                "Aktiveringsrutin",
                KLF,
                165,
                "Vem som aktiverar planen, när och hur.",
                (Item("Bekräfta att aktiveringsrutinen är känd i organisationen"),),
            ),
            Phase(
                "Övning och revidering",
                EACH,
                240,
                "Planen övas och revideras.",
                (Item("Delta i övning och återkoppla erfarenheter"),),
            ),
        ),
    ),
    Template(
        Process.EL_STYREL,
        "El och styrel",
        "Prioritering av samhällsviktiga elanvändare för manuell förbrukningsfrånkoppling "
        "(Energimyndighetens styrel). Revidering högst en gång per år mellan de fyraåriga "
        "planeringsomgångarna.",
        (
            Phase(
                "Länsstyrelsens underlag kommer",
                "Länsstyrelsen",
                None,
                "Länsstyrelsen skickar underlag från statliga myndigheter till kommunen.",
            ),
            Phase(
                "Identifiering och prioritering av elanvändare",
                "Kommunen med bolag och stiftelser",
                60,
                "Varje organisation identifierar sina samhällsviktiga elanvändare och föreslår "
                "prioritetsklass per anslutningspunkt.",
                (
                    Item(
                        "Samhällsviktiga elanvändare med anslutningspunkter",
                        K.STYREL_USERS,
                        "En anslutningspunkt har exakt en prioritetsklass. Listan kan omfattas "
                        "av sekretess: välj då märkningen konfidentiellt – endast metadata och "
                        "lämna innehållet på annat sätt.",
                    ),
                ),
            ),
            Phase(
                "Underlag till elnätsföretaget",
                KLF,
                90,
                "Kommunen lämnar underlaget till elnätsföretagen.",
            ),
            Phase(
                "Elnätsföretaget kompletterar med elledningar",
                "Elnätsföretag",
                120,
                "Elnätsföretagen anger vilken elledning varje anslutningspunkt ligger på.",
                (Item("Komplettera med elledningar (elnätsföretag)"),),
            ),
            Phase(
                "Kommunens förslag till rangordning",
                KLF,
                150,
                "Kommunen föreslår en rangordning av elledningar till länsstyrelsen.",
            ),
            Phase(
                "Länsstyrelsen rangordnar",
                "Länsstyrelsen",
                210,
                "Länsstyrelsen gör en rangordning för hela länet.",
            ),
            Phase(
                "Elnätsföretagen planerar",
                "Elnätsföretag",
                300,
                "Elnätsföretagen gör sina planer för manuell förbrukningsfrånkoppling.",
            ),
        ),
    ),
    Template(
        Process.HOJD_BEREDSKAP,
        "Höjd beredskap och civilt försvar",
        "Planering inför höjd beredskap. Uppgifter om krigsorganisation anges bara som läge "
        "(ja, nej, pågår) – aldrig som personlistor. Säkerhetsskyddsklassificerade uppgifter "
        "får aldrig lämnas i portalen.",
        (
            Phase(
                "Kompetenshöjning",
                KLF,
                30,
                "Utbildning om civilt försvar och totalförsvar.",
                (Item("Delta i utbildning om civilt försvar"),),
            ),
            Phase(
                "Kartläggning av samhällsviktig verksamhet och beroenden",
                EACH,
                90,
                "Beroenden av el, vatten, IT, drivmedel, livsmedel och personal.",
                (Item("Kartlägg verksamhetens kritiska beroenden"),),
            ),
            Phase(
                "Krigsorganisation och säkerhetsskydd",
                EACH,
                120,
                "Läget för krigsorganisation och om säkerhetsskyddsanalys är gjord.",
                (
                    Item(
                        "Läge för krigsorganisation och säkerhetsskyddsanalys",
                        K.READINESS_STATUS,
                        "Ange bara läget. Inga personuppgifter och inget innehåll ur "
                        "säkerhetsskyddsanalysen.",
                    ),
                ),
            ),
            Phase(
                "Kontinuitetsplanering",
                EACH,
                180,
                "Planer för att upprätthålla verksamheten.",
                (Item("Bekräfta att kontinuitetsplan finns eller pågår"),),
            ),
            Phase(
                "Övning och lärande",
                EACH,
                270,
                "Övningar och erfarenheter.",
                (Item("Delta i övning och återkoppla erfarenheter"),),
            ),
            Phase("Rapport till kommunstyrelsen", KLF, 330, "Kommunen rapporterar läget."),
        ),
    ),
    Template(
        Process.RIKTLINJER,
        "Riktlinjer för trygghets- och säkerhetsarbetet",
        "Remiss av riktlinjerna: synpunkter per avsnitt och ett formellt yttrande per "
        "organisation, sammanställning med kommunens svar, antagande och genomförande.",
        (
            Phase("Utkast", KLF, 14, "Kommunen tar fram ett utkast."),
            Phase(
                "Remiss",
                EACH,
                45,
                "Synpunkter per avsnitt och ett yttrande per organisation.",
                (Item("Lämna yttrande över riktlinjerna"),),
            ),
            Phase("Sammanställning", KLF, 75, "Kommunen svarar på varje synpunkt."),
            Phase("Antagande", "Kommunstyrelsen", 105, "Riktlinjerna antas."),
            Phase(
                "Genomförande",
                EACH,
                200,
                "Åtgärder genomförs.",
                (Item("Genomför åtgärderna som gäller organisationen"),),
            ),
            Phase("Uppföljning", KLF, 365, "Kommunen följer upp arbetet."),
        ),
    ),
    Template(
        Process.RSA,
        "Risk- och sårbarhetsanalys (RSA)",
        "Kommunens risk- och sårbarhetsanalys omfattar det geografiska områdesansvaret, "
        "kommunens organisation och de kommunala bolagen och förbunden. Den vilar på "
        "kartläggningen av samhällsviktig verksamhet i registret, som också är grunden för "
        "nödvattenplaneringen och styrel.",
        (
            Phase("Uppdrag och planering", KLF, 14, "Kommunen beskriver uppdrag och tidplan."),
            Phase(
                "Kartläggning av samhällsviktig verksamhet",
                EACH,
                45,
                "Varje organisation ser över sina verksamheter i registret.",
                (Item("Se över organisationens verksamheter i registret"),),
            ),
            Phase(
                "Risk- och sårbarhetsbedömning",
                EACH,
                90,
                "Risker, sårbarheter, beroenden och förmåga per organisation och verksamhet.",
                (
                    Item(
                        "Frågor om risker, sårbarheter och förmåga",
                        K.QUESTIONNAIRE,
                        "Frågorna om verksamheterna ställs en gång per verksamhet i registret. "
                        "Omfattas svaren av sekretess: välj märkningen konfidentiellt – endast "
                        "metadata och lämna dem på annat sätt.",
                        RSA_QUESTIONS,
                    ),
                ),
            ),
            Phase(
                "Sammanställning och förmågebedömning",
                KLF,
                135,
                "Kommunen sammanställer analysen och bedömer förmågan.",
            ),
            Phase(
                "Åtgärder och uppföljning",
                EACH,
                240,
                "Åtgärder genomförs och utvärderingar av inträffade händelser tas till vara.",
                (Item("Redovisa genomförda åtgärder"),),
            ),
            Phase("Rapport", KLF, 300, "Kommunen rapporterar analysen enligt överenskommelsen."),
        ),
    ),
)


async def install_standard_templates(db: AsyncSession) -> int:
    """Write version 1 of each standard template whose process has none yet; returns how
    many were written. Side effects: template, phase and item rows. Commits.

    Three INSERTs whatever the number of templates (each returning its new ids in the order
    given), not a flush per row: every new database and the test suite's every room run this."""
    existing = set(await db.scalars(sa.select(col(ProcessTemplate.process)).distinct()))
    missing = [template for template in STANDARD if template.process not in existing]
    if missing:
        template_ids = await _insert(
            db,
            ProcessTemplate,
            [
                ProcessTemplate(
                    process=t.process, version=1, name=t.name, description=t.description
                )
                for t in missing
            ],
        )
        phases = [
            (
                phase,
                TemplatePhase(
                    template_id=template_id,
                    position=position,
                    title=phase.title,
                    description=phase.description,
                    responsible=phase.responsible,
                    deadline_days=phase.deadline_days,
                ),
            )
            for template, template_id in zip(missing, template_ids, strict=True)
            for position, phase in enumerate(template.phases, start=1)
        ]
        phase_ids = await _insert(db, TemplatePhase, [row for _phase, row in phases])
        items = [
            TemplateItem(
                phase_id=phase_id,
                position=position,
                title=item.title,
                description=item.description,
                kind=item.kind,
                questions=list(item.questions) or None,
            )
            for (phase, _row), phase_id in zip(phases, phase_ids, strict=True)
            for position, item in enumerate(phase.items, start=1)
        ]
        if items:
            await _insert(db, TemplateItem, items)
    await db.commit()
    return len(missing)


async def _insert(
    db: AsyncSession, model: type[ProcessTemplate | TemplatePhase | TemplateItem], rows: list[Any]
) -> list[int]:
    """``rows`` (unsaved instances of ``model``, their defaults filled in) in one INSERT; their
    new ids, in the same order."""
    values = [row.model_dump(exclude={"id"}) for row in rows]
    statement = sa.insert(model).returning(col(model.id), sort_by_parameter_order=True)
    return list(await db.scalars(statement, values))
