"""A local SMTP server that keeps what it receives in memory, for /dev/mail."""

from __future__ import annotations

import email
import email.policy
import logging
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from partner_portal.platform import clock


@dataclass(frozen=True, slots=True)
class CaughtMail:
    received_at: datetime
    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message.get("Subject", ""))

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return str(part.get_content()) if part is not None else ""


class _Handler:
    def __init__(self, mails: deque[CaughtMail]) -> None:
        self.mails = mails

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.mails.appendleft(
            CaughtMail(clock.now(), envelope.mail_from, tuple(envelope.rcpt_tos), message)
        )
        return "250 Message accepted for delivery"


class MailCatcher:
    def __init__(self, host: str = "127.0.0.1", port: int = 8025, keep: int = 200) -> None:
        self.mails: deque[CaughtMail] = deque(maxlen=keep)
        self._controller = Controller(_Handler(self.mails), hostname=host, port=port)
        self.host = host
        self.port = port

    def start(self) -> None:
        # aiosmtpd logs every SMTP command at INFO ("mail.log"): dozens of lines per message,
        # which buried `partner-portal dev`'s banner. Its warnings and errors still show.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()
