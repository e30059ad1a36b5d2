"""In Chromium against `partner-portal dev`: the coordinator issues a token to the follow-up
reader, a reporting tool reads the API with it, the coordinator revokes it. Every page passes axe
(WCAG 2.1 AA)."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CheckedPage

# The fixtures of the browser tests (re-exported here, so pytest finds them for this module).
from tests.e2e.conftest import browser as browser
from tests.e2e.conftest import dev_portal as dev_portal
from tests.e2e.conftest import page as page
from tests.e2e.test_room_browser import log_in_as
from tests.e2e.world import menu_link

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_token_from_issue_to_revocation(dev_portal: str, page: CheckedPage) -> None:
    p = page.page
    log_in_as(p, dev_portal, "Anna Lindqvist")
    menu_link(p, "API-nycklar").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("API-nycklar för uppföljningen")
    page.assert_accessible()
    p.get_by_role("button", name="Utfärda nyckel").click()  # nothing chosen: told what to fix
    expect(p.get_by_role("alert")).to_contain_text("Välj en läsare för uppföljning.")
    page.assert_accessible()
    p.get_by_label("Läsare för uppföljning").select_option(
        label="Maria Nilsson (maria.nilsson@botkyrka.example)"
    )
    p.get_by_label("Namn på nyckeln").fill("Kommunens rapportverktyg")
    p.get_by_role("button", name="Utfärda nyckel").click()
    expect(p.get_by_role("heading", name="API-nyckeln är utfärdad")).to_be_visible()
    page.assert_accessible()
    token = p.get_by_label("API-nyckel", exact=True).input_value()
    assert re.fullmatch(r"pp_[A-Za-z0-9_-]{43}", token)
    assert token not in p.url

    api = f"{dev_portal}/api/v1/matrix"
    assert httpx.get(api, headers={"Authorization": f"Bearer {token}"}).status_code == 200

    menu_link(p, "API-nycklar").click()
    expect(p.get_by_role("rowheader", name="Kommunens rapportverktyg")).to_be_visible()
    p.get_by_role("button", name=re.compile("Återkalla – Kommunens rapportverktyg")).click()
    # Revoking asks first, on a page of its own.
    expect(p.get_by_role("heading", level=1)).to_contain_text("Återkalla API-nyckeln")
    page.assert_accessible()
    p.get_by_role("button", name="Ja, återkalla nyckeln").click()
    expect(p.get_by_text("Återkallad", exact=True)).to_be_visible()
    page.assert_accessible()
    assert httpx.get(api, headers={"Authorization": f"Bearer {token}"}).status_code == 401
