"""Bulk inserts in one statement, whatever the number of rows.

    INSERT INTO t (a, b) SELECT a, b::jsonb FROM unnest($1::uuid[], $2::text[]) AS u(a, b)

Design note: the rows travel as one array per column, encoded by asyncpg in C, and the
statement's text depends only on the table, the columns and the options, so asyncpg
prepares it once per connection. SQLAlchemy's executemany processes every parameter of
every row in Python and sends one Bind/Execute per row: in the tasks consumer's profile
(issue 10) that was the largest single cost. The statement runs on the session's own
connection, inside its transaction (tests/service/test_bulk.py: a rollback takes it
back). JSONB columns travel as text and are cast in the SELECT, since asyncpg's JSON
codec here is SQLAlchemy's (it expects text).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import json_text

_DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]


@lru_cache(maxsize=256)
def _statement(
    table: Table,
    columns: tuple[str, ...],
    skip_conflicts: bool,
    returning: str | tuple[str, ...] | None,
) -> tuple[str, tuple[bool, ...]]:
    """The statement for these columns, and which of them are JSON (sent as text)."""
    quote = _DIALECT.identifier_preparer.quote
    names, arrays, selected, is_json = [], [], [], []
    for n, name in enumerate(columns, start=1):
        sql_type = table.c[name].type.compile(dialect=_DIALECT)
        json_column = sql_type in ("JSONB", "JSON")
        quoted = quote(name)
        names.append(quoted)
        arrays.append(f"${n}::{'text' if json_column else sql_type}[]")
        selected.append(f"{quoted}::{sql_type}" if json_column else quoted)
        is_json.append(json_column)
    sql = (
        f"INSERT INTO {_DIALECT.identifier_preparer.format_table(table)} ({', '.join(names)}) "
        f"SELECT {', '.join(selected)} FROM unnest({', '.join(arrays)}) AS u({', '.join(names)})"
    )
    if skip_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    if returning:
        wanted = (returning,) if isinstance(returning, str) else returning
        sql += f" RETURNING {', '.join(quote(name) for name in wanted)}"
    return sql, tuple(is_json)


@lru_cache(maxsize=1024)
def _null_by_default(table: Table, name: str) -> bool:
    column = table.c[name]
    return bool(column.nullable) and column.server_default is None and column.default is None


async def insert_rows(
    session: AsyncSession,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    skip_conflicts: bool = False,
    returning: str | tuple[str, ...] | None = None,
) -> list[Any]:
    """Insert `rows` (dicts with the same keys) in the session's transaction; return the
    `returning` column of the rows inserted, or a tuple per row when given several
    (conflicting rows are skipped when asked)."""
    if not rows:
        return []
    # A nullable column without a default that is NULL in every row is left out: NULL
    # is what it gets anyway, and asyncpg spends a type check on every element of every
    # array it encodes (a fresh task has seven such columns).
    columns = tuple(
        name
        for name in rows[0]
        if not _null_by_default(table, name) or any(row[name] is not None for row in rows)
    )
    sql, is_json = _statement(table, columns, skip_conflicts, returning)
    arrays = []
    for name, json_column in zip(columns, is_json, strict=True):
        values = [row[name] for row in rows]
        if json_column:
            values = [None if v is None else json_text(v) for v in values]
        arrays.append(values)
    # Through SQLAlchemy's driver-level execute, not asyncpg directly: that is what
    # begins the session's transaction if this is its first statement (asyncpg alone
    # would run it in autocommit, outside the transaction).
    connection = await session.connection()
    result = await connection.exec_driver_sql(sql, tuple(arrays))
    if not returning:
        return []
    return [row[0] for row in result] if isinstance(returning, str) else [tuple(r) for r in result]
