"""Counting the SQL statements a page or a read costs: the guard against N+1 on list pages.

The ``query_counter`` fixture (tests/conftest.py) counts on the application's engine::

    few = await query_counter.for_page(client, "/organisationer")
    ...add many rows...
    assert await query_counter.for_page(client, "/organisationer") == few

``counting()`` counts whatever runs inside a ``with`` block, ``during()`` one awaited read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

import httpx
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

T = TypeVar("T")


class QueryCounter:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine.sync_engine

    @contextmanager
    def counting(self, *, selects_only: bool = False) -> Iterator[list[str]]:
        """The statements executed inside the block, in order (only SELECTs if asked)."""
        statements: list[str] = []

        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if not selects_only or statement.lstrip().upper().startswith("SELECT"):
                statements.append(statement)

        event.listen(self._engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(self._engine, "before_cursor_execute", record)

    async def during(self, work: Callable[[], Awaitable[T]]) -> tuple[int, T]:
        """How many statements ``work`` took, and what it returned."""
        with self.counting() as statements:
            result = await work()
        return len(statements), result

    async def for_page(
        self, client: httpx.AsyncClient, path: str, params: Mapping[str, Any] | None = None
    ) -> int:
        """How many statements a GET of ``path`` took; the page must answer 200."""
        with self.counting() as statements:
            response = await client.get(path, params=params)
        assert response.status_code == 200, (path, response.status_code)
        return len(statements)
