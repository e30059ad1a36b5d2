"""The board's follow-up in Chromium against `partner-portal dev` (whose demo data has a
drinking-water room where AB Botkyrkabyggen said yes): a follow-up reader opens the report,
drills into a cell and downloads the matrix as XLSX."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import CheckedPage

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_follow_up_reader_reads_drills_down_and_downloads(
    dev_portal: str, page: CheckedPage
) -> None:
    p = page.page
    p.goto(dev_portal + "/auth/login")
    p.get_by_role("button", name=re.compile("Maria Nilsson")).click()
    p.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Uppföljning").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("Uppföljning av deltagandet")
    page.assert_accessible()

    p.get_by_role("link", name="Rapport till kommunstyrelsen").click()
    expect(p.get_by_role("heading", level=1)).to_have_text(
        "Uppföljning av samverkan med externa parter"
    )
    expect(p.locator("#punkt-4-2-a + p")).to_contain_text("1 av")
    page.assert_accessible()

    p.get_by_role(
        "link", name=re.compile("Tackade ja – AB Botkyrkabyggen, Nödvatten")
    ).first.click()
    expect(p.get_by_role("heading", level=1)).to_have_text("AB Botkyrkabyggen: Nödvatten")
    expect(p.get_by_role("row", name=re.compile("tackade ja till att delta"))).to_be_visible()
    page.assert_accessible()

    p.get_by_role("link", name="Uppföljning", exact=True).first.click()
    with p.expect_download() as download:
        p.get_by_role("link", name="Excel (XLSX)").first.click()
    path = download.value.path()
    sheet = load_workbook(io.BytesIO(Path(path).read_bytes())).active
    assert sheet is not None
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Organisation"
    assert rows[1][:4] == ["AB Botkyrkabyggen", "Kommunalt bolag", "Aktiv", "Tackade ja"]
