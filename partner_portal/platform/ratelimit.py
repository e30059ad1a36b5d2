"""A small in-process sliding-window rate limiter.

Limits kept in one process's memory are per process: with N processes the effective limit is up
to N times higher. That is acceptable for throttling login starts; limits that must hold across
processes (invitations per inviter) are counted in the database instead.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from partner_portal.platform.errors import TooManyRequests


class RateLimiter:
    def __init__(
        self, limit: int, window_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window_seconds
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}

    def hit(self, key: str) -> None:
        """Count one use by ``key``; raise TooManyRequests when over the limit."""
        now = self._clock()
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            raise TooManyRequests(retry_after=max(1, int(hits[0] + self.window - now) + 1))
        hits.append(now)
        if len(self._hits) > 10_000:  # forget idle keys so memory stays bounded
            self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - self.window}
