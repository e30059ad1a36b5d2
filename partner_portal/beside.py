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

from collections.abc import Mapping, Sequence
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
    names = [column.name for column in first.selected_columns]
    own: dict[tuple[Any, ...], Any] = {}
    for row in rows:
        own.setdefault(tuple(row._mapping[name] for name in names), row)
    if not rows:
        return [], []
    key = tuple(rows[0]._mapping[name] for name in names)
    second = [
        _second(row._mapping) for row in rows if tuple(row._mapping[name] for name in names) == key
    ]
    return list(own.values()), [values for values in second if values is not None]


def _second(mapping: Mapping[str, Any]) -> dict[str, Any] | None:
    values = {
        name[len(_PREFIX) :]: value
        for name, value in mapping.items()
        if isinstance(name, str) and name.startswith(_PREFIX)
    }
    return values if any(value is not None for value in values.values()) else None
