"""The outbox never stages an event the broker would refuse: the command fails instead,
and nothing of it is written."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from services.directives.adapters.tables import metadata
from shared.contracts.events import DirectiveIssued
from shared.contracts.limits import MAX_EVENT_BYTES
from shared.contracts.values import Assignment, DirectiveContent, DocType, UnitRef
from shared.errors import InvalidField
from tests.service.conftest import ServiceDb

SERVICE = "directives"
METADATA = metadata


def _issued(duties: int, action_chars: int) -> DirectiveIssued:
    duty = Assignment(lead_unit=UnitRef(code="VP", name="Văn phòng Sở"), action="x" * action_chars)
    return DirectiveIssued(
        agency="sxd-thanhhoa",
        directive_id=uuid.uuid4(),
        reference="01/TB-SXD",
        issued_at=dt.datetime(2020, 4, 20, 2, tzinfo=dt.UTC),
        content=DirectiveContent(
            doc_type=DocType.NOTICE, subject="Rất dài", assignments=(duty,) * duties
        ),
    )


async def test_an_event_over_the_limit_fails_its_command_and_writes_nothing(
    service_db: ServiceDb,
) -> None:
    small, big = _issued(10, 1_000), _issued(200, 5_000)
    assert len(big.model_dump_json()) > MAX_EVENT_BYTES > len(small.model_dump_json())
    with pytest.raises(InvalidField, match=r"over the limit of 900,000"):
        async with service_db.db.transaction() as session:
            await service_db.outbox.add(session, small, big)
    assert await service_db.staged() == []  # not even the small one: one transaction
    async with service_db.db.transaction() as session:
        await service_db.outbox.add(session, small)
    assert await service_db.staged() == [small]
