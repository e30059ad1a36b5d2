"""Draining on shutdown: when the server is told to stop (SIGTERM, SIGINT), say so at once.

uvicorn, on SIGTERM, stops accepting connections and waits (up to its graceful timeout) for the
open ones to finish before the application's lifespan ends — but live-event streams never
finish on their own. So the application chains its own handler in front of the server's: it
marks the process as draining (``/readyz`` then answers 503, for a proxy or orchestrator still
holding a connection to it) and ends every live stream at once (browsers reconnect, through the
proxy, to a process that is not stopping), then lets the server's handler go on as before.

Only where a server installed a handler (``serve``, ``dev``, uvicorn's workers): elsewhere —
tests through ASGI, or a thread that is not the main one — nothing is installed.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

log = logging.getLogger(__name__)

_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Shutdown:
    def __init__(self) -> None:
        self.draining = False
        self._on_drain: list[Callable[[], None]] = []
        self._previous: dict[int, Any] = {}

    def on_drain(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (in the event loop) when draining starts."""
        self._on_drain.append(callback)

    def drain(self) -> None:
        """Start draining (once): readiness turns false and the callbacks run."""
        if self.draining:
            return
        self.draining = True
        log.info("shutting down: draining (readiness false, live streams ended)")
        for callback in self._on_drain:
            try:
                callback()
            except Exception:
                log.exception("a drain callback failed")

    def install(self) -> None:
        """Chain in front of the server's signal handlers (see the module's docstring)."""
        if threading.current_thread() is not threading.main_thread():
            return
        loop = asyncio.get_running_loop()
        for sig in _SIGNALS:
            previous = signal.getsignal(sig)
            if not callable(previous) or previous is signal.default_int_handler:
                continue  # no server is handling it: nothing to drain for

            def handler(
                signum: int, frame: FrameType | None, previous: Callable[..., Any] = previous
            ) -> None:
                loop.call_soon_threadsafe(self.drain)
                previous(signum, frame)

            self._previous[sig] = previous
            signal.signal(sig, handler)

    def uninstall(self) -> None:
        """Give the server its own handlers back (at the lifespan's end)."""
        if threading.current_thread() is not threading.main_thread():
            return
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)
        self._previous.clear()
