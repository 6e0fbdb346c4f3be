"""Bulk inserts (`shared.bulk`) belong to the caller's transaction, even as its first
statement: a batch that fails leaves no inbox row behind, so its events are handled
again on redelivery (issue 10 made the inbox and outbox bulk inserts)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from services.tasks.adapters.tables import metadata
from shared.bulk import insert_rows
from shared.messaging.inbox import Delivery, first_deliveries
from tests.service.conftest import ServiceDb

SERVICE = "tasks"
METADATA = metadata


async def test_a_failed_transaction_takes_back_its_bulk_inserts(service_db: ServiceDb) -> None:
    inbox = METADATA.tables["inbox"]
    deliveries = [Delivery(f"event-{n}", "test.v1", "chidao.tasks.v1", 0, n) for n in range(3)]
    with pytest.raises(RuntimeError):
        async with service_db.db.transaction() as session:
            fresh = await first_deliveries(session, inbox, "tasks", deliveries)
            assert fresh == {"event-0", "event-1", "event-2"}
            raise RuntimeError("the handler failed")
    assert await service_db.handled() == 0

    async with service_db.db.transaction() as session:
        assert len(await first_deliveries(session, inbox, "tasks", deliveries)) == 3
    async with service_db.db.transaction() as session:
        # Delivered again: none is fresh, and nothing is doubled.
        assert await first_deliveries(session, inbox, "tasks", deliveries) == set()
    async with service_db.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(inbox)) == 3


async def test_columns_left_null_in_every_row_are_null_and_defaults_are_not_overridden(
    service_db: ServiceDb,
) -> None:
    """A column NULL in every row is left out of the statement (`shared.bulk`): it must
    still read NULL, while a column with a default that the rows do give keeps it."""
    tasks = METADATA.tables["tasks"]
    rows: list[dict[str, Any]] = [
        {
            "id": uuid.uuid4(),
            "agency": "sxd-thanhhoa",
            "directive_id": uuid.uuid4(),
            "violation_id": None,  # nullable, no default: left out
            "assignment_index": n,
            "occurrence": None if n else 2,  # given in one row: kept for all
            "lead_name": "Văn phòng Sở",
            "coordinating_units": [],
            "action": f"Nhiệm vụ {n}",
            "deadline": {"kind": "none", "text": ""},
            "status": "assigned",
            "percent": 7,  # has a default of 0: the value given wins
            "pending_extension": None,
        }
        for n in range(3)
    ]
    async with service_db.db.transaction() as session:
        inserted = await insert_rows(session, tasks, rows, returning="id")
    assert sorted(inserted) == sorted(r["id"] for r in rows)
    async with service_db.db.sessions() as session:
        stored = (
            await session.execute(
                select(
                    tasks.c.assignment_index,
                    tasks.c.violation_id,
                    tasks.c.occurrence,
                    tasks.c.percent,
                    tasks.c.pending_extension,
                    tasks.c.overdue_notified,
                ).order_by(tasks.c.assignment_index)
            )
        ).all()
    assert [tuple(r) for r in stored] == [
        (0, None, 2, 7, None, False),
        (1, None, None, 7, None, False),
        (2, None, None, 7, None, False),
    ]
