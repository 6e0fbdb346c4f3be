"""Each service's Alembic migrations build exactly the tables its code declares.

The migrations are frozen snapshots (the outbox and inbox DDL repeated in each first
migration on purpose: a migration must not change when shared code does), so nothing
but this test keeps them and the table metadata in step. Alembic's autogenerate
compares the migrated database with the metadata; any difference fails with it."""

from __future__ import annotations

import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData
from sqlalchemy.engine import Connection

from chidao.stack.postgres import PgSettings
from shared.db import Database
from tests.service.conftest import SERVICES


def _differences(connection: Connection, metadata: MetaData) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


@pytest.mark.parametrize("service", SERVICES)
async def test_migrations_match_the_table_metadata(pg: PgSettings, service: str) -> None:
    metadata: MetaData = importlib.import_module(f"services.{service}.adapters.tables").metadata
    db = Database(pg.url(service))
    try:
        async with db.engine.connect() as conn:
            differences = await conn.run_sync(_differences, metadata)
    finally:
        await db.dispose()
    assert differences == [], f"{service}: migrations and metadata differ: {differences}"


async def test_a_drift_is_reported(pg: PgSettings) -> None:
    """The comparison is not blind: a column the code declares and no migration
    created shows up as a difference."""
    from services.tasks.adapters.tables import metadata as tasks_metadata

    drifted = MetaData()
    for table in tasks_metadata.sorted_tables:
        table.to_metadata(drifted)
    drifted.tables["tasks"].append_column(Column("priority", Integer))
    db = Database(pg.url("tasks"))
    try:
        async with db.engine.connect() as conn:
            differences = await conn.run_sync(_differences, drifted)
    finally:
        await db.dispose()
    assert [d[0] for d in differences if isinstance(d, tuple)] == ["add_column"]
