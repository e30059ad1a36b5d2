"""A consultation clicked through in Chromium against `partner-portal dev`: the coordinator
opens a guidelines room, AB Botkyrkabyggen joins and comments on the published plan, the
coordinator sends the version on remiss, the partner submits "inga synpunkter" in one click,
and the coordinator answers the statement and the comment in the compilation.

The plan, its version and the comment are written straight into the dev database: plans are
edited through their own pages (the plans work), this flow is about the consultation."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import CheckedPage

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def log_in_as(p: Page, portal: str, name: str) -> None:
    p.goto(portal + "/auth/login")
    p.get_by_role("button", name=re.compile(name)).click()
    expect(p.get_by_role("heading", level=1)).to_contain_text("Välkommen")


def log_out(p: Page) -> None:
    p.get_by_role("button", name="Logga ut").click()
    p.get_by_role("button", name="Logga ut").click()


def dev_database(tmp_path_factory: pytest.TempPathFactory, portal: str) -> Path:
    """The SQLite file of the dev portal listening on this port."""
    port = str(urlsplit(portal).port)
    for log in tmp_path_factory.getbasetemp().glob("dev-data*/dev.log"):
        if f":{port}" in log.read_text():
            return log.parent / "portal.db"
    raise AssertionError(f"no dev portal on port {port}")


def publish_plan_with_comment(database: Path, room_id: int, commenter: str) -> None:
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    with sqlite3.connect(database) as connection:
        person_id, organisation_id = connection.execute(
            "SELECT person.id, membership.organisation_id FROM person "
            "JOIN membership ON membership.person_id = person.id WHERE person.name = ?",
            (commenter,),
        ).fetchone()
        plan_id = connection.execute(
            "INSERT INTO plan (room_id, title, latest_version, created_at, draft_updated_at) "
            "VALUES (?, 'Riktlinjer för trygghet', 1, ?, ?)",
            (room_id, now, now),
        ).lastrowid
        section_id = connection.execute(
            "INSERT INTO plan_section (plan_id, key, position, heading, body, in_draft, "
            "changed_in_version) VALUES (?, 'syfte', 1, 'Syfte', 'Riktlinjernas syfte.', 1, 1)",
            (plan_id,),
        ).lastrowid
        version_id = connection.execute(
            "INSERT INTO plan_version (plan_id, number, title, note, published_at) "
            "VALUES (?, 1, 'Riktlinjer för trygghet', '', ?)",
            (plan_id, now),
        ).lastrowid
        connection.execute(
            "INSERT INTO plan_version_section (version_id, section_id, position, heading, body, "
            "changed) VALUES (?, ?, 1, 'Syfte', 'Riktlinjernas syfte.', 1)",
            (version_id, section_id),
        )
        connection.execute(
            "INSERT INTO plan_comment (plan_id, section_id, version_number, author_id, "
            "organisation_id, body, created_at) VALUES (?, ?, 1, ?, ?, ?, ?)",
            (plan_id, section_id, person_id, organisation_id, "Nämn bostadsbolagens roll.", now),
        )


def test_a_partner_submits_inga_synpunkter_and_the_coordinator_answers(
    dev_portal: str, page: CheckedPage, tmp_path_factory: pytest.TempPathFactory
) -> None:
    p = page.page
    log_in_as(p, dev_portal, "Anna Lindqvist")
    p.goto(dev_portal + "/rum/ny")
    p.get_by_label("Mall").select_option(
        label="Riktlinjer för trygghets- och säkerhetsarbetet (version 1)"
    )
    p.get_by_label("Namn").fill("Riktlinjer 2026")
    p.get_by_label("Startdatum").fill("2026-01-12")
    p.get_by_label("Slutdatum").fill("2026-12-18")
    p.get_by_role("button", name="Öppna rummet").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("Riktlinjer 2026")
    p.locator("label", has_text="AB Botkyrkabyggen").click()
    p.get_by_role("button", name="Bjud in valda organisationer").click()
    room_url = p.url.split("#")[0]
    room_id = int(room_url.rstrip("/").rsplit("/", 1)[1])
    log_out(p)

    log_in_as(p, dev_portal, "Erik Öberg")
    p.goto(room_url)
    p.get_by_role("button", name="Skicka svaret").click()
    expect(p.get_by_text(re.compile(r"^AB Botkyrkabyggen – Deltar"))).to_be_visible()
    log_out(p)
    publish_plan_with_comment(dev_database(tmp_path_factory, dev_portal), room_id, "Erik Öberg")

    log_in_as(p, dev_portal, "Anna Lindqvist")
    p.goto(room_url)
    p.get_by_role("link", name="Remisser").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("Remisser i Riktlinjer 2026")
    page.assert_accessible()
    p.get_by_label("Sista dag för yttranden").fill("2099-06-30")
    p.get_by_role("button", name="Skicka på remiss").click()
    expect(p.get_by_role("heading", level=1)).to_have_text(
        "Remiss: Riktlinjer för trygghet, version 1"
    )
    page.assert_accessible()
    consultation_url = p.url
    log_out(p)

    log_in_as(p, dev_portal, "Erik Öberg")
    p.goto(consultation_url)
    page.assert_accessible()
    p.get_by_role("button", name="Inga synpunkter – lämna yttrandet").click()
    expect(p.locator("#meddelanden")).to_contain_text("Yttrandet är lämnat.")
    expect(p.locator("main")).to_contain_text("Undertecknat av Erik Öberg, AB Botkyrkabyggen")
    page.assert_accessible()
    log_out(p)

    log_in_as(p, dev_portal, "Anna Lindqvist")
    p.goto(consultation_url)
    p.get_by_role("link", name="Sammanställning och kommunens svar").click()
    expect(p.get_by_role("heading", level=1)).to_have_text(
        "Sammanställning: Riktlinjer för trygghet, version 1"
    )
    page.assert_accessible()
    statement = p.locator("article", has_text="Inga synpunkter")
    # FKUI hides the radio input itself: click its label, as a person does.
    statement.locator("label", has_text=re.compile(r"^Tillgodosedd$")).click()
    statement.get_by_role("button", name="Spara svaret").click()
    expect(p.locator("#meddelanden")).to_contain_text("Kommunens svar är sparat.")
    comment = p.locator("article", has_text="Nämn bostadsbolagens roll.")
    comment.locator("label", has_text="Delvis tillgodosedd").click()
    comment.get_by_label("Skäl").fill("Bolagens roll beskrivs i bilagan.")
    comment.get_by_role("button", name="Spara svaret").click()
    expect(p.locator("#meddelanden")).to_contain_text("Kommunens svar är sparat.")
    expect(p.locator("article", has_text="Nämn bostadsbolagens roll.")).to_contain_text(
        "Bolagens roll beskrivs i bilagan."
    )
    expect(
        p.locator("article", has_text="Inga synpunkter").locator(".portal-response")
    ).to_contain_text("Tillgodosedd")
    page.assert_accessible()
