"""Fixtures for the follow-up API: a follow-up reader, a token of theirs, bearer headers, and
organisations with evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from partner_portal.auth.models import PortalRole
from partner_portal.evidence.models import Evidence, EvidenceKind, Process
from partner_portal.followup import api_tokens
from partner_portal.organisations.models import OrganisationKind
from partner_portal.platform import clock
from tests.helpers import Persona, as_current, make_person
from tests.organisations.factories import make_organisation


@pytest.fixture
async def dora(db: AsyncSession) -> Persona:
    """Dora reads the follow-up for the board."""
    return await make_person(db, "Dora Dahlberg", roles=(PortalRole.FOLLOWUP_READER,))


async def issue_token(
    db: AsyncSession, coordinator: Persona, reader: Persona, name: str = "Rapportverktyget"
) -> str:
    issued = await api_tokens.issue(
        db, actor=as_current(coordinator, coordinator=True), person_id=reader.id, name=name
    )
    return issued.token


@pytest.fixture
async def token(db: AsyncSession, alice: Persona, dora: Persona) -> str:
    return await issue_token(db, alice, dora)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def this_year(query: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
    """The query with "{year}" in its values made this year (the cases are written before the
    test's clock starts)."""
    year = str(clock.today().year)
    return {
        name: value.replace("{year}", year)
        if isinstance(value, str)
        else [v.replace("{year}", year) for v in value]
        for name, value in query.items()
    }


async def add_evidence(
    db: AsyncSession,
    organisation_id: int,
    kind: EvidenceKind,
    process: Process | None,
    at: datetime,
    **details: Any,
) -> int:
    """One evidence row, at a chosen moment (the services always record "now")."""
    row = Evidence(
        kind=kind,
        organisation_id=organisation_id,
        process=process,
        occurred_at=at,
        link=f"/organisationer/{organisation_id}",
        details=details,
    )
    db.add(row)
    await db.commit()
    assert row.id is not None
    return row.id


@dataclass
class Landscape:
    """Organisations of several kinds with evidence this year: byggen took part in nödvatten
    (one late submission) and completed el/STYREL; stiftelsen declined; polisen was invited."""

    byggen: int
    stiftelsen: int
    samverkan: int
    polisen: int
    evidence: list[int]


@pytest.fixture
async def landscape(db: AsyncSession) -> Landscape:
    byggen = await make_organisation(db, "AB Botkyrkabyggen", OrganisationKind.KOMMUNALT_BOLAG)
    stiftelsen = await make_organisation(db, "Stiftelsen Hågelby", OrganisationKind.STIFTELSE)
    samverkan = await make_organisation(
        db, "Södertörns brandförsvarsförbund", OrganisationKind.SAMVERKANSORGAN
    )
    polisen = await make_organisation(db, "Polisen Botkyrka", OrganisationKind.POLIS)
    now = clock.now()
    K, P = EvidenceKind, Process
    facts: list[tuple[int, EvidenceKind, Process | None, dict[str, Any]]] = [
        (byggen, K.ROOM_INVITED, P.NODVATTEN, {}),
        (byggen, K.ROOM_ACCEPTED, P.NODVATTEN, {}),
        (byggen, K.ITEM_SUBMITTED, P.NODVATTEN, {"late": True}),
        (byggen, K.ITEM_SUBMITTED, P.NODVATTEN, {"late": False}),
        (byggen, K.ROOM_INVITED, P.EL_STYREL, {}),
        (byggen, K.ROOM_COMPLETED, P.EL_STYREL, {}),
        (stiftelsen, K.ROOM_INVITED, P.NODVATTEN, {}),
        (stiftelsen, K.ROOM_DECLINED, P.NODVATTEN, {"reason": "Inga egna lokaler"}),
        (polisen, K.ROOM_INVITED, P.HOJD_BEREDSKAP, {}),
        (byggen, K.INVITATION_ACCEPTED, None, {}),
    ]
    ids = [
        await add_evidence(db, org, kind, process, now - timedelta(seconds=len(facts) - i), **d)
        for i, (org, kind, process, d) in enumerate(facts)
    ]
    return Landscape(byggen, stiftelsen, samverkan, polisen, ids)
