"""Events that tests stage or publish when only their being events matters."""

from __future__ import annotations

import datetime as dt
import uuid

from shared.contracts.events import TaskOverdue
from shared.contracts.values import UnitRef


def overdue(n: int) -> TaskOverdue:
    """A `task.overdue` of a fresh task; `n` (its occurrence) makes each one different."""
    return TaskOverdue(
        agency="sxd-thanhhoa",
        task_id=uuid.uuid4(),
        directive_id=uuid.uuid4(),
        lead_unit=UnitRef(code="VP", name="Văn phòng Sở"),
        at=dt.datetime(2020, 12, 16, tzinfo=dt.UTC),
        due_date=dt.date(2020, 12, 15),
        occurrence=n,
    )
