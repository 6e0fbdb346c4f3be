"""Bulk inserts (`shared.bulk`) belong to the caller's transaction, even as its first
statement: a batch that fails leaves no inbox row behind, so its events are handled
again on redelivery (issue 10 made the inbox and outbox bulk inserts)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from services.tasks.adapters.tables import metadata
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
