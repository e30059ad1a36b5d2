"""Failed mail in Chromium, as the coordinator: the list (axe at 1280, 375 and 320 px), the
register's "Utskick misslyckas" mark that leads to it, and a retry without JavaScript that the
worker then delivers to the development mail catcher. (The demo's mail is all delivered, so the
failures are written to its database as the outbox records them.)"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC

import httpx
import pytest
from playwright.sync_api import Browser, expect

from partner_portal.platform import clock
from tests.e2e.world import (
    BYGGEN,
    DESKTOP,
    PHONE,
    ZOOMED,
    People,
    World,
    overflow,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SUBJECT = "Remiss till AB Botkyrkabyggen: Riktlinjer – svara senast 15 januari"
REASON = "SMTP 550: 5.1.1 Mailbox unavailable"


@pytest.fixture(scope="module")
def people(browser: Browser, dev_portal: str) -> Iterator[People]:
    everyone = People(browser, dev_portal)
    yield everyone
    everyone.close()
    assert everyone.console_errors() == []


def record_failures(w: World, address: str, count: int) -> None:
    """``count`` failed messages to ``address``, as the outbox leaves them after its last try."""
    moment = clock.now().astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    with closing(sqlite3.connect(w.database)) as db, db:
        for n in range(count):
            db.execute(
                "INSERT INTO outbox_message (to_address, subject, body_text, body_html,"
                " created_at, status, attempts, next_attempt_at, last_error)"
                " VALUES (?, ?, ?, ?, ?, 'failed', 8, ?, ?)",
                (address, f"{SUBJECT} ({n + 1})", "x", "<p>x</p>", moment, moment, REASON),
            )


def test_the_coordinator_sees_failed_mail_and_sends_it_again(
    people: People, dev_portal: str
) -> None:
    w = World.of(dev_portal)
    with closing(sqlite3.connect(w.database)) as db, db:
        [(person_id, address)] = db.execute(
            "SELECT id, email FROM person WHERE name = 'Erik Öberg'"
        ).fetchall()
        # Nothing else goes to him while the test runs: a digest or reminder delivered after the
        # failures (the weekly digest is due on Mondays from 07:00, at the time of day the suite
        # runs) would rightly end the mark the test looks for.
        db.execute(
            "INSERT INTO mail_preference (person_id, digest_frequency, reminders, updated_at)"
            " VALUES (?, 'none', 0, ?)",
            (person_id, clock.now().astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")),
        )
    record_failures(w, address, 2)
    checked = people["coordinator"]
    p = checked.page

    p.goto(dev_portal + "/organisationer")
    row = p.get_by_role("row").filter(has=p.get_by_role("link", name=BYGGEN, exact=True))
    expect(row.get_by_role("link", name="Utskick misslyckas")).to_be_visible()
    checked.assert_accessible()  # the mark among the register's other marks
    row.get_by_role("link", name="Utskick misslyckas").click()

    expect(p.get_by_role("heading", level=1)).to_have_text("Misslyckade utskick")
    first = p.get_by_role("row").filter(has_text=f"{SUBJECT} (1)")
    expect(first).to_contain_text(address)
    expect(first).to_contain_text(REASON)
    for size in (DESKTOP, PHONE, ZOOMED):
        p.set_viewport_size(size)
        assert overflow(p) == [], f"at {size['width']} px:\n" + "\n".join(overflow(p))
        checked.assert_accessible()
    p.set_viewport_size(DESKTOP)

    first.get_by_role("button", name="Försök igen").click()

    expect(p.locator("#meddelanden")).to_have_text("Meddelandet skickas igen inom någon minut.")
    expect(p.get_by_role("row").filter(has_text=f"{SUBJECT} (1)")).to_have_count(0)
    expect(p.get_by_role("row").filter(has_text=f"{SUBJECT} (2)")).to_have_count(1)
    checked.assert_accessible()
    caught = ""
    for _ in range(80):  # the worker delivers the outbox every two seconds
        caught = httpx.get(dev_portal + "/dev/mail", timeout=5).text
        if f"{SUBJECT} (1)" in caught:
            break
        p.wait_for_timeout(250)
    assert f"{SUBJECT} (1)" in caught, "the retried mail never reached the catcher"
