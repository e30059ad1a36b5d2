"""The development default's mail catcher: a real SMTP server on loopback, read at /dev/mail."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from email.message import EmailMessage

import aiosmtplib
import httpx
import pytest

from partner_portal.app import create_app
from partner_portal.devtools.mailcatcher import MailCatcher
from partner_portal.platform.settings import Settings, replace
from tests.helpers import BASE_URL


@pytest.fixture
def catcher(unused_port: int) -> Iterator[MailCatcher]:
    mail_catcher = MailCatcher(port=unused_port)
    mail_catcher.start()
    yield mail_catcher
    mail_catcher.stop()


async def test_mail_sent_over_smtp_shows_at_dev_mail(
    settings: Settings, catcher: MailCatcher
) -> None:
    message = EmailMessage()
    message["From"] = "Partnerportalen <noreply@botkyrka.example>"
    message["To"] = "erik.oberg@botkyrkabyggen.example"
    message["Subject"] = "Inbjudan till Nödvattenplan 2026"
    message.set_content("Hej Erik! <b>Välkommen</b>.")
    await aiosmtplib.send(message, hostname="127.0.0.1", port=catcher.port)

    app = create_app(replace(settings, dev_tools=True), dev=catcher)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE_URL
    ) as client:
        page = (await client.get("/dev/mail")).text
    await app.state.portal.engine.dispose()

    assert "Inbjudan till Nödvattenplan 2026" in page
    assert "erik.oberg@botkyrkabyggen.example" in page
    assert "Hej Erik! &lt;b&gt;Välkommen&lt;/b&gt;." in page


async def test_there_is_no_dev_mail_outside_development(client: httpx.AsyncClient) -> None:
    assert (await client.get("/dev/mail")).status_code == 404


async def test_the_mail_catcher_does_not_log_each_smtp_command(
    catcher: MailCatcher, caplog: pytest.LogCaptureFixture
) -> None:
    message = EmailMessage()
    message["From"] = "noreply@botkyrka.example"
    message["To"] = "erik.oberg@botkyrkabyggen.example"
    message["Subject"] = "Test"
    message.set_content("Hej")
    with caplog.at_level(logging.INFO):
        await aiosmtplib.send(message, hostname="127.0.0.1", port=catcher.port)
    assert [r for r in caplog.records if r.name == "mail.log" and r.levelno < logging.WARNING] == []
    assert [m.subject for m in catcher.mails] == ["Test"]
