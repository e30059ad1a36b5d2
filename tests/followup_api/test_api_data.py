"""What the API says: the same follow-up as the board's pages, evidence page by page, and a clear
400 for anything it cannot read."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partner_portal.evidence.models import EvidenceKind, Process
from partner_portal.followup import service
from partner_portal.organisations.models import Organisation, OrganisationKind
from partner_portal.platform import clock
from tests.followup_api.conftest import Landscape, add_evidence, bearer, this_year


def around_today() -> dict[str, str]:
    today = clock.today()
    return {"from": (today - timedelta(days=30)).isoformat(), "to": today.isoformat()}


async def get(client: httpx.AsyncClient, token: str, path: str, **query: Any) -> Any:
    response = await client.get(f"/api/v1/{path}", params=query, headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_matrix_agrees_with_the_follow_up_service(
    client: httpx.AsyncClient, db: AsyncSession, token: str, landscape: Landscape
) -> None:
    period = around_today()
    chosen = service.choose(
        date.fromisoformat(period["from"]),
        date.fromisoformat(period["to"]),
        None,
        today=clock.today(),
    )
    expected = await service.matrix(db, chosen)

    found = await get(client, token, "matrix", **period)

    assert found["period"] == {**period, "timezone": "Europe/Stockholm"}
    assert found["kinds"] == [k.value for k in service.DEFAULT_KINDS]
    assert found["processes"] == [p.value for p in service.PROCESSES]
    assert [o["id"] for o in found["organisations"]] == [o.id for o in expected.organisations]
    for row in found["organisations"]:
        for process in service.PROCESSES:
            cell, want = row["cells"][process.value], expected.cell(row["id"], process)
            assert cell["level"] == want.level.value
            assert cell["counts"] == {
                "active": want.facts.active,
                "contributed": want.facts.contributed,
                "completed": want.facts.completed,
                "late": want.facts.late,
                "evidence": want.facts.evidence,
            }
    for process in service.PROCESSES:
        totals = found["totals"][process.value]
        assert totals["invited"] == expected.invited(process)
        assert totals["took_part"] == expected.took_part(process)
        assert totals["absent"] == [o.id for o in expected.absent(process)]
        assert sum(totals["levels"].values()) == len(expected.organisations)


async def test_the_matrix_says_what_each_organisation_did(
    client: httpx.AsyncClient, token: str, landscape: Landscape
) -> None:
    found = await get(client, token, "matrix", **around_today())

    rows = {o["id"]: o for o in found["organisations"]}
    assert set(rows) == {landscape.byggen, landscape.stiftelsen, landscape.samverkan}
    byggen = rows[landscape.byggen]
    assert byggen["name"] == "AB Botkyrkabyggen"
    assert byggen["kind"] == "kommunalt_bolag"
    water = byggen["cells"]["nodvatten"]
    assert water["level"] == "contributed"
    assert water["counts"] == {
        "active": 0,
        "contributed": 2,
        "completed": 0,
        "late": 1,
        "evidence": 4,
    }
    assert water["invited_at"].endswith(("+01:00", "+02:00"))  # Swedish time, with its offset
    assert water["withdrew"] is False
    assert byggen["cells"]["el_styrel"]["level"] == "completed"
    assert rows[landscape.stiftelsen]["cells"]["nodvatten"]["level"] == "declined"
    assert rows[landscape.samverkan]["cells"]["nodvatten"]["level"] == "not_invited"
    water_totals = found["totals"]["nodvatten"]
    assert (water_totals["organisations"], water_totals["invited"]) == (3, 2)
    assert water_totals["took_part"] == 1
    assert water_totals["absent"] == [landscape.stiftelsen]
    assert water_totals["levels"]["not_invited"] == 1


async def test_kinds_choose_the_organisations(
    client: httpx.AsyncClient, token: str, landscape: Landscape
) -> None:
    police = await get(client, token, "matrix", kind="polis", **around_today())
    everyone = await get(client, token, "matrix", all_kinds="true", kind="polis", **around_today())
    two = await get(
        client, token, "organisations", kind=["polis", "stiftelse", "polis"], **around_today()
    )

    assert [o["id"] for o in police["organisations"]] == [landscape.polisen]
    assert police["organisations"][0]["cells"]["hojd_beredskap"]["level"] == "invited"
    assert everyone["kinds"] is None
    assert len(everyone["organisations"]) == 4
    assert two["kinds"] == ["polis", "stiftelse"]
    assert {o["id"] for o in two["organisations"]} == {landscape.polisen, landscape.stiftelsen}


async def test_evidence_outside_the_period_does_not_count(
    client: httpx.AsyncClient, db: AsyncSession, token: str, landscape: Landscape
) -> None:
    await add_evidence(
        db,
        landscape.samverkan,
        EvidenceKind.ROOM_COMPLETED,
        Process.NODVATTEN,
        clock.now() - timedelta(days=60),
    )

    found = await get(client, token, "matrix", **around_today())

    row = next(o for o in found["organisations"] if o["id"] == landscape.samverkan)
    assert row["cells"]["nodvatten"]["level"] == "not_invited"


async def test_dates_in_either_order_give_the_same_period(
    client: httpx.AsyncClient, token: str
) -> None:
    earlier, later = clock.today() - timedelta(days=364), clock.today()

    found = await get(
        client, token, "organisations", **{"from": later.isoformat(), "to": earlier.isoformat()}
    )

    assert found["period"]["from"] == earlier.isoformat()
    assert found["period"]["to"] == later.isoformat()


async def test_a_deactivated_organisation_says_when(
    client: httpx.AsyncClient, db: AsyncSession, token: str, landscape: Landscape
) -> None:
    await db.execute(
        sa.update(Organisation)
        .where(col(Organisation.id) == landscape.byggen)
        .values(is_active=False, deactivated_at=clock.now())
    )
    await db.commit()

    found = await get(client, token, "organisations", **around_today())

    byggen = next(o for o in found["organisations"] if o["id"] == landscape.byggen)
    assert byggen["is_active"] is False
    assert byggen["deactivated_at"].endswith(("+01:00", "+02:00"))


async def test_evidence_comes_page_by_page(
    client: httpx.AsyncClient, token: str, landscape: Landscape
) -> None:
    seen: list[int] = []
    pages: list[int] = []
    after: int | None = 0
    while after is not None:
        page = await get(client, token, "evidence", limit="3", after=str(after), **around_today())
        pages.append(len(page["items"]))
        seen += [item["id"] for item in page["items"]]
        after = page["next_after"]

    assert pages == [3, 3, 3, 1]
    assert seen == sorted(landscape.evidence)


async def test_the_last_full_page_says_there_is_no_next(
    client: httpx.AsyncClient, token: str, landscape: Landscape
) -> None:
    first = await get(client, token, "evidence", limit="5", **around_today())
    second = await get(
        client, token, "evidence", limit="5", after=str(first["next_after"]), **around_today()
    )

    assert first["next_after"] == landscape.evidence[4]
    assert [i["id"] for i in second["items"]] == landscape.evidence[5:]
    assert second["next_after"] is None


async def test_evidence_by_organisation_and_process(
    client: httpx.AsyncClient, token: str, landscape: Landscape
) -> None:
    declined = await get(
        client,
        token,
        "evidence",
        organisation=str(landscape.stiftelsen),
        process="nodvatten",
        **around_today(),
    )
    submitted = await get(
        client, token, "evidence", organisation=str(landscape.byggen), **around_today()
    )

    assert [i["kind"] for i in declined["items"]] == ["room_invited", "room_declined"]
    item = declined["items"][1]
    assert item["reason"] == "Inga egna lokaler"
    assert item["organisation_name"] == "Stiftelsen Hågelby"
    assert item["url"] == f"http://127.0.0.1:8000/organisationer/{landscape.stiftelsen}"
    assert item["occurred_at"].endswith(("+01:00", "+02:00"))
    lates = [i["late"] for i in submitted["items"] if i["kind"] == "item_submitted"]
    assert lates == [True, False]
    assert None in [i["process"] for i in submitted["items"]]  # the portal's own evidence


@pytest.mark.parametrize(
    ("path", "query", "parameter", "words"),
    [
        ("matrix", {"from": "{year}-13-01"}, "from", "ska vara ett datum"),
        ("matrix", {"from": "20260101"}, "from", "ÅÅÅÅ-MM-DD"),
        ("matrix", {"from": "1899-12-31"}, "from", "mellan 1900 och 2099"),
        ("organisations", {"to": "i dag"}, "to", "ska vara ett datum"),
        ("matrix", {"kind": "bank"}, "kind", "kan vara: kommunalt_bolag"),
        ("matrix", {"all_kinds": "ja"}, "all_kinds", "true eller false"),
        ("evidence", {"limit": "0"}, "limit", "heltal från 1 till 1000"),
        ("evidence", {"limit": "1001"}, "limit", "heltal från 1 till 1000"),
        ("evidence", {"limit": "tio"}, "limit", "heltal"),
        ("evidence", {"after": "-5"}, "after", "heltal från 0"),
        ("evidence", {"organisation": "0"}, "organisation", "heltal från 1"),
        ("evidence", {"organisation": "99999999999"}, "organisation", "heltal från 1"),
        ("evidence", {"process": "vatten"}, "process", "kan vara: nodvatten"),
        ("matrix", {"fran": "{year}-01-01"}, "fran", "Okänd parameter"),
        ("evidence", {"kind": "polis"}, "kind", "Okänd parameter"),
        ("matrix", {"from": ["{year}-01-01", "{year}-02-01"]}, "from", "bara anges en gång"),
    ],
)
async def test_a_parameter_that_cannot_be_read_is_400_in_swedish(
    client: httpx.AsyncClient,
    token: str,
    path: str,
    query: dict[str, str | list[str]],
    parameter: str,
    words: str,
) -> None:
    response = await client.get(f"/api/v1/{path}", params=this_year(query), headers=bearer(token))

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_parameter"
    assert body["parameter"] == parameter
    assert parameter in body["message"]
    assert words in body["message"]
    assert response.headers["cache-control"] == "no-store"


async def test_every_organisation_kind_is_accepted(client: httpx.AsyncClient, token: str) -> None:
    found = await get(client, token, "matrix", kind=[k.value for k in OrganisationKind])

    assert found["kinds"] == [k.value for k in OrganisationKind]
