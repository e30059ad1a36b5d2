"""A real SMTP server on loopback for tests (aiosmtpd) that can go down and come back.

    with running_smtp() as smtp:
        settings = replace(settings, smtp_host=smtp.host, smtp_port=smtp.port)
        ...                                   # enqueue and deliver
        [mail] = await smtp.wait_for(1)
        assert mail.recipients == ("erik@example.se",) and mail.subject == "…"

``smtp.stop()`` closes the port, so connections are refused ("SMTP is down");
``smtp.start()`` listens on the same port again. Addresses in ``smtp.refuse`` are refused
with 550 at RCPT, as a server does for a mailbox that does not exist.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class ReceivedMail:
    """One message as the server received it: envelope and parsed content."""

    mail_from: str
    recipients: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return _part(self.message, "plain")

    @property
    def html(self) -> str:
        return _part(self.message, "html")


def _part(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part"
    return str(part.get_content())


class SmtpServer:
    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.received: list[ReceivedMail] = []  # appended to from the server's thread
        self.refuse: set[str] = set()
        self._controller: Controller | None = None
        self._arrival = threading.Condition()

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        # A stopped Controller has closed its event loop: each start needs a new one.
        controller = Controller(
            _Handler(self), hostname=self.host, port=self.port, server_hostname="smtp.test"
        )
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    async def wait_for(self, count: int, seconds: float = 5.0) -> list[ReceivedMail]:
        """Wait until at least ``count`` messages have arrived; return all of them.

        Raises ``TimeoutError`` when fewer arrive within ``seconds``."""

        def arrived() -> bool:
            with self._arrival:
                return self._arrival.wait_for(lambda: len(self.received) >= count, seconds)

        if not await asyncio.to_thread(arrived):
            raise TimeoutError(f"{len(self.received)} of {count} messages within {seconds} s")
        return list(self.received)

    def _receive(self, mail: ReceivedMail) -> None:
        with self._arrival:
            self.received.append(mail)
            self._arrival.notify_all()


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address.lower() in {a.lower() for a in self.server.refuse}:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.server._receive(ReceivedMail(envelope.mail_from, tuple(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now (bound, then released)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_smtp(port: int = 0, host: str = "127.0.0.1") -> Iterator[SmtpServer]:
    """Run an SMTP server on ``host`` (on a free port unless ``port`` is given) until the end
    of the ``with`` block."""
    server = SmtpServer(host, port or free_port(host))
    server.start()
    try:
        yield server
    finally:
        server.stop()
