"""Clicking through the foundation in Chromium, against `partner-portal dev`."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CheckedPage

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_logging_in_through_the_development_provider_lands_on_the_start_page(
    dev_portal: str, page: CheckedPage
) -> None:
    p = page.page
    p.goto(dev_portal + "/")
    expect(p.get_by_role("heading", level=1)).to_have_text("Välkommen till Partnerportalen")
    page.assert_accessible()

    p.get_by_role("main").get_by_role("link", name="Logga in").click()
    expect(p).to_have_url(re.compile(r"/oauth2/authorize"))
    p.get_by_role("button", name=re.compile("Anna Lindqvist")).click()

    expect(p).to_have_url(dev_portal + "/")
    expect(p.get_by_role("heading", level=1)).to_have_text("Välkommen, Anna Lindqvist")
    expect(p.get_by_text("Samordnare", exact=True)).to_be_visible()
    page.assert_accessible()

    p.get_by_role("contentinfo").get_by_role("link", name="Tillgänglighetsredogörelse").click()
    expect(p.get_by_role("heading", level=1)).to_have_text(
        "Tillgänglighetsredogörelse för Partnerportalen"
    )
    page.assert_accessible()

    p.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="E-post (utveckling)"
    ).click()
    expect(p.get_by_role("heading", level=1)).to_have_text("E-post som portalen har skickat")
    page.assert_accessible()

    p.goto(dev_portal + "/finns-inte")
    expect(p.get_by_role("heading", level=1)).to_have_text("Sidan finns inte")
    page.assert_accessible()

    p.get_by_role("link", name="English").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(p.locator("html")).to_have_attribute("lang", "en")
    page.assert_accessible()
    p.get_by_role("link", name="Svenska").click()

    p.get_by_role("button", name="Logga ut").click()
    p.get_by_role("button", name="Logga ut").click()  # confirm at the provider
    expect(p).to_have_url(re.compile(re.escape(dev_portal) + r"/(\?state=.*)?$"))
    expect(p.get_by_role("heading", level=1)).to_have_text("Välkommen till Partnerportalen")
    page.assert_accessible()


def test_the_skip_link_is_the_first_stop_and_leads_to_the_main_content(
    dev_portal: str, page: CheckedPage
) -> None:
    p = page.page
    p.goto(dev_portal + "/tillganglighet")

    p.keyboard.press("Tab")
    expect(p.locator(":focus")).to_have_text("Hoppa till huvudinnehållet")
    p.keyboard.press("Enter")

    expect(p.locator(":focus")).to_have_attribute("id", "main")
    page.assert_accessible()


def test_pages_work_without_javascript(dev_portal: str, browser: object) -> None:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    context = browser.new_context(java_script_enabled=False)
    p = context.new_page()
    p.goto(dev_portal + "/")
    p.get_by_role("main").get_by_role("link", name="Logga in").click()
    p.get_by_role("button", name=re.compile("Erik Öberg")).click()

    expect(p.get_by_role("heading", level=1)).to_have_text("Välkommen, Erik Öberg")
    p.get_by_role("button", name="Logga ut").click()
    expect(p.get_by_role("button", name="Logga ut")).to_be_visible()  # provider confirmation
    context.close()
