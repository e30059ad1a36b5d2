"""Rate limits, counted in Redis when ``PORTAL_REDIS_URL`` is set and in this process otherwise.

The one module that uses the ``limits`` library (and ``redis``, its client). Every limit is a
moving window: at most ``limit`` uses by one key in any ``window_seconds``.

- Without Redis each process counts alone, in its memory: with N processes a limit allows up to
  N times as much. Enough for one process (the README says when).
- With Redis every process counts in the same place, so N processes share one limit. Keys are
  ``partnerportalen:<host of PORTAL_BASE_URL>:…``: the processes of one portal share the base URL,
  and two portals (a test and a production instance) may share one Redis without counting
  together.
- Redis not answering (down, unreachable, slower than half a second) does not stop the portal:
  the limits are counted in this process's memory meanwhile (as without Redis), one warning is
  logged, and Redis is tried again every ten seconds; its return is logged too. A throttle that
  fails closed would lock every person out of logging in while Redis is away.

Counting follows the library's own clock, the real time (not the portal's clock, which tests and
exercises move): a window is a stretch of real time.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

from partner_portal.platform.errors import TooManyRequests
from partner_portal.platform.settings import Settings

if TYPE_CHECKING:
    from redis.asyncio import ConnectionPool

log = logging.getLogger(__name__)

# Redis is on the local network: an answer slower than this is no answer.
REDIS_TIMEOUT_SECONDS = 0.5
# After Redis failed to answer, it is asked again only after this long (counting in memory).
REDIS_RETRY_SECONDS = 10.0


class RateLimitStore:
    """Where the portal's limits are counted: one per application (``Portal.rate_limits``)."""

    def __init__(self, redis_url: str = "", *, namespace: str = "partnerportalen") -> None:
        self._local = MovingWindowRateLimiter(MemoryStorage())
        self._pool: ConnectionPool | None = None
        self._shared: MovingWindowRateLimiter | None = None
        self._redis_away_until = 0.0  # time.monotonic(); 0: Redis answered last time
        if redis_url:
            from redis.asyncio import ConnectionPool  # with cryptography: only when used

            self._pool = ConnectionPool.from_url(
                redis_url,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
            storage = RedisStorage(
                f"async+{redis_url}",
                implementation="redispy",
                wrap_exceptions=True,
                key_prefix=namespace,
                # A documented option the library's annotation leaves out: the pool is ours,
                # so that close() can end its connections.
                connection_pool=self._pool,  # type: ignore[arg-type]
            )
            self._shared = MovingWindowRateLimiter(storage)

    @classmethod
    def for_settings(cls, settings: Settings) -> RateLimitStore:
        return cls(settings.redis_url, namespace=f"partnerportalen:{_host(settings.base_url)}")

    @property
    def shared(self) -> bool:
        """Whether the limits are meant to be counted in Redis (PORTAL_REDIS_URL is set)."""
        return self._shared is not None

    def limiter(self, name: str, limit: int, window_seconds: int) -> RateLimiter:
        """A limit of ``limit`` uses per key in any ``window_seconds``, named for its keys."""
        return RateLimiter(limit, window_seconds, store=self, name=name)

    async def hit(self, item: RateLimitItem, *identifiers: str) -> int | None:
        """Count one use; None when it is allowed, else the seconds until it would be."""
        shared = self._shared
        if shared is not None and time.monotonic() >= self._redis_away_until:
            try:
                retry_after = await _hit(shared, item, identifiers)
            except (StorageError, OSError) as exc:
                if not self._redis_away_until:
                    log.warning(
                        "rate limits: Redis does not answer (%s); counting in this process "
                        "until it does",
                        exc,
                    )
                self._redis_away_until = time.monotonic() + REDIS_RETRY_SECONDS
            else:
                if self._redis_away_until:
                    log.warning("rate limits: Redis answers again; counting there")
                    self._redis_away_until = 0.0
                return retry_after
        return await _hit(self._local, item, identifiers)

    async def redis_answers(self) -> bool | None:
        """None without Redis; else whether it answers a PING now."""
        if self._shared is None:
            return None
        return await self._shared.storage.check()

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()


class RateLimiter:
    """One limit: ``await hit(key)`` counts a use by ``key`` or raises TooManyRequests (429, with
    ``Retry-After``). Without a store of its own it counts in this process's memory."""

    def __init__(
        self,
        limit: int,
        window_seconds: int,
        *,
        store: RateLimitStore | None = None,
        name: str = "limit",
    ) -> None:
        self.limit = limit
        self.window = window_seconds
        self._item = RateLimitItemPerSecond(limit, window_seconds)
        self._store = store if store is not None else RateLimitStore()
        self._name = name

    async def hit(self, key: str) -> None:
        """Count one use by ``key``; raise TooManyRequests when over the limit."""
        retry_after = await self._store.hit(self._item, self._name, key)
        if retry_after is not None:
            raise TooManyRequests(retry_after=retry_after)


async def _hit(
    limiter: MovingWindowRateLimiter, item: RateLimitItem, identifiers: tuple[str, ...]
) -> int | None:
    if await limiter.hit(item, *identifiers):
        return None
    stats = await limiter.get_window_stats(item, *identifiers)
    # The library stamps each use with the real time: the wait is measured on the same clock.
    now = time.time()  # noqa: TID251
    return max(1, int(stats.reset_time - now) + 1)


def _host(base_url: str) -> str:
    return urlsplit(base_url).netloc.lower()
