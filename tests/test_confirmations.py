"""Destructive actions ask first, on a page of their own that works without JavaScript: the
button's post answers with the question and changes nothing; only the confirmed post acts. And a
second room of the same template and name in the same period is a warning to confirm."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from starlette.applications import Starlette

from partner_portal.evidence.models import Process
from partner_portal.followup.api_tokens import ApiToken
from partner_portal.meetings.models import Meeting
from partner_portal.organisations.models import MembershipRole, Organisation
from partner_portal.platform import clock
from partner_portal.rooms.catalogue import install_standard_templates
from partner_portal.rooms.models import ProcessTemplate, Room
from tests.helpers import Persona, csrf_token, log_in, make_person
from tests.meetings.factories import schedule
from tests.organisations.factories import add_member, make_organisation
from tests.rooms.factories import open_room

CONFIRM_FORM = re.compile(
    r'<form method="post" action="([^"]+)" class="portal-form portal-confirm">'
)


async def post(
    client: httpx.AsyncClient, app: Starlette, path: str, data: dict[str, str] | None = None
) -> httpx.Response:
    return await client.post(
        path, data={**(data or {}), "csrf_token": await csrf_token(client, app)}
    )


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def assert_asks(response: httpx.Response, heading: str, button: str, action: str) -> None:
    """The confirmation page: the question as heading, the named button posting the same form
    again with the confirmation, and a way back."""
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.text
    [posts_to] = CONFIRM_FORM.findall(response.text)
    assert posts_to == action
    assert '<input type="hidden" name="bekraftat" value="ja">' in response.text
    assert f">{button}</button>" in response.text
    assert ">Avbryt</a>" in response.text


async def test_closing_a_room_asks_first_and_only_the_confirmed_post_closes_it(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    room_id = await open_room(db, alice, name="Styrel 2026")
    await log_in(client, app, alice)

    asked = await post(client, app, f"/rum/{room_id}/stang")

    assert_asks(asked, "Stäng rummet Styrel 2026?", "Ja, stäng rummet", f"/rum/{room_id}/stang")
    assert "Det går inte att ångra." in asked.text
    assert f'href="/rum/{room_id}"' in asked.text
    await db.rollback()
    room = await db.get(Room, room_id)
    assert room is not None
    assert room.is_closed is False

    closed = await post(client, app, f"/rum/{room_id}/stang", {"bekraftat": "ja"})

    assert closed.status_code == 303
    await db.rollback()
    await db.refresh(room)
    assert room.is_closed is True


async def test_deactivating_an_organisation_asks_first_and_says_who_loses_access(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    await add_member(db, bob, byggen, MembershipRole.ADMIN)
    await log_in(client, app, alice)
    path = f"/organisationer/{byggen}/aktiv"

    asked = await post(client, app, path, {"active": "0"})

    assert_asks(asked, "Inaktivera AB Botkyrkabyggen?", "Ja, inaktivera organisationen", path)
    assert "1 person företräder organisationen." in text_of(asked.text)
    assert '<input type="hidden" name="active" value="0">' in asked.text
    await db.rollback()
    organisation = await db.get(Organisation, byggen)
    assert organisation is not None
    assert organisation.is_active is True

    done = await post(client, app, path, {"active": "0", "bekraftat": "ja"})

    assert done.status_code == 303
    await db.rollback()
    await db.refresh(organisation)
    assert organisation.is_active is False
    # Reactivating takes nothing away: no question.
    assert (await post(client, app, path, {"active": "1"})).status_code == 303


async def test_cancelling_a_meeting_asks_first(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona, bob: Persona
) -> None:
    byggen = await make_organisation(db, "AB Botkyrkabyggen")
    await add_member(db, bob, byggen, MembershipRole.ADMIN)
    meeting_id = await schedule(db, app, alice, byggen, title="Samverkan nödvatten")
    await log_in(client, app, alice)
    path = f"/moten/{meeting_id}/stall-in"

    asked = await post(client, app, path)

    assert_asks(asked, "Ställ in mötet Samverkan nödvatten?", "Ja, ställ in mötet", path)
    assert "får ett e-postmeddelande om att mötet är inställt" in asked.text
    await db.rollback()
    meeting = await db.get(Meeting, meeting_id)
    assert meeting is not None
    assert meeting.cancelled_at is None

    assert (await post(client, app, path, {"bekraftat": "ja"})).status_code == 303
    await db.rollback()
    await db.refresh(meeting)
    assert meeting.cancelled_at is not None


async def test_revoking_an_api_token_asks_first(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    from partner_portal.auth.models import PortalRole
    from tests.followup_api.conftest import issue_token

    dora = await make_person(db, "Dora Dahlberg", roles=(PortalRole.FOLLOWUP_READER,))
    await issue_token(db, alice, dora, name="Rapportverktyget")
    token_id = await db.scalar(sa.select(col(ApiToken.id)))
    await log_in(client, app, alice)
    path = f"/uppfoljning/api-nycklar/{token_id}/aterkalla"

    asked = await post(client, app, path)

    assert_asks(asked, "Återkalla API-nyckeln Rapportverktyget?", "Ja, återkalla nyckeln", path)
    await db.rollback()
    assert await db.scalar(sa.select(col(ApiToken.revoked_at))) is None
    assert (await post(client, app, path, {"bekraftat": "ja"})).status_code == 303
    await db.rollback()
    assert await db.scalar(sa.select(col(ApiToken.revoked_at))) is not None


# --- a second room like one that runs --------------------------------------------------------


async def room_form(db: AsyncSession, name: str, days: int = 300) -> dict[str, str]:
    await install_standard_templates(db)
    template_id = await db.scalar(
        sa.select(col(ProcessTemplate.id)).where(
            col(ProcessTemplate.process) == Process.EL_STYREL,
            col(ProcessTemplate.is_current).is_(True),
        )
    )
    starts_on = clock.today() + timedelta(days=10)
    return {
        "template_id": str(template_id),
        "name": name,
        "starts_on": starts_on.isoformat(),
        "ends_on": (starts_on + timedelta(days=days)).isoformat(),
    }


async def rooms(db: AsyncSession) -> list[str]:
    await db.rollback()
    return list(await db.scalars(sa.select(col(Room.name)).order_by(col(Room.id))))


async def test_a_second_room_of_the_same_template_and_name_in_the_period_is_a_warning(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    first = await open_room(db, alice, Process.EL_STYREL, name="Styrel 2027")
    await log_in(client, app, alice)
    form = await room_form(db, " STYREL  2027 ")  # the same name, however typed

    warned = await post(client, app, "/rum/ny", form)

    assert warned.status_code == 200
    said = text_of(warned.text)
    assert "Det finns redan ett rum med samma mall och namn under perioden" in said
    assert f'<a href="/rum/{first}">Styrel 2027</a>' in warned.text
    assert 'value=" STYREL  2027 "' in warned.text  # the form keeps what was typed
    assert await rooms(db) == ["Styrel 2027"]
    button = re.search(r'name="bekraftat" value="([^"]+)">Öppna rummet ändå</button>', warned.text)
    assert button

    opened = await post(client, app, "/rum/ny", form | {"bekraftat": button.group(1)})

    assert opened.status_code == 303
    assert await rooms(db) == ["Styrel 2027", "STYREL 2027"]


async def test_a_confirmation_for_one_name_does_not_open_a_room_under_another_like_it(
    app: Starlette, client: httpx.AsyncClient, db: AsyncSession, alice: Persona
) -> None:
    await open_room(db, alice, Process.EL_STYREL, name="Styrel 2027")
    await open_room(db, alice, Process.EL_STYREL, name="Styrel 2028")
    await log_in(client, app, alice)
    form = await room_form(db, "Styrel 2027")
    warned = await post(client, app, "/rum/ny", form)
    button = re.search(r'name="bekraftat" value="([^"]+)"', warned.text)
    assert button

    again = await post(
        client, app, "/rum/ny", form | {"name": "Styrel 2028", "bekraftat": button.group(1)}
    )

    assert again.status_code == 200
    assert "Styrel 2028</a>" in again.text
    assert await rooms(db) == ["Styrel 2027", "Styrel 2028"]


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"name": "Styrel 2027 – Tumba"}, "another name"),
        ({"starts_on": "+400"}, "a later period"),
    ],
)
async def test_another_name_or_period_opens_without_a_question(
    app: Starlette,
    client: httpx.AsyncClient,
    db: AsyncSession,
    alice: Persona,
    change: dict[str, str],
    why: str,
) -> None:
    await open_room(
        db,
        alice,
        Process.EL_STYREL,
        name="Styrel 2027",
        ends_on=clock.today() + timedelta(days=340),
    )
    await log_in(client, app, alice)
    form = await room_form(db, "Styrel 2027")
    if change.get("starts_on") == "+400":
        starts_on = clock.today() + timedelta(days=400)
        change = {
            "starts_on": starts_on.isoformat(),
            "ends_on": (starts_on + timedelta(days=30)).isoformat(),
        }

    opened = await post(client, app, "/rum/ny", form | change)

    assert opened.status_code == 303, why
    assert len(await rooms(db)) == 2
