"""Two queries in one round trip: the rows a page is allowed to see, beside the rows it shows.

A page first reads what decides access (the room, and the person's organisations in it) and
then its data. Each is a short query, yet each is a round trip and a pass through the driver.
:func:`beside` runs both as one statement — every row of the first with every row of the
second beside it (``LEFT JOIN … ON true``; the first's rows alone when the second has none) —
and :func:`split` takes the result apart again. Nothing is decided in SQL: the caller checks
access on the first part exactly as before, and only then looks at the second.

The first query returns few rows (usually one), so the product is about as long as the second.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

_PREFIX = "b_"


def beside(first: Any, second: Any, *, order_by: Sequence[str] = ()) -> Any:
    """One statement: ``first``'s columns as they are, then ``second``'s, each name prefixed,
    ordered by ``second``'s columns ``order_by`` ("-name" descending; an order inside a
    subquery is not kept)."""
    a = first.subquery("a")
    b = second.subquery("b")
    columns = [*a.c, *(column.label(_PREFIX + column.name) for column in b.c)]
    return (
        sa.select(*columns)
        .select_from(a.outerjoin(b, sa.true()))
        .order_by(
            *(b.c[name[1:]].desc() if name.startswith("-") else b.c[name] for name in order_by)
        )
    )


def split(rows: Sequence[Any], first: Any) -> tuple[list[Any], list[dict[str, Any]]]:
    """``first``'s rows (each once, as rows) and ``second``'s rows (as mappings under their own
    names), from the rows of ``beside(first, second)``."""
    if not rows:
        return [], []
    width = len(first.selected_columns)
    names = [name[len(_PREFIX) :] for name in rows[0]._fields[width:]]
    own: dict[tuple[Any, ...], Any] = {}
    for row in rows:
        own.setdefault(tuple(row[:width]), row)
    key = tuple(rows[0][:width])
    second = [
        dict(zip(names, row[width:], strict=True))
        for row in rows
        if tuple(row[:width]) == key and any(value is not None for value in row[width:])
    ]
    return list(own.values()), second
