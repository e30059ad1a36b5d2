"""A built-once ``SELECT`` (or ``INSERT`` of one row) run straight on the driver, compiled once
per database.

The portal's hot reads (the login session, each page's access and data, built once at import
and read through :func:`partner_portal.platform.db.read`) are small: a few microseconds of
SQLite, a round trip to PostgreSQL. Around each, SQLAlchemy's Core execution spends more than
that — 80 µs a statement on SQLite, 100 µs on PostgreSQL, measured on the project's machine
(``bench.inprocess``): looking the compiled form up in its cache, an execution context, the
parameters processed, a cursor result and its metadata made, the rows wrapped.

Here a statement is compiled the first time it is read on a database and what SQLAlchemy works
out each time is kept: the SQL, the order of its parameters with each one's bind processor, and
each result column's name with its result processor. A read then hands the SQL to SQLAlchemy's
own driver adapter on the session's connection (the same cursor, the same transaction — begun
by the session as ever — the same translation of the driver's errors) and makes each row a
named tuple with what a SQLAlchemy ``Row`` offers the portal: attributes, indexes, ``_fields``,
``_mapping``, ``_asdict()``.

A write of one row (an ``INSERT`` whose values are all given, no Python-side defaults to work
out; with ``RETURNING`` or without) is taken the same way, compiled once for the columns it is
given.

What is not changed: the ``before_cursor_execute`` listeners run for every statement (the
tests count statements with them, and db.py notes a write with them); a driver's error goes
through SQLAlchemy's own handling (wrapped as a ``DBAPIError``, a lost connection invalidated);
a statement this cannot take — not a plain ``SELECT`` or ``INSERT``, a ``FOR UPDATE``, an ``IN``
list expanded per call, a column default to compute, columns that cannot be named apart — runs as
SQLAlchemy runs it (:func:`rows` returns None for it, and the caller does so).
"""

from __future__ import annotations

import keyword
from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Insert, Select
from sqlalchemy.util.concurrency import greenlet_spawn

from partner_portal.platform import sqlite_driver

Processor = Callable[[Any], Any] | None


class _RowBase(tuple):  # type: ignore[type-arg]
    """What the portal reads of a SQLAlchemy Row beyond a named tuple's own: ``_mapping``."""

    __slots__ = ()
    _fields: tuple[str, ...]

    if TYPE_CHECKING:

        @classmethod
        def _make(cls, iterable: Iterable[Any]) -> _RowBase: ...

    @property
    def _mapping(self) -> Mapping[str, Any]:
        return dict(zip(self._fields, self, strict=True))


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the parameters, in the order the SQL takes them
    bind: tuple[Processor, ...]
    defaults: Mapping[str, Any]  # values bound in the statement itself (sa.literal …)
    result: tuple[Processor, ...]
    row: type[_RowBase]


# (dialect name, id(statement), an INSERT's columns) -> the statement (kept alive, so that its
# id is not another's) and its compiled form, or None: SQLAlchemy runs it.
_COMPILED: dict[tuple[str, int, tuple[str, ...]], tuple[Any, _Compiled | None]] = {}
# Statements are built once, at import: a few hundred at most. One built per call would not
# be found again; past this many the cache stops growing, and a statement not in it runs as
# SQLAlchemy runs it (compiling it here on every call would cost more than that).
_MOST_REMEMBERED = 1024


def _compile(statement: Any, dialect: Dialect, columns: tuple[str, ...] = ()) -> _Compiled | None:
    if isinstance(statement, Insert):
        if statement._multi_values or statement.select is not None:
            return None
        compiled: Any = statement.compile(dialect=dialect, column_keys=list(columns))
        if compiled.insert_prefetch:  # a default computed in Python for a column not given
            return None
    elif isinstance(statement, Select) and statement._for_update_arg is None:
        compiled = statement.compile(dialect=dialect)
    else:
        return None
    if (
        compiled.literal_execute_params
        or compiled.escaped_bind_names
        or not compiled.positional
        or compiled.positiontup is None
    ):
        return None
    # What the caller must give; the rest is bound in the statement itself (sa.literal, a
    # comparison with a value, an IN list of values).
    required = {name for name, bind in compiled.binds.items() if bind.required}
    values = compiled.construct_params(_check=False)
    sql, names, processors = compiled.string, compiled.positiontup, compiled._bind_processors
    if compiled.post_compile_params:
        # An IN list is written out per call, as many parameters as it has values: its values
        # are the statement's own (not given per call), so it is written out once, here.
        if any(compiled.binds[bind.key].required for bind in compiled.post_compile_params):
            return None
        expanded = compiled._process_parameters_for_postcompile(values)
        sql, names, values = expanded.statement, expanded.positiontup, expanded.parameters
        processors = {**processors, **expanded.processors}
    results = compiled._result_columns
    keys = tuple(column.keyname for column in results)
    if len(set(keys)) != len(keys) or not all(
        key.isidentifier() and not keyword.iskeyword(key) and not key.startswith("_")
        for key in keys
    ):
        return None
    row: type[_RowBase] = type(
        "Row",
        (namedtuple("Row", keys), _RowBase),
        {"__slots__": ()},
    )
    return _Compiled(
        sql=sql,
        names=tuple(names),
        bind=tuple(processors.get(name) for name in names),
        defaults={name: value for name, value in values.items() if name not in required},
        result=tuple(column.type._cached_result_processor(dialect, None) for column in results),
        row=row,
    )


