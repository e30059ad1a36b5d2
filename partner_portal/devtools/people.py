"""The demo people one can log in as under `partner-portal dev`."""

from __future__ import annotations

from dataclasses import dataclass

from partner_portal.auth.models import PortalRole


@dataclass(frozen=True, slots=True)
class DemoPerson:
    subject: str
    name: str
    email: str
    description: str
    role: PortalRole | None = None


DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(
        "anna.lindqvist",
        "Anna Lindqvist",
        "anna.lindqvist@botkyrka.example",
        "Samordnare på kommunledningsförvaltningen (KLF)",
        PortalRole.COORDINATOR,
    ),
    DemoPerson(
        "erik.oberg",
        "Erik Öberg",
        "erik.oberg@botkyrkabyggen.example",
        "Huvudkontakt för AB Botkyrkabyggen",
    ),
    DemoPerson(
        "omar.haddad",
        "Omar Haddad",
        "omar.haddad@botkyrkabyggen.example",
        "Representant för AB Botkyrkabyggen",
    ),
    DemoPerson(
        "sara.akesson",
        "Sara Åkesson",
        "sara.akesson@sbff.example",
        "Huvudkontakt och ersättare, Södertörns brandförsvarsförbund",
    ),
    DemoPerson(
        "johan.arlig",
        "Johan Ärlig",
        "johan.arlig@frg-botkyrka.example",
        "FRG-ledare och huvudkontakt för FRG Botkyrka",
    ),
    DemoPerson(
        "maria.nilsson",
        "Maria Nilsson",
        "maria.nilsson@botkyrka.example",
        "Läsare för uppföljning, kommunstyrelsens förvaltning",
        PortalRole.FOLLOWUP_READER,
    ),
    DemoPerson(
        "lina.virtanen",
        "Lina Virtanen",
        "lina.virtanen@example.se",
        "FRG-medlem i FRG Botkyrka",
    ),
)
