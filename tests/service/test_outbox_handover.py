"""The outbox hands a transaction's rows to the relay of its process only once the
transaction has committed, exactly as they are in the table (shared/messaging/outbox.py):
the relay publishes what it is handed without reading it back, so what it is handed
must be what the table holds, and a rolled-back transaction must hand nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from services.tasks.adapters.tables import metadata
from shared.messaging.outbox import OutboxRow
from tests.events import overdue
from tests.service.conftest import ServiceDb

SERVICE = "tasks"
METADATA = metadata


def unordered(row: OutboxRow) -> OutboxRow:
    return replace(row, headers=sorted(row.headers))


async def test_rows_are_handed_over_after_commit_as_the_table_holds_them(
    service_db: ServiceDb,
) -> None:
    handed: list[OutboxRow] = []
    service_db.outbox.hand_over(handed.extend)
    async with service_db.db.transaction() as session:
        await service_db.outbox.add(session, overdue(1), overdue(2))
        await service_db.outbox.add(session, overdue(3))
        assert handed == []  # not before the commit
    assert len(handed) == 3
    table = METADATA.tables["outbox"]
    async with service_db.db.sessions() as session:
        stored = {r.id: OutboxRow.read(r) for r in await session.execute(select(table))}
    # Header order is not kept by JSONB (nor meaningful to Kafka consumers).
    assert {row.id: unordered(row) for row in handed} == {
        row_id: unordered(row) for row_id, row in stored.items()
    }
    assert [row.id for row in handed] == sorted(stored)  # in the order they were written


async def test_a_rolled_back_transaction_hands_nothing(service_db: ServiceDb) -> None:
    handed: list[OutboxRow] = []
    service_db.outbox.hand_over(handed.extend)
    with pytest.raises(RuntimeError):
        async with service_db.db.transaction() as session:
            await service_db.outbox.add(session, overdue(1))
            raise RuntimeError("the handler failed")
    async with service_db.db.transaction() as session:
        await service_db.outbox.add(session, overdue(2))
    assert [row.event_type for row in handed] == ["chidao.task.overdue.v1"]
    assert len(await service_db.staged()) == 1