def _compiled(
    statement: Any, dialect: Dialect, parameters: Mapping[str, Any] | None = None
) -> _Compiled | None:
    columns = tuple(parameters or ()) if isinstance(statement, Insert) else ()
    key = (dialect.name, id(statement), columns)
    try:
        return _COMPILED[key][1]
    except KeyError:
        if len(_COMPILED) >= _MOST_REMEMBERED:
            return None  # not built once after all: SQLAlchemy's own cache serves it
        found = _compile(statement, dialect, columns)
        _COMPILED[key] = (statement, found)
        return found


async def rows(
    connection: AsyncConnection,
    statement: Any,
    parameters: Mapping[str, Any] | None,
    *,
    outside_transaction: bool = False,
) -> list[Any] | None:
    """``statement``'s rows (none for an ``INSERT`` without ``RETURNING``), run on
    ``connection``'s driver; None if SQLAlchemy must run it.

    ``outside_transaction``: a read of a request that only reads. On PostgreSQL it then begins
    no transaction (``BEGIN``, and the ``ROLLBACK`` that ends it, are two round trips of a page's
    six): each read is a transaction of its own, and reads what is committed when it begins, as
    each statement of a READ COMMITTED transaction does — as SQLite's reads of such a request
    do (db.RequestTransactions). A write, or a read once a transaction has begun, is in it."""
    sync: Connection = connection.sync_connection  # type: ignore[assignment]
    dialect = sync.dialect
    compiled = _compiled(statement, dialect, parameters)
    if compiled is None or sync._echo:
        return None
    given = parameters or {}
    values: list[Any] = []
    for name, process in zip(compiled.names, compiled.bind, strict=True):
        try:
            value = given[name]
        except KeyError:
            if name not in compiled.defaults:
                return None  # a parameter not given: SQLAlchemy says so in its own words
            value = compiled.defaults[name]
        values.append(value if process is None else process(value))
    # asyncpg takes its arguments as a tuple, sqlite3 as any sequence.
    outside = outside_transaction and isinstance(statement, Select)
    return _made(await _execute(sync, compiled.sql, tuple(values), outside=outside), compiled)


async def execute(connection: AsyncConnection, sql: str) -> None:
    """A statement of the driver's own, without parameters or rows (``BEGIN IMMEDIATE``), run
    on ``connection``'s driver as :func:`rows` runs a read."""
    await _execute(connection.sync_connection, sql, ())  # type: ignore[arg-type]


def execute_sync(connection: Connection, sql: str) -> None:
    """:func:`execute` from SQLAlchemy's synchronous side (an event, in its greenlet)."""
    cursor = _cursor_told(connection, sql, ())
    try:
        cursor.execute(sql, ())
    except BaseException as error:
        connection._handle_dbapi_exception(error, sql, (), cursor, None)


async def _execute(
    sync: Connection, sql: str, arguments: tuple[Any, ...], *, outside: bool = False
) -> Sequence[Any]:
    """Run ``sql`` on the connection's driver adapter: SQLAlchemy's listeners told first, the
    driver's error made SQLAlchemy's (the connection invalidated if it was lost)."""
    cursor = _cursor_told(sync, sql, arguments)
    try:
        if sync.dialect.name == "sqlite":
            raw: Sequence[Any] = await sqlite_driver.execute(cursor, sql, arguments)
        elif outside and cursor._adapt_connection._transaction is None:
            raw = await _read_without_transaction(cursor, sql, arguments)
        else:
            await cursor._prepare_and_execute(sql, arguments)
            raw = cursor._rows
    except BaseException as error:
        await greenlet_spawn(sync._handle_dbapi_exception, error, sql, arguments, cursor, None)
        raise  # not reached: SQLAlchemy raises what it made of the error
    return raw


def _cursor_told(connection: Connection, sql: str, arguments: tuple[Any, ...]) -> Any:
    """A cursor of the connection's driver adapter, SQLAlchemy's ``before_cursor_execute``
    listeners told of what it is about to run."""
    cursor: Any = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    for listener in connection.dispatch.before_cursor_execute:
        listener(connection, cursor, sql, arguments, None, False)
    return cursor


def _made(raw: Sequence[Any], compiled: _Compiled) -> list[Any]:
    make = compiled.row._make
    processors = compiled.result
    if not any(processors):
        return [make(row) for row in raw]
    return [
        make(
            [
                value if process is None else process(value)
                for value, process in zip(row, processors, strict=True)
            ]
        )
        for row in raw
    ]


async def _read_without_transaction(cursor: Any, sql: str, arguments: tuple[Any, ...]) -> Any:
    """asyncpg: the adapter's own prepared statement, fetched without the ``BEGIN`` the adapter
    sends before a connection's first statement (its ``_prepare_and_execute`` less
    ``_start_transaction``); the adapter's error translation. A transaction the adapter has not
    begun is not ended either: no ``ROLLBACK`` at the end of the request."""
    adapted = cursor._adapt_connection
    async with adapted._execute_mutex:
        try:
            prepared, _attributes = await adapted._prepare(
                sql, cursor._invalidate_schema_cache_asof
            )
            return await prepared.fetch(*arguments)
        except Exception as error:
            adapted._handle_exception(error)
